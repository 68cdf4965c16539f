import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from fair.models import Interaction
from kernel.errors import DomainError
from meetings import services
from meetings.models import Meeting, Seat
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.USING_POSTGRES, reason="needs DATABASE_URL pointing at PostgreSQL (real concurrency)"
    ),
]


@pytest.mark.django_db(transaction=True)
def test_fifty_buyers_click_the_same_slot_at_once():
    f = factories.fair()
    org = factories.participant(f, "organizer").user
    booth = factories.booth(f)
    slot = services.slots_generate(fair=f)[0]
    services.availability_set(actor=org, fair=f, slots=[slot], booth=booth)
    buyers = []
    for _ in range(50):
        b = factories.buyer(f)
        services.availability_set(actor=org, fair=f, slots=[slot], participant=b)
        buyers.append(b)
    barrier = threading.Barrier(50)
    results: list[str] = []
    lock = threading.Lock()

    def click(buyer):
        try:
            barrier.wait()
            services.meeting_request(
                actor=buyer.user, buyer=buyer, booth=booth, slot=slot, message="me first"
            )
            outcome = "ok"
        except DomainError as e:
            outcome = e.code
        except Exception as e:  # anything else is a failure the test must show
            outcome = repr(e)
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=click, args=(b,)) for b in buyers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert connection.vendor == "postgresql"
    assert results.count("ok") == 1, results
    assert results.count("meeting.slot_taken") == 49, results
    # Nothing half-written: one meeting, its two seats, one request interaction.
    assert Meeting.objects.count() == 1
    assert Seat.objects.count() == 2
    assert Interaction.objects.filter(kind="meeting_request").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_buyer_and_the_booth_ask_each_other_at_once_and_one_request_stays_open():
    """One open request per pair holds under concurrency: the buyer's request and the staff's
    invitation, at the same moment and for different slots; one wins, the other is told why."""
    f = factories.fair()
    org = factories.participant(f, "organizer").user
    booth = factories.booth(f)
    staff = factories.staff(booth)
    buyer = factories.buyer(f)
    slots = services.slots_generate(fair=f)[:2]
    services.availability_set(actor=org, fair=f, slots=slots, booth=booth)
    services.availability_set(actor=org, fair=f, slots=slots, participant=buyer)
    barrier = threading.Barrier(2)
    results: list[str] = []
    lock = threading.Lock()

    def ask(fn):
        try:
            barrier.wait()
            fn()
            outcome = "ok"
        except DomainError as e:
            outcome = e.code
        except Exception as e:  # anything else is a failure the test must show
            outcome = repr(e)
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    asks = [
        lambda: services.meeting_request(actor=buyer.user, buyer=buyer, booth=booth, slot=slots[0]),
        lambda: services.meeting_invite(actor=staff.user, booth=booth, buyer=buyer, slot=slots[1]),
    ]
    threads = [threading.Thread(target=ask, args=(fn,)) for fn in asks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["meeting.already_open", "ok"], results
    assert Meeting.objects.count() == 1 and Seat.objects.count() == 2
