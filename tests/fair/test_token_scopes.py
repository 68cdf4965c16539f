"""API tokens' scopes, expiry, rate limits and organization tokens (issue 22; fair/tokens.py).

The scope check lives in one place (TokenAuthentication): an operation's scope is ``read`` to read,
else what its view declares as ``api_scope``. The first test proves every unsafe operation of the
API declares one, so a new endpoint cannot forget."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fair import tokens
from fair.models import ApiToken, Participant
from kernel.scopes import SAFE_METHODS, SESSION_ONLY, required_scope
from meetings import services as meeting_services
from meetings.models import Meeting
from tests import factories

UNSAFE = ("post", "put", "patch", "delete")


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def token_for(participant, scopes, **kwargs):
    _token, key = tokens.token_create(
        actor=participant.user, fair=participant.fair, name="script", scopes=scopes, **kwargs
    )
    return key


def api_routes():
    from config.urls import api_router

    for pattern in api_router.urls:
        callback = getattr(pattern, "callback", None)
        if isinstance(pattern, URLPattern) and getattr(callback, "actions", None):
            yield pattern, callback


# --- one place, and every route declares its scope -------------------------------------------------


def test_every_unsafe_api_route_declares_its_scope():
    checked, missing = 0, []
    for pattern, callback in api_routes():
        for method, action in callback.actions.items():
            if method.upper() in SAFE_METHODS:
                continue
            view = callback.cls(**callback.initkwargs)
            view.action = action
            scope = required_scope(view, method)
            checked += 1
            if scope not in (*tokens.SCOPES, SESSION_ONLY) or scope == tokens.Scope.READ:
                missing.append(
                    f"{method.upper()} {pattern.pattern} ({callback.cls.__name__}.{action}): {scope}"
                )
    assert checked > 40
    assert not missing, "declare api_scope on these views or actions:\n" + "\n".join(missing)


def test_the_schema_names_each_operations_scope_and_the_bearer_scheme():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in UNSAFE:
                assert operation["x-token-scope"] in (*tokens.SCOPES, SESSION_ONLY), (method, path)
            elif method == "get":
                assert operation["x-token-scope"] in ("read", SESSION_ONLY), (method, path)
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["scheme"] == "bearer"
    assert all(f"`{s}`" in scheme["description"] for s in tokens.SCOPES)
    assert schema["paths"]["/api/meetings/{id}/stages/"]["post"]["x-token-scope"] == "leads"
    assert schema["paths"]["/api/standing/permanent/"]["post"]["x-token-scope"] == "admin-of-fair"


def test_no_token_erases_an_account_or_changes_its_consents(small_fair):
    key = token_for(small_fair["buyer"], list(tokens.SCOPES[:-1]))
    api = APIClient()
    for path, body in (("/api/account/erase/", {"confirm": "x"}), ("/api/account/consents/", {})):
        answer = api.post(path, body, format="json", **bearer(key))
        assert answer.status_code == 403 and answer.json()["code"] == "api.token_scope", path
    assert api.get("/api/account/consents/", **bearer(key)).status_code == 403
    assert (
        small_fair["buyer"]
        .user.__class__.objects.filter(pk=small_fair["buyer"].user_id, is_active=True)
        .exists()
    )


def test_an_undeclared_unsafe_operation_takes_no_token():
    class View:
        action = "create"

    assert required_scope(View(), "POST") is None
    assert required_scope(View(), "GET") == "read"


# --- 403 without the scope ------------------------------------------------------------------------


def _meeting(small_fair, status=Meeting.Status.HELD):
    slot = meeting_services.slots_generate(fair=small_fair["fair"])[0]
    return Meeting.objects.create(
        fair=small_fair["fair"],
        buyer=small_fair["buyer"],
        booth=small_fair["booths"]["cosmetics"],
        exhibitor=small_fair["staff"],
        slot=slot,
        status=status,
    )


@pytest.mark.parametrize(
    "who,scope,method,path,body",
    [
        (
            "buyer",
            "meetings",
            "post",
            "/api/meetings/",
            lambda w: {"booth": w["booths"]["cosmetics"].pk, "slot": 1},
        ),
        ("staff", "booth", "patch", "/api/booths/{booth}/", lambda w: {"tagline": {"en": "x"}}),
        ("staff", "booth", "post", "/api/booths/{booth}/status/", lambda w: {"status": "away"}),
        (
            "staff",
            "leads",
            "post",
            "/api/meetings/{meeting}/stages/",
            lambda w: {"stage": "order", "on": "2027-01-05"},
        ),
        ("buyer", "rfq", "post", "/api/rfqs/", lambda w: {"fair": "demo-expo"}),
        ("buyer", "meetings", "post", "/api/notifications/read-all/", lambda w: {}),
    ],
)
def test_a_token_without_the_scope_gets_403_naming_it(small_fair, who, scope, method, path, body):
    meeting = _meeting(small_fair)
    others = [s for s in tokens.SCOPES if s not in (scope, "admin-of-fair")]
    key = token_for(small_fair[who], others)
    url = path.format(booth=small_fair["booths"]["cosmetics"].pk, meeting=meeting.pk)
    answer = getattr(APIClient(), method)(url, body(small_fair), format="json", **bearer(key))
    assert answer.status_code == 403, answer.content
    assert answer.json()["code"] == "api.token_scope"
    assert scope in answer.json()["message"]
    assert answer.json()["scope"] == scope
    # With the scope, the same request gets past the token (whatever the operation then says).
    key = token_for(small_fair[who], [scope])
    answer = getattr(APIClient(), method)(url, body(small_fair), format="json", **bearer(key))
    assert answer.status_code != 403 or answer.json()["code"] != "api.token_scope"


def test_reading_needs_the_read_scope(small_fair):
    key = token_for(small_fair["buyer"], ["meetings"])
    answer = APIClient().get("/api/meetings/", **bearer(key))
    assert answer.status_code == 403 and answer.json()["code"] == "api.token_scope"


def test_admin_of_fair_is_for_organizers_and_ends_with_their_role(small_fair):
    from kernel.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        token_for(small_fair["buyer"], ["read", "admin-of-fair"])
    organizer = small_fair["organizer"]
    key = token_for(organizer, ["read", "admin-of-fair"])
    api = APIClient()
    answer = api.post(
        "/api/standing/permanent/", {"fair": "demo-expo", "on": True}, format="json", **bearer(key)
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["permanent"] is True
    # A token without admin-of-fair cannot, whatever its owner may do with the session.
    plain = token_for(organizer, ["read", "meetings"])
    refused = api.post(
        "/api/standing/permanent/", {"fair": "demo-expo", "on": False}, format="json", **bearer(plain)
    )
    assert refused.status_code == 403 and refused.json()["code"] == "api.token_scope"
    # No longer an organizer: the scope no longer counts.
    Participant.objects.filter(pk=organizer.pk).update(status=Participant.Status.REJECTED)
    refused = api.post(
        "/api/standing/permanent/", {"fair": "demo-expo", "on": False}, format="json", **bearer(key)
    )
    assert refused.status_code == 403 and refused.json()["code"] == "api.token_scope"


# --- the write API with tokens ----------------------------------------------------------------------


def test_the_write_api_works_with_tokens(small_fair):
    api = APIClient()
    buyer = token_for(small_fair["buyer"], ["read", "meetings", "rfq"])
    staff = token_for(small_fair["staff"], ["read", "meetings", "leads", "booth"])
    booth = small_fair["booths"]["cosmetics"]
    slot = meeting_services.slots_generate(fair=small_fair["fair"])[3]
    meeting_services.availability_set(
        actor=small_fair["buyer"].user, fair=small_fair["fair"], slots=[slot], participant=small_fair["buyer"]
    )
    meeting_services.availability_set(
        actor=small_fair["staff"].user, fair=small_fair["fair"], slots=[slot], booth=booth
    )
    asked = api.post("/api/meetings/", {"booth": booth.pk, "slot": slot.pk}, format="json", **bearer(buyer))
    assert asked.status_code == 201, asked.content
    meeting_id = asked.json()["id"]
    accepted = api.post(f"/api/meetings/{meeting_id}/accept/", {}, format="json", **bearer(staff))
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    # Held and its outcome, then the lead's steps in the booth's ledger.
    Meeting.objects.filter(pk=meeting_id).update(status=Meeting.Status.HELD)
    outcome = api.post(
        f"/api/meetings/{meeting_id}/outcome/", {"rating": 5, "notes": "good"}, format="json", **bearer(staff)
    )
    assert outcome.status_code == 200, outcome.content
    stage = api.post(
        f"/api/meetings/{meeting_id}/stages/",
        {"stage": "sample_sent", "on": "2027-01-05"},
        format="json",
        **bearer(staff),
    )
    assert stage.status_code == 201, stage.content
    assert [s["stage"] for s in stage.json()] == ["sample_sent"]
    assert (
        api.get(f"/api/meetings/{meeting_id}/stages/", **bearer(buyer)).status_code == 403
    )  # the booth's only
    # Booth content.
    changed = api.patch(
        f"/api/booths/{booth.pk}/", {"tagline": {"en": "Glow on"}}, format="json", **bearer(staff)
    )
    assert changed.status_code == 200, changed.content
    booth.refresh_from_db()
    assert booth.tagline_en == "Glow on"
    made = api.post(
        f"/api/booths/{booth.pk}/products/",
        {"names": {"en": "Toner", "ko": "토너"}, "hs_code": "330499"},
        format="json",
        **bearer(staff),
    )
    assert made.status_code == 201, made.content
    product = made.json()["id"]
    renamed = api.patch(
        f"/api/booths/{booth.pk}/products/{product}/",
        {"names": {"en": "Mist"}},
        format="json",
        **bearer(staff),
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Mist"
    assert api.delete(f"/api/booths/{booth.pk}/products/{product}/", **bearer(staff)).status_code == 204
    hidden = api.post(
        f"/api/booths/{booth.pk}/publish/", {"published": False}, format="json", **bearer(staff)
    )
    assert hidden.status_code == 200 and hidden.json()["status"] == "draft"
    shown = api.post(f"/api/booths/{booth.pk}/publish/", {"published": True}, format="json", **bearer(staff))
    assert shown.status_code == 200 and shown.json()["status"] == "published"
    # A buyer's token cannot write a booth: the access layer answers, as for the session.
    assert (
        api.patch(
            f"/api/booths/{booth.pk}/",
            {"tagline": {"en": "x"}},
            format="json",
            **bearer(token_for(small_fair["buyer"], ["booth"])),
        ).status_code
        == 403
    )
    # An RFQ.
    rfq = api.post(
        "/api/rfqs/",
        {
            "fair": "demo-expo",
            "product": "Toner",
            "hs_code": "330499",
            "quantity": "1000",
            "unit": "pcs",
            "currency": "USD",
            "incoterm": "FOB",
            "destination_country": "JP",
            "deadline": (timezone.now() + timedelta(days=7)).isoformat(),
        },
        format="json",
        **bearer(buyer),
    )
    assert rfq.status_code == 201, rfq.content


def test_a_token_never_writes_or_reads_another_fairs_booth(small_fair):
    other = factories.fair(slug="other-expo")
    theirs = factories.booth(other, company_obj=small_fair["booths"]["cosmetics"].company)
    factories.staff(theirs, user_obj=small_fair["staff"].user)
    key = token_for(small_fair["staff"], list(tokens.WRITE_SCOPES) + ["read"])
    api = APIClient()
    assert (
        api.patch(
            f"/api/booths/{theirs.pk}/", {"tagline": {"en": "x"}}, format="json", **bearer(key)
        ).status_code
        == 404
    )
    assert api.get(f"/api/booths/{theirs.pk}/", **bearer(key)).status_code in (200, 404)  # published: public
    assert api.get(f"/api/meeting-slots/?fair={other.slug}", **bearer(key)).status_code == 404


# --- expiry, revocation, rate ------------------------------------------------------------------------


def test_an_expired_token_answers_401(small_fair):
    key = token_for(small_fair["buyer"], ["read"], expires_in_days=30)
    token = ApiToken.objects.get()
    assert token.expires_at - timezone.now() > timedelta(days=29)
    api = APIClient()
    assert api.get("/api/meetings/", **bearer(key)).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    answer = api.get("/api/meetings/", **bearer(key))
    assert answer.status_code == 401 and answer.json()["code"] == "api.token_expired"
    assert answer["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("days", [0, 7, 1000])
def test_an_expiry_is_30_90_or_365_days(small_fair, days):
    from kernel.errors import DomainError

    with pytest.raises(DomainError) as e:
        token_for(small_fair["buyer"], ["read"], expires_in_days=days)
    assert e.value.code == "token.bad_expiry"


def test_a_token_is_rate_limited_with_retry_after(small_fair, settings):
    settings.API_TOKEN_RATE = (3, 60)
    key = token_for(small_fair["buyer"], ["read"])
    other = token_for(small_fair["buyer"], ["read"])
    api = APIClient()
    assert [api.get("/api/meetings/", **bearer(key)).status_code for _ in range(3)] == [200, 200, 200]
    limited = api.get("/api/meetings/", **bearer(key))
    assert limited.status_code == 429
    assert limited.json()["code"] == "api.token_rate_limited"
    assert int(limited["Retry-After"]) == 20
    assert api.get("/api/meetings/", **bearer(other)).status_code == 200  # per token


# --- organization tokens ----------------------------------------------------------------------------


def _create_on_page(client, fair, **form):
    data = {
        "name": "ERP",
        "fair": fair.slug,
        "scopes": ["read", "booth"],
        "expires_in": 90,
        "owner": "me",
        **form,
    }
    return client.post(reverse("api_tokens"), data)


def test_an_organization_token_lifecycle(client, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    maker, colleague = small_fair["staff"], factories.staff(booth)
    outsider = factories.staff(small_fair["booths"]["snacks"])
    client.force_login(maker.user)
    page = _create_on_page(client, small_fair["fair"], owner="company", expires_in=365)
    assert page.status_code == 200, page.content
    token = ApiToken.objects.get()
    assert token.kind == "organization" and token.booth_id == booth.pk and token.user_id == maker.user_id
    key = page.content.decode().split('data-testid="new-token"')[0].rsplit('value="', 1)[1].split('"')[0]
    api = APIClient()
    # It acts with its maker's rights in the company's booth.
    answer = api.post(f"/api/booths/{booth.pk}/status/", {"status": "away"}, format="json", **bearer(key))
    assert answer.status_code == 200, answer.content
    # Every staff member of the booth sees it and may revoke it; another booth's staff do not.
    client.force_login(colleague.user)
    listed = client.get(reverse("api_tokens")).content.decode()
    assert "ERP" in listed and booth.company.name in listed
    client.force_login(outsider.user)
    assert "ERP" not in client.get(reverse("api_tokens")).content.decode()
    client.post(reverse("api_tokens"), {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is None
    # Its maker leaves the booth: it stops (401), until revoked by a colleague.
    Participant.objects.filter(pk=maker.pk).update(status=Participant.Status.REJECTED)
    left = api.get("/api/meetings/", **bearer(key))
    assert left.status_code == 401 and left.json()["code"] == "api.token_owner_left"
    client.force_login(colleague.user)
    assert client.post(reverse("api_tokens"), {"revoke": token.pk}).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/meetings/", **bearer(key)).json()["code"] == "api.token_revoked"


def test_only_booth_staff_make_company_tokens_and_only_organizers_fair_tokens(client, small_fair):
    client.force_login(small_fair["buyer"].user)
    assert _create_on_page(client, small_fair["fair"], owner="company").status_code == 400
    assert _create_on_page(client, small_fair["fair"], owner="organizers").status_code == 400
    assert not ApiToken.objects.exists()
    organizer, other_organizer = (
        small_fair["organizer"],
        factories.participant(small_fair["fair"], "organizer"),
    )
    client.force_login(organizer.user)
    assert (
        _create_on_page(
            client, small_fair["fair"], owner="organizers", scopes=["read", "admin-of-fair"]
        ).status_code
        == 200
    )
    client.force_login(other_organizer.user)
    page = client.get(reverse("api_tokens")).content.decode()
    assert "ERP" in page and "The fair&#x27;s organizers" in page


def test_the_page_shows_scopes_and_expiry(client, small_fair):
    client.force_login(small_fair["buyer"].user)
    _create_on_page(client, small_fair["fair"], scopes=["read", "meetings"], expires_in=30)
    page = client.get(reverse("api_tokens")).content.decode()
    expires = ApiToken.objects.get().expires_at
    assert "Meetings" in page and expires.date().isoformat() in page
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(days=1))
    assert "expired" in client.get(reverse("api_tokens")).content.decode()


# --- the migration ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_read_and_write_into_scopes(small_fair):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("fair", "0007_api_tokens")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app's: going back unapplies their dependents too
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps.get_model("fair", "ApiToken")
        user, fair = small_fair["buyer"].user_id, small_fair["fair"].pk
        for scope in ("read", "write"):
            old.objects.create(
                user_id=user, fair_id=fair, name=scope, scope=scope, prefix=scope, key_hash=scope
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    rows = {t.name: t for t in ApiToken.objects.all()}
    assert rows["read"].scopes == ["read"]
    assert rows["write"].scopes == ["read", "meetings", "leads", "rfq", "booth"]
    assert all(
        t.kind == "personal" and t.expires_at > timezone.now() + timedelta(days=89) for t in rows.values()
    )


def test_the_booth_builder_links_its_staff_to_company_tokens(client, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    builder = f"/fairs/{small_fair['fair'].slug}/booths/{booth.pk}/edit/"
    client.force_login(small_fair["staff"].user)
    page = client.get(builder)
    assert page.status_code == 200, page.status_code
    link = reverse("api_tokens") + "?fair=demo-expo&amp;owner=company"
    assert link in page.content.decode()
    form = client.get(reverse("api_tokens") + "?fair=demo-expo&owner=company").content.decode()
    assert re.search(r'<input type="radio" name="owner" value="company"[^>]* checked>', form)
    client.force_login(small_fair["organizer"].user)  # organizers edit the booth but are not its company
    assert link not in client.get(builder).content.decode()


def test_a_superuser_without_a_booth_makes_no_company_token(small_fair):
    from kernel.errors import PermissionDenied

    admin = factories.user(is_staff=True, is_superuser=True)
    factories.participant(small_fair["fair"], "buyer", user_obj=admin)
    with pytest.raises(PermissionDenied) as e:
        tokens.token_create(actor=admin, fair=small_fair["fair"], name="x", scopes=["read"], owner="company")
    assert e.value.code == "token.not_staff"
    with pytest.raises(PermissionDenied):
        tokens.token_create(actor=admin, fair=small_fair["fair"], name="x", scopes=["admin-of-fair"])
