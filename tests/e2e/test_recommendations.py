"""A buyer opens Recommended for you, reads the reasons in Korean, says "no thanks" and the booth goes.

The model is trained here, in the test process, into the same media folder the server reads
(both take MEDIA_ROOT from the environment), and its files are removed afterwards.
"""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from matching import services
from tests import factories
from tests.e2e.harness import set_server_password


@pytest.fixture
def trained_fair(db):
    f = factories.fair(slug="reco-expo")
    beauty = factories.hall(f, name="Beauty", chapters=("33",), slug="beauty")
    for name, certs in (("Glow Cosmetics", ["FDA"]), ("Plain Cosmetics", [])):
        company = factories.company(name=name, certifications=certs, languages=["en"])
        booth = factories.booth(
            f, hall=beauty, hs_codes=("3304",), company_obj=company, target_markets=["US"]
        )
        factories.product(booth, name="cream", hs_code="330499")
    buyer = factories.buyer(f, country="US", hs_codes=("3304",), certs=("FDA",))
    record = services.matching_train(fair=f)
    yield {"fair": f, "buyer": buyer}
    for path in (record.path, record.path.replace(".npz", ".json")):
        if default_storage.exists(path):
            default_storage.delete(path)


def test_buyer_reads_reasons_in_korean_and_says_no_thanks(visit, trained_fair):
    user = trained_fair["buyer"].user
    set_server_password(user, "pass-word-123")
    v = visit()
    page = v.page
    v.goto("/accounts/login/")
    v.audit("sign in")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill("pass-word-123")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    v.audit("home")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Recommended for you").click()
    v.audit("recommended in English")
    assert page.get_by_role("heading", level=1).inner_text() == "Recommended for you"
    cards = page.locator("li.recommendation")
    assert cards.count() == 2
    assert cards.nth(0).locator("h2").inner_text() == "Glow Cosmetics"  # holds the FDA the buyer requires
    plain = page.locator("li.recommendation", has_text="Plain Cosmetics")
    assert plain.get_by_text("does not hold FDA, which you require").is_visible()

    page.locator("#language-select").select_option("ko")
    with page.expect_navigation():
        page.locator(".lang-switch button").click()
    v.audit("recommended in Korean")
    assert page.get_by_role("heading", level=1).inner_text() == "추천"
    plain = page.locator("li.recommendation", has_text="Plain Cosmetics")
    assert plain.get_by_text("요구하시는 FDA 인증이 없습니다").is_visible()
    glow = page.locator("li.recommendation", has_text="Glow Cosmetics")
    assert glow.get_by_text("요구하시는 FDA 인증을 보유하고 있습니다").is_visible()

    with page.expect_navigation():
        plain.get_by_role("button", name="관심 없음").click()
    v.audit("after no thanks")
    assert page.locator("li.recommendation", has_text="Plain Cosmetics").count() == 0
    assert page.locator("li.recommendation").count() == 1
    assert page.get_by_role("status").filter(has_text="Plain Cosmetics: 관심 없음").is_visible()
    v.finish()
