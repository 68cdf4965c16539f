import os
import uuid

import pytest

from tests import factories

RUN_ID = f"test-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session", autouse=True)
def _servers_use_this_runs_cache_keys():
    """Servers a test starts (daphne, workers) inherit the environment: their cache keys are this run's."""
    os.environ["CACHE_KEY_PREFIX"] = RUN_ID


_test_number = iter(range(1, 10**9))


@pytest.fixture(autouse=True)
def _cache_keys_of_this_run(settings):
    """Redis outlives a test run and the test database reuses ids: a run never reads another run's keys,
    and a test never reads a page an earlier test kept (fixtures write rows without the services'
    events, so no cached page hears of them). Servers a test starts use the run's prefix."""
    prefix = f"{RUN_ID}-{next(_test_number)}"
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}


@pytest.fixture(autouse=True)
def _empty_local_cache(_cache_keys_of_this_run):
    """A rolled-back test gives its ids to the next one (SQLite): the in-process cache starts empty."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A page request leaves its visitor's language active in the thread: the next test starts in English."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _outbox_delivers_at_once(settings):
    """Mail and notifications leave right after the commit that wrote them, in the test's process
    (in production the worker relays what is not pushed at once: kernel/outbox.py)."""
    settings.OUTBOX_DELIVER_AT_ONCE = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at full strength costs seconds per user on a shared 2-core machine; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """A new channel layer for every test.

    Each async test runs in its own event loop, and channels_redis keeps asyncio locks
    that belong to the loop that first used them: a layer shared across tests fails with
    "bound to a different event loop". Its connections close with their loop.
    """
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _no_presence_client_left_open():
    """A test whose event loop ended with the booth presence's Redis client still open fails here.

    The client's sockets would otherwise be found by the garbage collector much later, and their
    unclosed-socket warning would fail whichever test happened to be running then. End a scenario
    that opens booth sockets with ``tests.exhibitors.conftest.run`` (or ``live.shutdown()``).
    """
    yield
    from exhibitors import presence

    clients = getattr(presence._backend, "_clients", None)
    if not clients:
        return
    ended = [loop for loop in list(clients.keys()) if loop.is_closed()]
    for loop in ended:
        del clients[loop]
    if ended:
        pytest.fail("the test's event loop ended with the presence client open: end it with live.shutdown()")


@pytest.fixture(scope="session")
def run_media_root(tmp_path_factory):
    """This run's media folder, shared with the servers the tests start (they read MEDIA_ROOT)."""
    root = tmp_path_factory.mktemp("media")
    os.environ["MEDIA_ROOT"] = str(root)
    return root


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, run_media_root):
    """Files a test stores (uploads, trained models) never go to the repository's media/ folder."""
    settings.MEDIA_ROOT = run_media_root
    # The private storage (uploaded invitation files) too, beside it and never under it.
    private = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    private["OPTIONS"] = {"location": str(run_media_root.parent / f"{run_media_root.name}-private")}
    settings.STORAGES = {**settings.STORAGES, "private": private}


@pytest.fixture
def small_fair(db):
    """A fair: two halls, three booths (one draft), staff, a buyer, an organizer, an interpreter."""
    f = factories.fair(slug="demo-expo")
    beauty = factories.hall(f, name="Beauty & Cosmetics", chapters=("33", "34"), slug="beauty")
    food = factories.hall(f, name="Food & Beverage", chapters=("19", "20", "21"), slug="food")
    cosmetics = factories.booth(
        f,
        hall=beauty,
        company_obj=factories.company(name="Seoul Glow Co."),
        hs_codes=("3304",),
        target_markets=["JP", "US"],
    )
    snacks = factories.booth(
        f, hall=food, company_obj=factories.company(name="Busan Snacks"), hs_codes=("1905",)
    )
    draft = factories.booth(
        f, hall=beauty, company_obj=factories.company(name="Hidden Draft Ltd"), status="draft"
    )
    factories.product(cosmetics, name="Snail repair cream", hs_code="330499")
    factories.product(snacks, name="Seaweed chips", hs_code="190590")
    return {
        "fair": f,
        "halls": {"beauty": beauty, "food": food},
        "booths": {"cosmetics": cosmetics, "snacks": snacks, "draft": draft},
        "staff": factories.staff(cosmetics),
        "buyer": factories.buyer(f),
        "organizer": factories.participant(f, "organizer"),
        "interpreter": factories.participant(f, "interpreter", languages=["ko", "ja"]),
    }


@pytest.fixture(scope="session")
def janus_server(tmp_path_factory):
    """A real Janus for this run, configured from deploy/janus/ (tests/janus_server.py).

    Skips, saying why, where `janus` is missing; fails instead under TRADEFAIR_REQUIRE_JANUS=1.
    Its log ends up in test-artifacts/janus.log.
    """
    import shutil

    from tests.e2e.harness import ARTIFACTS
    from tests.janus_server import JanusServer

    server = JanusServer(tmp_path_factory.mktemp("janus"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(server.log_path, ARTIFACTS / "janus.log")


@pytest.fixture
def janus_settings(settings, janus_server):
    """The application's JANUS_* settings pointed at this run's Janus; returns the server."""
    for name, value in janus_server.settings.items():
        setattr(settings, name, value)
    return janus_server
