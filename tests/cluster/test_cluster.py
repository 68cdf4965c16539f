"""Two daphne processes, one worker and nginx on one PostgreSQL and one Redis: what one process
does reaches clients on the other, directly and through nginx (deploy/nginx/tradefair.conf)."""

from __future__ import annotations

import asyncio
import time
import urllib.request

from meetings import services as meeting_services
from tests import factories
from tests.cluster.conftest import Socket, login_cookie, post_json


def booth_path(booth) -> str:
    return f"/ws/booths/{booth.pk}/"


def test_nginx_serves_static_files_and_proxies_pages(cluster):
    with urllib.request.urlopen(cluster.nginx.url + "/static/probe.txt", timeout=5) as r:  # noqa: S310
        assert r.read() == b"served by nginx"
    for _ in range(4):  # round robin over both processes: each answers
        with urllib.request.urlopen(cluster.nginx.url + "/healthz", timeout=10) as r:  # noqa: S310
            assert r.status == 200


def test_chat_reaches_clients_on_the_other_process(cluster):
    f = factories.fair()
    booth = factories.booth(f)
    staff = factories.staff(booth)
    buyer = factories.buyer(f)
    staff_cookie, buyer_cookie = login_cookie(staff.user), login_cookie(buyer.user)

    async def scenario():
        path = booth_path(booth)
        a = await Socket.open(cluster.ws("d0", path), cookie=staff_cookie, name="staff@d0")
        b = await Socket.open(cluster.ws("d1", path), cookie=buyer_cookie, name="buyer@d1")
        via_nginx = [await Socket.open(cluster.ws("nginx", path), name=f"anon{i}@nginx") for i in range(4)]
        everyone = [a, b, *via_nginx]
        try:
            for s in everyone:
                await s.expect(lambda fr: fr["type"] == "snapshot")
            await a.send({"type": "chat.post", "body": "from process 0"})
            await b.send({"type": "chat.post", "body": "from process 1"})
            for s in everyone:
                for body in ("from process 0", "from process 1"):
                    await s.expect(lambda fr, body=body: fr["type"] == "chat.message" and fr["body"] == body)
        finally:
            for s in everyone:
                await s.close()

    asyncio.run(scenario())


def test_presence_counts_visitors_on_both_processes(cluster):
    f = factories.fair()
    booth = factories.booth(f)
    buyers = [factories.buyer(f) for _ in range(4)]
    cookies = [login_cookie(b.user) for b in buyers]
    targets = ["d0", "d0", "d1", "nginx"]

    async def scenario():
        sockets = []
        try:
            for cookie, target in zip(cookies, targets, strict=True):
                sockets.append(
                    await Socket.open(cluster.ws(target, booth_path(booth)), cookie=cookie, name=target)
                )
            for s in sockets:  # every visitor, whichever process it is on, sees all four
                await s.expect(lambda fr: fr.get("type") in ("presence", "snapshot") and _count(fr) == 4)
            await sockets[2].close()  # the one on process 1 leaves: those on process 0 see it
            for s in sockets[:2]:
                await s.expect(lambda fr: fr.get("type") == "presence" and fr["count"] == 3)
        finally:
            for s in sockets:
                await s.close()

    asyncio.run(scenario())


def _count(frame: dict) -> int | None:
    return frame["count"] if frame["type"] == "presence" else frame["presence"]["count"]


def test_meeting_request_through_one_process_reaches_the_exhibitor_on_the_other(cluster):
    f = factories.fair()
    booth = factories.booth(f)
    booth.company.languages = ["en"]
    booth.company.save()
    staff = factories.staff(booth)
    buyer = factories.buyer(f)
    org = factories.participant(f, "organizer").user
    slots = meeting_services.slots_generate(fair=f)
    meeting_services.availability_set(actor=org, fair=f, slots=slots, booth=booth)
    meeting_services.availability_set(actor=org, fair=f, slots=slots, participant=buyer)
    staff_cookie, buyer_cookie = login_cookie(staff.user), login_cookie(buyer.user)

    async def scenario():
        exhibitor = await Socket.open(cluster.ws("d1", "/ws/notifications/"), cookie=staff_cookie)
        try:
            await exhibitor.expect(lambda fr: fr["type"] == "hello")
            status, body = await asyncio.to_thread(
                post_json,
                cluster.http("d0") + "/api/meetings/",
                {"booth": booth.pk, "slot": slots[0].pk, "message": "Samples for Osaka?"},
                buyer_cookie,
            )
            assert status == 201, body
            frame = await exhibitor.expect(lambda fr: fr["type"] == "meeting.requested")
            assert str(body["id"]) in str(frame)
        finally:
            await exhibitor.close()

    asyncio.run(scenario())
    # The e-mail to the exhibitor went through the worker (the console backend writes to its log).
    deadline = time.monotonic() + 30
    while staff.user.email not in cluster.worker.log_path.read_text(errors="replace"):
        assert time.monotonic() < deadline, "the worker did not send the meeting request e-mail"
        time.sleep(0.3)
