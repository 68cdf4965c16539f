"""A missed knock offers the buyer the booth's next free meeting slots (knock.offers), in the buyer's zone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.conf import Conf

from exhibitors.models import Knock
from meetings import selectors as meeting_selectors
from meetings import services as meetings
from tests import factories
from tests.exhibitors.conftest import Socket, run
from tests.factories import FAIR_START

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def free_booth(small_fair, monkeypatch):
    """Slots on FAIR_START (a Tuesday) from 09:00 in Seoul; the booth and the buyer free in all."""
    monkeypatch.setattr(Conf, "SYNC", True)  # queued mails run at once, without a worker
    f, booth = small_fair["fair"], small_fair["booths"]["cosmetics"]
    staff, buyer = small_fair["staff"], small_fair["buyer"]
    staff.user.time_zone = "Asia/Seoul"
    staff.user.save()
    buyer.user.time_zone = "Asia/Jakarta"
    buyer.user.save()
    slots = meetings.slots_generate(fair=f)
    org = small_fair["organizer"].user
    meetings.availability_set(actor=org, fair=f, slots=slots, booth=booth)
    meetings.availability_set(actor=org, fair=f, slots=slots, participant=buyer)
    return {**small_fair, "slots": slots, "booth": booth}


def test_the_buyer_of_a_missed_knock_is_offered_the_next_free_slots_in_their_zone(free_booth, live_settings):
    live_settings.BOOTH_LIVE = {**live_settings.BOOTH_LIVE, "KNOCK_TIMEOUT": 0.3}
    booth, staff, buyer, slots = (free_booth[k] for k in ("booth", "staff", "buyer", "slots"))
    other = factories.buyer(free_booth["fair"])
    meetings.availability_set(
        actor=free_booth["organizer"].user, fair=free_booth["fair"], slots=slots, participant=other
    )
    meetings.meeting_request(actor=other.user, buyer=other, booth=booth, slot=slots[0])  # 09:00 is taken

    async def scenario():
        worker, visitor = Socket(booth.pk, staff.user), Socket(booth.pk, buyer.user)
        await worker.open()
        await visitor.open()
        await visitor.send({"type": "knock"})
        knock_id = (await visitor.recv_type("knock.waiting"))["knock"]
        missed = await visitor.recv_type("knock.missed", timeout=3)
        offers = await visitor.recv_type("knock.offers", timeout=3)
        told_staff = await worker.recv_type("knock.missed", timeout=3)
        await worker.close()
        await visitor.close()
        return knock_id, missed, offers, told_staff

    knock_id, missed, offers, told_staff = run(scenario)
    book = reverse("meeting_book", args=["demo-expo", booth.pk])
    assert missed["knock"] == knock_id and missed["status"] == "missed"
    assert offers["knock"] == knock_id
    assert offers["slots"] == [
        {
            "id": slots[1].pk,
            "starts_at": f"{FAIR_START}T00:30:00Z",
            "label": "Tue 07:30 your time / 09:30 in Seoul",
            "url": f"{book}?slot={slots[1].pk}",
        },
        {
            "id": slots[2].pk,
            "starts_at": f"{FAIR_START}T01:00:00Z",
            "label": "Tue 08:00 your time / 10:00 in Seoul",
            "url": f"{book}?slot={slots[2].pk}",
        },
        {
            "id": slots[3].pk,
            "starts_at": f"{FAIR_START}T01:30:00Z",
            "label": "Tue 08:30 your time / 10:30 in Seoul",
            "url": f"{book}?slot={slots[3].pk}",
        },
    ]
    # the staff are told the knock was missed, without the buyer's free times
    assert told_staff["knock"] == knock_id and "slots" not in told_staff
    assert Knock.objects.get().status == "missed"


def test_no_free_slot_or_no_buyer_participation_offers_nothing(free_booth):
    booth, buyer = free_booth["booth"], free_booth["buyer"]
    lonely = factories.buyer(free_booth["fair"])  # free in no slot
    knock = Knock.objects.create(booth=booth, buyer=lonely, status="missed", created_at=timezone.now())
    assert meeting_selectors.knock_offers(knock=knock) == (lonely.user_id, [])
    knock = Knock.objects.create(booth=booth, buyer=buyer, status="missed", created_at=timezone.now())
    user_id, slots = meeting_selectors.knock_offers(knock=knock)
    assert user_id == buyer.user_id and len(slots) == 3
    buyer.status = "rejected"  # no longer a buyer of the fair
    buyer.save()
    assert meeting_selectors.knock_offers(knock=knock) is None


def test_the_booking_link_preselects_its_slot(client, free_booth):
    booth, buyer, slots = free_booth["booth"], free_booth["buyer"], free_booth["slots"]
    client.force_login(buyer.user)
    url = reverse("meeting_book", args=["demo-expo", booth.pk])
    page = client.get(f"{url}?slot={slots[2].pk}").content.decode()
    assert f'value="{slots[2].pk}" required checked' in page
