"""manage.py export_fair SLUG DIR: write a fair as a dataset folder."""

from django.core.management.base import BaseCommand, CommandError

from datasets.importing import fair_export
from fair.models import Fair


class Command(BaseCommand):
    help = "Export a fair's exhibitors, buyers and interactions as a dataset folder."

    def add_arguments(self, parser):
        parser.add_argument("fair", help="slug of the fair")
        parser.add_argument("folder", help="folder to write (created when missing; files are overwritten)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, fair, folder, no_progress, **options):
        try:
            fair_obj = Fair.objects.get(slug=fair)
        except Fair.DoesNotExist:
            raise CommandError(f"No fair has the slug {fair!r}.") from None
        report = fair_export(fair=fair_obj, path=folder, progress=not no_progress)
        self.stdout.write(f"Wrote {report.summary()} to {folder}")
