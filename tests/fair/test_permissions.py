"""One vocabulary, one function, three entry points (view mixin/decorator, DRF class, consumer decorator)."""

from types import SimpleNamespace

import pytest
from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from fair.permissions import HasPerm, Perm, PermissionMixin, consumer_requires, has_perm, permission_required
from kernel.errors import PermissionDenied
from tests import factories


def test_every_permission_is_namespaced():
    assert all(p.value.count(":") == 1 for p in Perm)
    assert Perm("booth:edit") is Perm.BOOTH_EDIT


def test_anyone_sees_a_fair_and_its_published_booths(small_fair):
    anon = AnonymousUser()
    assert has_perm(anon, Perm.FAIR_VIEW, small_fair["fair"])
    assert has_perm(anon, Perm.BOOTH_VIEW, small_fair["booths"]["cosmetics"])
    assert not has_perm(anon, Perm.BOOTH_VIEW, small_fair["booths"]["draft"])
    assert not has_perm(anon, Perm.FAIR_ORGANIZE, small_fair["fair"])


def test_organizer_organizes_only_their_own_fair(small_fair):
    organizer = small_fair["organizer"].user
    assert has_perm(organizer, Perm.FAIR_ORGANIZE, small_fair["fair"])
    assert has_perm(organizer, "fair:organize", small_fair["booths"]["cosmetics"])  # via the booth's fair
    assert not has_perm(organizer, Perm.FAIR_ORGANIZE, factories.fair())
    for role in ("buyer", "staff", "interpreter"):
        assert not has_perm(small_fair[role].user, Perm.FAIR_ORGANIZE, small_fair["fair"]), role


def test_a_pending_or_rejected_organizer_is_an_outsider(small_fair):
    for status in ("pending", "rejected"):
        p = factories.participant(small_fair["fair"], "organizer", status=status)
        assert not has_perm(p.user, Perm.FAIR_ORGANIZE, small_fair["fair"])
        assert not has_perm(p.user, Perm.FAIR_ATTEND, small_fair["fair"])


def test_only_approved_staff_of_that_booth_and_organizers_edit_it(small_fair):
    cosmetics, snacks = small_fair["booths"]["cosmetics"], small_fair["booths"]["snacks"]
    staff = small_fair["staff"].user
    assert has_perm(staff, Perm.BOOTH_EDIT, cosmetics)
    assert not has_perm(staff, Perm.BOOTH_EDIT, snacks)
    assert has_perm(small_fair["organizer"].user, Perm.BOOTH_EDIT, cosmetics)  # organizers run the fair
    # ... but they do not answer the booth chat as its staff
    assert not has_perm(small_fair["organizer"].user, Perm.BOOTH_STAFF, cosmetics)
    assert not has_perm(small_fair["buyer"].user, Perm.BOOTH_EDIT, cosmetics)
    pending = factories.staff(snacks, status="pending").user
    assert not has_perm(pending, Perm.BOOTH_EDIT, snacks)


def test_draft_booths_are_visible_to_their_staff_and_the_organizers_only(small_fair):
    draft = small_fair["booths"]["draft"]
    assert has_perm(factories.staff(draft).user, Perm.BOOTH_VIEW, draft)
    assert has_perm(small_fair["organizer"].user, Perm.BOOTH_VIEW, draft)
    assert not has_perm(small_fair["staff"].user, Perm.BOOTH_VIEW, draft)  # staff of another booth
    assert not has_perm(small_fair["buyer"].user, Perm.BOOTH_VIEW, draft)
    other_organizer = factories.participant(factories.fair(), "organizer").user
    assert not has_perm(other_organizer, Perm.BOOTH_VIEW, draft)


def test_superusers_may_do_everything(small_fair):
    root = factories.user(is_superuser=True)
    meeting = SimpleNamespace(fair_id=small_fair["fair"].pk, buyer=None, exhibitor=None, interpreter=None)
    for perm in Perm:
        obj = meeting if perm is Perm.MEETING_JOIN else small_fair["booths"]["draft"]
        assert has_perm(root, perm, obj), perm
    root.is_active = False
    assert not has_perm(root, Perm.BOOTH_EDIT, small_fair["booths"]["draft"])


def test_chat_and_meeting_requests(small_fair):
    cosmetics, draft = small_fair["booths"]["cosmetics"], small_fair["booths"]["draft"]
    buyer = small_fair["buyer"].user
    assert has_perm(buyer, Perm.BOOTH_CHAT, cosmetics)
    assert not has_perm(buyer, Perm.BOOTH_CHAT, draft)
    assert has_perm(buyer, Perm.MEETING_REQUEST, cosmetics)
    assert not has_perm(buyer, Perm.MEETING_REQUEST, draft)
    assert not has_perm(
        small_fair["staff"].user, Perm.MEETING_REQUEST, cosmetics
    )  # exhibitors do not request
    assert not has_perm(factories.user(), Perm.BOOTH_CHAT, cosmetics)  # not in the fair
    assert has_perm(small_fair["interpreter"].user, Perm.MEETING_INTERPRET, small_fair["fair"])


def test_meeting_join_rule(small_fair):
    cosmetics = small_fair["booths"]["cosmetics"]
    meeting = SimpleNamespace(
        fair_id=small_fair["fair"].pk,
        booth_id=cosmetics.pk,
        buyer=small_fair["buyer"],
        exhibitor=small_fair["staff"],
        interpreter=small_fair["interpreter"],
    )
    colleague = factories.staff(cosmetics).user  # works in the same booth
    for user in (
        small_fair["buyer"].user,
        small_fair["staff"].user,
        colleague,
        small_fair["interpreter"].user,
        small_fair["organizer"].user,
    ):
        assert has_perm(user, Perm.MEETING_JOIN, meeting)
    other_buyer = factories.buyer(small_fair["fair"]).user
    snack_staff = factories.staff(small_fair["booths"]["snacks"]).user
    assert not has_perm(other_buyer, Perm.MEETING_JOIN, meeting)
    assert not has_perm(snack_staff, Perm.MEETING_JOIN, meeting)
    assert not has_perm(AnonymousUser(), Perm.MEETING_JOIN, meeting)


def test_answers_cost_one_query_per_user_and_fair(small_fair, django_assert_num_queries):
    user = small_fair["staff"].user
    with django_assert_num_queries(1):
        for perm in (Perm.BOOTH_EDIT, Perm.BOOTH_CHAT, Perm.FAIR_ORGANIZE, Perm.MEETING_REQUEST):
            has_perm(user, perm, small_fair["booths"]["cosmetics"])


# --- the entry points -------------------------------------------------------------------


class EditBooth(PermissionMixin, View):
    permission = Perm.BOOTH_EDIT

    def get_permission_object(self):
        from exhibitors.models import Booth

        return Booth.objects.get(pk=self.kwargs["pk"])

    def get(self, request, pk):
        return HttpResponse("editing")


@permission_required(Perm.FAIR_ORGANIZE, lambda request, fair: fair)
def organize(request, fair):
    return HttpResponse("organizing")


def test_view_mixin_and_decorator(small_fair):
    from django.core.exceptions import PermissionDenied as Denied

    rf = RequestFactory()
    booth = small_fair["booths"]["cosmetics"]
    request = rf.get("/edit")
    request.user = small_fair["staff"].user
    assert EditBooth.as_view()(request, pk=booth.pk).content == b"editing"
    request.user = small_fair["buyer"].user
    with pytest.raises(Denied):
        EditBooth.as_view()(request, pk=booth.pk)
    request.user = AnonymousUser()
    assert EditBooth.as_view()(request, pk=booth.pk).status_code == 302  # to the login page

    request.user = small_fair["organizer"].user
    assert organize(request, small_fair["fair"]).content == b"organizing"
    request.user = small_fair["buyer"].user
    with pytest.raises(Denied):
        organize(request, small_fair["fair"])
    request.user = AnonymousUser()
    assert organize(request, small_fair["fair"])["Location"].startswith("/accounts/login/")


class BoothAPI(APIView):
    permission_classes = [HasPerm(Perm.BOOTH_EDIT)]

    def get(self, request, pk):
        from exhibitors.models import Booth

        self.check_object_permissions(request, Booth.objects.get(pk=pk))
        return Response({"ok": True})


def test_drf_permission_class(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    factory = APIRequestFactory()
    for user, status in ((small_fair["staff"].user, 200), (small_fair["buyer"].user, 403)):
        request = factory.get("/")
        force_authenticate(request, user)
        assert BoothAPI.as_view()(request, pk=booth.pk).status_code == status


class StaffConsumer(AsyncJsonWebsocketConsumer):
    @consumer_requires(Perm.BOOTH_STAFF, lambda self: self.get_booth())
    async def connect(self):
        await self.accept()

    async def get_booth(self):
        from exhibitors.models import Booth

        return await Booth.objects.aget(pk=self.scope["url_route"]["kwargs"]["pk"])

    async def receive_json(self, content, **kwargs):
        try:
            await self.organize()
        except PermissionDenied as e:
            await self.send_json(e.as_dict())

    @consumer_requires(Perm.FAIR_ORGANIZE, lambda self: self.get_booth())
    async def organize(self):
        await self.send_json({"type": "organized"})


async def _connect(user, booth):
    communicator = WebsocketCommunicator(StaffConsumer.as_asgi(), f"/ws/{booth.pk}/")
    communicator.scope["user"] = user
    communicator.scope["url_route"] = {"kwargs": {"pk": booth.pk}}
    return communicator, await communicator.connect()


def test_consumer_decorator(small_fair):
    async_to_sync(_consumer_scenario)(small_fair)


async def _consumer_scenario(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    communicator, (connected, code) = await _connect(small_fair["buyer"].user, booth)
    assert (connected, code) == (False, 4403)

    communicator, (connected, _) = await _connect(small_fair["staff"].user, booth)
    assert connected
    await communicator.send_json_to({"type": "organize"})
    assert await communicator.receive_json_from() == {
        "type": "error",
        "code": "protocol.denied",
        "message": "fair:organize denied",
    }
    await communicator.disconnect()
