"""Standing halls: booths carried over with everything, weekly hours across a daylight-saving change."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from exhibitors import builder
from exhibitors.models import Booth, Product
from fair.models import Participant
from kernel.errors import DomainError, PermissionDenied
from meetings import services as meeting_services
from meetings.models import Availability, Slot
from rfq import standing
from rfq.models import WeeklyHours
from tests import factories
from tests.s3 import s3_server, s3_storages  # noqa: F401 - s3_server is a fixture


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 80)).save(buf, "PNG")
    return buf.getvalue()


def _dressed_booth(fair, organizer):
    hall = factories.hall(fair, name="Beauty", slug="beauty")
    booth = factories.booth(fair, hall=hall, company_obj=factories.company(name="Seoul Glow Co."))
    booth.tagline_en, booth.tagline_ko, booth.story_ind = "Glow from Seoul", "서울의 빛", "Kisah kami"
    booth.logo = default_storage.save(f"booths/{fair.pk}/{booth.pk}/logo/logo.png", ContentFile(_png()))
    booth.save()
    staff = factories.staff(booth)
    product = factories.product(booth, name="Snail cream")
    product.name_ko, product.description_ja = "달팽이 크림", "カタツムリクリーム"
    product.save()
    upload = ContentFile(_png(), name="cream.png")
    builder.product_images_add(user=organizer.user, booth=booth, product=product, uploads=[upload])
    return booth, staff, product


def _carry_and_check(fair, organizer):
    booth, staff, product = _dressed_booth(fair, organizer)
    standing_hall = factories.fair(slug=f"{fair.slug}-all-year", name="K-Beauty all year", permanent=True)
    factories.hall(standing_hall, name="Beauty", slug="beauty")
    factories.participant(standing_hall, "organizer", user_obj=organizer.user)
    new = standing.booth_carry_over(actor=organizer.user, booth=booth, to_fair=standing_hall)
    assert new.fair == standing_hall and new.hall.slug == "beauty" and new.company == booth.company
    assert (new.tagline_en, new.tagline_ko, new.story_ind) == ("Glow from Seoul", "서울의 빛", "Kisah kami")
    copy = Product.objects.get(booth=new)
    assert (copy.name_en, copy.name_ko, copy.description_ja, copy.hs_code) == (
        "Snail cream",
        "달팽이 크림",
        "カタツムリクリーム",
        product.hs_code,
    )
    old_image, new_image = product.images.get(), copy.images.get()
    assert new_image.image.name != old_image.image.name  # a copy, not a shared file
    for a, b in [
        (old_image.image, new_image.image),
        (old_image.thumbnail, new_image.thumbnail),
        (booth.logo, new.logo),
    ]:
        with default_storage.open(a.name) as fa, default_storage.open(b.name) as fb:
            assert fa.read() == fb.read()
    assert Participant.objects.get(fair=standing_hall, booth=new).user == staff.user
    with pytest.raises(DomainError) as err:
        standing.booth_carry_over(actor=organizer.user, booth=booth, to_fair=standing_hall)
    assert err.value.code == "standing.booth_exists"
    return booth, new


def test_a_booth_carries_over_with_products_translations_and_media(db):
    fair = factories.fair(slug="kbeauty-2026")
    organizer = factories.participant(fair, "organizer")
    _carry_and_check(fair, organizer)


def test_a_booth_carries_over_on_s3(db, settings, s3_server):  # noqa: F811
    endpoint, bucket, s3 = s3_server
    settings.STORAGES = s3_storages(endpoint, bucket)
    fair = factories.fair(slug="kbeauty-s3")
    organizer = factories.participant(fair, "organizer")
    booth, new = _carry_and_check(fair, organizer)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    assert new.logo.name in keys and booth.logo.name in keys
    assert any(k.startswith(f"booths/{new.fair_id}/{new.pk}/products/") for k in keys)


def test_only_the_organizers_of_both_fairs_carry_booths_over(db):
    fair = factories.fair(slug="a-fair")
    organizer = factories.participant(fair, "organizer")
    other = factories.fair(slug="b-fair", permanent=True)
    booth = factories.booth(fair)
    with pytest.raises(PermissionDenied):
        standing.booth_carry_over(actor=organizer.user, booth=booth, to_fair=other)
    assert not Booth.objects.filter(fair=other).exists()


def test_weekly_hours_give_the_right_slots_across_a_daylight_saving_change(db):
    # Europe/Paris moves to summer time on Sunday 28 March 2027: 09:00 in Paris is 08:00 UTC on Tuesday
    # the 23rd and 07:00 UTC on Tuesday the 30th.
    fair = factories.fair(slug="all-year", permanent=True, time_zone="Asia/Seoul")
    booth = factories.booth(fair)
    staff = factories.staff(booth)
    standing.weekly_hours_set(
        actor=staff.user, booth=booth, hours=[(1, "09:00", "10:00")], time_zone="Europe/Paris"
    )
    assert WeeklyHours.objects.get().time_zone == "Europe/Paris"
    added = standing.standing_slots_open(fair=fair, weeks=2, now=datetime(2027, 3, 22, 12, tzinfo=UTC))
    starts = list(
        Slot.objects.filter(fair=fair, availabilities__booth=booth).values_list("starts_at", flat=True)
    )
    assert added == 4
    assert [s.strftime("%Y-%m-%d %H:%M") for s in sorted(starts)] == [
        "2027-03-23 08:00",
        "2027-03-23 08:30",
        "2027-03-30 07:00",
        "2027-03-30 07:30",
    ]
    # Asia/Seoul has no summer time: the slot's day is in the fair's zone.
    assert Slot.objects.get(starts_at=datetime(2027, 3, 30, 7, tzinfo=UTC)).day == date(2027, 3, 30)
    # Run again: nothing twice.
    assert standing.standing_slots_open(fair=fair, weeks=2, now=datetime(2027, 3, 22, 12, tzinfo=UTC)) == 0
    # Re-cutting the fair's own days keeps the weekly slots.
    meeting_services.slots_generate(fair=fair)
    assert Availability.objects.filter(booth=booth).count() == 4


def test_a_local_time_that_does_not_exist_is_skipped(db):
    # 02:00-03:00 on Sunday 28 March 2027 does not exist in Paris.
    fair = factories.fair(slug="gap", permanent=True)
    booth = factories.booth(fair)
    staff = factories.staff(booth)
    standing.weekly_hours_set(
        actor=staff.user, booth=booth, hours=[(6, "02:00", "03:00")], time_zone="Europe/Paris"
    )
    standing.standing_slots_open(fair=fair, weeks=1, now=datetime(2027, 3, 26, tzinfo=UTC))
    assert not Availability.objects.filter(booth=booth).exists()


def test_weekly_hours_are_the_staffs_and_bad_hours_are_refused(db):
    fair = factories.fair(slug="hours", permanent=True)
    booth = factories.booth(fair)
    with pytest.raises(PermissionDenied):
        standing.weekly_hours_set(
            actor=factories.user(), booth=booth, hours=[(1, "09:00", "10:00")], time_zone="UTC"
        )
    staff = factories.staff(booth)
    for hours, zone in [
        ([(7, "09:00", "10:00")], "UTC"),
        ([(1, "10:00", "09:00")], "UTC"),
        ([(1, "09:00", "10:00")], "Mars/Base"),
    ]:
        with pytest.raises(DomainError):
            standing.weekly_hours_set(actor=staff.user, booth=booth, hours=hours, time_zone=zone)
    assert not WeeklyHours.objects.exists()
