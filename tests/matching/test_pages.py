"""Recommended for you, as buyers and booth staff see it: reasons true to the data, marks, who may look."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from fair.models import SourcingProfile
from matching import jobs
from matching.models import Mark, MatchingModel
from tests import factories


def booths_url(fair_slug="rec-expo", **query):
    url = reverse("recommended_booths", args=[fair_slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def listed(html: str) -> list[str]:
    """Company names of the recommendation cards, in page order."""
    return re.findall(
        r'<li class="card recommendation"[^>]*>\s*<h[23] class="card-title">(?:<a [^>]*>)?([^<]+)', html
    )


def card(html: str, name: str) -> str:
    start = html.index(f">{name}<")
    end = html.find('<li class="card recommendation"', start)
    return html[start : end if end > 0 else len(html)]


def test_buyer_sees_booths_with_reasons_true_to_the_data(client, trained):
    client.force_login(trained["buyer"].user)
    html = client.get(booths_url()).content.decode()
    names = listed(html)
    # Cosmetics first (the buyer sources HS 3304); the snack maker last.
    assert names[-1] == "Seaweed Snacks" and set(names[:3]) == {
        "Glow Cosmetics",
        "Plain Cosmetics",
        "Tokyo Beauty",
    }
    glow = card(html, "Glow Cosmetics")
    assert "(HS 3304) that you source" in glow
    assert "holds FDA, which you require" in glow
    assert "targets United States of America" in glow
    assert "staff speak English" in glow
    tokyo = card(html, "Tokyo Beauty")
    assert "no shared meeting language" in tokyo and "staff speak" not in tokyo
    # Nothing claimed that the data does not say: the snack maker sells no cosmetics.
    assert "that you source" not in card(html, "Seaweed Snacks")


def test_a_missing_certification_is_shown_and_lowers_the_rank(client, trained):
    client.force_login(trained["buyer"].user)
    html = client.get(booths_url()).content.decode()
    plain = card(html, "Plain Cosmetics")
    assert 'class="reason bad" data-code="missing_required_cert"' in plain
    assert "does not hold FDA, which you require" in plain
    names = listed(html)
    # Glow and Plain differ only in FDA: Glow ranks above.
    assert names.index("Glow Cosmetics") < names.index("Plain Cosmetics")


def test_filters_by_hall_and_country(client, trained):
    client.force_login(trained["buyer"].user)
    assert listed(client.get(booths_url(hall="food")).content.decode()) == ["Seaweed Snacks"]
    assert listed(client.get(booths_url(country="JP")).content.decode()) == ["Tokyo Beauty"]
    assert listed(client.get(booths_url(hall="food", country="JP")).content.decode()) == []
    html = client.get(booths_url(hall="toys")).content.decode()
    assert "This fair has no such hall." in html and listed(html) == []
    assert "two-letter code" in client.get(booths_url(country="Japan")).content.decode()


def test_no_thanks_removes_the_booth_and_the_pair(client, trained):
    buyer, plain = trained["buyer"], trained["booths"]["plain"]
    client.force_login(buyer.user)
    url = reverse("recommended_booth_mark", args=["rec-expo", plain.pk])
    response = client.post(url, {"value": "no_thanks", "next": booths_url()}, follow=True)
    assert response.redirect_chain[-1][0] == booths_url()
    html = response.content.decode()
    assert "Plain Cosmetics: No thanks" in html  # the confirmation
    assert "Plain Cosmetics" not in listed(html)
    assert Mark.objects.get(buyer=buyer, booth=plain).value == "no_thanks"
    # The other side no longer sees the pair either.
    client.force_login(trained["staff"].user)
    staff_html = client.get(reverse("recommended_buyers", args=["rec-expo", plain.pk])).content.decode()
    assert "Acme Imports" not in staff_html
    # Must meet lifts a booth to the top and shows as the current choice.
    client.force_login(buyer.user)
    snack = trained["booths"]["snack"]
    client.post(reverse("recommended_booth_mark", args=["rec-expo", snack.pk]), {"value": "must_meet"})
    html = client.get(booths_url()).content.decode()
    assert listed(html)[0] == "Seaweed Snacks" and "you marked: must meet" in card(html, "Seaweed Snacks")


def test_a_bad_mark_gets_a_clear_error_and_changes_nothing(client, trained):
    client.force_login(trained["buyer"].user)
    url = reverse("recommended_booth_mark", args=["rec-expo", trained["booths"]["glow"].pk])
    html = client.post(url, {"value": "maybe"}, follow=True).content.decode()
    assert "Choose must meet, interested or no thanks." in html
    assert not Mark.objects.exists()
    assert client.get(url).status_code == 405


def test_edited_profile_counts_at_once_without_a_refit(client, trained):
    client.force_login(trained["buyer"].user)
    assert listed(client.get(booths_url()).content.decode())[-1] == "Seaweed Snacks"
    # Edited on the registration page (its service says so: the kept page is replaced at once).
    answer = client.post(
        reverse("fair_register", args=["rec-expo"]),
        {"role": "buyer", "hs_codes": "1905", "required_certifications": ["HALAL"]},
    )
    assert answer.status_code == 302, answer.content
    profile = SourcingProfile.objects.get(buyer=trained["buyer"])
    assert (profile.hs_codes, profile.required_certifications) == (["1905"], ["HALAL"])
    html = client.get(booths_url()).content.decode()
    assert listed(html)[0] == "Seaweed Snacks"
    assert "holds HALAL, which you require" in card(html, "Seaweed Snacks")
    assert MatchingModel.objects.count() == 1  # same model, live profile


def test_before_the_first_training_a_clear_message(client, rec_world):
    client.force_login(rec_world["buyer"].user)
    html = client.get(booths_url()).content.decode()
    # Before the first training a buyer is not left with nothing: booths that sell what they source,
    # matched on the profiles, with a note saying so (issue 13).
    assert "until the organizer first trains the matching model" in html
    assert set(listed(html)) == {"Glow Cosmetics", "Plain Cosmetics", "Tokyo Beauty"}
    client.force_login(rec_world["staff"].user)
    html = client.get(
        reverse("recommended_buyers", args=["rec-expo", rec_world["booths"]["plain"].pk])
    ).content
    assert b"first training" in html


def test_staff_see_buyers_without_contact_details_and_markets_for_their_products(client, trained):
    client.force_login(trained["staff"].user)
    html = client.get(
        reverse("recommended_buyers", args=["rec-expo", trained["booths"]["plain"].pk])
    ).content.decode()
    acme = card(html, "Acme Imports")
    assert "United States of America" in acme and "(HS 3304)" in acme
    assert "requires FDA, which you do not hold" in acme
    buyer_user = trained["buyer"].user
    assert buyer_user.email not in html and "acme.example" not in html
    markets = html[html.index('id="markets-heading"') :]
    assert "cream" in markets and "(HS 330499)" in markets
    assert "2 buyers from United States of America source this" in markets
    assert "buyers in United States of America require FDA, which you do not hold" in markets


def test_staff_mark_a_buyer(client, trained):
    staff, plain, buyer = trained["staff"], trained["booths"]["plain"], trained["buyer"]
    client.force_login(staff.user)
    url = reverse("recommended_buyer_mark", args=["rec-expo", plain.pk, buyer.pk])
    html = client.post(url, {"value": "interested"}, follow=True).content.decode()
    assert "Acme Imports: Interested" in html and "you marked: interested" in card(html, "Acme Imports")
    mark = Mark.objects.get()
    assert (mark.side, mark.value, mark.marked_by) == ("exhibitor", "interested", staff.user)


@pytest.mark.parametrize("who", ["anonymous", "other_fair_buyer", "exhibitor", "pending_buyer"])
def test_only_the_fairs_approved_buyers_get_booth_recommendations(client, trained, who):
    if who == "other_fair_buyer":
        client.force_login(factories.buyer(factories.fair()).user)
    elif who == "exhibitor":
        client.force_login(trained["staff"].user)
    elif who == "pending_buyer":
        client.force_login(factories.buyer(trained["fair"], status="pending").user)
    response = client.get(booths_url())
    mark = client.post(
        reverse("recommended_booth_mark", args=["rec-expo", trained["booths"]["glow"].pk]),
        {"value": "no_thanks"},
    )
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert mark.status_code == 302
    else:
        assert response.status_code == 403 and mark.status_code == 403
    assert not Mark.objects.exists()


def test_staff_see_only_their_own_booths_buyers(client, trained):
    plain, glow = trained["booths"]["plain"], trained["booths"]["glow"]
    client.force_login(trained["glow_staff"].user)
    assert client.get(reverse("recommended_buyers", args=["rec-expo", glow.pk])).status_code == 200
    assert client.get(reverse("recommended_buyers", args=["rec-expo", plain.pk])).status_code == 403
    url = reverse("recommended_buyer_mark", args=["rec-expo", plain.pk, trained["buyer"].pk])
    assert client.post(url, {"value": "no_thanks"}).status_code == 403
    client.force_login(trained["buyer"].user)
    assert client.get(reverse("recommended_buyers", args=["rec-expo", plain.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("recommended_buyers", args=["rec-expo", plain.pk])).status_code == 302
    # A buyer of another fair cannot be marked through this booth.
    client.force_login(trained["staff"].user)
    stranger = factories.buyer(factories.fair())
    url = reverse("recommended_buyer_mark", args=["rec-expo", plain.pk, stranger.pk])
    assert client.post(url, {"value": "interested"}).status_code == 404
    assert not Mark.objects.exists()


def test_home_and_nav_link_to_recommendations(client, trained):
    client.force_login(trained["buyer"].user)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{booths_url()}"' in html
    assert client.get(reverse("recommended_index")).url == booths_url()
    client.force_login(trained["staff"].user)
    html = client.get(reverse("home")).content.decode()
    assert reverse("recommended_buyers", args=["rec-expo", trained["booths"]["plain"].pk]) in html
    # Someone with several roles chooses.
    user = trained["buyer"].user
    factories.staff(trained["booths"]["glow"], user_obj=user)
    client.force_login(user)
    html = client.get(reverse("recommended_index")).content.decode()
    assert "Booths for you" in html and "Buyers for Glow Cosmetics" in html


def test_reasons_in_the_viewers_language(client, trained):
    user = trained["buyer"].user
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    html = client.get(booths_url(), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert '<html lang="ko"' in html
    plain = card(html, "Plain Cosmetics")
    assert "요구하시는 FDA 인증이 없습니다" in plain and "does not hold" not in plain
    assert "꼭 만나기" in plain and "관심 없음" in plain


def test_demo_fair_comes_trained(db, settings, tmp_path, client):
    from datasets.demo import demo_fair_create

    settings.MEDIA_ROOT = tmp_path
    fair = demo_fair_create(exhibitors=20, buyers=40)
    assert MatchingModel.objects.filter(fair=fair).count() == 1
    from fair.models import Participant

    buyer = Participant.objects.filter(
        fair=fair, role="buyer", user__email__endswith="@demo.tradefair"
    ).first()
    client.force_login(buyer.user)
    assert listed(client.get(booths_url(fair.slug)).content.decode())


def test_refit_schedule_installed_on_migrate_and_after_large_imports(db, trained, monkeypatch):
    from django.core.management import call_command
    from django_q.models import Schedule

    call_command("migrate", verbosity=0)  # post_migrate runs the hooks again: still one schedule
    assert (
        Schedule.objects.filter(name=jobs.SCHEDULE_NAME, args__contains="matching.jobs.refit_changed").count()
        == 1
    )
    queued = []
    monkeypatch.setattr(jobs, "enqueue", lambda path, *args, **kw: queued.append((path, args)) or "task-1")
    from datasets.importing import Counts, ImportReport

    small = ImportReport(fair_slug="rec-expo", interactions=Counts(created=10))
    assert jobs.refit_after_import(small) is None
    large = ImportReport(fair_slug="rec-expo", interactions=Counts(created=400), buyers=Counts(updated=200))
    assert jobs.refit_after_import(large) == "task-1"
    assert queued == [("matching.jobs.refit", (trained["fair"].pk,))]


def test_demo_buyer_sees_the_booth_selling_exactly_what_it_sources_first(db, settings, tmp_path, client):
    """Issue 17: demo buyer1 (a US buyer) sources one HS code; booths selling exactly that code come
    before booths that only share its chapter or sell something else, and each card says how well it
    fits with its strongest reasons for and against, the rest behind "more reasons"."""
    from datasets.demo import demo_fair_create
    from fair import hs
    from fair.models import Participant
    from matching import selectors

    settings.MEDIA_ROOT = tmp_path
    fair = demo_fair_create()
    buyer = Participant.objects.get(fair=fair, user__email="buyer1@demo.tradefair")
    engine = selectors.engine_for_fair(fair)
    row = selectors.buyer_row(buyer)

    def depth(booth_id: str) -> int:
        codes = engine.e_rows[engine.e_pos[booth_id]]["hs"]
        return max((hs.hs_match_depth(b, e) for b in row.hs_codes for e in codes), default=0)

    client.force_login(buyer.user)
    html = client.get(booths_url(fair.slug)).content.decode()
    ids = re.findall(r'<li class="card recommendation" id="booth-(\d+)"', html)
    depths = [depth(i) for i in ids]
    assert 6 in depths or 4 in depths, depths  # the demo has a booth selling what buyer1 sources
    best = max(depths)
    assert depths.index(best) <= 2, depths  # near the top, not 11th behind unrelated booths
    assert all(d >= 2 for d in depths[: depths.index(best)]), depths  # nothing unrelated above it
    assert re.search(r'<p class="fit fit-(strong|good)">(Strong|Good) fit</p>', html)
    first = html.split(f'id="booth-{ids[depths.index(best)]}"')[1].split('class="card recommendation"')[0]
    shown = first.split('<details class="more-reasons">')[0]
    assert shown.count('class="reason good"') <= 3 and shown.count('class="reason bad"') <= 3
    assert 'data-code="hs_match"' in shown
