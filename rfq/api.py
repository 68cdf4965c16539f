"""REST API of sourcing requests and quotations (registered on the one router in config/urls.py).
Thin: parse, load through rfq.access, call one service. Errors answer 4xx as
{"code": "rfq.not_invited", "message": "..."}.

GET  /api/rfqs/?fair=<slug>                 the requests I see in a fair (mine, invited, all for organizers)
POST /api/rfqs/                             {"fair", "product", "hs_code", "quantity", "unit", "currency",
                                             "incoterm", "destination_country", "deadline", "target_price"?,
                                             "destination_port"?, "certifications"?, "needed_by"?,
                                             "max_quotes"?, "max_accepted"?, "reveal_company"?,
                                             "description"?}
GET  /api/rfqs/{id}/                        the request, its proposals with reasons (buyer, organizers)
GET  /api/rfqs/traffic/?fair=<slug>         RFQ traffic: requests per hall and market, quotes per request,
                                            median hours to the first quote, acceptance rate (organizers)
POST /api/rfqs/{id}/invite/                 {"booths": [booth ids]}
POST /api/rfqs/{id}/close/
GET  /api/rfqs/{id}/quotes/?currency=IDR    the quotes I may see, converted at the fair's rates
POST /api/rfqs/{id}/quote/                  {"unit_price", "currency", "moq"?, "lead_time_days"?,
                                             "incoterm"?, "valid_until"?, "samples"?, "terms"?, "message"?}:
                                             quote, or revise the quote
POST /api/rfqs/{id}/pass/                   {"reason"}: decline to quote
GET  /api/quotes/{id}/                      one quote, its versions and its thread
POST /api/quotes/{id}/messages/             {"text"}
POST /api/quotes/{id}/shortlist/            {"on": true|false}
POST /api/quotes/{id}/accept/
POST /api/quotes/{id}/reject/               {"reason"}
POST /api/standing/permanent/               {"fair", "on"}: keep a fair open all year (organizers)
POST /api/standing/carry-over/              {"from", "to"}: every booth of a fair into another
                                            (the organizers of both)
GET  /api/standing/weekly-hours/?booth=<id>  a booth's weekly hours
POST /api/standing/weekly-hours/            {"booth", "time_zone",
                                             "hours": [[weekday, "09:00", "12:00"], ...]}
"""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from exhibitors.access import access_booth
from fair.access import access_fair
from kernel.api import id_field, parse_id, validated
from rfq import selectors, services, standing
from rfq.access import EXHIBITOR, access_quote, access_rfq, side_in_rfq
from rfq.models import Incoterm, Quote, Rfq, Samples, WeeklyHours
from rfq.subscribers import buyer_name


class RfqIn(serializers.Serializer):
    fair = serializers.SlugField()
    product = serializers.CharField(max_length=200)
    hs_code = serializers.CharField(max_length=12)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    quantity = serializers.DecimalField(max_digits=16, decimal_places=3)
    unit = serializers.CharField(max_length=20)
    target_price = serializers.DecimalField(max_digits=16, decimal_places=4, required=False, allow_null=True)
    currency = serializers.CharField(max_length=3)
    incoterm = serializers.ChoiceField(choices=Incoterm.choices)
    destination_country = serializers.CharField(max_length=2)
    destination_port = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    certifications = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=20, required=False, default=list
    )
    needed_by = serializers.DateField(required=False, allow_null=True)
    deadline = serializers.DateTimeField()
    max_quotes = serializers.IntegerField(min_value=1, max_value=50, default=10)
    max_accepted = serializers.IntegerField(min_value=1, max_value=10, default=1)
    reveal_company = serializers.BooleanField(default=False)


class RfqInviteIn(serializers.Serializer):
    booths = serializers.ListField(child=id_field(), min_length=1, max_length=100)


class QuoteIn(serializers.Serializer):
    unit_price = serializers.DecimalField(max_digits=16, decimal_places=4)
    currency = serializers.CharField(max_length=3)
    moq = serializers.DecimalField(max_digits=16, decimal_places=3, required=False, allow_null=True)
    lead_time_days = serializers.IntegerField(min_value=0, max_value=3650, required=False, allow_null=True)
    incoterm = serializers.ChoiceField(choices=Incoterm.choices, required=False, allow_blank=True, default="")
    valid_until = serializers.DateField(required=False, allow_null=True)
    samples = serializers.ChoiceField(choices=Samples.choices, default=Samples.NONE)
    terms = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")
    message = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")


class RfqReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, allow_blank=True)


class TextIn(serializers.Serializer):
    text = serializers.CharField(max_length=3000, allow_blank=True)


class ShortlistIn(serializers.Serializer):
    on = serializers.BooleanField(default=True)


def rfq_json(rfq: Rfq, user) -> dict:
    side = side_in_rfq(user, rfq)
    out = {
        "id": rfq.pk,
        "fair": rfq.fair.slug,
        "buyer": buyer_name(rfq, revealed=rfq.reveal_company)
        if side == EXHIBITOR
        else str(rfq.buyer.company),
        "product": rfq.product,
        "hs_code": rfq.hs_code,
        "description": rfq.description,
        "quantity": str(rfq.quantity.normalize()),
        "unit": rfq.unit,
        "target_price": str(rfq.target_price) if rfq.target_price is not None else None,
        "currency": rfq.currency,
        "incoterm": rfq.incoterm,
        "destination_country": str(rfq.destination_country),
        "destination_port": rfq.destination_port,
        "certifications": rfq.certifications,
        "needed_by": rfq.needed_by,
        "deadline": rfq.deadline,
        "max_quotes": rfq.max_quotes,
        "max_accepted": rfq.max_accepted,
        "status": rfq.status,
        "close_reason": rfq.close_reason,
    }
    if side != EXHIBITOR:
        out["invitations"] = [
            {
                "booth": i.booth_id,
                "company": i.booth.company.name,
                "status": i.status,
                "source": i.source,
                "score": i.score,
                "reasons": i.reasons,
            }
            for i in rfq.invitations.select_related("booth__company").order_by("rank", "pk")
        ]
    return out


def quote_json(quote: Quote, *, converted=None, detail: bool = False) -> dict:
    out = {
        "id": quote.pk,
        "rfq": quote.rfq_id,
        "booth": quote.booth_id,
        "company": quote.booth.company.name,
        "status": quote.status,
        "unit_price": str(quote.unit_price) if quote.unit_price is not None else None,
        "currency": quote.currency,
        "moq": str(quote.moq) if quote.moq is not None else None,
        "lead_time_days": quote.lead_time_days,
        "incoterm": quote.incoterm,
        "valid_until": quote.valid_until,
        "samples": quote.samples,
        "terms": quote.terms,
        "message": quote.message,
        "version": quote.version,
        "shortlisted": quote.shortlisted,
        "reason": quote.reason,
    }
    if converted is not None:
        out["converted"] = converted
    if detail:
        out["versions"] = [
            {"number": v.number, "terms": v.terms, "at": v.created_at} for v in selectors.versions_of(quote)
        ]
        out["thread"] = [{"side": m.side, "text": m.text, "at": m.created_at} for m in quote.thread.all()]
    return out


_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        operation_id="rfqs_list",
        parameters=[OpenApiParameter("fair", str, required=True)],
        responses={200: None},
    ),
    retrieve=extend_schema(parameters=[_ID], responses={200: None}),
    traffic=extend_schema(
        parameters=[OpenApiParameter("fair", str, required=True, description="the fair's slug (organizers)")],
        responses={200: None},
    ),
    create=extend_schema(request=RfqIn, responses={201: None}),
    invite=extend_schema(parameters=[_ID], request=RfqInviteIn, responses={200: None}),
    close=extend_schema(parameters=[_ID], request=None, responses={200: None}),
    quotes=extend_schema(
        parameters=[_ID, OpenApiParameter("currency", str, required=False)], responses={200: None}
    ),
    quote=extend_schema(parameters=[_ID], request=QuoteIn, responses={200: None}),
    pass_=extend_schema(parameters=[_ID], request=RfqReasonIn, responses={200: None}),
)
class RfqViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated]

    def _get(self, request, pk, perm="rfq:view") -> Rfq:
        rfq = access_rfq(request.user, parse_id(pk) or 0, perm=perm)
        services.rfq_close_due(rfq=rfq)
        rfq.refresh_from_db()
        return rfq

    def list(self, request):
        fair = access_fair(request.user, request.query_params.get("fair", ""))
        services.rfq_close_due()
        lists = selectors.rfqs_for(user=request.user, fair=fair)
        seen = {}
        for rows in lists.values():
            for rfq in rows.select_related("fair", "buyer__company"):
                seen.setdefault(rfq.pk, rfq)
        return Response([rfq_json(r, request.user) for r in seen.values()])

    def retrieve(self, request, pk=None):
        return Response(rfq_json(self._get(request, pk), request.user))

    @action(detail=False, methods=["get"])
    def traffic(self, request):
        """The organizer's view of RFQ traffic (selectors.traffic)."""
        fair = access_fair(request.user, request.query_params.get("fair", ""), perm="fair:organize")
        t = selectors.traffic(fair=fair)
        return Response(
            {
                "requests": t["requests"],
                "per_hall": [{"hall": name, "requests": n} for name, n in t["per_hall"]],
                "per_market": [{"country": code, "requests": n} for code, n in t["per_market"]],
                "quotes_per_request": t["quotes_per_request"],
                "hours_to_first_quote": t["hours_to_first_quote"],
                "acceptance_rate": t["acceptance_rate"],
            }
        )

    def create(self, request):
        data = validated(RfqIn, request.data, code="rfq.invalid")
        fair = access_fair(request.user, data.pop("fair"), perm="rfq:post")
        rfq = services.rfq_post(actor=request.user, fair=fair, **data)
        return Response(rfq_json(rfq, request.user), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        rfq = self._get(request, pk)
        data = validated(RfqInviteIn, request.data, code="rfq.invalid")
        services.rfq_invite(actor=request.user, rfq=rfq, booth_ids=data["booths"])
        return Response(rfq_json(rfq, request.user))

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        rfq = services.rfq_close(actor=request.user, rfq=self._get(request, pk))
        return Response(rfq_json(rfq, request.user))

    @action(detail=True, methods=["get"])
    def quotes(self, request, pk=None):
        rfq = self._get(request, pk)
        currency = services.currency_clean(request.query_params.get("currency") or rfq.currency)
        visible = {q.pk for q in selectors.quotes_visible(user=request.user, rfq=rfq)}
        table = selectors.compare(rfq, currency=currency)
        rows = [
            quote_json(
                r["quote"],
                converted={
                    "currency": currency,
                    "unit_price": str(r["sort"].quantize(Decimal("0.0001")))
                    if r["sort"] is not None
                    else None,
                    "rates_on": table["rates_on"],
                },
            )
            for r in table["rows"]
            if r["quote"].pk in visible
        ]
        return Response(rows)

    @action(detail=True, methods=["post"])
    def quote(self, request, pk=None):
        rfq = access_rfq(request.user, parse_id(pk) or 0, perm="rfq:quote")
        data = validated(QuoteIn, request.data, code="quote.invalid")
        q = services.quote_submit(actor=request.user, rfq=rfq, **data)
        return Response(quote_json(q, detail=True))

    @action(detail=True, methods=["post"], url_path="pass")
    def pass_(self, request, pk=None):
        rfq = access_rfq(request.user, parse_id(pk) or 0, perm="rfq:quote")
        data = validated(RfqReasonIn, request.data, code="quote.invalid")
        q = services.quote_pass(actor=request.user, rfq=rfq, reason=data["reason"])
        return Response(quote_json(q))


@extend_schema_view(
    retrieve=extend_schema(parameters=[_ID], responses={200: None}),
    messages=extend_schema(parameters=[_ID], request=TextIn, responses={201: None}),
    shortlist=extend_schema(parameters=[_ID], request=ShortlistIn, responses={200: None}),
    accept=extend_schema(parameters=[_ID], request=None, responses={200: None}),
    reject=extend_schema(parameters=[_ID], request=RfqReasonIn, responses={200: None}),
)
class QuoteViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated]

    def _get(self, request, pk) -> Quote:
        return access_quote(request.user, parse_id(pk) or 0)

    def retrieve(self, request, pk=None):
        return Response(quote_json(self._get(request, pk), detail=True))

    @action(detail=True, methods=["post"])
    def messages(self, request, pk=None):
        q = self._get(request, pk)
        data = validated(TextIn, request.data, code="quote.invalid")
        services.quote_message_post(actor=request.user, quote=q, text=data["text"])
        return Response(quote_json(q, detail=True), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def shortlist(self, request, pk=None):
        data = validated(ShortlistIn, request.data, code="quote.invalid")
        q = services.quote_shortlist(actor=request.user, quote=self._get(request, pk), on=data["on"])
        return Response(quote_json(q))

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        q = services.quote_accept(actor=request.user, quote=self._get(request, pk))
        return Response(quote_json(q))

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = validated(RfqReasonIn, request.data, code="quote.invalid")
        q = services.quote_reject(actor=request.user, quote=self._get(request, pk), reason=data["reason"])
        return Response(quote_json(q))


class PermanentIn(serializers.Serializer):
    fair = serializers.SlugField()
    on = serializers.BooleanField()


# "from" is a keyword: the serializer is built from a mapping of its fields.
CarryIn = type(
    "CarryIn", (serializers.Serializer,), {"from": serializers.SlugField(), "to": serializers.SlugField()}
)


class HoursIn(serializers.Serializer):
    booth = id_field()
    time_zone = serializers.CharField(max_length=64)
    hours = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(max_length=8), min_length=3, max_length=3),
        max_length=50,
    )


def hours_json(booth) -> dict:
    rows = list(WeeklyHours.objects.filter(booth=booth))
    return {
        "booth": booth.pk,
        "time_zone": rows[0].time_zone if rows else "",
        "hours": [[h.weekday, h.starts.strftime("%H:%M"), h.ends.strftime("%H:%M")] for h in rows],
    }


@extend_schema_view(
    permanent=extend_schema(request=PermanentIn, responses={200: None}),
    carry_over=extend_schema(request=CarryIn, responses={200: None}),
    weekly_hours=extend_schema(
        parameters=[OpenApiParameter("booth", int, required=False)], request=HoursIn, responses={200: None}
    ),
)
class StandingViewSet(viewsets.ViewSet):
    """Standing halls: fairs open all year, booths carried over, weekly hours (rfq/standing.py)."""

    permission_classes = [IsAuthenticated]

    @action(detail=False, methods=["post"])
    def permanent(self, request):
        data = validated(PermanentIn, request.data, code="standing.invalid")
        fair = access_fair(request.user, data["fair"], perm="fair:organize")
        fair = standing.fair_set_permanent(actor=request.user, fair=fair, permanent=data["on"])
        return Response({"fair": fair.slug, "permanent": fair.permanent})

    @action(detail=False, methods=["post"], url_path="carry-over")
    def carry_over(self, request):
        data = validated(CarryIn, request.data, code="standing.invalid")
        source = access_fair(request.user, data["from"], perm="fair:organize")
        target = access_fair(request.user, data["to"], perm="fair:organize")
        booths = standing.booths_carry_over(actor=request.user, from_fair=source, to_fair=target)
        return Response({"carried_over": [b.pk for b in booths]})

    @action(detail=False, methods=["get", "post"], url_path="weekly-hours")
    def weekly_hours(self, request):
        if request.method == "GET":
            booth = access_booth(
                request.user, parse_id(request.query_params.get("booth")) or 0, perm="booth:edit"
            )
            return Response(hours_json(booth))
        data = validated(HoursIn, request.data, code="standing.invalid")
        booth = access_booth(request.user, data["booth"], perm="booth:edit")
        standing.weekly_hours_set(
            actor=request.user, booth=booth, hours=data["hours"], time_zone=data["time_zone"]
        )
        if booth.fair.permanent:
            standing.standing_slots_open(fair=booth.fair, weeks=4)
        return Response(hours_json(booth))


def register(router) -> None:
    router.register("rfqs", RfqViewSet, basename="rfq")
    router.register("quotes", QuoteViewSet, basename="quote")
    router.register("standing", StandingViewSet, basename="standing")
