"""A live show in real Chromium tabs through daphne and a real Janus (tests/janus_server.py).

The booth's staff member goes live with a fake camera from the show page (sfu.js as VideoRoom
publisher); three buyers open the same page and each one's <video> receives frames of the
presenter (times to first frame printed). The presenter features a product: it appears on every
viewer's page within a second, and its "Request a quote" opens the quote request filled in with
the product. A page whose room token the application did not sign is refused by Janus itself, and
a buyer of another fair gets no admission at all. axe-core audits the pages.

Skipped where `janus` is missing; a failure under TRADEFAIR_REQUIRE_JANUS=1.
"""

from __future__ import annotations

import re
import statistics
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from shows import services
from shows.models import ShowClick
from tests import factories
from tests.e2e.conftest import PHONE
from tests.e2e.harness import ARTIFACTS, Daphne, Visit
from tests.i18n_support import ensure_compiled_messages
from tests.shows.conftest import schedule

RECEIVING = """async (feed) => {
  const video = document.querySelector(`figure[data-feed="${feed}"] video`);
  if (!video || !video.videoWidth) return false;
  return await new Promise((resolve) => {
    let frames = 0;
    const tick = () => { if (++frames >= 5) resolve(true); else video.requestVideoFrameCallback(tick); };
    video.requestVideoFrameCallback(tick);
    setTimeout(() => resolve(false), 10000);
  });
}"""

HAS_VIDEO = """(feed) => {
  const video = document.querySelector(`figure[data-feed="${feed}"] video`);
  return video && video.videoWidth > 0;
}"""

# Before sfu.js reads them, the page's parameters get a room token with a signature we never made.
FORGE = """new MutationObserver((changes, observer) => {
  const el = document.getElementById("sfu-params");
  if (!el) return;
  const params = JSON.parse(el.textContent);
  params.roomToken = params.roomToken.replace(/:[^:]*$/, ":" + btoa("not signed by us....."));
  el.textContent = JSON.stringify(params);
  observer.disconnect();
}).observe(document, {childList: true, subtree: true});"""

# Records (Date.now()) when a featured product first shows on the page.
WATCH_PINNED = """() => {
  window.pinnedAt = null;
  const box = document.querySelector('[data-show="pinned"]');
  new MutationObserver(() => {
    if (!window.pinnedAt && box.querySelector('[data-product-id]')) window.pinnedAt = Date.now();
  }).observe(box, {childList: true, subtree: true});
}"""


@pytest.fixture(scope="module")
def show_server(django_db_setup, django_db_blocker, janus_server):
    """A daphne of its own whose settings point at this run's Janus."""
    ensure_compiled_messages()
    server = Daphne(
        db=connections["default"].settings_dict,
        log_path=ARTIFACTS / "daphne-live-show.log",
        extra_env=dict(janus_server.settings),
    )
    try:
        server.wait_ready()
        yield server.url
    finally:
        server.stop()


def off_the_loop(fn, *args):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


def open_tab(browser, base_url: str, user, name: str, *, phone: bool = False) -> Visit:
    context = browser.new_context(**(PHONE if phone else {}), base_url=base_url)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])
    visit = Visit(context.new_page(), base_url=base_url, name=name)
    visit.console = []
    visit.page.on("console", lambda m: visit.console.append(f"{m.type}: {m.text}"))
    return visit


def sfu(visit: Visit, expression: str):
    return visit.page.evaluate(
        f"() => {{ const room = document.querySelector('[data-sfu]').sfuRoom; {expression} }}"
    )


def setup_show(small_fair):
    show = schedule(small_fair, in_minutes=5, title="Snail cream, live from Seoul", record=True)
    services.show_go_live(actor=small_fair["staff"].user, show=show)
    buyers = [small_fair["buyer"].user] + [factories.buyer(small_fair["fair"]).user for _ in range(3)]
    stranger = factories.buyer(factories.fair()).user
    return show, buyers, stranger


def test_a_show_reaches_three_viewers_and_a_pinned_product_reaches_them_within_a_second(
    media_browser, show_server, janus_server, janus_settings, small_fair
):
    show, buyers, stranger = off_the_loop(setup_show, small_fair)
    product = small_fair["booths"]["cosmetics"].products.first()
    path = f"/fairs/{small_fair['fair'].slug}/shows/{show.pk}/"
    tabs: list[Visit] = []
    try:
        presenter = open_tab(media_browser, show_server, small_fair["staff"].user, "show-presenter")
        tabs.append(presenter)
        presenter.goto(path + "?on_air=camera")
        presenter.page.wait_for_function(
            "() => { const r = document.querySelector('[data-sfu]').sfuRoom;"
            " return r && (r.timing.publishedMs !== null || r.closed); }",
            timeout=30_000,
        )
        feed = sfu(presenter, "return room.id;")
        assert feed and feed.startswith(f"u{small_fair['staff'].user.pk}."), presenter.console
        presenter.audit("on air")

        viewers = []
        for n, user in enumerate(buyers[:3]):
            tab = open_tab(media_browser, show_server, user, f"show-viewer-{n}", phone=n == 2)
            tabs.append(tab)
            viewers.append(tab)
            tab.goto(path)
        for tab in viewers:
            tab.page.wait_for_function(HAS_VIDEO, arg=feed, timeout=60_000)
            assert tab.page.evaluate(RECEIVING, feed), f"{tab.name}: no frames"
        figures = [sfu(tab, f"return room.feeds.get({feed!r}).firstFrameMs;") for tab in viewers]
        print(
            f"\n[live show] first frames: {', '.join(f'{ms:.0f}' for ms in figures)} ms after joining began;"
            f" median {statistics.median(figures):.0f} ms"
        )
        for tab in viewers:
            tab.page.wait_for_function(
                "() => document.querySelector('[data-show=viewers]').textContent === '4'"
            )
        viewers[0].audit("watching")
        viewers[2].audit("watching on a phone")
        assert (
            viewers[2].page.evaluate("() => document.documentElement.scrollWidth")
            <= PHONE["viewport"]["width"]
        )

        # The presenter features a product: every viewer has it, with its buttons, within a second.
        for tab in viewers:
            tab.page.evaluate(WATCH_PINNED)
        clicked_at = presenter.page.evaluate(
            "(id) => { const t = Date.now(); document.querySelector(`[data-pin='${id}']`).click();"
            " return t; }",
            str(product.pk),
        )
        delays = []
        for tab in viewers:
            tab.page.wait_for_function("() => window.pinnedAt", timeout=5_000)
            delays.append(tab.page.evaluate("() => window.pinnedAt") - clicked_at)
            card = tab.page.locator(".pinned-product")
            assert card.locator("h3").inner_text() == "Snail repair cream"
            for name in ("Request a quote", "Request a sample", "Book a consultation"):
                assert card.get_by_role("link", name=name).is_visible()
        print(
            f"[live show] featured product on the viewers' pages after {', '.join(f'{d} ms' for d in delays)}"
        )
        assert max(delays) < 1000, delays
        viewers[1].audit("a product is featured")

        # "Request a quote" opens the quote request, filled in with the product.
        viewers[1].page.locator(".pinned-product").get_by_role("link", name="Request a quote").click()
        viewers[1].page.wait_for_url(re.compile(r"/rfq/new/\?product=\d+$"))
        assert viewers[1].page.get_by_label("What you want to source").input_value() == "Snail repair cream"
        assert viewers[1].page.get_by_label("HS code").input_value() == "330499"
        viewers[1].audit("quote request filled in")
        assert ShowClick.objects.filter(show=show, action="quote", user=buyers[1]).exists()

        # A page whose room token we did not sign: Janus refuses it (433), whatever the page does.
        forger = open_tab(media_browser, show_server, buyers[3], "show-forged-token")
        tabs.append(forger)

        forger.page.add_init_script(FORGE)
        forger.goto(path)
        forger.page.wait_for_function(
            "() => document.querySelector('[data-sfu]').sfuRoom.closed", timeout=20_000
        )
        assert sfu(forger, "return room.leftReason;") == "refused", (
            sfu(forger, "return room.lastError;"),
            forger.console,
        )
        assert sfu(forger, "return room.lastError && room.lastError.code;") == 433
        assert forger.page.locator("[data-show=video-state]").inner_text() == "The video server refused you."
        forger.audit("refused by Janus")

        # A buyer of another fair: the application admits them to nothing.
        outsider = open_tab(media_browser, show_server, stranger, "show-outsider")
        tabs.append(outsider)
        outsider.goto(path)
        assert outsider.page.locator("#sfu-params").count() == 0
        assert "Only participants of this fair can watch its shows." in outsider.page.content()
        outsider.audit("not admitted")

        # The presenter ends the show: Janus tells every viewer's page, and the show socket its status.
        presenter.page.get_by_role("button", name="End the show").click()
        presenter.page.wait_for_load_state("load")
        presenter.audit("ended")
        # Janus recorded the presenter's tracks; the presenter's page says so.
        recorded = list(janus_server.recordings_dir.glob(f"videoroom-*-user-{feed}-*.mjr"))
        assert {p.name.rsplit("-", 2)[-2] for p in recorded} == {"audio", "video"}, recorded
        assert "2 recording files on the video server." in presenter.page.content()
        for tab in (viewers[0], viewers[2]):
            tab.page.wait_for_function(
                "() => document.querySelector('[data-sfu]').sfuRoom.closed", timeout=20_000
            )
            assert sfu(tab, "return room.leftReason;") == "destroyed"
            tab.page.wait_for_function(
                "() => document.querySelector('[data-show=status]').textContent === 'Ended'"
            )
            assert tab.page.locator("[data-show=video-state]").inner_text() == "The show has ended."

        for tab in tabs:
            assert not tab.unaudited, tab.unaudited
            external = [u for u in tab.external_requests() if not u.startswith(janus_server.ws_url)]
            assert not external, external
    finally:
        for tab in tabs:
            tab.page.context.close()
        off_the_loop(lambda: services.show_end(actor=small_fair["staff"].user, show=show))


def test_staff_schedule_a_show_on_a_phone_and_a_buyer_finds_it_in_the_programme(
    browser, show_server, small_fair
):
    fair, booth = small_fair["fair"], small_fair["booths"]["cosmetics"]
    staff = open_tab(browser, show_server, small_fair["staff"].user, "show-schedule-phone", phone=True)
    buyer = open_tab(browser, show_server, small_fair["buyer"].user, "show-programme")
    try:
        staff.goto(f"/fairs/{fair.slug}/booths/{booth.pk}/")
        staff.audit("booth page")
        staff.page.get_by_role("link", name="Schedule a live show").click()
        staff.page.wait_for_load_state("load")
        staff.audit("schedule form")
        page = staff.page
        page.get_by_label("Title").fill("Snail cream for Japan")
        page.get_by_label("Language of the show").select_option("ja")
        page.get_by_label("Starts at").fill(f"{datetime.now().year + 1}-04-01T15:00")
        page.get_by_label("Your time zone").select_option("Asia/Seoul")
        page.get_by_label("Snail repair cream").check()
        page.get_by_label("Title").focus()
        page.keyboard.press("Enter")  # the keyboard submits the form
        page.wait_for_url(re.compile(r"/shows/\d+/$"))
        assert page.get_by_role("heading", name="Snail cream for Japan").is_visible()
        staff.audit("the show page, scheduled")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]

        buyer.goto(f"/fairs/{fair.slug}/shows/")
        buyer.audit("the programme")
        buyer.page.get_by_role("link", name="Snail cream for Japan").click()
        buyer.page.wait_for_load_state("load")
        buyer.audit("the show page, before it starts")
        buyer.page.get_by_role("button", name="Remind me").click()
        buyer.page.wait_for_load_state("load")
        assert "You will be reminded 10 minutes before." in buyer.page.content()
        buyer.audit("reminder set")
        for tab in (staff, buyer):
            assert not tab.unaudited, tab.unaudited
            assert not tab.external_requests(), tab.external_requests()
    finally:
        staff.page.context.close()
        buyer.page.context.close()
