"""Standing halls in a real Chromium (axe-core on every page): the organizer keeps a fair open all year
and carries last year's booths over; a booth's staff publish weekly hours on a phone."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.test import Client

from exhibitors.models import Booth
from rfq.models import WeeklyHours
from tests import factories


def sign_in(v, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    v.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": v.base_url}]
    )


def test_a_fair_kept_open_all_year_with_booths_carried_over_and_weekly_hours(visit, db):
    tag = uuid.uuid4().hex[:6]
    last_year = factories.fair(slug=f"kb25-{tag}", name="K-Beauty 2025")
    organizer = factories.participant(last_year, "organizer").user
    booth = factories.booth(last_year, company_obj=factories.company(name="Seoul Glow Co."))
    factories.product(booth)
    staff = factories.staff(booth, user_obj=factories.user(language="ko", time_zone="Asia/Seoul"))
    hall = factories.fair(slug=f"kb-all-{tag}", name="K-Beauty all year")
    factories.participant(hall, "organizer", user_obj=organizer)

    o = visit(name="standing-organizer")
    sign_in(o, organizer)
    op = o.page
    o.goto(f"/fairs/{hall.slug}/organize/all-year/")
    o.audit("open all year")
    with op.expect_navigation():
        op.locator("main button[name=on][value='1']").click()
    o.audit("kept open")
    op.locator("main select[name=from]").select_option(last_year.slug)
    with op.expect_navigation():
        op.locator("main form:has(input[value=carry]) button[type=submit]").click()
    o.audit("carried over")
    new = Booth.objects.get(fair=hall)
    assert new.company.name == "Seoul Glow Co." and new.products.count() == 1
    o.finish()

    s = visit(phone=True, name="standing-staff")
    sign_in(s, staff.user)
    sp = s.page
    s.goto(f"/fairs/{hall.slug}/booths/{new.pk}/weekly-hours/")
    s.audit("weekly hours")
    sp.locator("main select[name=time_zone]").select_option("Asia/Seoul")
    sp.locator("#day-0").select_option("1")
    sp.locator("#from-0").fill("10:00")
    sp.locator("#until-0").fill("12:00")
    with sp.expect_navigation():
        sp.locator("main form button[type=submit]").click()
    s.audit("hours saved")
    hours = WeeklyHours.objects.get(booth=new)
    assert (hours.weekday, hours.starts.hour, hours.ends.hour, hours.time_zone) == (1, 10, 12, "Asia/Seoul")
    assert sp.evaluate("() => document.documentElement.scrollWidth") <= 390
    s.finish()
