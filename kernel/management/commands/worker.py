"""manage.py worker: the background worker. The django-q2 cluster (jobs and schedules) and, beside
it, the outbox relay (mail, live notifications whose first try failed, webhooks)."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django_q.cluster import Cluster

from kernel import outbox


class Command(BaseCommand):
    help = "Run the background worker: the job queue (django-q2) and the outbox relay."

    def add_arguments(self, parser):
        parser.add_argument("--no-jobs", action="store_true", help="run only the outbox relay")

    def handle(self, *args, no_jobs: bool, **options):
        settings.SECRET_KEY  # noqa: B018 - the job queue signs its tasks: refuse to start without a key
        stop = threading.Event()
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
