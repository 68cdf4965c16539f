"""manage.py generate_fair DIR --exhibitors N --buyers M --seed S: a synthetic fair dataset."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from datasets.generator import generate_fair


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise ValueError(value)
    return n


class Command(BaseCommand):
    help = (
        "Write a realistic synthetic fair (exhibitors, buyers, behaviour logs, held-out meetings in "
        "test.csv) in the fair dataset format. The same seed gives the same files."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--exhibitors", type=_positive, default=200)
        parser.add_argument("--buyers", type=_positive, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--interactions", type=int, default=None, help="default: about 20 per buyer")
        parser.add_argument(
            "--start", type=date.fromisoformat, default=date(2026, 5, 12), help="first fair day, YYYY-MM-DD"
        )
        parser.add_argument("--days", type=_positive, default=3)
        parser.add_argument(
            "--law",
            type=int,
            choices=(1, 2),
            default=1,
            help="world law: 1 (the original) or 2 (independent assumptions, for generalisation tests)",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(
        self, *args, folder, exhibitors, buyers, seed, interactions, start, days, law, no_progress, **options
    ):
        if interactions is not None and interactions < 0:
            raise CommandError("--interactions cannot be negative.")
        world = generate_fair(
            folder,
            exhibitors=exhibitors,
            buyers=buyers,
            seed=seed,
            interactions=interactions,
            start=start,
            days=days,
            progress=not no_progress,
            law=law,
        )
        self.stdout.write(
            f"Wrote {len(world.exhibitors)} exhibitors, {len(world.buyers)} buyers, "
            f"{len(world.interactions)} interactions and {len(world.test)} held-out pairs to {folder}"
        )
