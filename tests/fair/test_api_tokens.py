"""One way in per kind of client (issue 14): the browser's session, or an API token bound to one fair
with scopes and an expiry (issue 22); no HTTP Basic, and no password form that skips the sign-in
lockout. Scopes, expiry, rate limits and organization tokens: tests/fair/test_token_scopes.py."""

import base64

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from fair.models import ApiToken
from tests import factories

PASSWORD = "pass-word-123"


def basic(email, password):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()}


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


WRITE = ["read", "meetings", "leads", "rfq", "booth"]


def make_token(client, fair, *, name="CRM sync", scopes=("read",), expires_in=90, owner="me"):
    """Create a token on the page, as its owner would, and read it from the page once."""
    form = {"name": name, "fair": fair.slug, "scopes": list(scopes), "expires_in": expires_in, "owner": owner}
    response = client.post(reverse("api_tokens"), form)
    assert response.status_code == 200, response.content
    page = response.content.decode()
    start = page.index('data-testid="new-token"')
    value = page.rindex('value="', 0, start) + len('value="')
    return page[value : page.index('"', value)]


def test_http_basic_is_not_a_way_into_the_api(small_fair):
    buyer = small_fair["buyer"].user
    api = APIClient()
    response = api.get("/api/meetings/", **basic(buyer.email, PASSWORD))
    assert response.status_code == 403
    assert response.json()["code"] == "api.not_authenticated"


def test_the_sign_in_lockout_holds_for_the_api_and_the_admin(client, small_fair, settings):
    organizer = small_fair["organizer"].user
    organizer.is_staff = True
    organizer.save()
    for _ in range(6):  # allauth: 5 failures per address in 5 minutes lock the address
        client.post(reverse("account_login"), {"login": organizer.email, "password": "wrong-guess"})
    locked = client.post(reverse("account_login"), {"login": organizer.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session and locked.status_code in (200, 429)
    # The API takes no password at all: the right one after the lockout still opens nothing.
    assert APIClient().get("/api/meetings/", **basic(organizer.email, PASSWORD)).status_code == 403
    # The admin's own password form is gone: it sends to the sign-in page, which keeps the lockout.
    admin = client.post(
        "/admin/login/?next=/admin/", {"username": organizer.email, "password": PASSWORD}, follow=False
    )
    assert admin.status_code == 302 and admin.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_staff_reach_the_admin_through_the_sign_in_page(client, small_fair):
    user = factories.user(is_staff=True, is_superuser=True)
    page = client.get("/admin/login/?next=/admin/fair/fair/")
    assert page.status_code == 302
    assert page.url == reverse("account_login") + "?next=%2Fadmin%2Ffair%2Ffair%2F"
    client.force_login(user)
    assert client.get("/admin/login/?next=/admin/fair/fair/").url == "/admin/fair/fair/"
    assert client.get("/admin/fair/fair/").status_code == 200


def test_a_participant_creates_a_read_token_that_reads_its_fair_only(client, small_fair):
    buyer = small_fair["buyer"].user
    client.force_login(buyer)
    key = make_token(client, small_fair["fair"])
    assert key.startswith("tf_")
    page = client.get(reverse("api_tokens")).content.decode()
    assert "CRM sync" in page and key not in page  # shown once, only its prefix afterwards
    assert ApiToken.objects.get().key_hash != key  # only a hash is kept

    api = APIClient()
    mine = api.get("/api/meetings/", **bearer(key))
    assert mine.status_code == 200 and mine.json() == []
    slots = api.get(f"/api/meeting-slots/?fair={small_fair['fair'].slug}", **bearer(key))
    assert slots.status_code == 200
    # A read token changes nothing: it lacks the meetings scope.
    refused = api.post(
        "/api/meetings/",
        {"booth": small_fair["booths"]["cosmetics"].pk, "slot": 1},
        format="json",
        **bearer(key),
    )
    assert refused.status_code == 403 and refused.json()["code"] == "api.token_scope"
    assert "meetings" in refused.json()["message"]


def test_a_token_is_confined_to_its_fair(client, small_fair):
    buyer = small_fair["buyer"]
    other = factories.fair(slug="other-expo")
    factories.participant(other, "buyer", user_obj=buyer.user)
    client.force_login(buyer.user)
    key = make_token(client, small_fair["fair"], scopes=WRITE)
    api = APIClient()
    # The same person reaches the other fair's attendee pages with a session ...
    assert client.get("/api/meeting-slots/?fair=other-expo").status_code == 200
    # ... but not with a token made for demo-expo.
    assert api.get("/api/meeting-slots/?fair=other-expo", **bearer(key)).status_code == 404
    assert api.get("/api/meeting-slots/?fair=demo-expo", **bearer(key)).status_code == 200


def test_a_revoked_or_wrong_token_opens_nothing(client, small_fair):
    client.force_login(small_fair["buyer"].user)
    key = make_token(client, small_fair["fair"])
    api = APIClient()
    assert api.get("/api/meetings/", **bearer(key)).status_code == 200
    token = ApiToken.objects.get()
    response = client.post(reverse("api_tokens"), {"revoke": token.pk})
    assert response.status_code == 302
    assert "revoked" in client.get(reverse("api_tokens")).content.decode()
    revoked = api.get("/api/meetings/", **bearer(key))
    assert revoked.status_code == 401 and revoked.json()["code"] == "api.token_revoked"
    assert revoked["WWW-Authenticate"].startswith("Bearer")
    wrong = api.get("/api/meetings/", **bearer("tf_made-up"))
    assert wrong.status_code == 401 and wrong.json()["code"] == "api.token_invalid"


def test_tokens_only_for_fairs_one_takes_part_in(client, small_fair):
    outsider = factories.user()
    client.force_login(outsider)
    page = client.get(reverse("api_tokens"))
    assert "You need an approved part in a fair" in page.content.decode()
    response = client.post(
        reverse("api_tokens"),
        {"name": "x", "fair": "demo-expo", "scopes": WRITE, "expires_in": 90, "owner": "me"},
    )
    assert response.status_code == 400 and not ApiToken.objects.exists()
    # Someone else's token cannot be revoked.
    client.force_login(small_fair["buyer"].user)
    make_token(client, small_fair["fair"])
    client.force_login(outsider)
    client.post(reverse("api_tokens"), {"revoke": ApiToken.objects.get().pk})
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.parametrize("name", ["", "x" * 101])
def test_a_token_needs_a_name(client, small_fair, name):
    client.force_login(small_fair["buyer"].user)
    response = client.post(
        reverse("api_tokens"),
        {"name": name, "fair": "demo-expo", "scopes": ["read"], "expires_in": 90, "owner": "me"},
    )
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_the_tokens_page_speaks_the_users_language(client, small_fair):
    user = small_fair["buyer"].user
    user.language = "ko"
    user.save(update_fields=["language"])
    client.force_login(user)
    page = client.get(reverse("api_tokens"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "API 토큰" in page and "토큰 만들기" in page and "읽기" in page
    assert "권한 범위" in page and "만료 기간" in page and "90일" in page and "나 (개인 토큰)" in page


def test_a_token_reads_the_notifications_of_its_fair_only(client, small_fair):
    from django.utils import timezone

    from notices.models import Notice

    buyer = small_fair["buyer"].user
    other = factories.fair(slug="other-expo")
    now = timezone.now()
    Notice.objects.create(user=buyer, fair=small_fair["fair"], kind="x", text="in demo-expo", created_at=now)
    Notice.objects.create(user=buyer, fair=other, kind="x", text="in other-expo", created_at=now)
    client.force_login(buyer)
    key = make_token(client, small_fair["fair"])
    page = APIClient().get("/api/notifications/", **bearer(key)).json()
    rows = page["results"] if isinstance(page, dict) else page
    assert [r["text"] for r in rows] == ["in demo-expo"]
    assert len(client.get("/api/notifications/").json()["results"]) == 2  # the session sees both
