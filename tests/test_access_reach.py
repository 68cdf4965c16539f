"""Every entry point to a meeting or a booth asks the access layer about that very object.

The routes are read from the URL configuration and the websocket routing, so a new page, API view
or consumer that takes a meeting or a booth is checked without anyone adding it here. Each is
called by a signed-in stranger (an approved buyer of the fair who is not in the meeting and staffs
no booth) inside kernel.access.tracing(), which records every rule asked; the test fails when no
booth:* / meeting:* rule was asked about the object the route names.
"""

from __future__ import annotations

import re

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from agreements import outcomes
from agreements import services as agreement_services
from config.asgi import application
from config.routing import websocket_urlpatterns
from exhibitors import live
from kernel.access import tracing
from meetings import services as meeting_services
from meetings.models import Meeting
from tests import factories
from tests.exhibitors.conftest import cookie_for

pytestmark = pytest.mark.django_db(transaction=True)

OBJECT_KWARGS = {
    "booth_id": "booth",
    "meeting_id": "meeting",
    "agreement_id": "agreement",
    "outcome_id": "outcome",
}
API_ROUTES = {
    r"^api/booths/": "booth",
    r"^api/meetings/": "meeting",
    r"^api/agreements/": "agreement",
    r"^api/outcomes/": "outcome",
}
# kind of object -> (the prefixes of the rules about it, its model's name)
RULES_OF = {
    "booth": ({"booth"}, "booth"),
    "meeting": ({"meeting", "lead"}, "meeting"),
    "agreement": ({"agreement"}, "agreement"),
    "outcome": ({"outcome", "shipment"}, "tradeoutcome"),
}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _routes():
    """(route text, kind of object) of every HTTP route that names a booth or a meeting."""
    found = []
    for route, _pattern in _walk(get_resolver().url_patterns):
        kinds = {kind for kwarg, kind in OBJECT_KWARGS.items() if f"<int:{kwarg}>" in route}
        for prefix, kind in API_ROUTES.items():
            if re.match(prefix, route.replace("^", "")) and "(?P<pk>" in route and "(?P<format>" not in route:
                kinds.add(kind)
        if kinds:
            assert len(kinds) == 1, route
            found.append((route, kinds.pop()))
    return found


def _url(route: str, ids: dict) -> str:
    values = {
        "fair_slug": "demo-expo",
        "booth_id": ids["booth"],
        "meeting_id": ids["meeting"],
        "agreement_id": ids["agreement"],
        "outcome_id": ids["outcome"],
        "comment_id": 1,
        "answer": "accept",
        "shipment": 1,
        "pk": ids["object"],
        "product_id": ids["product"],
        "product": ids["product"],
        "document_id": 1,
        "image_id": 1,
        "buyer_id": ids["buyer"],
        "fmt": "xlsx",
        "action": "accept",
        "format": "json",
        "country": "CN",
        "crm_name": "hubspot",
        "webhook_id": 1,
        "delivery_id": 1,
        "uid": "00000000-0000-0000-0000-000000000000",
        "notice_id": 1,
    }

    def fill(match):
        name = match.group(1) or match.group(2)
        return str(values[name])

    url = re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", fill, route)
    return "/" + url.replace("^", "").replace("$", "").replace("\\", "")


@pytest.fixture
def world(small_fair):
    f, booth = small_fair["fair"], small_fair["booths"]["cosmetics"]
    slots = meeting_services.slots_generate(fair=f)
    org = small_fair["organizer"].user
    meeting_services.availability_set(actor=org, fair=f, slots=slots, booth=booth)
    meeting_services.availability_set(actor=org, fair=f, slots=slots, participant=small_fair["buyer"])
    meeting = meeting_services.meeting_request(
        actor=small_fair["buyer"].user, buyer=small_fair["buyer"], booth=booth, slot=slots[0]
    )
    stranger = factories.buyer(f).user
    staff, buyer = small_fair["staff"], small_fair["buyer"]
    agreement = agreement_services.agreement_draft(
        actor=staff.user,
        fair=f,
        kind="nda",
        title="NDA",
        language="en",
        text="Secret.",
        signatories=[(staff, ""), (buyer, "")],
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    outcome = outcomes.outcome_declare(
        actor=staff.user,
        origin=outcomes.origin_get(user=staff.user, kind="meeting", origin_id=meeting.pk),
        type="order",
        value="100",
        currency="USD",
        products="Cream",
    )
    return {
        **small_fair,
        "meeting": meeting,
        "stranger": stranger,
        "ids": {
            "booth": booth.pk,
            "meeting": meeting.pk,
            "product": booth.products.first().pk,
            "buyer": small_fair["buyer"].pk,
            "agreement": agreement.pk,
            "outcome": outcome.pk,
        },
    }


def _asked_about(asked, kind: str, pk: int) -> bool:
    prefixes, model_name = RULES_OF[kind]
    return any(
        perm.split(":")[0] in prefixes
        and getattr(obj, "pk", None) == pk
        and getattr(getattr(obj, "_meta", None), "model_name", "") == model_name
        for perm, obj in asked
    )


def test_every_page_and_api_view_of_a_booth_or_meeting_asks_the_access_layer(world):
    routes = _routes()
    assert len(routes) >= 20  # the booth pages, the builder, meeting pages, the room, the API
    client = Client()
    client.force_login(world["stranger"])
    missed = []
    for route, kind in routes:
        ids = {**world["ids"], "object": world["ids"][kind]}
        url = _url(route, ids)
        reached = False
        for method in (client.get, client.post):
            with tracing() as asked:
                method(url)
            if _asked_about(asked, kind, ids[kind]):
                reached = True
                break
        if not reached:
            missed.append(f"{url} ({route})")
    assert not missed, "entry points that never asked the access layer about their object:\n" + "\n".join(
        missed
    )


def test_every_consumer_of_a_booth_or_meeting_asks_the_access_layer(world):
    routes = [(str(p.pattern), p) for p in websocket_urlpatterns]
    checked = 0
    for route, _pattern in routes:
        kinds = [kind for kwarg, kind in OBJECT_KWARGS.items() if f"<int:{kwarg}>" in route]
        if not kinds:
            continue
        kind = kinds[0]
        path = "/" + re.sub(r"<int:(\w+)>", lambda m: str(world["ids"][OBJECT_KWARGS[m.group(1)]]), route)

        headers = [(b"origin", b"http://testserver"), *cookie_for(world["stranger"])]

        async def scenario(path=path, headers=headers):
            with tracing() as asked:  # the consumer's task copies the context it is made in
                communicator = WebsocketCommunicator(application, path, headers=headers)
                await communicator.connect()
                await communicator.disconnect()
            await live.shutdown()  # this loop's presence client
            return asked

        asked = async_to_sync(scenario)()
        assert _asked_about(asked, kind, world["ids"][kind]), route
        checked += 1
    assert checked == 4  # the live booth, the video room, the group rooms' chats (meeting, ceremony)
