"""The front door (issue 13): unlisted fairs until published, who may create fairs, registering from
the fair page with a completeness meter, first steps after approval, sign-up defaults from the
browser, the console's menu on every console page, hall names and the fair description per
language, error pages, the favicon and the one-line 403 log."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import path, reverse
from django.utils import translation

from fair import services as fair_services
from fair.models import Fair, Hall, Participant, User
from kernel.errors import PermissionDenied
from tests import factories

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


# --- fairs stay unlisted until published; who may create them -----------------------------------------


def _new_fair(client, user, name="Jakarta Food Week"):
    client.force_login(user)
    data = {
        "name": name,
        "starts_on": factories.FAIR_START.isoformat(),
        "ends_on": (factories.FAIR_START + timedelta(days=1)).isoformat(),
        "time_zone": "Asia/Jakarta",
        "languages": ["en", "id"],
        "registration_open": "on",
    }
    return client.post(reverse("fair_create"), data)


def test_a_new_fair_is_unlisted_until_its_organizer_publishes_it(client, settings):
    settings.FAIR_CREATION = "anyone"
    organizer = factories.user()
    assert _new_fair(client, organizer).status_code == 302
    fair = Fair.objects.get(name="Jakarta Food Week")
    assert not fair.published
    outsider = factories.user()
    fair_url, api_url = reverse("fair_home", args=[fair.slug]), f"/api/fairs/{fair.slug}/"
    # The organizer sees it; nobody else does, and no listing names it.
    assert client.get(fair_url).status_code == 200
    assert client.get(api_url).status_code == 200
    for who in (None, outsider):
        client.logout()
        if who is not None:
            client.force_login(who)
        assert client.get(fair_url).status_code == 404
        assert client.get(api_url).status_code == 404
        assert client.get(reverse("fair_register", args=[fair.slug])).status_code in (302, 404)
        for listing in ("/", reverse("fair_list"), reverse("register_start")):
            assert "Jakarta Food Week" not in body(client.get(listing, follow=True)), listing
        assert fair.slug not in body(client.get("/api/fairs/"))
    # Published from the console: listed everywhere, open to all.
    client.force_login(organizer)
    console = body(client.get(reverse("organizer_console", args=[fair.slug])))
    assert "The fair is not published yet" in console and "Publish the fair" in console
    assert client.post(reverse("organizer_publish", args=[fair.slug])).status_code == 302
    client.logout()
    assert client.get(fair_url).status_code == 200
    for listing in ("/", reverse("fair_list")):
        assert "Jakarta Food Week" in body(client.get(listing))
    assert fair.slug in body(client.get("/api/fairs/"))
    # Only organizers publish.
    client.force_login(outsider)
    assert (
        client.post(reverse("organizer_publish", args=[fair.slug]), {"action": "unpublish"}).status_code
        == 403
    )
    assert Fair.objects.get(pk=fair.pk).published


def test_booths_of_an_unlisted_fair_are_hidden_too(client, small_fair):
    Fair.objects.filter(pk=small_fair["fair"].pk).update(published=False)
    booth = small_fair["booths"]["cosmetics"]
    assert client.get(reverse("booth_detail", args=["demo-expo", booth.pk])).status_code == 404
    assert client.get(f"/api/booths/{booth.pk}/").status_code == 404
    assert body(client.get("/api/booths/")).count('"id"') == 0
    client.force_login(small_fair["organizer"].user)
    assert client.get(reverse("booth_detail", args=["demo-expo", booth.pk])).status_code == 200


def test_fair_creation_approved_lets_only_fair_creators_create(client, settings):
    settings.FAIR_CREATION = "approved"
    newcomer = factories.user(email="newcomer@example.test")
    client.force_login(newcomer)
    assert "Create a fair" not in body(client.get("/"))
    refused = client.get(reverse("fair_create"))
    assert refused.status_code == 403 and "You may not create fairs here yet." in body(refused)
    assert _new_fair(client, newcomer).status_code == 403 and not Fair.objects.exists()
    # Nor may a newcomer name fair creators.
    assert client.get(reverse("fair_creators")).status_code == 403
    # An organizer of another fair grants it on the page.
    organizer = factories.participant(factories.fair(), "organizer").user
    client.force_login(organizer)
    page = client.get(reverse("fair_creators"))
    assert page.status_code == 200
    unknown = client.post(reverse("fair_creators"), {"email": "nobody@example.test"})
    assert unknown.status_code == 400 and "Nobody has signed up with nobody@example.test" in body(unknown)
    assert client.post(reverse("fair_creators"), {"email": "NEWCOMER@example.test"}).status_code == 302
    assert User.objects.get(pk=newcomer.pk).can_create_fairs
    client.force_login(newcomer)
    assert "Create a fair" in body(client.get("/"))
    assert _new_fair(client, newcomer).status_code == 302
    # Taken back: no more fairs.
    client.force_login(organizer)
    client.post(reverse("fair_creators"), {"revoke": newcomer.pk})
    assert not User.objects.get(pk=newcomer.pk).can_create_fairs
    assert _new_fair(client, newcomer, name="Second Fair").status_code == 403


# --- registering from the fair page -----------------------------------------------------------------


def test_every_fair_page_invites_outsiders_to_register(client, small_fair):
    pages = [
        reverse("fair_home", args=["demo-expo"]),
        reverse("hall_list", args=["demo-expo"]),
        reverse("hall_detail", args=["demo-expo", "beauty"]),
        reverse("booth_detail", args=["demo-expo", small_fair["booths"]["cosmetics"].pk]),
        reverse("fair_search", args=["demo-expo"]) + "?q=snail",
    ]
    register = reverse("fair_register", args=["demo-expo"])
    for url in pages:  # a visitor: sign up first, then the registration page
        page = body(client.get(url))
        assert "Register for this fair" in page and "signup/?next=/fairs/demo-expo/register/" in page, url
    newcomer = factories.user()
    client.force_login(newcomer)
    for url in pages:
        page = body(client.get(url))
        assert "Register for this fair" in page and f'href="{register}"' in page, url
    # Registered: pending instead of the invitation; the home page says so.
    client.post(
        register, {"role": "buyer", "company_name": "Osaka Beauty", "country": "JP", "hs_codes": "3304"}
    )
    page = body(client.get(pages[0]))
    assert "Register for this fair" not in page and "Registration pending approval" in page
    home = body(client.get("/"))
    assert "waits for the organizers' approval" in home and "There are no fairs yet" not in home
    # Participants are not invited again; nor when registration is closed.
    client.force_login(small_fair["buyer"].user)
    assert "Register for this fair" not in body(client.get(pages[0]))
    Fair.objects.filter(pk=small_fair["fair"].pk).update(registration_open=False)
    client.force_login(factories.user())
    assert "Register for this fair" not in body(client.get(pages[0]))


def test_registration_form_has_pickers_and_a_completeness_meter(client, small_fair):
    client.force_login(factories.user())
    url = reverse("fair_register", args=["demo-expo"])
    page = body(client.get(url))
    assert '<select name="country"' in page and '<option value="JP">Japan</option>' in page
    assert 'list="hs-options"' in page and 'data-hs-url="/hs/search.json"' in page
    assert 'type="checkbox" name="required_certifications" value="HALAL"' in page
    assert 'type="checkbox" name="languages" value="ja"' in page
    assert '<meter id="completeness" min="0" max="100" low="50" high="99" optimum="100" value="0"' in page
    # Half filled in: the meter says so, and the saved registration keeps every pick.
    assert '<select name="size"' in page and '<option value="10-49">10–49 employees</option>' in page
    half = {
        "role": "buyer",
        "company_name": "Osaka Beauty",
        "country": "JP",
        "size": "10-49",
        "hs_codes": "3304",
    }
    assert client.post(url, half).status_code == 302
    assert 'value="57"' in body(client.get(url))  # 4 of the buyer's 7 parts
    full = {
        **half,
        "required_certifications": ["PMDA", "HALAL"],
        "languages": ["ja", "en"],
        "description": "Serums",
    }
    assert client.post(url, full).status_code == 302
    p = Participant.objects.get(fair=small_fair["fair"], company__name="Osaka Beauty")
    assert p.sourcing.required_certifications == ["PMDA", "HALAL"] and p.sourcing.languages == ["ja", "en"]
    assert p.company.size == "10-49"
    page = body(client.get(url + "?role=buyer"))
    assert 'value="100"' in page
    assert "checked" in page.split('value="HALAL"')[1].split(">")[0]


def test_a_company_size_outside_the_bands_is_refused_and_changes_nothing(client, small_fair):
    client.force_login(factories.user())
    url = reverse("fair_register", args=["demo-expo"])
    data = {"role": "buyer", "company_name": "Osaka Beauty", "country": "JP", "hs_codes": "3304"}
    response = client.post(url, {**data, "size": "5000"})
    assert response.status_code == 400
    assert not Participant.objects.filter(company__name="Osaka Beauty").exists()


def test_registration_hs_box_takes_words_with_a_suggestion(client, small_fair):
    client.force_login(factories.user())
    url = reverse("fair_register", args=["demo-expo"])
    response = client.post(
        url, {"role": "buyer", "company_name": "Osaka Beauty", "country": "JP", "hs_codes": "cosmetics"}
    )
    assert response.status_code == 400
    assert "did you mean 33" in body(response) and not Participant.objects.filter(
        company__name="Osaka Beauty"
    )


def test_an_exhibitor_registers_with_languages_and_what_the_company_makes(client, small_fair):
    user = factories.user()
    client.force_login(user)
    url = reverse("fair_register", args=["demo-expo"])
    data = {"role": "exhibitor", "company_name": "Seoul Serum", "country": "KR", "languages": ["ko", "en"]}
    assert client.post(url, {**data, "description": "Serums"}).status_code == 302
    company = Participant.objects.get(user=user).company
    assert (company.languages, company.description) == (["ko", "en"], "Serums")


def test_after_approval_the_mail_and_pages_lead_to_first_steps(
    client, small_fair, django_capture_on_commit_callbacks
):
    fair = small_fair["fair"]
    buyer_user, exhibitor_user = factories.user(), factories.user()
    client.force_login(buyer_user)
    url = reverse("fair_register", args=["demo-expo"])
    client.post(url, {"role": "buyer", "company_name": "Osaka Beauty", "country": "JP", "hs_codes": "3304"})
    client.force_login(exhibitor_user)
    client.post(url, {"role": "exhibitor", "company_name": "Seoul Serum", "country": "KR"})
    steps = reverse("first_steps", args=["demo-expo"])
    assert client.get(steps).status_code == 403  # pending: nothing to do yet
    ids = list(Participant.objects.filter(fair=fair, status="pending").values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        fair_services.participants_decide(
            actor=small_fair["organizer"].user, fair=fair, participant_ids=ids, approve=True
        )
    assert all(steps in m.body for m in mail.outbox)
    exhibitor_page = body(client.get(steps))
    booth = Participant.objects.get(user=exhibitor_user).booth
    assert reverse("booth_builder", args=["demo-expo", booth.pk]) in exhibitor_page
    assert reverse("meeting_availability", args=["demo-expo"]) in exhibitor_page
    assert reverse("recommended_buyers", args=["demo-expo", booth.pk]) in exhibitor_page
    assert "First steps" in body(client.get(reverse("fair_home", args=["demo-expo"])))
    client.force_login(buyer_user)
    buyer_page = body(client.get(steps))
    assert "Complete your profile" in buyer_page and "43%" in buyer_page  # 3 of the buyer's 7 parts
    assert reverse("meeting_availability", args=["demo-expo"]) in buyer_page
    assert reverse("recommended_booths", args=["demo-expo"]) in buyer_page
    assert "booth_builder" not in buyer_page and "Build your booth" not in buyer_page


def test_register_start_lists_open_fairs_and_is_linked_for_visitors(client, small_fair):
    assert reverse("register_start") in body(client.get("/"))
    # A visitor reads how it works and signs up first; a signed-in person goes straight to the one fair.
    page = body(client.get(reverse("register_start")))
    assert "signup/?next=/fairs/demo-expo/register/" in page and small_fair["fair"].name in page
    client.force_login(factories.user())
    assert client.get(reverse("register_start")).url == reverse("fair_register", args=["demo-expo"])
    factories.fair(name="Hanoi Expo")
    page = body(client.get(reverse("register_start")))
    assert small_fair["fair"].name in page and "Hanoi Expo" in page


# --- sign-up takes the browser's language and time zone -----------------------------------------------


def test_sign_up_defaults_to_the_browsers_language_and_time_zone(client):
    page = body(client.get(reverse("account_signup"), headers={"accept-language": "ja,en;q=0.5"}))
    assert '<html lang="ja"' in page
    assert '<option value="ja" selected>' in page
    assert "data-browser-time-zone" in page
    data = {
        "email": "new@example.test",
        "password1": "a-long-pass-phrase-9",
        "password2": "a-long-pass-phrase-9",
        "time_zone": "",
        "browser_time_zone": "Asia/Jakarta",
        "language": "ja",
    }
    assert client.post(reverse("account_signup"), data).status_code == 302
    user = User.objects.get(email="new@example.test")
    assert (user.time_zone, user.language) == ("Asia/Jakarta", "ja")
    # A zone picked on the form wins; a zone the browser made up falls back to UTC.
    client.logout()
    client.post(reverse("account_signup"), {**data, "email": "b@example.test", "time_zone": "Asia/Seoul"})
    assert User.objects.get(email="b@example.test").time_zone == "Asia/Seoul"
    client.logout()
    client.post(
        reverse("account_signup"), {**data, "email": "c@example.test", "browser_time_zone": "Mars/Base"}
    )
    assert User.objects.get(email="c@example.test").time_zone == "UTC"


# --- the organizer console --------------------------------------------------------------------------


CONSOLE_PAGES = [
    ("organizer_console", "Overview"),
    ("fair_dashboard", "Live dashboard"),
    ("organizer_registrations", "Registrations"),
    ("organizer_invite", "Invitations"),
    ("meeting_overview", "Meetings and interpreters"),
    ("fair_report", "Report"),
    ("organizer_fair_edit", "Fair settings"),
    ("organizer_halls", "Halls"),
    ("organizer_rates", "Currency rates"),
]


def test_console_menu_on_every_console_page(client, small_fair):
    client.force_login(small_fair["organizer"].user)
    for name, current in CONSOLE_PAGES:
        page = body(client.get(reverse(name, args=["demo-expo"])))
        menu = page.split('<nav class="console-nav"')[1].split("</nav>")[0]
        for other, _label in CONSOLE_PAGES:
            assert reverse(other, args=["demo-expo"]) in menu, (name, other)
        assert "Matchmaking rounds" in menu
        assert f'aria-current="page">{current}</a>' in menu, name
    # Not for others.
    client.force_login(small_fair["buyer"].user)
    assert 'class="console-nav"' not in body(client.get(reverse("fair_home", args=["demo-expo"])))


def test_hall_names_and_the_description_per_language(client, small_fair):
    client.force_login(small_fair["organizer"].user)
    halls = reverse("organizer_halls", args=["demo-expo"])
    data = {
        "action": "add",
        "name": "Medical",
        "name_ko": "의료기기",
        "name_ja": "医療機器",
        "hs_chapters": "30, 90",
    }
    assert client.post(halls, data).status_code == 302
    hall = Hall.objects.get(name_en="Medical")
    assert (hall.name_ko, hall.name_ja) == ("의료기기", "医療機器")
    edit = reverse("organizer_fair_edit", args=["demo-expo"])
    form = body(client.get(edit))
    assert 'name="description_ko"' in form and 'lang="ko"' in form
    fair = small_fair["fair"]
    values = {
        "name": fair.name,
        "description": "Korean exporters meet buyers.",
        "description_ko": "한국 수출기업과 바이어의 만남.",
        "starts_on": fair.starts_on.isoformat(),
        "ends_on": fair.ends_on.isoformat(),
        "time_zone": fair.time_zone,
        "languages": ["en", "ko"],
        "registration_open": "on",
        "slot_minutes": 30,
        "day_start": "09:00",
        "day_end": "18:00",
        "max_meetings_per_day": 8,
        "breaks": "",
    }
    assert client.post(edit, values).status_code == 302
    client.logout()
    home = reverse("fair_home", args=["demo-expo"])
    assert "Korean exporters meet buyers." in body(client.get(home))
    with translation.override("ko"):
        korean = body(client.get(home, headers={"accept-language": "ko"}))
    assert "한국 수출기업과 바이어의 만남." in korean and "의료기기" in korean
    japanese = body(client.get(reverse("hall_list", args=["demo-expo"]), headers={"accept-language": "ja"}))
    assert "医療機器" in japanese
    # A language without a name shows another one.
    assert "Medical" in body(
        client.get(reverse("hall_list", args=["demo-expo"]), headers={"accept-language": "vi"})
    )


def test_report_dates_are_in_the_viewers_locale(client, small_fair):
    user = small_fair["organizer"].user
    user.language, user.time_zone = "ko", "Asia/Seoul"
    user.save()
    client.force_login(user)
    page = body(client.get(reverse("fair_report", args=["demo-expo"])))
    figures_as_of = page.split('<time datetime="')[1]
    shown = figures_as_of.split(">", 1)[1].split("</time>")[0]
    assert "T" not in shown and "+00:00" not in shown and "년" in shown, shown


# --- rendering: error pages, favicon, the 403 log -----------------------------------------------------


def _forbidden(request):
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

    raise DjangoPermissionDenied("Not for you.")


def _refused(request):
    raise PermissionDenied("fair.denied", "Only the fair's organizers may do this.")


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("forbidden/", _forbidden),
    path("refused/", _refused),
    path("broken/", _broken),
    path("", __import__("django.urls", fromlist=["include"]).include("config.urls")),
]


@pytest.fixture
def error_urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


def test_error_pages_are_styled_with_their_status(client, error_urls, django_assert_max_num_queries):
    client.raise_request_exception = False
    for url, status, words in (
        ("/no/such/page/", 404, "This page does not exist"),
        ("/forbidden/", 403, "You may not do this here"),
        ("/broken/", 500, "Something went wrong on our side"),
    ):
        with django_assert_max_num_queries(0):  # no session, no user, no database
            response = client.get(url)
        assert response.status_code == status
        page = body(response)
        assert words in page and "frontend/css/site.css" in page and 'rel="icon"' in page, url
    client.force_login(factories.user())
    refused = client.get("/refused/")
    assert refused.status_code == 403 and "Only the fair&#x27;s organizers may do this." in body(refused)


def test_an_expected_403_logs_one_line_without_a_traceback(client, error_urls):
    client.raise_request_exception = False
    handler = logging.getLogger("django.request").handlers[0]
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        client.get("/forbidden/")
        client.force_login(factories.user())
        client.get("/refused/")
        client.get("/broken/")
    finally:
        handler.setStream(old)
    lines = stream.getvalue().splitlines()
    forbidden = [line for line in lines if "/forbidden/" in line or "/refused/" in line]
    assert len(forbidden) == 2 and all("Forbidden" in line for line in forbidden)
    head = stream.getvalue().split("/broken/")[0]
    assert "Traceback" not in head  # the 403s carry none
    assert "Traceback" in stream.getvalue().split("/broken/")[1]  # a real error keeps its traceback


def test_favicon_is_an_svg_and_favicon_ico_finds_it(client, small_fair):
    page = body(client.get("/"))
    assert '<link rel="icon" href="/static/frontend/img/favicon.svg" type="image/svg+xml">' in page
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect.url == "/static/frontend/img/favicon.svg"
    from django.contrib.staticfiles import finders

    assert finders.find("frontend/img/favicon.svg").endswith("favicon.svg")


@pytest.mark.parametrize("language", ["ko", "en", "zh-hans", "ja", "vi", "id"])
def test_every_page_says_its_language(client, small_fair, language):
    page = body(client.get(reverse("fair_home", args=["demo-expo"]), headers={"accept-language": language}))
    assert f'<html lang="{language}"' in page


def test_names_of_languages_and_countries_in_the_viewers_language(client, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    company = booth.company
    company.languages = ["ko", "en", "zh"]
    company.save()
    page = body(
        client.get(reverse("booth_detail", args=["demo-expo", booth.pk]), headers={"accept-language": "ko"})
    )
    assert "한국어, 영어, 중국어" in page and "Chinese" not in page
    assert "대한민국" in page  # the company's country
