"""Model rules: field validation in Python, and the constraints the database keeps."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from exhibitors.models import Booth, Product
from fair import hs, vocab
from fair.models import Company, Fair, Interaction, Participant, SourcingProfile
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "code"), [("33", "33"), ("3304", "3304"), ("330499", "330499"), ("33.04", "3304"), ("01", "01")]
)
def test_hs_codes_accepted(raw, code):
    assert hs.validate_hs_code(raw) == code


@pytest.mark.parametrize("raw", ["3", "3304999", "33a4", "", "7700", "77", "00", "98", "9801", "-33"])
def test_hs_codes_refused(raw):
    with pytest.raises(ValidationError):
        hs.validate_hs_code(raw)


def test_hs_codes_on_models_are_validated(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    booth.hs_codes = ["3304", "7701"]
    with pytest.raises(ValidationError) as e:
        booth.full_clean()
    assert "hs_codes" in e.value.message_dict
    product = Product(booth=booth, name="x", hs_code="12345")
    with pytest.raises(ValidationError):
        product.full_clean()
    profile = SourcingProfile(buyer=factories.participant(small_fair["fair"], "buyer"), hs_codes=["3"])
    with pytest.raises(ValidationError):
        profile.full_clean()


def test_countries_are_iso_alpha2():
    assert vocab.normalise_country("jp") == "JP"
    for bad in ("XX", "JPN", "Japan", ""):
        with pytest.raises(ValidationError):
            vocab.normalise_country(bad)
    company = Company(name="Nowhere Ltd", country="XX")
    with pytest.raises(ValidationError) as e:
        company.full_clean()
    assert "country" in e.value.message_dict


def test_certifications_and_languages_come_from_the_lists():
    assert vocab.normalise_certification("iso 13485") == "ISO13485"
    assert vocab.normalise_certification("halal") == "HALAL"
    # an open set: a well-formed code the list has no name for is kept; a malformed one is refused
    assert vocab.normalise_certification("made up-cert") == "MADE_UP-CERT"
    assert vocab.certification_name("MADE_UP-CERT") == "MADE_UP-CERT"
    with pytest.raises(ValidationError):
        vocab.normalise_certification("NOT A CERT!")
    assert vocab.normalise_language("EN") == "en"
    with pytest.raises(ValidationError):
        vocab.normalise_language("xx")
    company = Company(name="A", country="KR", certifications=["HALAL", "NOT;A CERT"], languages=["ko"])
    with pytest.raises(ValidationError) as e:
        company.full_clean()
    assert "certifications" in e.value.message_dict
    company = Company(name="A", country="KR", certifications=["HALAL"], languages=["klingon"])
    with pytest.raises(ValidationError) as e:
        company.full_clean()
    assert "languages" in e.value.message_dict
    Company(name="A", country="KR", certifications=["HALAL", "FDA"], languages=["ko", "en"]).full_clean()


def test_fair_time_zone_and_languages_are_validated():
    fair = Fair(
        name="F", slug="f", starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 2), time_zone="Mars/Olympus"
    )
    with pytest.raises(ValidationError) as e:
        fair.full_clean()
    assert "time_zone" in e.value.message_dict
    fair.time_zone, fair.languages = "Asia/Seoul", ["ko", "tlh"]
    with pytest.raises(ValidationError) as e:
        fair.full_clean()
    assert "languages" in e.value.message_dict


def integrity_error(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.parametrize(
    "bad",
    [
        {"starts_on": date(2026, 5, 2), "ends_on": date(2026, 5, 1)},
        {"day_start": time(18), "day_end": time(9)},
        {"slot_minutes": 5},
        {"slot_minutes": 300},
        {"max_meetings_per_day": 0},
    ],
)
def test_fair_check_constraints(bad):
    values = {"name": "F", "slug": "f", "starts_on": date(2026, 5, 1), "ends_on": date(2026, 5, 3), **bad}
    integrity_error(lambda: Fair.objects.create(**values))
    assert not Fair.objects.exists()


def test_fair_slug_is_unique():
    factories.fair(slug="expo")
    integrity_error(lambda: factories.fair(slug="expo"))


def test_participant_constraints(small_fair):
    f, buyer = small_fair["fair"], small_fair["buyer"]
    # one role per user and fair
    integrity_error(lambda: Participant.objects.create(fair=f, user=buyer.user, role="buyer"))
    # a participant is a user or a company
    integrity_error(lambda: Participant.objects.create(fair=f, role="buyer"))
    # only exhibitor staff have a booth
    booth = small_fair["booths"]["cosmetics"]
    integrity_error(
        lambda: Participant.objects.create(fair=f, user=factories.user(), role="buyer", booth=booth)
    )
    # dataset ids are unique per fair and role
    company = factories.company()
    Participant.objects.create(fair=f, company=company, role="buyer", external_id="B-1")
    integrity_error(
        lambda: Participant.objects.create(fair=f, company=company, role="buyer", external_id="B-1")
    )
    # ...but the same user may have two roles, and blank dataset ids do not clash
    Participant.objects.create(fair=f, user=buyer.user, role="interpreter")
    Participant.objects.create(fair=f, company=company, role="buyer")
    Participant.objects.create(fair=f, company=company, role="buyer")


def test_booth_constraints(small_fair):
    f, booth = small_fair["fair"], small_fair["booths"]["cosmetics"]
    integrity_error(lambda: Booth.objects.create(fair=f, company=booth.company))  # one booth per company
    Booth.objects.create(fair=f, company=factories.company(), external_id="E-1")
    integrity_error(lambda: Booth.objects.create(fair=f, company=factories.company(), external_id="E-1"))
    Booth.objects.create(
        fair=factories.fair(), company=booth.company, external_id="E-1"
    )  # another fair: fine


def test_product_price_range_constraint(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    integrity_error(
        lambda: Product.objects.create(booth=booth, name="x", hs_code="3304", price_min=5, price_max=3)
    )
    Product.objects.create(booth=booth, name="y", hs_code="3304", price_min=3, price_max=3)
    Product.objects.create(booth=booth, name="z", hs_code="3304", price_min=3)


def test_interaction_is_unique_per_buyer_booth_kind_and_time(small_fair):
    at = timezone.now()
    values = {
        "fair": small_fair["fair"],
        "buyer": small_fair["buyer"],
        "booth": small_fair["booths"]["cosmetics"],
        "kind": Interaction.Kind.BOOTH_VISIT,
        "at": at,
    }
    Interaction.objects.create(**values)
    integrity_error(lambda: Interaction.objects.create(**values))
    Interaction.objects.create(**{**values, "kind": Interaction.Kind.CHAT})
    assert Interaction.objects.count() == 2
