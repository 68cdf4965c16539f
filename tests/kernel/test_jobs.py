"""Background jobs run for real: django-q2's pusher, worker and monitor, in this process.

The same loop the django-q2 cluster of `manage.py worker` runs in its child processes, here driven
step by step, on the database broker and (when REDIS_URL is set) on Redis.
"""

import os
import uuid
from datetime import timedelta
from multiprocessing import Event, Queue, Value

import pytest
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


def fails_twice_then_succeeds(key, answer):
    CALLS[key] = CALLS.get(key, 0) + 1
    if CALLS[key] < 3:
        raise ConnectionError("the model store is not reachable yet")
    return answer


def records(key, *, value):
    CALLS[key] = value
    return value


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


def test_a_job_runs_with_its_arguments(broker):
    key = uuid.uuid4().hex
    task_id = jobs.enqueue(f"{__name__}.records", key, value=42, task_name="record 42")
    assert key not in CALLS  # queued, not run
    assert run_cluster(broker) == 1
    assert CALLS[key] == 42
    task = Task.objects.get(id=task_id)
    assert task.success and task.result == 42 and task.name == "record 42"


def test_a_failing_job_is_retried_until_it_succeeds(broker):
    key = uuid.uuid4().hex
    jobs.enqueue(f"{__name__}.fails_twice_then_succeeds", key, "done", task_name="flaky")
    assert run_cluster(broker) == 3
    assert CALLS[key] == 3
    last = Task.objects.get(name="flaky #3")
    assert last.success and last.result == "done" and last.args[-1] == 3  # the third attempt
    assert Failure.objects.filter(name__startswith="flaky").count() == 2


def test_after_the_last_attempt_the_failure_shows_in_the_admin(broker, client):
    jobs.enqueue(f"{__name__}.always_fails", "invitation 42", task_name="invite")
    assert run_cluster(broker) == 3  # max_attempts, then no more
    assert broker.queue_size() == 0
    failure = Failure.objects.get(name="invite #3")
    task_id = failure.id
    assert failure.args[-1] == 3  # the last attempt
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
    runs = Success.objects.filter(func="kernel.jobs.run")
    assert any(task.args[0] == "django.core.management.call_command" for task in runs)
    assert Schedule.objects.get(name="tradefair.clear_expired_sessions").next_run > timezone.now()
