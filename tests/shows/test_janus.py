"""A show's video through a real Janus (tests/janus_server.py): going live creates the room, the
application admits only whom the rules admit, and Janus itself refuses the others.

Skipped where `janus` is missing; a failure under TRADEFAIR_REQUIRE_JANUS=1 (tests/conftest.py)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from kernel.errors import PermissionDenied
from kernel.janus import JanusError, JanusSession
from shows import jobs, services
from shows.models import Show
from tests import factories
from tests.shows.conftest import schedule

pytestmark = pytest.mark.django_db


def joined(janus_server, admission, *, ptype: str = "publisher") -> dict:
    session = JanusSession(janus_server.url, token=admission.session_token)
    try:  # not "with": a refused create() must close the client too
        session.create()
        handle = session.attach()
        return session.request(
            handle,
            {
                "request": "join",
                "ptype": ptype,
                "room": admission.room,
                "id": admission.participant_id,
                "display": "viewer",
                "token": admission.room_token,
            },
        )
    finally:
        session.destroy()


def test_going_live_opens_a_room_and_only_admitted_people_get_in(small_fair, janus_settings):
    show = schedule(small_fair, in_minutes=5)
    staff, buyer = small_fair["staff"].user, small_fair["buyer"].user
    services.show_go_live(actor=staff, show=show)
    show.refresh_from_db()
    assert show.status == Show.Status.LIVE and show.janus_room and show.janus_secret
    with services.janus_admin() as admin:
        assert admin.room_exists(room=show.janus_room)

    presenter = services.show_admission(user=staff, show=show, role="publisher")
    viewer = services.show_admission(user=buyer, show=show, role="viewer")
    assert viewer.participant_id.startswith(f"u{buyer.pk}.")
    assert joined(janus_settings, presenter)["videoroom"] == "joined"
    assert joined(janus_settings, viewer)["videoroom"] == "joined"

    # A person our rules refuse gets no token at all ...
    stranger = factories.buyer(factories.fair()).user
    with pytest.raises(PermissionDenied):
        services.show_admission(user=stranger, show=show, role="viewer")
    # ... and Janus refuses a made-up room token (433) and a missing session token (403).
    forged = dataclasses.replace(viewer, participant_id="u999.deadbeef", room_token=viewer.room_token + "x")
    with pytest.raises(JanusError) as e:
        joined(janus_settings, forged)
    assert e.value.code == 433
    with pytest.raises(JanusError) as e:
        joined(janus_settings, dataclasses.replace(viewer, session_token="1,janus,nothing:AAAA"))
    assert e.value.code == 403

    # Janus forgot the room (a restart): the next admission creates it again.
    with services.janus_admin() as admin:
        admin.room_destroy(room=services.JanusRoom(id=show.janus_room, secret=show.janus_secret))
        again = services.show_admission(user=buyer, show=show, role="viewer")
        show.refresh_from_db()
        assert again.room == show.janus_room and admin.room_exists(room=show.janus_room)
        services.show_end(actor=staff, show=show)
        assert not admin.room_exists(room=show.janus_room)
    assert Show.objects.get(pk=show.pk).status == Show.Status.ENDED


def test_the_live_page_carries_the_video_parameters_for_admitted_people_only(small_fair, janus_settings):
    show = schedule(small_fair, in_minutes=5)
    services.show_go_live(actor=small_fair["staff"].user, show=show)
    url = reverse("show_detail", args=[small_fair["fair"].slug, show.pk])
    c = Client()
    c.force_login(small_fair["buyer"].user)
    page = c.get(url).content.decode()
    assert 'id="sfu-params"' in page and '"role": "viewer"' in page and "unavailable" not in page
    assert janus_settings.ws_url in page
    stranger = Client()
    stranger.force_login(factories.buyer(factories.fair()).user)
    page = stranger.get(url).content.decode()
    assert 'id="sfu-params"' not in page and "Only participants of this fair can watch its shows." in page
    presenter = Client()
    presenter.force_login(small_fair["staff"].user)
    assert 'id="sfu-params"' not in presenter.get(url).content.decode()  # not on air until they choose
    on_air = presenter.get(url + "?on_air=screen").content.decode()
    assert '"role": "publisher"' in on_air and '"source": "screen"' in on_air
    services.show_end(actor=small_fair["staff"].user, show=show)


def test_the_worker_keeps_the_stage_and_ends_shows_long_over(small_fair, janus_settings):
    show = schedule(small_fair, in_minutes=5)
    services.show_go_live(actor=small_fair["staff"].user, show=show)
    show.refresh_from_db()
    viewer = services.show_admission(user=small_fair["buyer"].user, show=show, role="viewer")
    honest = JanusSession(janus_settings.url, token=viewer.session_token)
    sneaky = JanusSession(janus_settings.url, token=viewer.session_token)
    try:
        honest.create()
        sneaky.create()
        for session, pid in ((honest, viewer.participant_id), (sneaky, "organizer")):
            session.request(
                session.attach(),
                {
                    "request": "join",
                    "ptype": "publisher",
                    "room": viewer.room,
                    "id": pid,
                    "token": viewer.room_token,
                },
            )
        assert jobs.stages_keep() == {"kicked": 1, "ended": 0}
        with services.janus_admin() as admin:
            ids = [p["id"] for p in admin.room_participants(room=show.janus_room) if not p.get("dummy")]
        assert ids == [viewer.participant_id]
    finally:
        honest.destroy()
        sneaky.destroy()
    assert jobs.stages_keep(now=show.ends_at + timedelta(minutes=31)) == {"kicked": 0, "ended": 1}
    assert Show.objects.get(pk=show.pk).status == Show.Status.ENDED
