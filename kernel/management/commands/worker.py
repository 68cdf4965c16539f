"""manage.py worker: the background worker. The django-q2 cluster (jobs and schedules) and, beside
it, the outbox relay (mail, live notifications whose first try failed, webhooks).

Supervision (docs/faults.md): every process the cluster forks (its sentinel, the sentinel's job
workers, monitor and pusher) asks Linux for SIGTERM when its parent dies (PR_SET_PDEATHSIG), so a
``kill -9`` of this main process takes the whole cluster along instead of leaving it running beside
the next one a supervisor starts. Supervisors should still stop the whole process group (systemd's
default KillMode=control-group; the container's init, see deploy/).
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django_q.cluster import Cluster

from kernel import outbox

PR_SET_PDEATHSIG = 1
_forking_parent: int | None = None


def _before_fork() -> None:
    global _forking_parent
    _forking_parent = os.getpid()


def _die_with_parent() -> None:
    """In a forked child: SIGTERM when the parent dies; at once if it died while we were forking."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the supervisor's process group kill remains
        return
    if _forking_parent is not None and os.getppid() != _forking_parent:
        os.kill(os.getpid(), signal.SIGTERM)


class Command(BaseCommand):
    help = "Run the background worker: the job queue (django-q2) and the outbox relay."

    def add_arguments(self, parser):
        parser.add_argument("--no-jobs", action="store_true", help="run only the outbox relay")

    def handle(self, *args, no_jobs: bool, **options):
        settings.SECRET_KEY  # noqa: B018 - the job queue signs its tasks: refuse to start without a key
        stop = threading.Event()
        os.register_at_fork(before=_before_fork, after_in_child=_die_with_parent)
        cluster = None if no_jobs else Cluster()

        def shut_down(signum, frame):
            stop.set()

        # Set after Cluster() (which installs its own handlers): the relay stops first, then the cluster.
        signal.signal(signal.SIGTERM, shut_down)
        signal.signal(signal.SIGINT, shut_down)
        if cluster is not None:
            cluster.start()
        try:
            outbox.relay(stop=stop)
        finally:
            if cluster is not None:
                cluster.stop()
