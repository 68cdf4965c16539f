"""REST API of recommendations (on the router in config/urls.py). Thin: parse, check, call a service.

GET  /api/recommendations/exhibitors/?fair=<slug>[&hall=<slug>][&country=JP][&k=20]
     booths for me, an approved buyer of the fair, best first, each with its reasons
GET  /api/recommendations/buyers/?booth=<id>[&k=20]
     buyers for a booth I staff (company, country, what they source; never contact details)
GET  /api/recommendations/markets/?booth=<id>[&hs=<code>]
     for each product of the booth (or one HS code), the most promising markets at this fair
POST /api/recommendations/marks/   {"booth": id, "value": "must_meet|interested|no_thanks"}  as the buyer
                                   {"booth": id, "buyer": id, "value": ...}                  as booth staff

Reasons come as structured ``reasons`` and as ``texts`` in the request's language (Accept-Language).
Errors answer 4xx as {"code": "matching.no_model", "message": "..."}.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from exhibitors.access import access_booth
from exhibitors.models import Booth
from fair import hs
from fair.access import access_fair, access_participation
from fair.models import Fair, Participant
from kernel.api import ID_SCHEMA, id_field, parse_id, validated
from kernel.errors import DomainError, NotFound
from matching import services
from matching.models import Mark
from matching.reasons import EXHIBITOR, render_reasons

MAX_K = 100


def _reasons_field():
    return serializers.ListField(
        child=serializers.DictField(),
        help_text="structured reasons: {code, sign (1 in favour, -1 a mismatch, never hidden, 0 a note), "
        "and the parameters of the code (hs, country, cert, language, terms, count, buyers, by, mark)}",
    )


class BoothRecommendationOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="the booth's id")
    booth_id = serializers.IntegerField()
    company = serializers.CharField()
    country = serializers.CharField()
    hall = serializers.CharField(help_text="hall slug, empty when none")
    hall_name = serializers.CharField()
    tagline = serializers.CharField()
    hs_codes = serializers.ListField(child=serializers.CharField())
    target_markets = serializers.ListField(child=serializers.CharField())
    certifications = serializers.ListField(child=serializers.CharField())
    score = serializers.FloatField()
    fit = serializers.CharField(help_text="strong, good, partial or weak")
    reasons = _reasons_field()
    texts = serializers.ListField(child=serializers.CharField(), help_text="the reasons as sentences")
    marks = serializers.DictField(child=serializers.CharField(), help_text="side -> mark on this pair")


class BuyerRecommendationOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="the buyer participant's id")
    buyer_id = serializers.IntegerField()
    company = serializers.CharField()
    country = serializers.CharField()
    hs_codes = serializers.ListField(child=serializers.CharField(), help_text="what the buyer sources")
    required_certifications = serializers.ListField(child=serializers.CharField())
    score = serializers.FloatField()
    fit = serializers.CharField(help_text="strong, good, partial or weak")
    reasons = _reasons_field()
    texts = serializers.ListField(child=serializers.CharField())
    marks = serializers.DictField(child=serializers.CharField())


class MarketOut(serializers.Serializer):
    country = serializers.CharField()
    buyers = serializers.IntegerField(help_text="buyers from this country sourcing the product")
    buyers_exact = serializers.IntegerField()
    buyers_met_sellers = serializers.IntegerField()
    score = serializers.FloatField()
    reasons = _reasons_field()
    texts = serializers.ListField(child=serializers.CharField())


class ProductMarketsOut(serializers.Serializer):
    product = serializers.CharField(allow_null=True)
    product_id = serializers.IntegerField(allow_null=True)
    hs_code = serializers.CharField()
    markets = MarketOut(many=True)


class MarkIn(serializers.Serializer):
    booth = id_field()
    buyer = id_field(required=False, help_text="booth staff: the buyer participant to mark")
    value = serializers.ChoiceField(choices=Mark.Value.values)


class MarkOut(serializers.Serializer):
    booth = serializers.IntegerField(source="booth_id")
    buyer = serializers.IntegerField(source="buyer_id")
    side = serializers.CharField()
    value = serializers.CharField()


def _int(value: str | None, name: str) -> int:
    number = parse_id(value)
    if number is None:
        raise DomainError("matching.bad_input", f"{name}: give a whole number from 1.")
    return number


def _k(request) -> int:
    raw = request.query_params.get("k")
    k = _int(raw, "k") if raw is not None else 20
    if not 1 <= k <= MAX_K:
        raise DomainError("matching.bad_input", f"k: from 1 to {MAX_K}.")
    return k


def _booth(request, booth_id: int) -> Booth:
    return access_booth(request.user, booth_id, perm="booth:leads")


def _buyer(request, fair: Fair) -> Participant:
    return access_participation(
        request.user,
        fair,
        Participant.Role.BUYER,
        code="matching.denied",
        message=_("Only approved buyers of this fair get recommended booths."),
    )


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", None) or "en"


class RecommendationViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated]
    api_scope = "leads"  # marks: what an API token needs to write here (fair/tokens.py)

    @extend_schema(
        parameters=[
            OpenApiParameter("fair", str, required=True, description="the fair's slug"),
            OpenApiParameter("hall", str, description="only booths in this hall (slug)"),
            OpenApiParameter("country", str, description="only exhibitors from this country (ISO code)"),
            OpenApiParameter(
                "k",
                {"type": "integer", "minimum": 1, "maximum": MAX_K},
                description=f"how many, 1 to {MAX_K} (default 20)",
            ),
        ],
        responses=BoothRecommendationOut(many=True),
    )
    @action(detail=False, methods=["get"])
    def exhibitors(self, request):
        fair = access_fair(request.user, request.query_params.get("fair", ""))
        buyer = _buyer(request, fair)
        rows = services.exhibitors_for_buyer(
            buyer=buyer,
            k=_k(request),
            language=_language(request),
            hall=request.query_params.get("hall", "").strip(),
            country=request.query_params.get("country", "").strip().upper(),
        )
        return Response(BoothRecommendationOut(rows, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "booth", ID_SCHEMA, required=True, description="a booth you staff (its id, from 1)"
            ),
            OpenApiParameter(
                "k",
                {"type": "integer", "minimum": 1, "maximum": MAX_K},
                description=f"how many, 1 to {MAX_K} (default 20)",
            ),
        ],
        responses=BuyerRecommendationOut(many=True),
    )
    @action(detail=False, methods=["get"])
    def buyers(self, request):
        booth = _booth(request, _int(request.query_params.get("booth"), "booth"))
        rows = services.buyers_for_booth(booth=booth, k=_k(request), language=_language(request))
        return Response(BuyerRecommendationOut(rows, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "booth", ID_SCHEMA, required=True, description="a booth you staff (its id, from 1)"
            ),
            OpenApiParameter("hs", str, description="one HS code instead of the booth's products"),
        ],
        responses=ProductMarketsOut(many=True),
    )
    @action(detail=False, methods=["get"])
    def markets(self, request):
        booth = _booth(request, _int(request.query_params.get("booth"), "booth"))
        language = _language(request)
        code = request.query_params.get("hs", "").strip()
        if code:
            try:
                code = hs.validate_hs_code(code)
            except ValidationError as exc:
                raise DomainError("matching.bad_hs_code", exc.messages[0]) from exc
            markets = services.promising_markets(booth=booth, hs_code=code)
            for m in markets:
                m["texts"] = render_reasons(m["reasons"], viewer=EXHIBITOR, language=language)
            rows = [{"product": None, "product_id": None, "hs_code": code, "markets": markets}]
        else:
            rows = services.markets_for_booth(booth=booth, language=language)
        return Response(ProductMarketsOut(rows, many=True).data)

    @extend_schema(request=MarkIn, responses={201: MarkOut})
    @action(detail=False, methods=["post"])
    def marks(self, request):
        data = validated(MarkIn, request.data, code="matching.bad_input")
        booth = access_booth(request.user, data["booth"])
        if not booth.is_published:
            raise NotFound("booth.not_found", _("No such booth."))
        if "buyer" in data:
            booth = _booth(request, booth.pk)
            buyer = Participant.objects.filter(
                pk=data["buyer"], fair=booth.fair, role=Participant.Role.BUYER
            ).first()
            if buyer is None:
                raise NotFound("matching.no_buyer", "No such buyer at this fair.")
            side = Mark.Side.EXHIBITOR
        else:
            buyer = _buyer(request, booth.fair)
            side = Mark.Side.BUYER
        mark = services.mark_set(buyer=buyer, booth=booth, side=side, value=data["value"], user=request.user)
        return Response(MarkOut(mark).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("recommendations", RecommendationViewSet, basename="recommendation")
