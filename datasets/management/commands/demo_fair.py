"""manage.py demo_fair [--print-logins] [--url URL]: the demo fair of `make run` (idempotent)."""

from django.core.management.base import BaseCommand

from datasets.demo import DEMO_NAME, DEMO_PASSWORD, DEMO_SLUG, demo_fair_create, demo_logins


class Command(BaseCommand):
    help = "Create the demo fair with its demo logins, unless it exists; optionally print the logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-logins", action="store_true", help="print the address and the demo logins"
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="address to print")

    def handle(self, *args, print_logins, url, **options):
        fair = demo_fair_create()
        if fair is None:
            self.stdout.write(f"The demo fair {DEMO_SLUG!r} exists; nothing to do.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Created the demo fair {DEMO_NAME!r} ({DEMO_SLUG})."))
        if print_logins:
            self.stdout.write(self._logins_block(url))

    def _logins_block(self, url: str) -> str:
        logins = demo_logins()
        width = max((len(login.email) for login in logins), default=20)
        lines = [
            "",
            "=" * 78,
            f"  Tradefair is at {url}",
            f"  Demo fair: {DEMO_NAME} ({url.rstrip('/')}/fairs/{DEMO_SLUG}/)",
            f"  Every demo login has the password: {DEMO_PASSWORD}",
            "",
        ]
        lines += [f"  {login.role:<12} {login.email:<{width}}  {login.detail}" for login in logins]
        lines += ["=" * 78, ""]
        return "\n".join(lines)
