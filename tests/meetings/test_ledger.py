"""The outcome ledger: stages with values converted at the organizer's rate, deals once per pair,
private to the booth's staff, ledger_totals for the dashboard, and the follow-up nudge sent once."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from fair.models import Interaction
from kernel.errors import DomainError
from meetings import ledger, services
from meetings.jobs import ensure_schedules
from meetings.models import FollowUpNudge, LeadUpdate, Meeting, Outcome
from meetings.selectors import ledger_totals


@pytest.fixture
def held(booking):
    m = services.meeting_request(
        actor=booking["buyer"].user, buyer=booking["buyer"], booth=booking["booth"], slot=booking["slots"][0]
    )
    Meeting.objects.filter(pk=m.pk).update(status=Meeting.Status.HELD)
    m.refresh_from_db()
    mail.outbox.clear()
    return m


def test_values_are_converted_at_the_fairs_rate_and_a_missing_rate_writes_nothing(booking, held):
    staff, org, fair = booking["staff"].user, booking["org"], booking["fair"]
    with pytest.raises(DomainError) as e:
        ledger.lead_update_add(
            actor=staff,
            meeting=held,
            stage="quotation",
            on=date(2026, 12, 5),
            value="1500000",
            currency="KRW",
        )
    assert e.value.code == "ledger.no_rate" and not LeadUpdate.objects.exists()
    ledger.rate_set(actor=org, fair=fair, currency="krw", usd_per_unit="0.00075")
    update = ledger.lead_update_add(
        actor=staff,
        meeting=held,
        stage="quotation",
        on=date(2026, 12, 5),
        value="1500000",
        currency="KRW",
        note="FOB Busan",
    )
    assert (update.currency, update.value_usd) == ("KRW", Decimal("1125.00"))
    usd = ledger.lead_update_add(
        actor=staff, meeting=held, stage="sample_sent", on=date(2026, 12, 4), value="80", currency="USD"
    )
    assert usd.value_usd == Decimal("80.00")
    for bad in ({"currency": "XYZ"}, {"value": "-5"}, {"stage": "handshake"}):
        kwargs = {"stage": "order", "on": date(2026, 12, 6), "value": "10", "currency": "USD", **bad}
        with pytest.raises(DomainError):
            ledger.lead_update_add(actor=staff, meeting=held, **kwargs)
    assert LeadUpdate.objects.count() == 2 and not Interaction.objects.filter(kind="deal").exists()
    with pytest.raises(DomainError):
        ledger.rate_set(actor=booking["buyer"].user, fair=fair, currency="JPY", usd_per_unit="0.0067")
    with pytest.raises(DomainError):
        ledger.rate_set(actor=org, fair=fair, currency="JPY", usd_per_unit="0")


def test_orders_and_contracts_write_one_deal_per_pair_and_feed_the_totals(booking, held):
    staff, org, fair = booking["staff"].user, booking["org"], booking["fair"]
    ledger.rate_set(actor=org, fair=fair, currency="JPY", usd_per_unit="0.0065")
    ledger.lead_update_add(
        actor=staff, meeting=held, stage="order", on=date(2026, 12, 10), value="1000000", currency="JPY"
    )
    ledger.lead_update_add(
        actor=staff, meeting=held, stage="contract", on=date(2027, 1, 10), value="20000", currency="USD"
    )
    ledger.lead_update_add(actor=staff, meeting=held, stage="quotation", on=date(2026, 12, 8))
    assert Interaction.objects.filter(kind="deal", buyer=held.buyer, booth=held.booth).count() == 1
    totals = ledger_totals(fair)
    assert totals["deals"] == 1
    assert totals["usd_by_stage"] == {
        "sample_sent": 0,
        "quotation": 0,
        "order": Decimal("6500.00"),
        "contract": Decimal("20000.00"),
    }
    assert totals["deal_usd"] == Decimal("26500.00") and totals["updates_by_stage"]["quotation"] == 1


def test_only_the_booths_staff_keep_and_see_the_ledger(client, booking, held):
    ledger.lead_update_add(
        actor=booking["staff"].user,
        meeting=held,
        stage="quotation",
        on=date(2026, 12, 5),
        note="secret margin 12%",
    )
    url = reverse("meeting_ledger", args=[held.pk])
    # The buyer and the organizer see the meeting, not the booth's ledger; the interpreter (merely
    # proposed) does not even see the meeting.
    for user, status in (
        (booking["buyer"].user, 403),
        (booking["org"], 403),
        (booking["interpreter"].user, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(url, {"stage": "order", "on": "2026-12-06"}).status_code == status
        assert "secret margin" not in client.get(reverse("meeting_detail", args=[held.pk])).content.decode()
    with pytest.raises(DomainError):
        ledger.lead_update_add(actor=booking["buyer"].user, meeting=held, stage="order", on=date(2026, 12, 6))
    client.force_login(booking["staff"].user)
    assert "secret margin" in client.get(url).content.decode()
    response = client.post(url, {"stage": "order", "on": "2026-12-06", "value": "500", "currency": "EUR"})
    assert response.status_code == 400 and "has not set a USD rate for EUR" in response.content.decode()
    assert (
        client.post(
            url, {"stage": "order", "on": "2026-12-06", "value": "500", "currency": "USD"}
        ).status_code
        == 302
    )
    assert LeadUpdate.objects.filter(stage="order", value_usd=Decimal("500.00")).exists()


def test_rates_page_is_for_organizers(client, booking):
    url = reverse("organizer_rates", args=[booking["fair"].slug])
    client.force_login(booking["staff"].user)
    assert client.post(url, {"currency": "KRW", "usd_per_unit": "0.00075"}).status_code == 403
    client.force_login(booking["org"])
    assert client.post(url, {"currency": "KRW", "usd_per_unit": "0.00075"}).status_code == 302
    assert client.post(url, {"currency": "ZZZ", "usd_per_unit": "1"}).status_code == 400
    assert "1 KRW = 0.00075 USD" in client.get(url).content.decode()


def test_an_overdue_follow_up_is_nudged_once(booking, held, django_capture_on_commit_callbacks):
    ensure_schedules()
    staff = booking["staff"].user
    Outcome.objects.create(meeting=held, side="exhibitor", author=staff, follow_up_on=date(2026, 12, 10))
    not_yet = datetime(2026, 12, 10, 12, 0, tzinfo=__import__("datetime").UTC)
    assert ledger.follow_ups_nudge(now=not_yet) == 0
    later = not_yet + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert ledger.follow_ups_nudge(now=later) == 1
    assert [m.to for m in mail.outbox] == [[staff.email]] and "Follow-up due" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert ledger.follow_ups_nudge(now=later + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1 and FollowUpNudge.objects.count() == 1
    from django_q.models import Schedule

    assert Schedule.objects.filter(func="meetings.ledger.follow_ups_nudge").exists()
