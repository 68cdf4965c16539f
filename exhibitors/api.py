"""REST API of booths and their products (registered on the one router in config/urls.py).

GET /api/booths/                   published booths; filters: ?fair=<slug> &hall=<slug>
                                   &country=<ISO alpha-2 of the company> &hs=<2-6 digit HS code or prefix>
GET /api/booths/{id}/              one booth: published, or a draft for its staff and the fair's organizers
GET /api/booths/{id}/products/     its products
POST /api/booths/{id}/status/      the booth's staff: {"status": "on_duty" | "away" | "live",
                                   "stream_url": "https://..."} (live needs the link); everyone in the
                                   booth hears it (docs/booth-protocol.md)

PATCH /api/booths/{id}/            the booth's staff and the fair's organizers: {"tagline": {"en": ...},
                                   "story": {"ko": ...}, "target_markets": [...], "certifications": [...],
                                   "languages": [...], "video_url": "..."} (any of them)
POST /api/booths/{id}/products/    a new product: {"names": {"en": ...}, "descriptions": {...}, "hs_code",
                                   "moq", "moq_unit", "price_min", "price_max", "currency", "incoterm"}
GET /api/booths/{id}/products/{product}/     one product
PATCH /api/booths/{id}/products/{product}/   change it (the same fields, any of them)
DELETE /api/booths/{id}/products/{product}/  remove it
POST /api/booths/{id}/publish/     {"published": true | false}: open the booth, or take it back to a draft

API tokens need the "booth" scope to write here (fair/tokens.py). Images, logo and video files are
uploaded on the booth builder's page (the API takes JSON only).

A bad filter answers 400 {"code": "hs_code.format" | "country.unknown", "message": ...}; a bad status
400 {"code": "status.invalid" | "status.bad_url", ...}; someone who is not the booth's staff 403.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from exhibitors import builder, services
from exhibitors.access import access_booth, viewer_of
from exhibitors.models import Booth, Product
from exhibitors.serializers import BoothSerializer, ProductSerializer
from fair import hs, vocab
from kernel.api import parse_id, validated
from kernel.errors import DomainError, NotFound


def _clean(value: str, normalise) -> str:
    try:
        return normalise(value)
    except ValidationError as e:
        raise DomainError(e.code or "invalid", e.messages[0]) from None


def booth_list_public(
    *,
    fair: str | None = None,
    hall: str | None = None,
    country: str | None = None,
    hs_code: str | None = None,
) -> QuerySet[Booth]:
    """Published booths, filtered; raises DomainError for a malformed country or HS code."""
    qs = Booth.objects.filter(status=Booth.Status.PUBLISHED, fair__published=True)
    if fair:
        qs = qs.filter(fair__slug=fair)
    if hall:
        qs = qs.filter(hall__slug=hall)
    if country:
        qs = qs.filter(company__country=_clean(country, vocab.normalise_country))
    if hs_code:
        code = _clean(hs_code, hs.validate_hs_code)
        # A booth matches when one of its own codes or one of its products' codes starts with the prefix.
        # Codes are stored as a JSON list of digit strings, so '"33' in its text form marks a prefix.
        products = Product.objects.filter(booth=OuterRef("pk"), hs_code__startswith=code)
        qs = qs.annotate(_codes=Cast("hs_codes", TextField())).filter(
            Q(_codes__contains=f'"{code}') | Exists(products)
        )
    return _with_related(qs)


def _with_related(qs: QuerySet[Booth]) -> QuerySet[Booth]:
    return (
        qs.select_related("fair", "hall", "company")
        .annotate(product_count=Count("products"))
        .order_by("fair__slug", "company__name", "pk")
    )


def product_list(*, booth: Booth) -> QuerySet[Product]:
    return Product.objects.filter(booth=booth)


def _texts() -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=5000),
        required=False,
        help_text="per language code (ko, en, zh_hans, ja, vi, id)",
    )


class BoothIn(serializers.Serializer):
    tagline = _texts()
    story = _texts()
    target_markets = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=250, required=False
    )
    certifications = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=100, required=False
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=20), max_length=50, required=False
    )
    video_url = serializers.CharField(max_length=500, allow_blank=True, required=False)


class ProductIn(serializers.Serializer):
    names = _texts()
    descriptions = _texts()
    hs_code = serializers.CharField(max_length=12, required=False)
    moq = serializers.IntegerField(min_value=0, max_value=2**31 - 1, allow_null=True, required=False)
    moq_unit = serializers.CharField(max_length=20, allow_blank=True, required=False)
    price_min = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, allow_null=True, required=False
    )
    price_max = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, allow_null=True, required=False
    )
    currency = serializers.CharField(max_length=3, required=False)
    incoterm = serializers.CharField(max_length=3, allow_blank=True, required=False)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)


def _localized(field: str, texts: dict) -> dict:
    """{"en": "..."} as the model's columns ({"tagline_en": "..."}); the service refuses unknown ones."""
    return {builder.localized(field, code.replace("_", "-")): text for code, text in texts.items()}


def _product_values(data: dict) -> dict:
    values = {
        **_localized("name", data.pop("names", {})),
        **_localized("description", data.pop("descriptions", {})),
    }
    return {**values, **data}


class PublishIn(serializers.Serializer):
    published = serializers.BooleanField()


class StatusIn(serializers.Serializer):
    status = serializers.CharField(max_length=12)
    stream_url = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class StatusOut(serializers.Serializer):
    status = serializers.CharField()
    stream_url = serializers.CharField()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("fair", OpenApiTypes.STR, description="Fair slug"),
            OpenApiParameter("hall", OpenApiTypes.STR, description="Hall slug"),
            OpenApiParameter("country", OpenApiTypes.STR, description="Company country, ISO 3166-1 alpha-2"),
            OpenApiParameter("hs", OpenApiTypes.STR, description="HS code or prefix, 2-6 digits, e.g. 33"),
        ]
    )
)
@extend_schema_view(
    partial_update=extend_schema(request=BoothIn, responses=BoothSerializer),
    products=extend_schema(
        request=ProductIn, responses={200: ProductSerializer(many=True), 201: ProductSerializer}
    ),
    publish=extend_schema(request=PublishIn, responses=BoothSerializer),
    product=extend_schema(
        parameters=[OpenApiParameter("product", int, OpenApiParameter.PATH)],
        request=ProductIn,
        responses={200: ProductSerializer, 204: None},
    ),
)
class BoothViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BoothSerializer
    api_scope = "booth"  # what an API token needs to write here (fair/tokens.py)

    def get_queryset(self):
        p = self.request.query_params
        return booth_list_public(
            fair=p.get("fair"), hall=p.get("hall"), country=p.get("country"), hs_code=p.get("hs")
        )

    def get_object(self):
        """One booth: published, or a draft its staff and the fair's organizers see (booth:view)."""
        booth_id = parse_id(self.kwargs.get("pk")) or 0
        return access_booth(self.request.user, booth_id, rows=_with_related(Booth.objects.all()))

    def partial_update(self, request, pk=None):
        """The booth's texts per language, markets, certifications, languages and video link."""
        booth = access_booth(request.user, parse_id(pk) or 0, perm="booth:edit")
        data = validated(BoothIn, request.data, code="booth.invalid")
        texts = {
            **_localized("tagline", data.pop("tagline", {})),
            **_localized("story", data.pop("story", {})),
        }
        builder.booth_update(user=request.user, booth=booth, texts=texts, **data)
        return Response(self.get_serializer(self.get_object()).data)

    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def products(self, request, pk=None):
        """GET: its products. POST: a new product (the booth's staff and the fair's organizers)."""
        if request.method == "POST":
            booth = access_booth(request.user, parse_id(pk) or 0, perm="booth:edit")
            data = validated(ProductIn, request.data, code="product.invalid")
            product = builder.product_save(user=request.user, booth=booth, values=_product_values(data))
            return Response(ProductSerializer(product).data, status=201)
        return Response(ProductSerializer(product_list(booth=self.get_object()), many=True).data)

    @action(
        detail=True,
        methods=["get", "patch", "delete"],
        url_path=r"products/(?P<product>\d+)",
    )
    def product(self, request, pk=None, product=None):
        """GET: one of the booth's products. PATCH: change it; DELETE: remove it (the booth's staff
        and the fair's organizers)."""
        perm = "booth:view" if request.method == "GET" else "booth:edit"
        booth = access_booth(request.user, parse_id(pk) or 0, perm=perm)
        row = Product.objects.filter(booth=booth, pk=parse_id(product) or 0).first()
        if row is None:
            raise NotFound("product.not_found", _("There is no such product in this booth."))
        if request.method == "GET":
            return Response(ProductSerializer(row).data)
        if request.method == "DELETE":
            builder.product_delete(user=request.user, booth=booth, product_id=row.pk)
            return Response(status=204)
        data = validated(ProductIn, request.data, code="product.invalid")
        row = builder.product_save(user=request.user, booth=booth, values=_product_values(data), product=row)
        return Response(ProductSerializer(row).data)

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Open the booth to the public (it needs a product first) or take it back to a draft."""
        booth = access_booth(request.user, parse_id(pk) or 0, perm="booth:edit")
        data = validated(PublishIn, request.data, code="booth.invalid")
        change = builder.booth_publish if data["published"] else builder.booth_unpublish
        change(user=request.user, booth=booth)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=StatusIn, responses=StatusOut)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def status(self, request, pk=None):
        """The booth's staff set it on duty, away, or live with a stream link."""
        booth = access_booth(request.user, parse_id(pk) or 0, perm="booth:staff")
        data = validated(StatusIn, request.data, code="status.invalid")
        viewer = viewer_of(request.user, booth)
        booth = services.booth_status_set(
            booth=booth, viewer=viewer, status=data["status"], stream_url=data["stream_url"]
        )
        return Response({"status": booth.live_status, "stream_url": booth.stream_url})


def register(router) -> None:
    router.register("booths", BoothViewSet, basename="booth")
