"""Read-only REST API of fairs and their halls (registered on the one router in config/urls.py).

GET /api/fairs/               published fairs, newest first
GET /api/fairs/{slug}/        one fair (a fair not yet published: its organizers only)
GET /api/fairs/{slug}/halls/  its halls, with the number of published booths in each
GET, POST /api/fairs/{slug}/registration/?role=buyer|exhibitor
                              your registration in the fair (what the registration page does)

Errors a client can cause answer 4xx as {"code": "<dotted.code>", "message": "..."}, in every API
of the project (kernel/api.py).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from fair import selectors, services
from fair.access import access_fair
from fair.selectors import fair_halls_with_counts, fair_list
from fair.serializers import FairSerializer, HallSerializer, RegistrationIn, RegistrationOut
from kernel.api import validated
from kernel.errors import NotFound
from kernel.scopes import SESSION_ONLY


class FairViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FairSerializer
    lookup_field = "slug"
    api_scope: str | None = None  # reading needs "read"; the registration action says its own

    def get_queryset(self):
        return fair_list()

    def get_object(self):
        """One fair through the access layer: an unlisted fair is a 404 to all but its organizers."""
        return access_fair(self.request.user, self.kwargs.get("slug"))

    @extend_schema(responses=HallSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def halls(self, request, slug=None):
        halls = fair_halls_with_counts(fair=self.get_object()).select_related("fair")
        return Response(HallSerializer(halls, many=True, context={"request": request}).data)

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("role", str, enum=["buyer", "exhibitor"], required=False)],
        request=None,
        responses={200: RegistrationOut},
    )
    @extend_schema(
        methods=["POST"], request=RegistrationIn, responses={200: RegistrationOut, 201: RegistrationOut}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        permission_classes=[IsAuthenticated],
        api_scope=SESSION_ONLY,  # a person registers signed in; no API token registers anyone
    )
    def registration(self, request, slug=None):
        """Your registration in this fair as a buyer or an exhibitor: read it (404 while there is
        none), or register / edit it (201 when new: pending until an organizer approves it). The
        consents ({"contact": bool, "recommend": bool}) are asked at a new registration; what is not
        given counts as no."""
        fair = self.get_object()
        if request.method == "GET":
            role = request.query_params.get("role", "buyer")
            mine = selectors.registration_of(fair=fair, user=request.user, role=role)
            if mine is None:
                raise NotFound("registration.none", _("You are not registered in this fair in this role."))
            return Response(selectors.registration_out(mine))
        data = dict(validated(RegistrationIn, request.data, code="registration.invalid"))
        existed = selectors.registration_of(fair=fair, user=request.user, role=data["role"]) is not None
        participant = services.registration_submit(user=request.user, fair=fair, source="api", **data)
        return Response(selectors.registration_out(participant), status=200 if existed else 201)


def register(router) -> None:
    router.register("fairs", FairViewSet, basename="fair")
