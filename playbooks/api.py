"""REST API of export playbooks and readiness (registered on the one router in config/urls.py).
Thin: parse, load through the access layer (fair.access, playbooks.access), call playbooks.services.
Errors answer 4xx as {"code": "readiness.no_item", "message": "..."}; texts in the caller's language.

GET  /api/playbooks/?fair=<slug>                          the newest version of each market's playbook
GET  /api/playbooks/{country}/?fair=<slug>[&version=N]    one version (the newest by default), its items
GET  /api/readiness/?booth=<id>&product=<id>&country=ID   a product's checklist for a market (booth staff)
POST /api/readiness/mark/                                 {"booth", "product", "country", "key",
                                                           "status": "in_progress"|"done", "note"?}
                                                          (multipart with "document": a PDF or an image)
GET  /api/readiness/promising/?fair=<slug>&country=ID[&booth=<id>]
                                                          promising products per market: every HS heading
                                                          (organizers), or a booth's own (its staff)
GET  /api/readiness/gaps/?fair=<slug>[&country=CN]        the organizers' gaps in aggregate
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from exhibitors.access import access_booth
from fair.access import access_fair
from fair.vocab import normalise_country
from kernel.api import ID_SCHEMA, id_field, parse_id, validated
from kernel.errors import DomainError, NotFound
from playbooks import services
from playbooks.access import access_product
from playbooks.models import Playbook, ReadinessMark


def _country(value) -> str:
    try:
        return normalise_country(str(value or ""))
    except Exception:  # noqa: BLE001 - any bad code is the same clear error
        raise DomainError(
            "readiness.bad_country",
            _("%(value)s is not an ISO 3166-1 alpha-2 country code (e.g. US, CN, JP, VN, ID, KR).")
            % {"value": str(value or "")[:10]},
        ) from None


def item_json(item, language: str) -> dict:
    return {
        "key": item.key,
        "kind": item.kind,
        "code": item.code,
        "required": item.required,
        "authority": item.authority,
        "lead_time_days": item.lead_time_days,
        "hs": list(item.hs or []),
        "language": item.language,
        "incoterms": list(item.incoterms or []),
        "title": item.title_text(language),
        "text": item.body_text(language),
        "url": item.url,
    }


def playbook_json(playbook: Playbook, language: str, *, items: bool = False) -> dict:
    out = {
        "country": playbook.country,
        "version": playbook.version,
        "checked_on": playbook.checked_on.isoformat(),
        "title": playbook.title_text(language),
        "sources": playbook.sources,
        "edited_at": playbook.edited_at.isoformat() if playbook.edited_at else None,
    }
    if items:
        out["items"] = [item_json(i, language) for i in playbook.items.all()]
    return out


def check_json(check, language: str, request) -> dict:
    mark = check.mark
    return {
        **item_json(check.item, language),
        "state": check.state,
        "because": check.because,
        "markable": check.markable,
        "mark": None
        if mark is None
        else {
            "status": mark.status,
            "note": mark.note,
            "document": request.build_absolute_uri(mark.document.url) if mark.document else None,
            "updated_at": mark.updated_at.isoformat(),
        },
    }


class ReadinessMarkIn(serializers.Serializer):
    booth = id_field()
    product = id_field()
    country = serializers.CharField(max_length=2)
    key = serializers.SlugField(max_length=60)
    status = serializers.ChoiceField(choices=ReadinessMark.Status.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    document = serializers.FileField(required=False, allow_null=True)


_FAIR = OpenApiParameter("fair", str, required=True, description="the fair's slug")


class PlaybookViewSet(viewsets.ViewSet):
    """Markets' playbooks: read by the fair's participants."""

    permission_classes = [IsAuthenticated]
    lookup_field = "country"
    lookup_value_regex = "[A-Za-z]{2}"

    @extend_schema(operation_id="playbooks_list", parameters=[_FAIR], responses={200: None})
    def list(self, request):
        fair = access_fair(request.user, request.query_params.get("fair", ""), perm="fair:attend")
        language = translation.get_language()
        current = services.current_playbooks(fair)
        return Response([playbook_json(p, language) for _c, p in sorted(current.items())])

    @extend_schema(
        parameters=[
            OpenApiParameter("country", str, OpenApiParameter.PATH),
            _FAIR,
            OpenApiParameter("version", ID_SCHEMA, required=False, description="the newest by default"),
        ],
        responses={200: None},
    )
    def retrieve(self, request, country=None):
        fair = access_fair(request.user, request.query_params.get("fair", ""), perm="fair:attend")
        country = _country(country)
        rows = Playbook.objects.filter(fair=fair, country=country).prefetch_related("items")
        version = request.query_params.get("version")
        if version is not None:
            rows = rows.filter(version=parse_id(version) or 0)
        playbook = rows.order_by("-version").first()
        if playbook is None:
            raise NotFound("playbook.not_found", _("No playbook for this market (or not this version)."))
        return Response(playbook_json(playbook, translation.get_language(), items=True))


class ReadinessViewSet(viewsets.ViewSet):
    """A product's readiness per market (its booth's staff), promising products and the gaps."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="readiness_checklist",
        parameters=[
            OpenApiParameter("booth", ID_SCHEMA, required=True),
            OpenApiParameter("product", ID_SCHEMA, required=True),
            OpenApiParameter("country", str, required=True, description="the market, e.g. ID"),
        ],
        responses={200: None},
    )
    def list(self, request):
        q = request.query_params
        product = access_product(
            request.user, booth_id=parse_id(q.get("booth")) or 0, product_id=parse_id(q.get("product")) or 0
        )
        country = _country(q.get("country"))
        playbook = services.current_playbook(product.booth.fair, country)
        checks = services.checklist(product=product, country=country, playbook=playbook)
        language = translation.get_language()
        return Response(
            {
                "booth": product.booth_id,
                "product": product.pk,
                "country": country,
                "playbook": playbook_json(playbook, language) if playbook else None,
                "summary": services.summary(checks),
                "items": [check_json(c, language, request) for c in checks],
            }
        )

    @extend_schema(request=ReadinessMarkIn, responses={200: None})
    @action(detail=False, methods=["post"])
    def mark(self, request):
        data = validated(ReadinessMarkIn, request.data, code="readiness.invalid")
        product = access_product(request.user, booth_id=data["booth"], product_id=data["product"])
        country = _country(data["country"])
        mark = services.mark_item(
            product=product,
            country=country,
            key=data["key"],
            status=data["status"],
            note=data["note"],
            document=data.get("document"),
            actor=request.user,
        )
        checks = services.checklist(product=product, country=country)
        check = next(c for c in checks if c.item.key == mark.key)
        return Response(check_json(check, translation.get_language(), request))

    @extend_schema(
        parameters=[
            _FAIR,
            OpenApiParameter("country", str, required=True, description="the market, e.g. ID"),
            OpenApiParameter("booth", ID_SCHEMA, required=False, description="only this booth's products"),
        ],
        responses={200: None},
    )
    @action(detail=False, methods=["get"])
    def promising(self, request):
        q = request.query_params
        if q.get("booth") is not None:
            fair = access_fair(request.user, q.get("fair", ""))
            booth = access_booth(request.user, parse_id(q.get("booth")) or 0, perm="booth:leads", fair=fair)
        else:
            fair = access_fair(request.user, q.get("fair", ""), perm="fair:organize")
            booth = None
        country = _country(q.get("country"))
        rows = services.promising_products(fair=fair, country=country, booth=booth)
        return Response(
            [
                {
                    "heading": r["heading"],
                    "score": round(r["score"], 4),
                    "demand": r["demand"],
                    "buyers": r["buyers"],
                    "requests": r["requests"],
                    "quotes": r["quotes"],
                    "supply": r["supply"],
                    "products": [{"id": p.pk, "name": p.name, "hs_code": p.hs_code} for p in r["products"]],
                }
                for r in rows
            ]
        )

    @extend_schema(
        parameters=[_FAIR, OpenApiParameter("country", str, required=False, description="one market only")],
        responses={200: None},
    )
    @action(detail=False, methods=["get"])
    def gaps(self, request):
        q = request.query_params
        fair = access_fair(request.user, q.get("fair", ""), perm="fair:organize")
        country = _country(q["country"]) if q.get("country") else None
        language = translation.get_language()
        return Response(
            [
                {
                    "country": g.country,
                    "key": g.item.key,
                    "item": g.item.title_text(language),
                    "code": g.item.code,
                    "authority": g.item.authority,
                    "lead_time_days": g.item.lead_time_days,
                    "hall": g.hall,
                    "exhibitors": len(g.booths),
                    "booths": [{"id": b.pk, "company": b.company.name} for b in g.booths],
                }
                for g in services.gaps(fair=fair)
                if country is None or g.country == country
            ]
        )


def register(router) -> None:
    router.register("playbooks", PlaybookViewSet, basename="playbook")
    router.register("readiness", ReadinessViewSet, basename="readiness")
