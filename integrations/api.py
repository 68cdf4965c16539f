"""The integrations API: an exhibitor's leads in a CRM's import shape (the same rows as the CSV).

GET /api/crm-leads/?booth=<id>&crm=hubspot|salesforce   a booth you staff: its agreed leads
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from exhibitors.access import access_booth
from integrations import crm, erasure
from kernel import consent
from kernel.access import require
from kernel.api import parse_id, validated
from kernel.errors import DomainError
from kernel.scopes import SESSION_ONLY


class CrmLeadViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("booth", int, required=True, description="a booth you staff"),
            OpenApiParameter("crm", str, enum=sorted(crm.FORMATS), required=True),
        ],
        responses={
            200: {"type": "array", "items": {"type": "object", "additionalProperties": {"type": "string"}}}
        },
    )
    def list(self, request):
        booth_id = parse_id(request.query_params.get("booth"))
        name = request.query_params.get("crm", "")
        if booth_id is None:
            raise DomainError("crm.bad_booth", _("booth: give the id of a booth you staff."))
        if name not in crm.FORMATS:
            raise DomainError(
                "crm.bad_format", _("crm: one of %(names)s.") % {"names": ", ".join(sorted(crm.FORMATS))}
            )
        booth = access_booth(request.user, booth_id, perm="booth:leads")
        return Response(crm.rows(booth, name))


# --- a person's privacy: erase the account, consents -------------------------------------------------


class EraseIn(serializers.Serializer):
    confirm = serializers.CharField(help_text="your e-mail address or your password", max_length=200)


class ConsentIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(consent.KINDS))
    granted = serializers.BooleanField()


class ConsentOut(serializers.Serializer):
    contact = serializers.BooleanField()
    recommend = serializers.BooleanField()
    history = serializers.ListField(child=serializers.DictField())


def _consents(user) -> dict:
    history = [
        {"kind": c.kind, "granted": c.granted, "at": c.at.isoformat(), "source": c.source}
        for c in consent.history(user)[:100]
    ]
    return {**consent.current(user), "history": history}


class AccountViewSet(viewsets.ViewSet):
    """POST /api/account/erase/ {"confirm": "<your e-mail or password>"}: erase your account (204).
    GET /api/account/consents/: your consents and their history; POST it {"kind", "granted"}.

    No API token may erase an account or change its consents: the person does it signed in."""

    permission_classes = [IsAuthenticated]
    api_scope = SESSION_ONLY  # fair/tokens.py refuses every token here (403 api.token_scope)

    @extend_schema(request=EraseIn, responses={204: None})
    @action(detail=False, methods=["post"])
    def erase(self, request):
        require(request.user, "account:manage", request.user)
        data = validated(EraseIn, request.data, code="privacy.confirm")
        erasure.account_erase(actor=request.user, user=request.user, confirm=data["confirm"])
        return Response(status=204)

    @extend_schema(methods=["GET"], request=None, responses=ConsentOut)
    @extend_schema(methods=["POST"], request=ConsentIn, responses=ConsentOut)
    @action(detail=False, methods=["get", "post"])
    def consents(self, request):
        if request.method == "POST":
            require(request.user, "account:manage", request.user)
            data = validated(ConsentIn, request.data, code="consent.invalid")
            consent.consent_set(
                actor=request.user,
                user=request.user,
                kind=data["kind"],
                granted=data["granted"],
                source="api",
            )
        return Response(_consents(request.user))


def register(router) -> None:
    router.register("crm-leads", CrmLeadViewSet, basename="crm-lead")
    router.register("account", AccountViewSet, basename="account")
