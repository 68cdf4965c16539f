"""REST API of the notification centre (registered on the one router in config/urls.py): the
signed-in person's own notifications only.

GET  /api/notifications/[?unread=1]   my notifications, newest first (paginated)
GET  /api/notifications/unread/       {"unread": 3}: the bell's count
GET  /api/notifications/{id}/         one of mine (404 for anyone else's)
POST /api/notifications/{id}/read/    mark it read: {"id", ..., "read": true, "unread": 2}
POST /api/notifications/read-all/     mark all read: {"marked": 5, "unread": 0}

Errors answer 4xx as {"code": "notice.not_found", "message": "..."}.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from kernel.access import token_fair_id
from notices import selectors, services
from notices.access import access_notice
from notices.models import Notice


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField()
    fair = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    read = serializers.BooleanField()
    toast = serializers.BooleanField()

    def to_representation(self, instance):
        return selectors.notice_payload(instance)


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="only unread")])
)
class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NoticeSerializer
    queryset = Notice.objects.none()  # the schema reads the id's type from it; get_queryset() answers
    permission_classes = [IsAuthenticated]
    api_scope = "meetings"  # marking read: what an API token needs (fair/tokens.py)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no person, no rows
            return Notice.objects.none()
        unread = self.request.query_params.get("unread") in ("1", "true", "yes")
        rows = selectors.notice_list(user=self.request.user, unread_only=unread)
        if (scope := token_fair_id(self.request.user)) is not None:
            rows = rows.filter(fair_id=scope)  # an API token reads its own fair's notices only
        return rows

    def get_object(self):
        return access_notice(self.request.user, self.kwargs.get("pk"))

    @extend_schema(responses=UnreadSerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def unread(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = access_notice(request.user, pk)
        services.notice_mark_read(user=request.user, notice=notice)
        return Response(
            {**selectors.notice_payload(notice), "unread": selectors.unread_count(user=request.user)}
        )

    @extend_schema(request=None, responses=UnreadSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = services.notices_mark_all_read(user=request.user)
        return Response({"marked": marked, "unread": selectors.unread_count(user=request.user)})


def register(router) -> None:
    router.register("notifications", NoticeViewSet, basename="notice")
