"""The organizer's console in a real Chromium against daphne, axe-core on every page.

An organizer approves a pending buyer in bulk on the registrations page (the status changes in the
database and the buyer's e-mail is queued for the worker), then uploads a CSV invitation whose
third line has a bad HS code: the preview names the file, line and column, and nothing is written.
Then an exhibitor records a contract in the lead ledger of a held meeting.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from fair.models import Company, Participant
from meetings.models import LeadUpdate, Meeting, Slot
from tests import factories
from tests.e2e.harness import ARTIFACTS

BUYERS_BAD = (
    "buyer_id,company,country,hs_codes\n"
    "e2e-inv-1,Osaka Beauty Trading,JP,3304\n"
    "e2e-inv-2,Hanoi Imports,VN,9999\n"  # line 3: no such HS code
)


def sign_in(v, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    v.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": v.base_url}]
    )


def queued_mails_to(address: str) -> list[dict]:
    """The e-mails written to the outbox for this address (kernel/outbox.py; the worker sends them)."""
    from kernel import outbox
    from kernel.models import OutboxMessage

    rows = OutboxMessage.objects.filter(kind=outbox.MAIL).values_list("payload", flat=True)
    return [payload for payload in rows if address in payload["to"]]


def test_an_organizer_approves_in_bulk_and_sees_every_error_of_a_csv_invitation(visit, small_fair):
    pending = factories.buyer(small_fair["fair"], country="VN", status=Participant.Status.PENDING)
    pending.company.name = "Saigon Beauty Import"
    pending.company.save()
    pending.user.email = f"saigon-{uuid.uuid4().hex[:10]}@example.test"  # its own, whatever the queue holds
    pending.user.save(update_fields=["email"])
    organizer = visit(name="organizer-console")
    sign_in(organizer, small_fair["organizer"].user)
    page = organizer.page

    organizer.goto("/fairs/demo-expo/organize/registrations/?status=pending")
    row = page.locator("tr", has_text="Saigon Beauty Import")
    row.wait_for()
    organizer.audit("registrations, one pending")
    row.locator(f'input[name="ids"][value="{pending.pk}"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Approve the chosen").click()
    organizer.audit("registrations, approved")
    assert "1 approved; each was told by e-mail." in page.content()
    pending.refresh_from_db()
    assert pending.status == Participant.Status.APPROVED
    mails = queued_mails_to(pending.user.email)
    assert len(mails) == 1 and small_fair["fair"].name in mails[0]["subject"]

    companies = Company.objects.count()
    organizer.goto("/fairs/demo-expo/organize/invite/")
    organizer.audit("invitation upload")
    page.set_input_files(
        'input[name="buyers"]',
        files=[{"name": "buyers.csv", "mimeType": "text/csv", "buffer": BUYERS_BAD.encode()}],
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    organizer.audit("invitation preview with an error")
    error = page.locator("tr.preview-error").filter(has_text="hs_codes")
    assert [c.strip() for c in error.locator("td").all_inner_texts()[:3]] == ["buyers.csv", "3", "hs_codes"]
    assert page.get_by_role("button", name="Import now").count() == 0
    assert Company.objects.count() == companies
    assert not Participant.objects.filter(external_id__startswith="e2e-inv-").exists()
    page.screenshot(path=str(ARTIFACTS / "organizer-invitation-preview.png"), full_page=True)
    organizer.finish()


def test_an_exhibitor_records_a_contract_in_the_lead_ledger(visit, small_fair):
    fair, booth = small_fair["fair"], small_fair["booths"]["cosmetics"]

    def held_meeting() -> Meeting:
        ends = timezone.now() - timedelta(hours=1)
        slot = Slot.objects.create(
            fair=fair, starts_at=ends - timedelta(minutes=30), ends_at=ends, day=ends.date()
        )
        try:
            return Meeting.objects.create(
                fair=fair, buyer=small_fair["buyer"], booth=booth, slot=slot, status=Meeting.Status.HELD
            )
        finally:
            connection.close()

    # In a thread of its own: the dashboard announcement of a new meeting (async_to_sync) cannot run in
    # this thread, where Playwright keeps an event loop.
    with ThreadPoolExecutor(1) as pool:
        meeting = pool.submit(held_meeting).result()
    staff = visit(name="exhibitor-ledger")
    sign_in(staff, small_fair["staff"].user)
    page = staff.page
    staff.goto(f"/leads/{meeting.pk}/")
    staff.audit("lead ledger, empty")
    page.get_by_label("Stage").select_option("contract")
    page.get_by_label("Value").fill("120000")
    page.get_by_label("Currency").fill("USD")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    staff.audit("lead ledger, a contract")
    assert "The lead is updated." in page.content()
    assert "120000.00 USD" in page.locator(".ledger").inner_text()
    update = LeadUpdate.objects.get(meeting=meeting)
    assert update.stage == "contract" and str(update.value_usd) == "120000.00"
    staff.finish()
