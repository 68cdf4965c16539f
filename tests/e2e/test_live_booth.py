"""The live booth and the booth builder in a real Chromium against daphne, axe-core on every page.

An exhibitor and a buyer open the same booth in two browser contexts: the visitor count changes
on the exhibitor's page, and the buyer's message appears there. Then a staff member builds a
product with the HS picker and an image, publishes the booth, and an anonymous visitor sees it.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.test import Client
from PIL import Image

from tests import factories
from tests.e2e.harness import ARTIFACTS


def sign_in(v, user) -> None:
    """Put a session cookie of `user` (stored in the shared test database) into the tab's context."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    v.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": v.base_url}]
    )


def test_buyer_message_reaches_the_exhibitor_and_the_visitor_count_changes(visit, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    staff = small_fair["staff"].user
    staff.first_name = "Minji"
    staff.save()
    buyer = small_fair["buyer"].user
    buyer.first_name = "Aiko"
    buyer.save()
    path = f"/fairs/demo-expo/booths/{booth.pk}/"

    exhibitor = visit(name="live-booth-exhibitor")
    sign_in(exhibitor, staff)
    exhibitor.goto(path)
    ex = exhibitor.page
    ex.locator("#live-booth.online").wait_for()
    ex.wait_for_function("() => document.querySelector('[data-live=count]').textContent === '1'")
    assert "Minji" in ex.locator("[data-live=staff]").inner_text()
    exhibitor.audit("exhibitor alone")

    shopper = visit(phone=True, name="live-booth-buyer")
    sign_in(shopper, buyer)
    shopper.goto(path)
    bp = shopper.page
    bp.locator("#live-booth.online").wait_for()
    ex.wait_for_function("() => document.querySelector('[data-live=count]').textContent === '2'")
    assert bp.locator("[data-live=count]").inner_text() == "2"
    assert "Minji" in bp.locator("[data-live=staff]").inner_text()

    text = "Hello! Do you ship to Osaka? <b>not bold</b>"
    bp.get_by_label("Your message").fill(text)
    bp.get_by_role("button", name="Send").click()
    mine = bp.locator(".chat-log li", has_text="Do you ship to Osaka?")
    mine.wait_for()
    theirs = ex.locator(".chat-log li", has_text="Do you ship to Osaka?")
    theirs.wait_for()
    assert "Aiko" in theirs.inner_text()
    assert "<b>not bold</b>" in theirs.inner_text()  # shown as text, never as HTML
    assert ex.locator(".chat-log li b").count() == 0
    shopper.audit("buyer wrote")
    assert bp.evaluate("() => document.documentElement.scrollWidth") <= 390  # fits the phone

    # The exhibitor answers; the buyer sees it.
    ex.get_by_label("Your message").fill("Yes, by sea from Busan.")
    ex.keyboard.press("Enter")
    bp.locator(".chat-log li", has_text="Yes, by sea from Busan.").wait_for()
    exhibitor.audit("exhibitor sees the message")
    ex.screenshot(path=str(ARTIFACTS / "live-booth-exhibitor-page.png"), full_page=True)

    shopper.page.context.close()
    ex.wait_for_function("() => document.querySelector('[data-live=count]').textContent === '1'")
    exhibitor.finish()
    shopper.finish()


def test_staff_builds_a_product_with_the_hs_picker_and_an_image_then_publishes(visit, small_fair, tmp_path):
    draft = small_fair["booths"]["draft"]
    staff = factories.staff(draft).user
    image = tmp_path / "toner.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 140, 90)).save(buf, "JPEG")
    image.write_bytes(buf.getvalue())

    v = visit(name="booth-builder")
    sign_in(v, staff)
    page = v.page
    v.goto(f"/fairs/demo-expo/booths/{draft.pk}/edit/")
    v.audit("builder")
    with page.expect_navigation():
        page.get_by_role("link", name="Add a product").click()
    v.audit("new product")
    page.locator("#id_name_en").fill("Green tea toner")
    page.locator("#id_name_ko").fill("녹차 토너")
    hs = page.get_by_label("HS code")
    hs.fill("화장품")  # words in Korean: the datalist fills from /hs/search.json
    page.wait_for_function("() => document.querySelectorAll('#hs-options option').length > 0")
    assert page.locator("#hs-options option[value='33']").count() == 1
    hs.fill("3304")
    page.wait_for_function("() => document.querySelector('#hs-options option[value=\"3304\"]') !== null")
    assert "3304" in page.locator("[data-hs-chosen]").inner_text()
    page.get_by_label("Minimum order quantity").fill("200")
    page.get_by_label("Lowest price").fill("2.50")
    page.get_by_label("Highest price").fill("3.10")
    page.get_by_label("Incoterm").select_option("FOB")
    page.locator("#id_images").set_input_files(str(image))
    with page.expect_navigation():
        page.get_by_role("button", name="Save the product").click()
    v.audit("product saved")
    assert page.get_by_text("The product is saved.").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    v.audit("published")
    assert page.get_by_text("Your booth is published").is_visible()
    v.finish()

    public = visit(phone=True, name="booth-public")
    public.goto(f"/fairs/demo-expo/booths/{draft.pk}/")
    public.audit("public booth")
    pp = public.page
    assert pp.get_by_role("heading", name="Green tea toner").is_visible()
    thumb = pp.locator("img.product-thumb").first
    assert thumb.evaluate("img => img.complete && img.naturalWidth") == 400
    assert "FOB" in pp.locator(".product").first.inner_text()
    assert pp.evaluate("() => document.documentElement.scrollWidth") <= 390
    public.finish()
