"""Writes for the live booth: chat, moderation, knocks, live status, visits, bookmarks.

Plain sync functions, keyword-only; the consumer wraps them with database_sync_to_async.
Each one checks what the viewer may do and raises a DomainError a user can read.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exhibitors.access import Viewer
from exhibitors.models import Bookmark, Booth, ChatMessage, Knock, Product
from exhibitors.protocol import MAX_CHAT_CHARS, chat_rate, knock_timeout
from fair.models import Interaction, Participant
from kernel import events, ratelimit
from kernel.access import refusal
from kernel.errors import DomainError, NotFound
from kernel.websocket import already_stored, clean_client_id, create_once

log = logging.getLogger(__name__)

LIVE_STATUSES = ("on_duty", "away", "live")


# The viewer's rights were read from the access rules when the socket opened (exhibitors/access.py).


def _require_post(viewer: Viewer, booth: Booth) -> None:
    if not viewer.can_post:
        raise refusal("booth:chat", anonymous=viewer.role == "anonymous")


def _require_staff(viewer: Viewer) -> None:
    if not viewer.is_staff:
        raise refusal("booth:staff", anonymous=viewer.role == "anonymous")


def _rate_limit(viewer: Viewer, *, arrived: float | None = None) -> None:
    """A token bucket per user (kernel/ratelimit.py), counted at the time the frame arrived: a burst
    of n messages, then one every seconds / n."""
    n, seconds = chat_rate()
    if not ratelimit.allow(f"booth-chat-rate:{viewer.user_id}", rate=(n, seconds), at=arrived):
        raise DomainError(
            "chat.rate_limited",
            _("Slow down: at most %(n)d messages in %(s)d seconds.") % {"n": n, "s": seconds},
        )


def _clean_body(body) -> str:
    if not isinstance(body, str):
        raise DomainError("chat.invalid", _("A message is text."))
    body = body.strip()
    if not body:
        raise DomainError("chat.empty", _("The message is empty."))
    if len(body) > MAX_CHAT_CHARS:
        raise DomainError(
            "chat.too_long", _("A message has at most %(n)d characters.") % {"n": MAX_CHAT_CHARS}
        )
    if any(ord(c) < 32 and c not in "\n\t" for c in body):
        raise DomainError("chat.invalid", _("The message contains control characters."))
    return body


def _record_once(*, booth: Booth, viewer: Viewer, kind: str) -> bool:
    """One Interaction of this kind per buyer, booth and UTC day; the cache spares later queries."""
    if viewer.role != "buyer" or not viewer.participant_id:
        return False
    now = timezone.now()
    key = f"booth-interaction:{kind}:{viewer.participant_id}:{booth.pk}:{now:%Y%m%d}"
    try:
        if not cache.add(key, 1, timeout=86400):
            return False
    except Exception as e:  # the cache (Redis) is away: the query below decides alone
        log.warning("interaction mark: cache unavailable (%s)", e)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    seen = Interaction.objects.filter(
        buyer_id=viewer.participant_id, booth=booth, kind=kind, at__gte=day_start
    )
    if seen.exists():
        return False
    interaction = Interaction.objects.create(
        fair_id=booth.fair_id, buyer_id=viewer.participant_id, booth=booth, kind=kind, at=now
    )
    events.emit("interaction.recorded", fair_id=booth.fair_id, subject=interaction, kind=kind)
    return True


# The same rules for the chat and interactions of a booth's live shows (shows/services.py).
clean_body = _clean_body
interaction_record_once = _record_once


def booth_visit_record(*, booth: Booth, viewer: Viewer) -> bool:
    """A buyer entered the live booth: one booth_visit per buyer, booth and day."""
    return _record_once(booth=booth, viewer=viewer, kind=Interaction.Kind.BOOTH_VISIT)


@transaction.atomic
def chat_post(
    *,
    booth: Booth,
    viewer: Viewer,
    body,
    thread: int | None = None,
    client_id: str | None = None,
    arrived: float | None = None,
) -> ChatMessage:
    """Store a chat line (public, or in the private thread of an answered knock) before anyone sees it.

    ``client_id``: the sender's id for the line; the same id again returns the line already stored
    (``message.duplicate`` is True) and stores nothing. ``arrived``: when the frame came in
    (time.time()), for the rate limit.
    """
    _require_post(viewer, booth)
    client_id = clean_client_id(client_id)
    mine = ChatMessage.objects.filter(author_id=viewer.user_id)
    stored = already_stored(mine, client_id)
    if stored is not None:
        return stored
    body = _clean_body(body)
    knock = None
    if thread is not None:
        knock = Knock.objects.filter(pk=thread, booth=booth, status=Knock.Status.ANSWERED).first()
        if knock is None or not (viewer.is_staff or knock.buyer_id == viewer.participant_id):
            raise NotFound("chat.no_such_thread", _("There is no such private conversation."))
    _rate_limit(viewer, arrived=arrived)
    message = create_once(
        mine,
        client_id,
        lambda: ChatMessage.objects.create(
            booth=booth,
            knock=knock,
            author_id=viewer.user_id,
            author_name=viewer.name,
            author_is_staff=viewer.is_staff,
            body=body,
            created_at=timezone.now(),
            client_id=client_id,
        ),
    )
    if message.duplicate:
        return message
    _record_once(booth=booth, viewer=viewer, kind=Interaction.Kind.CHAT)
    events.emit("chat.posted", fair_id=booth.fair_id, subject=message, private=knock is not None)
    return message


def _user(viewer: Viewer):
    """The viewer's user, for the audit log (kernel/audit.py)."""
    return get_user_model().objects.filter(pk=viewer.user_id).first() if viewer.user_id else None


def chat_hide(*, booth: Booth, viewer: Viewer, message_id: int) -> ChatMessage:
    if not viewer.can_moderate:
        raise refusal("booth:moderate", anonymous=viewer.role == "anonymous")
    message = ChatMessage.objects.filter(pk=message_id, booth=booth).first()
    if message is None or (message.knock_id and not viewer.is_staff):  # a private thread they cannot read
        raise NotFound("chat.no_such_message", _("There is no such message in this booth."))
    if not message.hidden:
        message.hidden, message.hidden_by_id = True, viewer.user_id
        message.save(update_fields=["hidden", "hidden_by"])
        events.emit("chat.hidden", fair_id=booth.fair_id, subject=message, actor=_user(viewer))
    return message


@transaction.atomic
def booth_status_set(*, booth: Booth, viewer: Viewer, status, stream_url="") -> Booth:
    """Staff set the booth on duty, away, or live with an http(s) stream link."""
    _require_staff(viewer)
    if status not in LIVE_STATUSES:
        raise DomainError(
            "status.invalid", _("The status is one of: %(s)s.") % {"s": ", ".join(LIVE_STATUSES)}
        )
    if not isinstance(stream_url, str):
        raise DomainError("status.bad_url", _("The stream link is text."))
    stream_url = stream_url.strip()
    if status == "live":
        try:
            URLValidator(schemes=["http", "https"])(stream_url)
        except ValidationError:
            raise DomainError("status.bad_url", _("A live broadcast needs an http(s) link.")) from None
        if len(stream_url) > 500:
            raise DomainError("status.bad_url", _("The stream link is too long."))
    else:
        stream_url = ""
    Booth.objects.filter(pk=booth.pk).update(
        live_status=status, stream_url=stream_url, updated_at=timezone.now()
    )
    booth.live_status, booth.stream_url = status, stream_url
    # The booth page shows the status it opens with (the public page cache hears this).
    events.emit(
        "booth.status_changed", fair_id=booth.fair_id, subject=booth, actor=_user(viewer), status=status
    )
    return booth


# --- knocks -----------------------------------------------------------------------------


def _deadline():
    return timezone.now() - timedelta(seconds=knock_timeout())


def knock_expire_due(*, booth: Booth | None = None) -> list[Knock]:
    """Mark every pending knock older than the timeout as missed; returns those this call marked.

    The conditional UPDATE makes it safe from any number of processes (timers, the worker's schedule,
    a check on read): each knock is marked once, by whoever gets there first.
    """
    qs = Knock.objects.filter(status=Knock.Status.PENDING, created_at__lte=_deadline())
    if booth is not None:
        qs = qs.filter(booth=booth)
    marked = []
    for knock_id in list(qs.values_list("pk", flat=True)):
        knock = knock_expire(knock_id=knock_id)
        if knock is not None:
            marked.append(knock)
    return marked


def knock_expire(*, knock_id: int, force: bool = False) -> Knock | None:
    """Mark one knock missed if still pending past its deadline; None if another call marked it."""
    qs = Knock.objects.filter(pk=knock_id, status=Knock.Status.PENDING)
    if not force:
        qs = qs.filter(created_at__lte=_deadline())
    if not qs.update(status=Knock.Status.MISSED, missed_at=timezone.now()):
        return None
    knock = Knock.objects.select_related("booth", "buyer").get(pk=knock_id)
    events.emit("knock.missed", fair_id=knock.booth.fair_id, subject=knock, buyer_user_id=knock.buyer.user_id)
    return knock


def knock_create(*, booth: Booth, viewer: Viewer) -> tuple[Knock, bool]:
    """A buyer knocks; knocking again while a knock rings returns that one (created=False)."""
    if not viewer.can_knock:
        raise refusal("booth:knock", anonymous=viewer.role == "anonymous")
    knock_expire_due(booth=booth)  # a check on read: a stale knock must not block a new one
    try:
        with transaction.atomic():
            knock = Knock.objects.create(
                booth=booth, buyer_id=viewer.participant_id, created_at=timezone.now()
            )
            events.emit("knock.created", fair_id=booth.fair_id, subject=knock)
            return knock, True
    except IntegrityError:  # one pending knock per buyer and booth
        return Knock.objects.get(
            booth=booth, buyer_id=viewer.participant_id, status=Knock.Status.PENDING
        ), False


def knock_answer(*, booth: Booth, viewer: Viewer, knock_id: int) -> Knock:
    """The first staff member to answer opens the private thread; the others get knock.taken."""
    _require_staff(viewer)
    now = timezone.now()
    won = Knock.objects.filter(
        pk=knock_id, booth=booth, status=Knock.Status.PENDING, created_at__gt=_deadline()
    ).update(status=Knock.Status.ANSWERED, answered_by_id=viewer.participant_id, answered_at=now)
    knock = Knock.objects.filter(pk=knock_id, booth=booth).first()
    if knock is None:
        raise NotFound("knock.not_found", _("There is no such knock."))
    if won:
        events.emit("knock.answered", fair_id=booth.fair_id, subject=knock)
        return knock
    if knock.status == Knock.Status.ANSWERED:
        raise DomainError("knock.taken", _("A colleague already answered this knock."))
    knock_expire(knock_id=knock_id)
    raise DomainError("knock.missed", _("This knock waited too long and was marked missed."))


def knock_leave_message(
    *, booth: Booth, viewer: Viewer, knock_id: int, body, arrived: float | None = None
) -> Knock:
    """After a missed knock the buyer may leave one message for the staff (shown on their dashboard)."""
    body = _clean_body(body)
    knock = Knock.objects.filter(pk=knock_id, booth=booth, buyer_id=viewer.participant_id).first()
    if viewer.role != "buyer" or knock is None:
        raise NotFound("knock.not_found", _("There is no such knock."))
    if knock.status == Knock.Status.PENDING:
        knock = knock_expire(knock_id=knock.pk) or knock
    if knock.status != Knock.Status.MISSED:
        raise DomainError("knock.not_missed", _("This knock was answered: write in its conversation."))
    if knock.message == body:  # the same message sent again (a page retrying): stored once
        return knock
    _rate_limit(viewer, arrived=arrived)
    Knock.objects.filter(pk=knock.pk).update(message=body)
    knock.message = body
    events.emit("knock.message_left", fair_id=booth.fair_id, subject=knock)
    return knock


# --- bookmarks ----------------------------------------------------------------------------


def bookmark_add(
    *, participant: Participant, booth: Booth | None = None, product: Product | None = None
) -> Bookmark:
    if (booth is None) == (product is None):
        raise DomainError("bookmark.invalid", _("Bookmark a booth or a product."))
    target_booth = booth or product.booth
    if target_booth.fair_id != participant.fair_id or not target_booth.is_published:
        raise NotFound("bookmark.not_found", _("There is no such booth or product in this fair."))
    bookmark, _created = Bookmark.objects.get_or_create(participant=participant, booth=booth, product=product)
    return bookmark


def bookmark_remove(
    *, participant: Participant, booth: Booth | None = None, product: Product | None = None
) -> int:
    deleted, _detail = Bookmark.objects.filter(participant=participant, booth=booth, product=product).delete()
    return deleted
