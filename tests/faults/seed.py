"""The fault tests' data, written by the servers' own settings into the private PostgreSQL:

    manage.py shell -c "from tests.faults.seed import main; main(booths=3, buyers=20)"

prints one JSON line: booth ids, staff and buyer session cookies, the ids of free slots.
"""

from __future__ import annotations

import json

from tests import factories


def login_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.save()
    return f"sessionid={s.session_key}"


def main(*, booths: int = 3, buyers: int = 20) -> None:
    from meetings import services as meeting_services

    f = factories.fair(max_meetings_per_day=200)  # the tests book far more than a person would
    org = factories.participant(f, "organizer").user
    from datetime import timedelta

    from django.utils import timezone

    slots = meeting_services.slots_generate(fair=f)
    soon = timezone.now() + timedelta(hours=1)
    future = sorted((s for s in slots if s.starts_at > soon), key=lambda s: s.starts_at)
    out = {"fair": f.pk, "slots": [s.pk for s in future], "booths": [], "buyers": []}
    for _ in range(booths):
        booth = factories.booth(f)
        booth.company.languages = ["en"]
        booth.company.save()
        staff = factories.staff(booth)
        meeting_services.availability_set(actor=org, fair=f, slots=slots, booth=booth)
        out["booths"].append(
            {"id": booth.pk, "staff": login_cookie(staff.user), "staff_email": staff.user.email}
        )
    for _ in range(buyers):
        buyer = factories.buyer(f)
        meeting_services.availability_set(actor=org, fair=f, slots=slots, participant=buyer)
        out["buyers"].append({"cookie": login_cookie(buyer.user), "user": buyer.user_id})
    print(json.dumps(out))
