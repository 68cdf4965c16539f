"""The Content-Security-Policy in a real Chromium (issue 14): the main pages, as a visitor, a buyer,
a booth's staff and an organizer, run with scripts and styles from our own origin only, and the
browser reports no violation (the `securitypolicyviolation` events and the console are both read)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from tests.e2e.harness import Visit

COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


def open_visit(browser, base_url: str, name: str, user=None) -> tuple[Visit, list[str]]:
    context = browser.new_context(base_url=base_url)
    context.add_init_script(COLLECT)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console",
        lambda m: (
            console.append(m.text) if "Content Security Policy" in m.text or "Refused" in m.text else None
        ),
    )
    return Visit(page, base_url=base_url, name=name), console


def walk(v: Visit, console: list[str], paths: list[str]) -> None:
    for path in paths:
        response = v.goto(path)
        policy = response.header_value("content-security-policy") or ""
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (path, policy)
        v.page.wait_for_load_state("networkidle")
        v.audit(path)
        reported = v.page.evaluate("() => window.__csp")
        assert not reported and not console, f"CSP violations on {path}: {reported} {console}"
    v.finish()


def test_the_main_pages_run_under_the_csp_without_a_violation(browser, live_server_url, small_fair):
    fair = small_fair["fair"].slug
    booth = small_fair["booths"]["cosmetics"].pk
    public = [
        "/",
        "/fairs/",
        f"/fairs/{fair}/",
        f"/fairs/{fair}/halls/",
        f"/fairs/{fair}/halls/beauty/",
        f"/fairs/{fair}/booths/{booth}/",
        f"/fairs/{fair}/search/?q=snail",
        "/accounts/login/",
        "/accounts/signup/",
    ]
    people = [
        ("visitor", None, public),
        (
            "buyer",
            small_fair["buyer"].user,
            [
                f"/fairs/{fair}/booths/{booth}/",
                "/schedule/",
                "/profile/",
                "/profile/api-tokens/",
                "/profile/data/",
                "/notifications/",
                f"/fairs/{fair}/rfq/",
                f"/fairs/{fair}/rfq/new/",
                "/",
            ],
        ),
        ("staff", small_fair["staff"].user, [f"/fairs/{fair}/booths/{booth}/edit/", "/"]),
        (
            "organizer",
            small_fair["organizer"].user,
            [
                f"/fairs/{fair}/organize/",
                f"/fairs/{fair}/dashboard/",
                f"/fairs/{fair}/organize/registrations/",
            ],
        ),
    ]
    for name, user, paths in people:
        v, console = open_visit(browser, live_server_url, f"csp-{name}", user)
        try:
            walk(v, console, paths)
        finally:
            v.page.context.close()
