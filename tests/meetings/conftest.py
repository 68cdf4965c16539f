import pytest
from django.core import mail
from django_q.conf import Conf

from meetings import services
from tests import factories


@pytest.fixture(autouse=True)
def jobs_run_at_once(monkeypatch):
    """Queued jobs (kernel.jobs.enqueue) run in this process as they are queued: Q_CLUSTER's sync=True.

    django-q2 reads Q_CLUSTER once, into Conf, at import; this is the same switch, set for the test.
    """
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def booking(small_fair):
    """small_fair with slots, a Korean-speaking booth and an English-speaking buyer free in every slot."""
    f = small_fair["fair"]
    f.max_meetings_per_day = 3
    f.save()
    slots = services.slots_generate(fair=f)
    booth = small_fair["booths"]["cosmetics"]
    booth.company.languages = ["ko", "en"]
    booth.company.save()
    staff, buyer = small_fair["staff"], small_fair["buyer"]
    staff.user.time_zone = "Asia/Seoul"
    staff.user.save()
    buyer.user.time_zone = "Asia/Jakarta"
    buyer.user.save()
    org = small_fair["organizer"].user
    services.availability_set(actor=org, fair=f, slots=slots, booth=booth)
    services.availability_set(actor=org, fair=f, slots=slots, participant=buyer)
    mail.outbox.clear()
    return {**small_fair, "slots": slots, "booth": booth, "org": org}


def free_buyer(booking, **kwargs):
    b = factories.buyer(booking["fair"], **kwargs)
    services.availability_set(
        actor=booking["org"], fair=booking["fair"], slots=booking["slots"], participant=b
    )
    return b
