"""REST API of live product shows (registered on the one router in config/urls.py): what the show pages
do (frontend/show_views.py), for scripts and apps. Thin: parse, load through shows.access, call one
service of shows.services. Errors answer 4xx as {"code": "show.denied", "message": "..."}; a body of
the wrong shape answers 400 "api.invalid" with every field's errors, and nothing changes.

GET    /api/fairs/{slug}/shows/?booth=<id>&status=<status>
                                    the fair's shows I may see: live, then to come, then ended
POST   /api/fairs/{slug}/shows/     {"booth", "title", "language", "starts", "zone", "minutes",
                                     "products"?, "record"?}: schedule a show (the booth's staff).
                                     "starts" without an offset is a wall-clock time in "zone", as on
                                     the page; with an offset it is that instant.
GET    /api/shows/{id}/             one show, with its products, pinned product and what I may do
POST   /api/shows/{id}/follow/      remind me 10 minutes before and mail me the invitation (ICS)
DELETE /api/shows/{id}/follow/      no more reminder
POST   /api/shows/{id}/cancel/      cancel a show that has not begun (the booth's staff)

Token scopes (kernel/scopes.py): reading needs ``read``; scheduling and cancelling ``booth``;
following ``meetings`` (a person's own agenda, like booking a meeting).
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from exhibitors.access import access_booth
from fair.access import access_fair
from kernel.access import allowed
from kernel.api import ID_SCHEMA, id_field, parse_id
from kernel.janus import janus_available, janus_missing_settings
from shows import selectors, services
from shows.access import access_show
from shows.models import Show, ShowInterpretation

# --- serializers: the bodies in, the answers out ------------------------------------------------


class WallClockField(serializers.DateTimeField):
    """A date and time kept as sent: naive (a wall-clock time in the show's zone, as the page's form
    gives it) or aware (an instant); shows.services.show_schedule tells the two apart."""

    def enforce_timezone(self, value):
        return value


class ShowIn(serializers.Serializer):
    booth = id_field()
    title = serializers.CharField(max_length=200)
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    starts = WallClockField(
        help_text='"2027-03-04T14:00": a wall-clock time in "zone" (as on the page); with an offset, '
        "that instant"
    )
    zone = serializers.CharField(max_length=64, help_text='the presenter\'s time zone, e.g. "Asia/Seoul"')
    minutes = serializers.IntegerField(min_value=services.MIN_MINUTES, max_value=services.MAX_MINUTES)
    products = serializers.ListField(child=id_field(), max_length=100, required=False, default=list)
    record = serializers.BooleanField(required=False, default=False)


class ProductOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    hs_code = serializers.CharField(allow_blank=True)


class VideoOut(serializers.Serializer):
    available = serializers.BooleanField(help_text="live video can run on this server (Janus configured)")
    reason = serializers.CharField(allow_null=True, help_text="why not, when it cannot")
    missing = serializers.ListField(
        child=serializers.CharField(),
        help_text="the settings Janus lacks (the booth's staff and the fair's organizers only)",
    )


class ShowOut(serializers.Serializer):
    id = serializers.IntegerField()
    fair = serializers.CharField(help_text="the fair's slug")
    booth = serializers.IntegerField()
    company = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField()
    starts_at = serializers.DateTimeField(default_timezone=UTC, help_text="UTC")
    ends_at = serializers.DateTimeField(default_timezone=UTC, help_text="UTC")
    status = serializers.ChoiceField(choices=Show.Status.choices)
    products = ProductOut(many=True)
    following = serializers.BooleanField(help_text="the caller asked to be reminded of it")
    interpretations = serializers.ListField(
        child=serializers.CharField(), help_text="the languages of its confirmed interpretations"
    )
    video = VideoOut()


class ShowDetailOut(ShowOut):
    zone = serializers.CharField(help_text="the presenter's time zone")
    starts_local = serializers.CharField(help_text="the start in the presenter's time zone, ISO 8601")
    pinned = ProductOut(allow_null=True)
    record = serializers.BooleanField()
    can_watch = serializers.BooleanField()
    can_present = serializers.BooleanField()
    page = serializers.CharField(help_text="the show's page on the site")


class FollowOut(serializers.Serializer):
    show = serializers.IntegerField()
    following = serializers.BooleanField()
    created = serializers.BooleanField(help_text="a new follow (the invitation was sent)")


def _video(user, show: Show) -> dict:
    """What the show page says of the video: whether it can run here, why not, and (to those who
    could fix it: the booth's staff, the fair's organizers) which settings are missing."""
    available = janus_available()
    fixers = allowed(user, "show:present", show) or allowed(user, "fair:organize", show.fair)
    return {
        "available": available,
        "reason": None
        if available
        else _("Live video is not available on this server: no video server (Janus) is configured."),
        "missing": janus_missing_settings() if fixers else [],
    }


def show_json(show: Show, user, *, following: bool, detail: bool = False) -> dict:
    confirmed = [
        i.language for i in show.interpretations.all() if i.status == ShowInterpretation.Status.CONFIRMED
    ]
    out = {
        "id": show.pk,
        "fair": show.fair.slug,
        "booth": show.booth_id,
        "company": show.booth.company.name,
        "title": show.title,
        "language": show.language,
        "starts_at": show.starts_at,
        "ends_at": show.ends_at,
        "status": show.status,
        "products": [selectors.product_payload(p) for p in show.products.all()],
        "following": following,
        "interpretations": sorted(confirmed),
        "video": _video(user, show),
    }
    if detail:
        out |= {
            "zone": show.zone,
            "starts_local": show.starts_at.astimezone(zoneinfo.ZoneInfo(show.zone)).isoformat(),
            "pinned": selectors.product_payload(show.pinned),
            "record": show.record,
            "can_watch": allowed(user, "show:watch", show),
            "can_present": allowed(user, "show:present", show),
            "page": f"/fairs/{show.fair.slug}/shows/{show.pk}/",
        }
    return ShowDetailOut(out).data if detail else ShowOut(out).data


def _one(request, show: Show) -> dict:
    following = show.pk in selectors.followed_ids(user=request.user, shows=[show])
    return show_json(show, request.user, following=following, detail=True)


# --- the fair's shows ---------------------------------------------------------------------------

_SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="the fair's slug")
_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        operation_id="fair_shows_list",
        parameters=[
            _SLUG,
            OpenApiParameter("booth", ID_SCHEMA, required=False, description="one booth's shows"),
            OpenApiParameter("status", str, enum=Show.Status.values, required=False),
        ],
        responses=ShowOut(many=True),
    ),
    create=extend_schema(
        operation_id="fair_shows_create", parameters=[_SLUG], request=ShowIn, responses={201: ShowDetailOut}
    ),
)
class FairShowViewSet(viewsets.ViewSet):
    """The shows of one fair: the programme, and scheduling a show of a booth."""

    api_scope = "booth"  # what an API token needs to schedule a show (fair/tokens.py)

    def get_permissions(self):
        return [IsAuthenticated()] if self.action == "create" else super().get_permissions()

    def list(self, request, slug=None):
        fair = access_fair(request.user, slug)
        params = request.query_params
        booth = params.get("booth")
        shows = selectors.show_list(
            fair=fair,
            user=request.user,
            booth_id=(parse_id(booth) or 0) if booth is not None else None,
            status=params.get("status") if params.get("status") in Show.Status.values else None,
        )
        followed = selectors.followed_ids(user=request.user, shows=shows)
        return Response([show_json(s, request.user, following=s.pk in followed) for s in shows])

    def create(self, request, slug=None):
        fair = access_fair(request.user, slug)
        body = ShowIn(data=request.data)
        body.is_valid(raise_exception=True)  # 400 api.invalid, every field's errors
        data = body.validated_data
        booth = access_booth(request.user, data["booth"], perm="show:schedule", fair=fair)
        show = services.show_schedule(
            actor=request.user,
            booth=booth,
            title=data["title"],
            language=data["language"],
            starts_local=data["starts"],
            zone=data["zone"],
            minutes=data["minutes"],
            products=data["products"],
            record=data["record"],
        )
        show = access_show(request.user, show.pk)
        return Response(_one(request, show), status=status.HTTP_201_CREATED)


# --- one show -----------------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(parameters=[_ID], responses=ShowDetailOut),
    cancel=extend_schema(parameters=[_ID], request=None, responses=ShowDetailOut),
)
class ShowViewSet(viewsets.ViewSet):
    """One show: read it, follow it, cancel it."""

    api_scope = None  # each action names the scope an API token needs (fair/tokens.py)

    def _get(self, request, pk, perm: str = "show:view") -> Show:
        return access_show(request.user, parse_id(pk) or 0, perm=perm)

    def retrieve(self, request, pk=None):
        return Response(_one(request, self._get(request, pk)))

    @extend_schema(
        methods=["POST"], parameters=[_ID], request=None, responses={200: FollowOut, 201: FollowOut}
    )
    @extend_schema(methods=["DELETE"], parameters=[_ID], request=None, responses={200: FollowOut})
    @action(
        detail=True,
        methods=["post", "delete"],
        permission_classes=[IsAuthenticated],
        api_scope="meetings",  # one's own agenda, like booking a meeting
    )
    def follow(self, request, pk=None):
        """POST: remind me of the show (10 minutes before) and mail me its invitation (ICS); 201 when
        new, 200 when I already followed it. DELETE: no more reminder."""
        show = self._get(request, pk)
        if request.method == "DELETE":
            services.show_unfollow(user=request.user, show=show)
            return Response({"show": show.pk, "following": False, "created": False})
        _follower, created = services.show_follow(user=request.user, show=show)
        return Response(
            {"show": show.pk, "following": True, "created": created},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated], api_scope="booth")
    def cancel(self, request, pk=None):
        """Cancel a show that has not begun (the booth's staff); its followers hear of it."""
        show = services.show_cancel(actor=request.user, show=self._get(request, pk, perm="show:present"))
        return Response(_one(request, self._get(request, show.pk)))


def register(router) -> None:
    router.register(r"fairs/(?P<slug>[^/.]+)/shows", FairShowViewSet, basename="fair-show")
    router.register("shows", ShowViewSet, basename="show")
