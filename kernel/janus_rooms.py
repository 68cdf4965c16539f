"""A Janus room kept for one thing of the application (a meeting, a signing ceremony), and admissions
to it: the pattern every multi-party room follows (docs/janus.md).

Janus keeps rooms in memory only. The application keeps each room's id and secret in a row of its own
model (fields ``janus_room`` and ``janus_secret``, one row per owner); ``kept_room`` answers with the
room of that row while Janus still has it, and creates it again (after a restart of Janus) or for the
first time otherwise. ``admit`` signs one person's tokens for it; an unreachable Janus becomes the
domain error ``room.video_down``. Who may be admitted is decided before, in the access layer.

Imports no app: only Django's database layer and kernel.janus.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from kernel.errors import DomainError
from kernel.janus import Admission, JanusAdmin, JanusRoom, JanusUnavailable, janus_available


class KeptJanusRoom(models.Model):
    """The id and the secret of a room on Janus, kept by the application (an abstract model: each
    owner's table adds its one-to-one link, e.g. meetings.GroupRoom.meeting)."""

    janus_room = models.CharField(max_length=64)
    janus_secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def room(self) -> JanusRoom:
        return JanusRoom(id=self.janus_room, secret=self.janus_secret)


@contextlib.contextmanager
def admin_client(admin: JanusAdmin | None = None) -> Iterator[JanusAdmin]:
    """The given client, or one on the configured Janus, closed afterwards."""
    if admin is not None:
        yield admin
        return
    with JanusAdmin.from_settings() as own:
        yield own


def kept_room(
    *, model, owner: dict, description: str, publishers: int, admin: JanusAdmin, options: dict | None = None
) -> JanusRoom:
    """The Janus room kept in ``model`` for ``owner`` (e.g. ``{"meeting": m}``), created when Janus has
    none. Two people creating it at once: one row wins (a unique owner), the other room is destroyed."""
    kept = model.objects.filter(**owner).first()
    if kept is not None and admin.room_exists(room=kept.janus_room):
        return kept.room
    room = admin.room_create(description=description, publishers=publishers, options=options)
    try:
        with transaction.atomic():
            model.objects.update_or_create(
                **owner, defaults={"janus_room": room.id, "janus_secret": room.secret}
            )
    except IntegrityError:  # created at the same moment by someone else: use theirs
        admin.room_destroy(room=room)
        return model.objects.get(**owner).room
    return room


def require_janus(unavailable_code: str, unavailable_message: str) -> None:
    """DomainError(unavailable_code) when no Janus is configured here (the page says why)."""
    if not janus_available():
        raise DomainError(unavailable_code, unavailable_message)


def admit(
    *,
    model,
    owner: dict,
    description: str,
    publishers: int,
    person: str,
    until: datetime,
    admin: JanusAdmin | None = None,
    options: dict | None = None,
    watch_only: bool = False,
) -> Admission:
    """Admit ``person`` (a Janus label, "u42") to the room kept for ``owner`` until ``until``; with
    ``watch_only``, tokens that receive but never join (JanusAdmin.admission_watch). ``options``:
    further room properties when the room is created."""
    try:
        with admin_client(admin) as client:
            room = kept_room(
                model=model,
                owner=owner,
                description=description,
                publishers=publishers,
                admin=client,
                options=options,
            )
            issue = client.admission_watch if watch_only else client.admission_issue
            return issue(room=room, person=person, expires_at=until)
    except JanusUnavailable as e:
        raise DomainError("room.video_down", _("The video server does not answer. Try again.")) from e
