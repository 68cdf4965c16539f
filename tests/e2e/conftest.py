"""Fixtures for real-browser tests: daphne on the test database, Debian's Chromium, audited tabs.

The server runs in its own process, so it must see the test database: on
PostgreSQL it is the shared `test_<name>` database; on SQLite the test
database is switched from in-memory to a file before it is created (only
when browser tests are collected). Browser tests use transactional
databases so that what a test writes is committed and visible to daphne.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from django.db import connections

from tests.e2e.harness import ARTIFACTS, Daphne, Visit, chromium_args, require_chromium
from tests.i18n_support import ensure_compiled_messages

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    e2e = [item for item in items if E2E_DIR in Path(str(item.path)).parents]
    for item in e2e:
        item.add_marker(pytest.mark.e2e)
        item.add_marker(pytest.mark.django_db(transaction=True))
    db = connections["default"].settings_dict
    if e2e and db["ENGINE"] == "django.db.backends.sqlite3" and not db.get("TEST", {}).get("NAME"):
        # pytest-django adds the xdist worker suffix to this name; Django deletes the file afterwards.
        db.setdefault("TEST", {})["NAME"] = str(
            Path(tempfile.gettempdir()) / f"tradefair-e2e-{os.getpid()}.sqlite3"
        )


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker, run_media_root):
    """The address of daphne serving config.asgi:application on the test database."""
    ensure_compiled_messages()
    server = Daphne(db=connections["default"].settings_dict, log_path=ARTIFACTS / "daphne.log")
    try:
        server.wait_ready()
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="package")
def _playwright():
    """Playwright, for the tests of this package only.

    Its sync API keeps an asyncio loop marked as running in this thread, which makes
    Django refuse ORM calls (SynchronousOnlyOperation). Test code here is plain sync
    code, so the guard is lifted while Playwright runs and restored when the package ends.
    """
    require_chromium()
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
    try:
        with sync_playwright() as pw:
            yield pw
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="package")
def launch_browser(_playwright):
    """launch_browser(fake_media=False): a Chromium; fake_media adds a fake camera and microphone."""
    launched = []

    def launch(*, fake_media: bool = False):
        browser = _playwright.chromium.launch(
            executable_path=str(require_chromium()), headless=True, args=chromium_args(fake_media=fake_media)
        )
        launched.append(browser)
        return browser

    yield launch
    for browser in launched:
        browser.close()


@pytest.fixture(scope="package")
def browser(launch_browser):
    return launch_browser()


@pytest.fixture(scope="package")
def media_browser(launch_browser):
    """A Chromium with a fake camera and microphone, for the video-call pages."""
    return launch_browser(fake_media=True)


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


@pytest.fixture
def visit(browser, live_server_url, request):
    """visit(phone=False, browser=None): a fresh browser context and an audited tab on the live server."""
    contexts, visits = [], []

    def open_visit(*, phone: bool = False, browser_obj=None, name: str | None = None) -> Visit:
        context = (browser_obj or browser).new_context(**(PHONE if phone else {}), base_url=live_server_url)
        contexts.append(context)
        v = Visit(context.new_page(), base_url=live_server_url, name=name or request.node.name)
        visits.append(v)
        return v

    yield open_visit
    for context in contexts:
        context.close()
