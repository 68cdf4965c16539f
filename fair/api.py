"""Read-only REST API of fairs and their halls (registered on the one router in config/urls.py).

GET /api/fairs/               fairs, newest first
GET /api/fairs/{slug}/        one fair
GET /api/fairs/{slug}/halls/  its halls, with the number of published booths in each

Errors a client can cause answer 4xx as {"code": "<dotted.code>", "message": "..."}, in every API
of the project (kernel/api.py).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fair.selectors import fair_halls_with_counts, fair_list
from fair.serializers import FairSerializer, HallSerializer


class FairViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FairSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return fair_list()

    @extend_schema(responses=HallSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def halls(self, request, slug=None):
        halls = fair_halls_with_counts(fair=self.get_object()).select_related("fair")
        return Response(HallSerializer(halls, many=True, context={"request": request}).data)


def register(router) -> None:
    router.register("fairs", FairViewSet, basename="fair")
