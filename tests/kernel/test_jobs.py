"""Background jobs run for real: django-q2's pusher, worker and monitor, in this process.

The same loop the django-q2 cluster of `manage.py worker` runs in its child processes, here driven
step by step, on the database broker and (when REDIS_URL is set) on Redis.
"""

import os
import uuid
from datetime import timedelta
from multiprocessing import Event, Queue, Value

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import Failure, Schedule, Success, Task
from django_q.monitor import monitor
from django_q.pusher import pusher
from django_q.scheduler import scheduler
from django_q.worker import worker

from kernel import jobs
from kernel.errors import DomainError
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

CALLS: dict[str, int] = {}


def always_fails(note):
    raise RuntimeError(f"mail server refused the message ({note})")


def fails_twice_then_mails(key, to):
    CALLS[key] = CALLS.get(key, 0) + 1
    if CALLS[key] < 3:
        raise ConnectionError("mail server not reachable yet")
    return jobs.send_email(to=[to], subject="Your meeting", body="See you at 10:00")


BROKERS = ["orm"] + (["redis"] if os.environ.get("REDIS_URL") else [])


@pytest.fixture(params=BROKERS)
def broker(request, monkeypatch):
    """A broker of its own (a fresh queue name), with Q_CLUSTER as settings.py sets it otherwise."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(Conf, "CLUSTER_NAME", name)
    monkeypatch.setattr(Conf, "PREFIX", name)
    monkeypatch.setattr(Conf, "MAX_ATTEMPTS", 3)
    if request.param == "orm":
        monkeypatch.setattr(Conf, "ORM", "default")
    else:
        monkeypatch.setattr(Conf, "ORM", None)
        monkeypatch.setattr(Conf, "REDIS", os.environ["REDIS_URL"])
    b = get_broker()
    assert type(b).__name__.lower() == request.param
    yield b
    b.delete_queue()


def run_cluster(broker, *, rounds: int = 10) -> int:
    """Push, work and monitor until the queue is empty; returns how many tasks were executed."""
    done = 0
    for _ in range(rounds):
        if broker.queue_size() == 0:
            break
        task_queue, result_queue = Queue(), Queue()
        stop = Event()
        stop.set()  # one pull from the broker
        pusher(task_queue, stop, broker=broker)
        n = task_queue.qsize()
        task_queue.put("STOP")
        worker(task_queue, result_queue, Value("f", -1))
        result_queue.put("STOP")
        monitor(result_queue, broker=broker)
        done += n
    return done


def test_a_job_sends_an_email(broker):
    task_id = jobs.send_email_later(to=["buyer@example.test"], subject="Invitation", body="Welcome!")
    assert mail.outbox == []  # queued, not sent
    assert run_cluster(broker) == 1
    assert [m.subject for m in mail.outbox] == ["Invitation"]
    assert mail.outbox[0].to == ["buyer@example.test"]
    task = Task.objects.get(id=task_id)
    assert task.success and task.result == 1 and task.attempt_count == 1


def test_a_failing_job_is_retried_until_it_succeeds(broker):
    key = uuid.uuid4().hex
    task_id = jobs.enqueue(f"{__name__}.fails_twice_then_mails", key, "buyer@example.test")
    assert run_cluster(broker) == 3
    assert CALLS[key] == 3
    task = Task.objects.get(id=task_id)
    assert task.success and task.attempt_count == 3
    assert len(mail.outbox) == 1
    assert not Failure.objects.filter(id=task_id).exists()


def test_after_the_last_attempt_the_failure_shows_in_the_admin(broker, client):
    task_id = jobs.enqueue(f"{__name__}.always_fails", "invitation 42")
    assert run_cluster(broker) == 3  # max_attempts, then no more
    assert broker.queue_size() == 0
    failure = Failure.objects.get(id=task_id)
    assert failure.attempt_count == 3
    assert "mail server refused the message (invitation 42)" in failure.result

    client.force_login(factories.user(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:django_q_failure_changelist")).content.decode()
    assert failure.name in page
    assert "mail server refused the message" in page
    detail = client.get(reverse("admin:django_q_failure_change", args=[task_id])).content.decode()
    assert "RuntimeError" in detail


def test_an_unknown_job_is_refused_when_queued(broker):
    with pytest.raises(DomainError) as e:
        jobs.enqueue("kernel.jobs.no_such_job")
    assert e.value.code == "job.unknown"
    with pytest.raises(DomainError):
        jobs.enqueue("nowhere.at_all")
    assert broker.queue_size() == 0


def test_the_schedule_runs_its_job(broker):
    jobs.ensure_schedules()
    jobs.ensure_schedules()  # idempotent
    assert Schedule.objects.filter(name="tradefair.clear_expired_sessions").count() == 1
    Schedule.objects.filter(name="tradefair.clear_expired_sessions").update(
        next_run=timezone.now() - timedelta(minutes=1)
    )
    # Other apps' recurring jobs (reminders, refits) are not due in this test.
    Schedule.objects.exclude(name="tradefair.clear_expired_sessions").update(
        next_run=timezone.now() + timedelta(hours=1)
    )
    scheduler(broker=broker)
    assert run_cluster(broker) == 1
    assert Success.objects.filter(func="django.core.management.call_command").exists()
    assert Schedule.objects.get(name="tradefair.clear_expired_sessions").next_run > timezone.now()
