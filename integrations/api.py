"""The integrations API: an exhibitor's leads in a CRM's import shape (the same rows as the CSV).

GET /api/crm-leads/?booth=<id>&crm=hubspot|salesforce   a booth you staff: its agreed leads
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from exhibitors.access import access_booth
from integrations import crm
from kernel.api import parse_id
from kernel.errors import DomainError


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


def register(router) -> None:
    router.register("crm-leads", CrmLeadViewSet, basename="crm-lead")
