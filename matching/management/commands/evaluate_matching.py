"""manage.py evaluate_matching DIR [--k 10] [--json]: offline scores of the engine on a fair dataset."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from fair.dataset import DatasetError, read_folder
from matching.engine import MatchingError
from matching.evaluation import EngineRanker, evaluate

ORDER = (
    "precision_at_k",
    "recall_at_k",
    "ndcg_at_k",
    "map_at_k",
    "coverage",
    "cold_start_ndcg_at_k",
    "fit_seconds",
    "rank_ms_p50",
    "rank_ms_p99",
    "k",
    "buyers",
)


class Command(BaseCommand):
    help = (
        "Train the matching engine on DIR's profiles and interactions.csv (never test.csv), rank every "
        "exhibitor for each buyer in test.csv and print precision, recall, ndcg, map, coverage and timings."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="a fair dataset folder with test.csv")
        parser.add_argument("--k", type=int, default=10, help="length of the ranked list (default 10)")
        parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
        parser.add_argument("--seed", type=int, default=0, help="seed for the negative sampling (default 0)")

    def handle(self, *args, **options):
        k = options["k"]
        if k < 1:
            raise CommandError("--k must be at least 1")
        progress = options["verbosity"] > 0
        try:
            dataset = read_folder(options["dir"], include_test=True, progress=progress)
        except DatasetError as exc:
            raise CommandError(str(exc)) from exc
        if not dataset.test:
            raise CommandError(f"{options['dir']}/test.csv has no rows to score against")
        try:
            result = evaluate(
                dataset, EngineRanker(seed=options["seed"], progress=progress), k=k, progress=progress
            )
        except MatchingError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps({key: result[key] for key in ORDER} | result))
            return
        width = max(len(key) for key in ORDER)
        for key in ORDER:
            self.stdout.write(f"{key:<{width}}  {result[key]}")
        self.stdout.write(f"{'cold_start_buyers':<{width}}  {result['cold_start_buyers']}")
