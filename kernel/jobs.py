"""Background jobs on django-q2 (settings.Q_CLUSTER; `manage.py worker` runs them, beside the outbox relay).

    enqueue("matching.jobs.refit", fair.pk, task_name="matching-refit-demo", group="matching")

A job is any importable function, named by its dotted path. Its arguments must be picklable plain
values (ids, strings), never model instances. A job that raises is tried again, at once, until it
has been tried Q_CLUSTER["max_attempts"] times, on the database broker and on Redis alike (Redis has
no redelivery of its own): the queued task is ``run(path, args, kwargs, attempt)``, and the
``retry_failed`` result hook queues the next attempt through django-q2's public ``async_task``.
After the last attempt the failure stays under "Failed tasks" in the admin, with its traceback.

Mail is not a job: it leaves through the outbox (kernel/outbox.py), which the same worker relays.
"""

from __future__ import annotations

import logging
from importlib import import_module

from django_q.conf import Conf
from django_q.models import Schedule, Task
from django_q.tasks import async_task

from kernel.errors import DomainError

logger = logging.getLogger(__name__)

RUN = "kernel.jobs.run"
RETRY_HOOK = "kernel.jobs.retry_failed"
# async_task's own options; everything else is the job's keyword arguments.
OPTIONS = ("task_name", "group", "timeout", "save", "cached", "sync", "broker", "cluster")


def _resolve(path: str):
    module_name, _, attr = path.rpartition(".")
    try:
        func = getattr(import_module(module_name), attr, None) if module_name else None
    except ImportError:
        func = None
    if not callable(func):
        raise DomainError("job.unknown", f"{path} is not an importable function")
    return func


def _queue(path: str, args: tuple, kwargs: dict, attempt: int, options: dict) -> str:
    return async_task(RUN, path, list(args), kwargs, attempt, hook=RETRY_HOOK, ack_failure=True, **options)


def enqueue(path: str, *args, **kwargs) -> str:
    """Queue the function at dotted ``path`` with these arguments; returns the task id.

    Raises DomainError("job.unknown") at once, not in the worker, for a path that does not resolve.
    """
    _resolve(path)
    options = {k: kwargs.pop(k) for k in OPTIONS if k in kwargs}
    options.setdefault("task_name", path.rsplit(".", 1)[-1])
    return _queue(path, args, kwargs, 1, options)


def run(path: str, args: list, kwargs: dict, attempt: int):
    """What the worker executes: attempt ``attempt`` of the job at ``path``."""
    return _resolve(path)(*args, **kwargs)


def retry_failed(task: Task) -> None:
    """Result hook: queue the next attempt of a failed job until it has used its attempts."""
    if task.success or task.func != RUN or not task.args or len(task.args) != 4:
        return
    path, args, kwargs, attempt = task.args
    if Conf.MAX_ATTEMPTS <= 0 or attempt >= Conf.MAX_ATTEMPTS:
        return
    logger.warning("job %s (%s) failed, attempt %d; trying again", task.name, path, attempt)
    name = (task.name or path).split(" #")[0]
    _queue(
        path,
        tuple(args),
        kwargs or {},
        attempt + 1,
        {"task_name": f"{name} #{attempt + 1}", "group": task.group},
    )


def ensure_schedules() -> None:
    """Create or update the recurring jobs; safe to run again."""
    schedule(
        "tradefair.clear_expired_sessions", "django.core.management.call_command", "clearsessions", daily=True
    )


def schedule(name: str, path: str, *args, minutes: int = 0, daily: bool = False) -> Schedule:
    """Install (or update) a recurring job, retried like any other; safe to run again."""
    defaults = {"func": RUN, "args": repr((path, list(args), {}, 1)), "hook": RETRY_HOOK, "repeats": -1}
    if daily:
        defaults.update(schedule_type=Schedule.DAILY)
    else:
        defaults.update(schedule_type=Schedule.MINUTES, minutes=minutes)
    obj, _created = Schedule.objects.update_or_create(name=name, defaults=defaults)
    return obj
