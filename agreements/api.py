"""REST API of agreements and declared outcomes (registered on the one router in config/urls.py).
Thin: parse, load through the access layer, call one service. Errors answer 4xx as
{"code": "agreement.wrong_code", "message": "..."}.

GET  /api/agreements/?fair=<slug>                 the agreements I see in a fair
POST /api/agreements/                             {"fair", "kind", "title", "language", "second_language",
                                                   "text", "second_text", "from_template",
                                                   "signatories": [participant ids]}
GET  /api/agreements/{id}/                        the agreement, its current version, hash and signing state
POST /api/agreements/{id}/edit/                   {"title", "text", "second_text"}: a new version once signed
POST /api/agreements/{id}/comments/               {"text", "proposed_for", "proposed_text"}
POST /api/agreements/{id}/code/                   {"signatory"?}: mail me a one-time signing code
POST /api/agreements/{id}/sign/                   {"code", "signatory"?, "typed_name"?}
POST /api/agreements/{id}/decline/                {"reason", "signatory"?}
GET  /api/agreements/{id}/audit/                  every version's canonical body, hash and signature events
GET  /api/agreements/{id}/signed/                 the final PDF (every party and the organizers)
POST /api/agreements/{id}/ceremony/               {"starts_at", "minutes", "meeting"?}
POST /api/agreements/{id}/ceremony/stream/        {"audience": "" | "participants" | "public"} (organizers)
GET  /api/outcomes/?fair=<slug>                   the outcomes I am a side of (all, for an organizer)
POST /api/outcomes/                               {"origin_kind": "meeting", "origin_id", "type", "value",
                                                   "currency", "products", "ship_by", "agreement"?}
GET  /api/outcomes/{id}/                          one outcome, both versions, its shipments
POST /api/outcomes/{id}/confirm/ | dispute/ | withdraw/
POST /api/outcomes/{id}/shipments/                {"shipped_on", "value", "currency", "declaration_number"}
POST /api/outcomes/{id}/shipments/{shipment}/     {"confirm": true|false, "note"}
GET  /api/outcomes/verified/?fair=<slug>          the organizer's verified export figures
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from agreements import outcomes, selectors, services
from agreements.access import access_agreement, access_ceremony, access_outcome
from agreements.body import canonical_body
from agreements.ceremony_room import ceremony_stream_set
from agreements.models import Agreement, Ceremony, Kind, Shipment, Signatory, TradeOutcome
from agreements.rooms import ceremony_rooms
from fair.access import access_fair
from fair.models import Participant
from kernel.api import id_field, parse_id, validated
from kernel.errors import DomainError, NotFound
from kernel.site import site_url
from meetings.models import Meeting


def client_of(request) -> tuple[str | None, str]:
    """The request's IP address and user agent, as the audit records them."""
    ip = request.META.get("REMOTE_ADDR") or None
    return ip, request.META.get("HTTP_USER_AGENT", "")[:400]


# --- serializers --------------------------------------------------------------------------------


class DraftIn(serializers.Serializer):
    fair = serializers.SlugField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=10)
    second_language = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    text = serializers.CharField(max_length=50000, required=False, allow_blank=True, default="")
    second_text = serializers.CharField(max_length=50000, required=False, allow_blank=True, default="")
    from_template = serializers.BooleanField(required=False, default=False)
    signatories = serializers.ListField(child=id_field(), max_length=50, required=False, default=list)


class EditIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=50000, allow_blank=True)
    second_text = serializers.CharField(max_length=50000, required=False, allow_blank=True, default="")


class CommentIn(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    proposed_for = serializers.ChoiceField(choices=["", "text", "second_text"], required=False, default="")
    proposed_text = serializers.CharField(max_length=50000, required=False, allow_blank=True, default="")


class SignatoryIn(serializers.Serializer):
    signatory = id_field(required=False)


class SignIn(SignatoryIn):
    code = serializers.CharField(max_length=20)
    typed_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DeclineIn(SignatoryIn):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CeremonyIn(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    minutes = serializers.IntegerField(min_value=5, max_value=240, default=30)
    meeting = id_field(required=False)


class StreamIn(serializers.Serializer):
    audience = serializers.ChoiceField(choices=Ceremony.Audience.values, allow_blank=True)


class SignatoryOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    company = serializers.CharField(allow_null=True, help_text="null for the organizer's witness")
    answer = serializers.CharField(allow_null=True, help_text="signed, declined, or null while waiting")
    at = serializers.DateTimeField(allow_null=True)


class AgreementOut(serializers.Serializer):
    id = serializers.IntegerField()
    fair = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField()
    text = serializers.CharField()
    second_text = serializers.CharField()
    sha256 = serializers.CharField(help_text="SHA-256 of the version's canonical body (UTF-8)")
    frozen = serializers.BooleanField()
    signatories = SignatoryOut(many=True)
    final_pdf = serializers.BooleanField(help_text="the signed PDF is ready")


def agreement_json(agreement: Agreement) -> dict:
    version = services.current_version(agreement)
    return {
        "id": agreement.pk,
        "fair": agreement.fair.slug,
        "kind": agreement.kind,
        "title": agreement.title,
        "status": agreement.status,
        "languages": agreement.languages,
        "version": version.number,
        "text": version.text,
        "second_text": version.second_text,
        "sha256": selectors.document_hash(version=version),
        "frozen": version.is_frozen,
        "signatories": [
            {
                "id": row["signatory"].pk,
                "name": row["signatory"].name,
                "company": row["signatory"].party.company.name if row["signatory"].party_id else None,
                "answer": row["answer"].kind if row["answer"] else None,
                "at": row["answer"].at if row["answer"] else None,
            }
            for row in selectors.signing_state(agreement=agreement, version=version)
        ],
        "final_pdf": bool(agreement.final_pdf),
    }


_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


def _signatory(request, agreement: Agreement, data: dict) -> Signatory:
    """The signatory named in the body, or the caller's own (their first for this agreement)."""
    rows = Signatory.objects.filter(agreement=agreement).select_related("party__company", "agreement")
    if "signatory" in data:
        signatory = rows.filter(pk=data["signatory"]).first()
    else:
        signatory = rows.filter(user=request.user).first()
    if signatory is None:
        raise NotFound("agreement.no_signatory", _("No such signatory in this agreement."))
    return signatory


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("fair", str, required=True)], responses=AgreementOut(many=True)
    ),
    retrieve=extend_schema(parameters=[_ID], responses=AgreementOut),
    create=extend_schema(request=DraftIn, responses={201: AgreementOut}),
    edit=extend_schema(parameters=[_ID], request=EditIn, responses=AgreementOut),
    comments=extend_schema(parameters=[_ID], request=CommentIn, responses={201: None}),
    code=extend_schema(parameters=[_ID], request=SignatoryIn, responses={202: None}),
    sign=extend_schema(parameters=[_ID], request=SignIn, responses=AgreementOut),
    decline=extend_schema(parameters=[_ID], request=DeclineIn, responses=AgreementOut),
    audit=extend_schema(parameters=[_ID], responses={200: None}),
    signed=extend_schema(parameters=[_ID], responses={(200, "application/pdf"): OpenApiTypes.BINARY}),
    ceremony=extend_schema(parameters=[_ID], request=CeremonyIn, responses={200: None}),
    ceremony_stream=extend_schema(parameters=[_ID], request=StreamIn, responses={200: None}),
)
class AgreementViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated]
    api_scope = "leads"  # what an API token needs to write here (fair/tokens.py)

    def _get(self, request, pk, perm="agreement:view") -> Agreement:
        return access_agreement(request.user, parse_id(pk) or 0, perm=perm)

    def _answer(self, agreement: Agreement, code=status.HTTP_200_OK) -> Response:
        agreement = Agreement.objects.select_related("fair").get(pk=agreement.pk)
        return Response(agreement_json(agreement), status=code)

    def list(self, request):
        fair = access_fair(request.user, request.query_params.get("fair", ""))
        return Response([agreement_json(a) for a in selectors.agreements_for(user=request.user, fair=fair)])

    def retrieve(self, request, pk=None):
        agreement = self._get(request, pk)
        ip, agent = client_of(request)
        services.agreement_viewed(actor=request.user, agreement=agreement, ip=ip, user_agent=agent)
        return self._answer(agreement)

    def create(self, request):
        data = validated(DraftIn, request.data, code="agreement.bad_input")
        fair = access_fair(request.user, data.pop("fair"), perm="agreement:draft")
        people = {
            p.pk: p
            for p in Participant.objects.filter(fair=fair, pk__in=data["signatories"]).select_related(
                "user", "company"
            )
        }
        if len(people) != len(set(data["signatories"])):
            raise DomainError(
                "agreement.bad_signatory",
                _("A signatory is a person taking part in this fair for their company."),
            )
        data["signatories"] = [(people[pk], "") for pk in data["signatories"]]
        agreement = services.agreement_draft(actor=request.user, fair=fair, **data)
        return self._answer(agreement, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        agreement = self._get(request, pk)
        data = validated(EditIn, request.data, code="agreement.bad_input")
        services.agreement_edit(actor=request.user, agreement=agreement, **data)
        return self._answer(agreement)

    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        agreement = self._get(request, pk)
        data = validated(CommentIn, request.data, code="agreement.bad_input")
        ip, agent = client_of(request)
        comment = services.comment_add(
            actor=request.user, agreement=agreement, ip=ip, user_agent=agent, **data
        )
        return Response({"id": comment.pk}, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def code(self, request, pk=None):
        agreement = self._get(request, pk)
        data = validated(SignatoryIn, request.data, code="agreement.bad_input")
        ip, agent = client_of(request)
        row = services.code_send(
            actor=request.user, signatory=_signatory(request, agreement, data), ip=ip, user_agent=agent
        )
        return Response({"sha256": row.sha256, "expires_at": row.expires_at}, status=status.HTTP_202_ACCEPTED)

    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        agreement = self._get(request, pk)
        data = validated(SignIn, request.data, code="agreement.bad_input")
        ip, agent = client_of(request)
        services.agreement_sign(
            actor=request.user,
            signatory=_signatory(request, agreement, data),
            code=data["code"],
            ip=ip,
            user_agent=agent,
            typed_name=data["typed_name"],
        )
        return self._answer(agreement)

    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        agreement = self._get(request, pk)
        data = validated(DeclineIn, request.data, code="agreement.bad_input")
        ip, agent = client_of(request)
        services.agreement_decline(
            actor=request.user,
            signatory=_signatory(request, agreement, data),
            reason=data["reason"],
            ip=ip,
            user_agent=agent,
        )
        return self._answer(agreement)

    @action(detail=True, methods=["get"])
    def audit(self, request, pk=None):
        agreement = self._get(request, pk)
        out = []
        for version in selectors.versions_of(agreement=agreement):
            out.append(
                {
                    "version": version.number,
                    "frozen_at": version.frozen_at,
                    "sha256": selectors.document_hash(version=version),
                    "body": canonical_body(version),
                    "events": [
                        {
                            "signatory": s.signatory.name,
                            "email": s.signatory.user.email,
                            "company": s.signatory.party.company.name if s.signatory.party_id else None,
                            "kind": s.kind,
                            "at": s.at,
                            "ip": s.ip,
                            "user_agent": s.user_agent,
                            "sha256": s.sha256,
                        }
                        for s in selectors.signatures_of(version=version)
                    ],
                }
            )
        return Response({"id": agreement.pk, "versions": out})

    @action(detail=True, methods=["get"])
    def signed(self, request, pk=None):
        agreement = self._get(request, pk)
        if not agreement.final_pdf:
            raise NotFound("agreement.not_signed", _("The final PDF is made when everyone has signed."))
        with agreement.final_pdf.open("rb") as f:
            response = HttpResponse(f.read(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="agreement-{agreement.pk}-signed.pdf"'
        return response

    @action(detail=True, methods=["post"])
    def ceremony(self, request, pk=None):
        agreement = self._get(request, pk)
        data = validated(CeremonyIn, request.data, code="ceremony.bad_input")
        meeting = None
        if "meeting" in data:
            meeting = Meeting.objects.filter(pk=data["meeting"]).first()
            if meeting is None:
                raise NotFound("meeting.not_found", "No such meeting.")
        ceremony = services.ceremony_schedule(
            actor=request.user,
            agreement=agreement,
            starts_at=data["starts_at"],
            minutes=data["minutes"],
            meeting=meeting,
        )
        return Response(
            {
                "starts_at": ceremony.starts_at,
                "ends_at": ceremony.ends_at,
                "rooms": [
                    {"url": r.absolute_url, "label": r.label} for r in ceremony_rooms(ceremony, request.user)
                ],
                "sequence": ceremony.sequence,
            }
        )

    @action(detail=True, methods=["post"], url_path="ceremony/stream")
    def ceremony_stream(self, request, pk=None):
        """Stream the agreement's ceremony to viewers, or stop (the fair's organizers)."""
        ceremony = access_ceremony(request.user, pk, perm="agreement:stream_ceremony")
        data = validated(StreamIn, request.data, code="ceremony.bad_audience")
        ceremony = ceremony_stream_set(actor=request.user, ceremony=ceremony, audience=data["audience"])
        watch = reverse("agreement_ceremony_watch", args=[ceremony.agreement_id])
        return Response(
            {
                "stream_audience": ceremony.stream_audience,
                "watch_url": site_url() + watch if ceremony.stream_audience else None,
            }
        )


# --- outcomes -----------------------------------------------------------------------------------


class DeclareIn(serializers.Serializer):
    origin_kind = serializers.CharField(max_length=20, default="meeting")
    origin_id = id_field()
    type = serializers.ChoiceField(choices=TradeOutcome.Type.choices)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    currency = serializers.CharField(max_length=3)
    products = serializers.CharField(max_length=2000)
    ship_by = serializers.DateField(required=False, allow_null=True, default=None)
    agreement = id_field(required=False)


class DisputeIn(serializers.Serializer):
    note = serializers.CharField(max_length=2000)
    value = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
    products = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    ship_by = serializers.DateField(required=False, allow_null=True, default=None)


class ShipmentIn(serializers.Serializer):
    shipped_on = serializers.DateField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    currency = serializers.CharField(max_length=3)
    declaration_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class ShipmentAnswerIn(serializers.Serializer):
    confirm = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


def outcome_json(outcome: TradeOutcome) -> dict:
    return {
        "id": outcome.pk,
        "fair": outcome.fair.slug,
        "origin_kind": outcome.origin_kind,
        "origin_id": outcome.origin_id,
        "exhibitor": outcome.booth.company.name,
        "buyer": str(outcome.buyer.company or outcome.buyer.user),
        "declared_side": outcome.declared_side,
        "status": outcome.status,
        "verified": outcome.status == TradeOutcome.Status.CONFIRMED,
        "type": outcome.type,
        "value": str(outcome.value),
        "currency": outcome.currency,
        "value_usd": str(outcome.value_usd),
        "products": outcome.products,
        "ship_by": outcome.ship_by,
        "agreement": outcome.agreement_id,
        "other_version": None
        if outcome.status != TradeOutcome.Status.DISPUTED
        else {
            "value": str(outcome.counter_value) if outcome.counter_value is not None else None,
            "currency": outcome.counter_currency,
            "products": outcome.counter_products,
            "ship_by": outcome.counter_ship_by,
            "note": outcome.dispute_note,
        },
        "shipments": [
            {
                "id": s.pk,
                "shipped_on": s.shipped_on,
                "value": str(s.value),
                "currency": s.currency,
                "value_usd": str(s.value_usd),
                "declaration_number": s.declaration_number,
                "status": s.status,
            }
            for s in selectors.shipments_of(outcome=outcome)
        ],
    }


@extend_schema_view(
    list=extend_schema(
        operation_id="outcomes_list",
        parameters=[OpenApiParameter("fair", str, required=True)],
        responses={200: None},
    ),
    retrieve=extend_schema(parameters=[_ID], responses={200: None}),
    create=extend_schema(request=DeclareIn, responses={201: None}),
    confirm=extend_schema(parameters=[_ID], request=None, responses={200: None}),
    dispute=extend_schema(parameters=[_ID], request=DisputeIn, responses={200: None}),
    withdraw=extend_schema(parameters=[_ID], request=None, responses={200: None}),
    shipments=extend_schema(parameters=[_ID], request=ShipmentIn, responses={201: None}),
    shipment=extend_schema(
        operation_id="outcomes_shipment_answer",
        parameters=[_ID, OpenApiParameter("shipment", int, OpenApiParameter.PATH)],
        request=ShipmentAnswerIn,
        responses={200: None},
    ),
    verified=extend_schema(parameters=[OpenApiParameter("fair", str, required=True)], responses={200: None}),
)
class OutcomeViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated]
    api_scope = "leads"

    def _get(self, request, pk) -> TradeOutcome:
        return access_outcome(request.user, parse_id(pk) or 0)

    def _answer(self, outcome: TradeOutcome, code=status.HTTP_200_OK) -> Response:
        return Response(outcome_json(access_outcome_fresh(outcome)), status=code)

    def list(self, request):
        fair = access_fair(request.user, request.query_params.get("fair", ""))
        return Response([outcome_json(o) for o in selectors.outcomes_for(user=request.user, fair=fair)])

    def retrieve(self, request, pk=None):
        return self._answer(self._get(request, pk))

    def create(self, request):
        data = validated(DeclareIn, request.data, code="outcome.bad_input")
        origin = outcomes.origin_get(
            user=request.user, kind=data.pop("origin_kind"), origin_id=data.pop("origin_id")
        )
        if "agreement" in data:
            data["agreement"] = access_agreement(request.user, data["agreement"])
        outcome = outcomes.outcome_declare(actor=request.user, origin=origin, **data)
        return self._answer(outcome, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._answer(outcomes.outcome_confirm(actor=request.user, outcome=self._get(request, pk)))

    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        outcome = self._get(request, pk)
        data = validated(DisputeIn, request.data, code="outcome.bad_input")
        return self._answer(outcomes.outcome_dispute(actor=request.user, outcome=outcome, **data))

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._answer(outcomes.outcome_withdraw(actor=request.user, outcome=self._get(request, pk)))

    @action(detail=True, methods=["post"])
    def shipments(self, request, pk=None):
        outcome = self._get(request, pk)
        data = validated(ShipmentIn, request.data, code="shipment.bad_input")
        outcomes.shipment_record(actor=request.user, outcome=outcome, **data)
        return self._answer(outcome, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path=r"shipments/(?P<shipment>\d+)")
    def shipment(self, request, pk=None, shipment=None):
        outcome = self._get(request, pk)
        row = Shipment.objects.filter(outcome=outcome, pk=parse_id(shipment) or 0).first()
        if row is None:
            raise NotFound("shipment.not_found", _("No such shipment."))
        data = validated(ShipmentAnswerIn, request.data, code="shipment.bad_input")
        outcomes.shipment_answer(actor=request.user, shipment=row, **data)
        return self._answer(outcome)

    @action(detail=False, methods=["get"])
    def verified(self, request):
        fair = access_fair(request.user, request.query_params.get("fair", ""), perm="fair:organize")
        return Response(
            {
                "fair": fair.slug,
                **selectors.verified_exports(fair),
                "disputed_outcomes": selectors.disputed_outcomes(fair),
            }
        )


def access_outcome_fresh(outcome: TradeOutcome) -> TradeOutcome:
    return TradeOutcome.objects.select_related("fair", "booth__company", "buyer__company", "buyer__user").get(
        pk=outcome.pk
    )


def register(router) -> None:
    router.register("agreements", AgreementViewSet, basename="agreement")
    router.register("outcomes", OutcomeViewSet, basename="outcome")
