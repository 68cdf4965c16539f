"""The Content-Security-Policy header on every page (django-csp): scripts from our origin only.
tests/e2e/test_csp.py runs the main pages in Chromium and fails on any reported violation."""

import re

from django.urls import reverse

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


def test_pages_send_a_csp_without_inline_scripts(client, small_fair):
    for url in ("/", reverse("fair_list"), reverse("account_login"), "/api/docs/"):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = policy(response)
        assert directives["script-src"] == "script-src 'self'", url
        assert "'none'" in directives["object-src"] and "frame-ancestors" in directives
        assert not INLINE_SCRIPT.search(response.content.decode()), url
    # Only the API docs page relaxes styles (Swagger UI's own inline <style>), never scripts.
    assert "unsafe-inline" not in policy(client.get("/"))["style-src"]
    assert "unsafe-inline" in policy(client.get("/api/docs/"))["style-src"]


def test_the_api_docs_load_their_start_up_script_from_a_url(client, db):
    page = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="([^"]*script[^"]*)"', page).group(1).replace("&amp;", "&")
    answer = client.get(script)
    assert answer.status_code == 200 and "SwaggerUIBundle" in answer.content.decode()
