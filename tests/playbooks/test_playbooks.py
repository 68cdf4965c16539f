"""Playbooks: import with file/line/field errors, versions, edits; readiness per product and market;
the organizer's gaps; promising products per market; the pages and who may open them."""

from __future__ import annotations

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fair.models import Interaction
from playbooks import services
from playbooks.formats import PlaybookFileError
from playbooks.models import Briefing, Playbook, PlaybookItem, ReadinessMark
from tests import factories, media_samples

pytestmark = pytest.mark.django_db

CN_V1 = """format: tradefair-playbook/1
country: CN
version: 1
checked_on: 2026-11-30
title: {en: Selling to China, ko: 중국 수출 가이드}
items:
  - key: nmpa
    kind: registration
    code: NMPA
    required: true
    authority: NMPA
    lead_time_days: 180
    hs: ["33"]
    title: {en: NMPA registration, ko: NMPA 등록}
  - key: label-zh
    kind: labelling
    language: zh
    required: true
    title: {en: Chinese labels}
  - key: channels
    kind: channel
    title: {en: Tmall Global}
"""


def _import(fair, text=CN_V1, name="cn.yaml"):
    return services.import_playbook(fair=fair, content=text.encode(), name=name)


def test_a_bad_field_names_file_line_and_field_and_changes_nothing(small_fair):
    bad = CN_V1.replace("lead_time_days: 180", "lead_time_days: soon")
    with pytest.raises(PlaybookFileError) as e:
        _import(small_fair["fair"], bad, "china.yaml")
    assert e.value.errors == [
        "china.yaml, line 12, field lead_time_days: must be a whole number of days between 0 and 3650."
    ]
    assert not Playbook.objects.exists() and not PlaybookItem.objects.exists()


def test_broken_yaml_and_unknown_fields_are_named(small_fair):
    with pytest.raises(PlaybookFileError) as e:
        _import(small_fair["fair"], CN_V1.replace("  - key: channels", "  - key: channels\n    colour: red"))
    assert any("line 21, field colour: is not a field of an item" in m for m in e.value.errors)
    with pytest.raises(PlaybookFileError) as e:
        _import(small_fair["fair"], "format: [unclosed\n")
    assert "cn.yaml, line" in e.value.errors[0] and "not valid YAML" in e.value.errors[0]
    assert not Playbook.objects.exists()


def test_any_well_formed_certification_code_is_accepted(small_fair):
    text = CN_V1.replace("code: NMPA", "code: sfda-cn 2")
    playbook = _import(small_fair["fair"], text).playbook
    assert playbook.items.get(key="nmpa").code == "SFDA_CN_2"


def test_the_same_version_again_changes_nothing_and_a_new_version_keeps_the_old(small_fair):
    fair = small_fair["fair"]
    first = _import(fair)
    again = _import(fair)
    assert first.created and not again.created and again.playbook.pk == first.playbook.pk
    assert Playbook.objects.count() == 1 and PlaybookItem.objects.count() == 3
    with pytest.raises(PlaybookFileError, match="already imported with other content"):
        _import(fair, CN_V1.replace("Tmall Global", "JD Worldwide"))
    second = _import(fair, CN_V1.replace("version: 1", "version: 2").replace("Tmall Global", "JD Worldwide"))
    assert second.created
    assert services.current_playbook(fair, "CN").version == 2
    old = Playbook.objects.get(fair=fair, country="CN", version=1)
    assert old.items.get(key="channels").title == {"en": "Tmall Global"}  # still readable, unchanged


def test_the_starter_set_imports_and_is_idempotent(small_fair):
    fair = small_fair["fair"]
    results = services.import_starter_set(fair=fair)
    assert sorted(r.playbook.country for r in results) == ["CN", "ID", "JP", "US", "VN"]
    assert all(r.playbook.checked_on for r in results)
    assert services.import_starter_set(fair=fair) == []  # every market has one: nothing to add


def _cosmetics_for_china(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    booth.target_markets = ["CN"]
    booth.save()
    return booth, booth.products.get()


def test_nmpa_is_missing_until_the_exhibitor_holds_it_then_met(small_fair):
    booth, product = _cosmetics_for_china(small_fair)
    _import(small_fair["fair"])
    checks = {c.item.key: c for c in services.checklist(product=product, country="CN")}
    assert checks["nmpa"].state == "missing" and checks["nmpa"].item.lead_time_days == 180
    assert checks["label-zh"].state == "missing"
    assert checks["channels"].state == "to_check"
    booth.company.certifications = ["NMPA"]
    booth.company.languages = ["ko", "zh"]
    booth.company.save()
    product.refresh_from_db()
    checks = {c.item.key: c for c in services.checklist(product=product, country="CN")}
    assert checks["nmpa"].state == "met" and "NMPA" in checks["nmpa"].because
    assert checks["label-zh"].state == "met"


def test_items_outside_the_products_hs_scope_do_not_apply(small_fair):
    _import(small_fair["fair"])
    snacks = small_fair["booths"]["snacks"].products.get()  # HS 190590: not chapter 33
    keys = [c.item.key for c in services.checklist(product=snacks, country="CN")]
    assert keys == ["label-zh", "channels", "price-range"]  # the price range applies to every product


def test_marks_in_progress_and_done_with_a_proof_and_bad_marks_change_nothing(small_fair, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, product = _cosmetics_for_china(small_fair)
    user = small_fair["staff"].user
    _import(small_fair["fair"])
    pdf = SimpleUploadedFile("nmpa.pdf", media_samples.pdf())
    services.mark_item(
        product=product, country="CN", key="nmpa", status="in_progress", document=pdf, actor=user
    )
    checks = {c.item.key: c for c in services.checklist(product=product, country="CN")}
    assert checks["nmpa"].state == "in_progress" and checks["nmpa"].mark.document.name.endswith(".pdf")
    services.mark_item(product=product, country="CN", key="nmpa", status="done", actor=user)
    assert {c.item.key: c.state for c in services.checklist(product=product, country="CN")}["nmpa"] == "done"
    for key, status in (("nope", "done"), ("nmpa", "maybe")):
        with pytest.raises(Exception):  # noqa: B017,PT011 - DomainError with a message the page shows
            services.mark_item(product=product, country="CN", key=key, status=status, actor=user)
    with pytest.raises(Exception, match="PDF document or an image"):  # noqa: PT011
        services.mark_item(
            product=product, country="CN", key="label-zh", status="done",
            document=SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>"), actor=user,
        )  # fmt: skip
    assert ReadinessMark.objects.count() == 1


def test_a_playbook_edit_shows_on_the_next_page_load(client, small_fair):
    fair = small_fair["fair"]
    _, product = _cosmetics_for_china(small_fair)
    _import(fair)
    item = PlaybookItem.objects.get(key="nmpa")
    client.force_login(small_fair["organizer"].user)
    response = client.post(
        reverse("playbook_item_edit", args=[fair.slug, item.pk]),
        {
            "language": "en",
            "title": "NMPA filing for ordinary cosmetics",
            "text": "Through a responsible person.",
            "authority": "NMPA",
            "lead_time_days": "120",
            "required": "on",
            "url": "",
        },
    )
    assert response.status_code == 302
    client.force_login(small_fair["staff"].user)
    page = client.get(
        reverse("readiness", args=[fair.slug, product.booth_id, product.pk, "CN"])
    ).content.decode()
    assert "NMPA filing for ordinary cosmetics" in page and "about 120 days" in page


def test_gaps_count_exhibitors_that_target_a_market_and_lack_a_requirement(client, small_fair):
    fair = small_fair["fair"]
    booth, product = _cosmetics_for_china(small_fair)
    other = factories.booth(fair, hall=small_fair["halls"]["beauty"], target_markets=["CN"])
    factories.product(other, name="Toner", hs_code="330499")
    holder = factories.booth(
        fair, company_obj=factories.company(certifications=["NMPA"]), target_markets=["CN"]
    )
    factories.product(holder, name="Serum", hs_code="330499")
    _import(fair)
    gaps = services.gaps(fair=fair)
    assert [(g.country, g.item.key, g.hall, len(g.booths)) for g in gaps] == [
        ("CN", "nmpa", "Beauty & Cosmetics", 2)
    ]
    services.mark_item(product=product, country="CN", key="nmpa", status="done")
    assert len(services.gaps(fair=fair)[0].booths) == 1
    client.force_login(small_fair["organizer"].user)
    page = client.get(reverse("readiness_gaps", args=[fair.slug])).content.decode()
    assert "1 exhibitor in Beauty &amp; Cosmetics targets China and lacks NMPA registration" in page
    csv = client.get(reverse("readiness_gaps", args=[fair.slug]) + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv") and "NMPA registration" in csv.content.decode()


def test_promising_products_follow_what_the_markets_buyers_prefer(small_fair):
    fair = small_fair["fair"]
    cosmetics, snacks = small_fair["booths"]["cosmetics"], small_fair["booths"]["snacks"]
    for _ in range(4):  # Indonesian buyers who source snacks (heading 1905)...
        factories.buyer(fair, country="ID", hs_codes=("190590",))
    viewer = factories.buyer(fair, country="ID", hs_codes=())
    Interaction.objects.create(
        fair=fair, buyer=viewer, booth=snacks, product=snacks.products.get(), kind="view", at=fair.created_at
    )
    factories.buyer(fair, country="ID", hs_codes=("330499",))  # ...and one who sources cosmetics
    factories.buyer(fair, country="JP", hs_codes=("330499",))  # another market: not counted
    rows = services.promising_products(fair=fair, country="ID")
    assert [(r["heading"], r["demand"]) for r in rows] == [("1905", 5), ("3304", 1)]
    mine = services.promising_products(fair=fair, country="ID", booth=cosmetics)
    assert [(r["heading"], [p.name for p in r["products"]]) for r in mine] == [
        ("3304", ["Snail repair cream"])
    ]


def test_who_may_open_the_pages(client, small_fair):
    fair = small_fair["fair"]
    booth, product = _cosmetics_for_china(small_fair)
    playbook = _import(fair).playbook
    organizer_pages = [
        reverse("playbooks", args=[fair.slug]),
        reverse("readiness_gaps", args=[fair.slug]),
        reverse("playbook_item_edit", args=[fair.slug, playbook.items.first().pk]),
    ]
    staff_pages = [
        reverse("readiness", args=[fair.slug, booth.pk, product.pk, "CN"]),
        reverse("booth_markets", args=[fair.slug, booth.pk]),
    ]
    client.force_login(small_fair["buyer"].user)
    for url in organizer_pages + staff_pages:
        assert client.get(url).status_code in (403, 404), url
    assert client.get(reverse("playbook_detail", args=[fair.slug, "CN", 1])).status_code == 200
    client.force_login(small_fair["staff"].user)
    for url in staff_pages:
        assert client.get(url).status_code == 200, url
    for url in organizer_pages:
        assert client.get(url).status_code == 403, url
    client.force_login(small_fair["organizer"].user)
    for url in organizer_pages:
        assert client.get(url).status_code == 200, url
    client.logout()
    assert client.get(staff_pages[0]).status_code == 302  # to sign in


def test_the_import_page_shows_errors_and_imports(client, small_fair):
    fair = small_fair["fair"]
    client.force_login(small_fair["organizer"].user)
    url = reverse("playbooks", args=[fair.slug])
    bad = SimpleUploadedFile("cn.yaml", CN_V1.replace("country: CN", "country: China").encode())
    response = client.post(url, {"file": bad})
    assert response.status_code == 400 and "cn.yaml, line 2, field country" in response.content.decode()
    assert not Playbook.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("cn.yaml", CN_V1.encode())}, follow=True)
    assert "Playbook CN version 1 imported." in response.content.decode()
    response = client.post(url, {"action": "starter"}, follow=True)
    assert (
        "4 starter playbooks added." in response.content.decode()
    )  # CN is the organizers own: left as it is


def test_the_organizer_invites_a_gaps_exhibitors_to_a_briefing_with_a_calendar_invitation(
    client, small_fair, mailoutbox, django_capture_on_commit_callbacks
):
    fair = small_fair["fair"]
    booth, _product = _cosmetics_for_china(small_fair)
    _import(fair)
    client.force_login(small_fair["organizer"].user)
    url = reverse("briefing_new", args=[fair.slug]) + "?country=CN&key=nmpa"
    page = client.get(url).content.decode()
    assert "Seoul Glow Co." in page and "Briefing: NMPA registration for China" in page
    past = client.post(url, {"title": "NMPA", "starts_at": "2020-01-01T10:00", "minutes": "60"})
    assert past.status_code == 400 and "Choose a time in the future." in past.content.decode()
    assert not Briefing.objects.exists() and not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "title": "NMPA filing, step by step",
                "starts_at": "2099-03-02T10:00",
                "minutes": "60",
                "link": "https://video.example.org/nmpa",
            },
        )
    assert response.status_code == 302
    briefing = Briefing.objects.get()
    assert list(briefing.booths.all()) == [booth]
    assert [m.to for m in mailoutbox] == [[small_fair["staff"].user.email]]
    name, content, mimetype = mailoutbox[0].attachments[0]
    assert name == "invite.ics" and mimetype.startswith("text/calendar")
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["summary"]).endswith("NMPA filing, step by step")
    assert str(event["location"]) == "https://video.example.org/nmpa"
    assert event.decoded("dtstart").isoformat() == "2099-03-02T10:00:00+00:00"  # the organizer's UTC
    client.force_login(small_fair["staff"].user)
    assert "NMPA filing, step by step" in client.get(reverse("briefings", args=[fair.slug])).content.decode()
    client.force_login(small_fair["buyer"].user)
    assert "NMPA filing" not in client.get(reverse("briefings", args=[fair.slug])).content.decode()
    assert client.get(url).status_code == 403
