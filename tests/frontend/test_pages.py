"""Each page, for each kind of visitor, shows what that visitor should see."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def login(client, participant):
    client.force_login(participant.user)
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- anonymous ---------------------------------------------------------------------------


def test_site_home_lists_fairs_for_visitors(client, small_fair):
    body = text(client.get("/"))
    assert small_fair["fair"].name in body
    assert reverse("fair_home", args=["demo-expo"]) in body
    assert 'href="#main"' in body  # skip link
    assert '<html lang="en"' in body


def test_fair_home_shows_halls_with_published_booth_counts(client, small_fair):
    body = text(client.get(reverse("fair_home", args=["demo-expo"])))
    assert "Beauty &amp; Cosmetics" in body
    # beauty has one published booth and one draft: the draft is not counted.
    assert "1 booth<" in body
    assert "Sign in to chat with exhibitors" in body


def test_hall_lists_published_booths_with_country_hs_and_markets(client, small_fair):
    body = text(client.get(reverse("hall_detail", args=["demo-expo", "beauty"])))
    assert "Seoul Glow Co." in body
    assert "South Korea" in body
    assert "Beauty, make-up and skin-care preparations" in body and "HS 3304" in body
    assert "Japan" in body and "United States of America" in body
    assert "Hidden Draft Ltd" not in body


def test_hall_paginates(client, small_fair):
    f, beauty = small_fair["fair"], small_fair["halls"]["beauty"]
    for i in range(14):
        factories.booth(f, hall=beauty, company_obj=factories.company(name=f"Zeta Beauty {i:02d}"))
    url = reverse("hall_detail", args=["demo-expo", "beauty"])
    first = text(client.get(url))
    assert "Page 1 of 2" in first and "Zeta Beauty 10" in first and "Zeta Beauty 13" not in first
    second = text(client.get(url, {"page": 2}))
    assert "Zeta Beauty 13" in second and "Seoul Glow Co." not in second


def test_booth_page_shows_products(client, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    p = booth.products.get()
    p.moq, p.moq_unit, p.price_min, p.price_max, p.currency = 500, "pcs", "3.20", "4.80", "USD"
    p.save()
    body = text(client.get(reverse("booth_detail", args=["demo-expo", booth.pk])))
    assert "Snail repair cream" in body
    assert "330499" in body and "Beauty, make-up and skin-care preparations" in body
    assert "500 pcs" in body
    assert "3.20 – 4.80 USD" in body


def test_unknown_fair_hall_and_booth_are_404(client, small_fair):
    assert client.get("/fairs/nope/").status_code == 404
    assert client.get(reverse("hall_list", args=["nope"])).status_code == 404
    assert client.get(reverse("hall_detail", args=["demo-expo", "nope"])).status_code == 404
    assert client.get(reverse("booth_detail", args=["demo-expo", 999999])).status_code == 404


def test_booth_of_another_fair_is_404(client, small_fair):
    other = factories.fair(slug="other")
    booth = small_fair["booths"]["cosmetics"]
    assert client.get(reverse("booth_detail", args=[other.slug, booth.pk])).status_code == 404


# --- draft booths -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "buyer", "interpreter", "other_staff"])
def test_draft_booth_is_404_to_the_public(client, small_fair, who):
    if who == "other_staff":
        login(client, small_fair["staff"])  # staff of another booth
    elif who != "anonymous":
        login(client, small_fair[who])
    draft = small_fair["booths"]["draft"]
    assert client.get(reverse("booth_detail", args=["demo-expo", draft.pk])).status_code == 404


def test_draft_booth_visible_to_its_staff_and_organizers(client, small_fair):
    draft = small_fair["booths"]["draft"]
    url = reverse("booth_detail", args=["demo-expo", draft.pk])
    login(client, factories.staff(draft))
    assert "only its staff and the fair" in text(client.get(url))
    login(client, small_fair["organizer"])
    assert "Hidden Draft Ltd" in text(client.get(url))


def test_pending_organizer_cannot_see_drafts(client, small_fair):
    pending = factories.participant(small_fair["fair"], "organizer", status="pending")
    login(client, pending)
    draft = small_fair["booths"]["draft"]
    assert client.get(reverse("booth_detail", args=["demo-expo", draft.pk])).status_code == 404


# --- role-aware home ----------------------------------------------------------------------


def test_home_for_organizer_counts_booths_buyers_pending(client, small_fair):
    f = small_fair["fair"]
    factories.participant(f, "buyer", status="pending")
    factories.participant(f, "exhibitor", status="pending", company=factories.company())
    body = text(login(client, small_fair["organizer"]).get("/"))
    assert "Fairs you organize" in body
    # 3 booths (2 published), 2 buyers (one pending), 2 pending participations
    import re

    stats = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", body))
    assert stats == {"Booths": "3", "Published": "2", "Buyers": "2", "Pending approvals": "2"}


def test_home_for_exhibitor_staff_shows_their_booth(client, small_fair):
    body = text(login(client, small_fair["staff"]).get("/"))
    assert "Your booths" in body
    assert "Seoul Glow Co." in body
    assert reverse("booth_detail", args=["demo-expo", small_fair["booths"]["cosmetics"].pk]) in body
    assert "Fairs you organize" not in body


def test_home_for_buyer_shows_fair_and_sourcing_profile(client, small_fair):
    sourcing = small_fair["buyer"].sourcing
    sourcing.required_certifications = ["HALAL"]
    sourcing.save()
    body = text(login(client, small_fair["buyer"]).get("/"))
    assert "Fairs you attend as a buyer" in body
    assert small_fair["fair"].name in body
    assert "Beauty, make-up and skin-care preparations" in body and "HALAL" in body


def test_home_for_interpreter_shows_languages(client, small_fair):
    body = text(login(client, small_fair["interpreter"]).get("/"))
    assert "Fairs you interpret at" in body
    assert "Korean" in body and "Japanese" in body


def test_home_for_user_without_participation_lists_open_fairs(client, small_fair):
    factories.fair(slug="closed", name="Closed Fair", registration_open=False)
    client.force_login(factories.user())
    body = text(client.get("/"))
    assert "Fairs open for registration" in body
    assert small_fair["fair"].name in body
    assert "Closed Fair" not in body


@pytest.mark.parametrize("role", ["organizer", "staff", "buyer", "interpreter"])
def test_fair_home_has_a_call_to_action_per_role(client, small_fair, role):
    body = text(login(client, small_fair[role]).get(reverse("fair_home", args=["demo-expo"])))
    expected = {
        "organizer": "Organizer console",
        "staff": "Open your booth: Seoul Glow Co.",
        "buyer": "Browse the halls",
        "interpreter": "See your fairs and languages",
    }[role]
    assert expected in body


@pytest.mark.parametrize("role", ["organizer", "staff", "buyer", "interpreter"])
@pytest.mark.parametrize(
    "page", ["fair_list", "fair_home", "hall_list", "hall_detail", "booth_detail", "profile"]
)
def test_every_page_renders_for_every_role(client, small_fair, role, page):
    login(client, small_fair[role])
    args = {
        "fair_list": [],
        "profile": [],
        "fair_home": ["demo-expo"],
        "hall_list": ["demo-expo"],
        "hall_detail": ["demo-expo", "food"],
        "booth_detail": ["demo-expo", small_fair["booths"]["snacks"].pk],
    }[page]
    body = text(client.get(reverse(page, args=args)))
    assert "Sign out" in body


def test_profile_requires_login(client, db):
    response = client.get(reverse("profile"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- allauth pages in our layout ------------------------------------------------------------


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_account_pages_use_our_layout(client, db, name):
    body = text(client.get(reverse(name)))
    assert 'class="skip-link"' in body and 'id="language-select"' in body
    assert "site.css" in body


def test_sign_up_saves_time_zone_and_language(client, db):
    from fair.models import User

    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.test",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
            "time_zone": "Asia/Jakarta",
            "language": "id",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new@example.test")
    assert (user.time_zone, user.language) == ("Asia/Jakarta", "id")
