"""manage.py import_fair DIR --fair SLUG: import a fair dataset folder, all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from datasets.importing import fair_import
from fair.dataset import DatasetError
from kernel.errors import DomainError


class Command(BaseCommand):
    help = "Import a fair dataset folder (exhibitors.csv, buyers.csv, interactions.csv) into a fair."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="folder holding the CSV files")
        parser.add_argument("--fair", required=True, help="slug of the fair (created when no fair has it)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, folder, fair, no_progress, **options):
        try:
            report = fair_import(path=folder, fair_slug=fair, progress=not no_progress)
        except (DatasetError, DomainError) as e:
            raise CommandError(f"Nothing was imported. {e}") from e
        self.stdout.write(report.summary())
        # After the import's transaction: a large import refits the fair's matching model in the worker.
        from matching.jobs import refit_after_import

        if refit_after_import(report):
            self.stdout.write("A refit of the matching model is queued for the background worker.")
