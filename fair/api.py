"""Read-only REST API of fairs and their halls (registered on the one router in config/urls.py).

GET /api/fairs/               published fairs, newest first
GET /api/fairs/{slug}/        one fair (a fair not yet published: its organizers only)
GET /api/fairs/{slug}/halls/  its halls, with the number of published booths in each

Errors a client can cause answer 4xx as {"code": "<dotted.code>", "message": "..."}, in every API
of the project (kernel/api.py).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fair.access import access_fair
from fair.selectors import fair_halls_with_counts, fair_list
from fair.serializers import FairSerializer, HallSerializer


class FairViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FairSerializer
    lookup_field = "slug"

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


def register(router) -> None:
    router.register("fairs", FairViewSet, basename="fair")
