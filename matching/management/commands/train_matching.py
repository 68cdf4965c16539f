"""manage.py train_matching SLUG: fit the fair's matching model from the database and store a new version."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from fair.models import Fair
from kernel.errors import DomainError
from matching.engine import MatchingError
from matching.services import matching_train


class Command(BaseCommand):
    help = "Fit a fair's matching model from its booths, buyers and interactions; store it as the newest."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the fair's slug")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options):
        fair = Fair.objects.filter(slug=options["slug"]).first()
        if fair is None:
            raise CommandError(f"no fair with slug {options['slug']!r}")
        try:
            record = matching_train(fair=fair, progress=options["verbosity"] > 0, seed=options["seed"])
        except (DomainError, MatchingError) as exc:
            raise CommandError(str(exc)) from exc
        data = record.meta.get("data", {})
        self.stdout.write(
            f"{fair.slug}: version {record.version} stored at {record.path} "
            f"({data.get('exhibitors')} booths, {data.get('buyers')} buyers, "
            f"{data.get('interactions')} interactions, fitted in {record.meta.get('fit_seconds')} s)"
        )
        self.stdout.write("offline scores: " + json.dumps(record.metrics))
