"""Background jobs on django-q2 (settings.Q_CLUSTER; `manage.py worker` runs them, beside the outbox relay).

    enqueue("kernel.jobs.send_email", to=["buyer@example.com"], subject="...", body="...")

A job is any importable function, named by its dotted path. Its arguments must
be picklable plain values (ids, strings), never model instances. A job that
raises is tried again, immediately, until it has been tried
Q_CLUSTER["max_attempts"] times, on the database broker and on Redis alike
(Redis has no redelivery of its own, so the retry is done here, by the
``retry_failed`` hook, re-enqueuing the same task id); after the last attempt
the failure stays under "Failed tasks" in the admin, with its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import import_module

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import Schedule, Task
from django_q.signing import SignedPackage
from django_q.tasks import async_task

from kernel.errors import DomainError

logger = logging.getLogger(__name__)

RETRY_HOOK = "kernel.jobs.retry_failed"


def _resolve(path: str):
    module_name, _, attr = path.rpartition(".")
    try:
        func = getattr(import_module(module_name), attr, None) if module_name else None
    except ImportError:
        func = None
    if not callable(func):
        raise DomainError("job.unknown", f"{path} is not an importable function")
    return func


def enqueue(path: str, *args, **kwargs) -> str:
    """Queue the function at dotted ``path`` with these arguments; returns the task id.

    Raises DomainError("job.unknown") at once, not in the worker, for a path that does not resolve.
    """
    _resolve(path)
    return async_task(path, *args, hook=RETRY_HOOK, ack_failure=True, **kwargs)


def retry_failed(task: Task) -> None:
    """Result hook: put a failed task back on the queue until it has used its attempts."""
    if task.success or Conf.MAX_ATTEMPTS <= 0 or task.attempt_count >= Conf.MAX_ATTEMPTS:
        return
    package = {
        "id": task.id,
        "name": task.name,
        "func": task.func,
        "args": task.args or (),
        "kwargs": task.kwargs or {},
        "hook": task.hook,
        "group": task.group,
        "ack_failure": True,
        "started": timezone.now(),
    }
    logger.warning("job %s (%s) failed, attempt %d; trying again", task.name, task.func, task.attempt_count)
    get_broker().enqueue(SignedPackage.dumps(package))


def send_email(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    html: str | None = None,
    reply_to: Sequence[str] = (),
    attachments: Sequence[tuple[str, str | bytes, str]] = (),
) -> int:
    """Send one e-mail through Django's mail backend. Invitations and reminders use this.

    ``attachments``: (filename, content, mimetype) tuples, e.g. ("invite.ics", ics_text, "text/calendar").
    """
    message = EmailMultiAlternatives(subject=subject, body=body, to=list(to), reply_to=list(reply_to))
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message.send(fail_silently=False)


def send_email_later(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    html: str | None = None,
    attachments: Sequence[tuple[str, str | bytes, str]] = (),
) -> str:
    extra = {"attachments": [tuple(a) for a in attachments]} if attachments else {}
    return enqueue("kernel.jobs.send_email", to=list(to), subject=subject, body=body, html=html, **extra)


def ensure_schedules() -> None:
    """Create or update the recurring jobs; safe to run again."""
    Schedule.objects.update_or_create(
        name="tradefair.clear_expired_sessions",
        defaults={
            "func": "django.core.management.call_command",
            "args": "'clearsessions'",
            "schedule_type": Schedule.DAILY,
            "hook": RETRY_HOOK,
        },
    )
