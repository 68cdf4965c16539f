"""The harness itself: the axe audit fails on a page with serious problems, and says which."""

import pytest

from tests.e2e.harness import axe_violations, format_violations


def test_axe_audit_reports_serious_violations(browser):
    page = browser.new_page()
    try:
        page.set_content(
            "<html><body><main><img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
            "<button></button><p style='color:#bbb;background:#fff'>faint text</p></main></body></html>"
        )
        violations = axe_violations(page)
    finally:
        page.close()
    ids = {v["id"] for v in violations}
    assert {"image-alt", "button-name", "color-contrast", "html-has-lang"} <= ids
    report = format_violations(violations)
    assert "image-alt (critical)" in report and "dequeuniversity.com" in report


@pytest.mark.parametrize("width", [360])
def test_pages_fit_a_360px_phone(visit, small_fair, width):
    v = visit(phone=True)
    v.page.set_viewport_size({"width": width, "height": 740})
    for path, label in [
        ("/", "site home"),
        ("/fairs/demo-expo/", "fair home"),
        (f"/fairs/demo-expo/booths/{small_fair['booths']['cosmetics'].pk}/", "booth"),
        ("/accounts/login/", "sign in"),
    ]:
        v.goto(path)
        v.audit(f"{label} {width}px")
        assert v.page.evaluate("() => document.documentElement.scrollWidth") <= width, path
    v.finish()
