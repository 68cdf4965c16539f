"""One daphne process dies mid-chat: its clients reconnect through nginx to the other and, with
chat.resume after the last id they saw, get every message they missed."""

from __future__ import annotations

import asyncio
import json

from websockets.exceptions import ConnectionClosed

from tests import factories
from tests.cluster.conftest import Socket, login_cookie

MESSAGES = 40
KILL_AT = MESSAGES // 3


async def follow(cluster, path: str, first: str, name: str, done: asyncio.Future) -> dict:
    """A visitor as the page behaves: on a lost socket, reconnect through nginx and resume."""
    target, seen, reconnects = first, set(), 0
    while True:
        s = await Socket.open(cluster.ws(target, path), name=f"{name}#{reconnects}")
        try:
            snapshot = json.loads(await asyncio.wait_for(s.ws.recv(), 15))
            assert snapshot["type"] == "snapshot"
            if reconnects:  # what it missed must come from chat.resume, not from the snapshot
                await s.send({"type": "chat.resume", "after": max(seen, default=0)})
            else:
                seen |= {m["id"] for m in snapshot["messages"]}
                ready_one()
            while True:
                try:
                    frame = json.loads(await asyncio.wait_for(s.ws.recv(), 0.5))
                except TimeoutError:
                    frame = {"type": "nothing yet"}
                if frame["type"] == "chat.message":
                    seen.add(frame["id"])
                elif frame["type"] == "chat.missed":
                    assert frame["complete"]
                    seen |= {m["id"] for m in frame["messages"]}
                if done.done() and done.result() in seen:
                    return {"name": name, "seen": seen, "reconnects": reconnects}
        except ConnectionClosed:
            target, reconnects = "nginx", reconnects + 1
        finally:
            await s.close()


_ready: asyncio.Queue | None = None


def ready_one() -> None:
    assert _ready is not None
    _ready.put_nowait(1)


def test_clients_of_a_killed_process_reconnect_and_miss_nothing(cluster):
    f = factories.fair()
    booth = factories.booth(f)
    staff = factories.staff(booth)
    cookie = login_cookie(staff.user)
    path = f"/ws/booths/{booth.pk}/"
    doomed = cluster.daphnes[0]

    async def scenario():
        global _ready
        _ready = asyncio.Queue()
        done = asyncio.get_running_loop().create_future()
        # Through nginx: round robin puts some of them on the process that will die; one certainly
        # there, connected to it directly (it too comes back through nginx).
        starts = [("nginx", f"visitor{i}") for i in range(6)] + [("d0", "visitor@d0")]
        followers = [asyncio.create_task(follow(cluster, path, t, n, done)) for t, n in starts]
        sender = await Socket.open(cluster.ws("d1", path), cookie=cookie, name="sender@d1")
        try:
            for _ in starts:
                await asyncio.wait_for(_ready.get(), 30)
            await sender.expect(lambda fr: fr["type"] == "snapshot")
            posted = []
            for i in range(MESSAGES):
                if i == KILL_AT:
                    doomed.process.kill()  # SIGKILL: no goodbye to anyone
                    doomed.process.wait(timeout=10)
                await sender.send({"type": "chat.post", "body": f"line {i}"})
                frame = await sender.expect(
                    lambda fr, i=i: fr.get("type") == "chat.message" and fr["body"] == f"line {i}"
                )
                posted.append(frame["id"])
                await asyncio.sleep(0.05)
            done.set_result(posted[-1])
            results = await asyncio.wait_for(asyncio.gather(*followers), 60)
        finally:
            for task in followers:
                task.cancel()
            await asyncio.gather(*followers, return_exceptions=True)
            await sender.close()
        return posted, results

    posted, results = asyncio.run(scenario())
    by_name = {r["name"]: r for r in results}
    assert by_name["visitor@d0"]["reconnects"] == 1
    assert any(r["reconnects"] for n, r in by_name.items() if n != "visitor@d0"), "nginx sent none to d0"
    for r in results:
        missing = sorted(set(posted) - r["seen"])
        assert not missing, f"{r['name']} (reconnected {r['reconnects']} times) lost {missing}"
