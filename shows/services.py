"""Writes for live shows: scheduling, reminders, going live, admission to the video, chat, pins,
the buttons of a pinned product and the show's figures.

Plain sync functions, keyword-only; views and the show socket (through database_sync_to_async)
call them. Each checks the access rules (shows/access.py) and raises a DomainError a user can read.
What others must hear of (invitations, reminders, "live now") leaves through domain events, whose
subscribers write to the outbox (shows/notifications.py).
"""

from __future__ import annotations

import contextlib
import logging
import zoneinfo
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from exhibitors import services as booth_services
from exhibitors.access import Viewer
from exhibitors.models import Booth, Product
from exhibitors.protocol import chat_rate
from fair.models import Interaction, Participant
from kernel import events, ratelimit
from kernel.access import refusal, require
from kernel.errors import DomainError, NotFound
from kernel.janus import (
    VIDEOROOM_ERROR_NO_SUCH_ROOM,
    Admission,
    JanusAdmin,
    JanusError,
    JanusRoom,
    JanusUnavailable,
    janus_available,
)
from meetings.models import Meeting, MeetingRules, Seat
from shows import protocol
from shows.access import ShowViewer, interpretation_of
from shows.models import (
    Show,
    ShowChatMessage,
    ShowClick,
    ShowFollower,
    ShowInterpretation,
    ShowPass,
    ShowStats,
)
from shows.models import ShowViewer as WatchRow

log = logging.getLogger(__name__)

MIN_MINUTES, MAX_MINUTES = 10, 240
JOIN_EARLY = timedelta(minutes=15)  # the presenter may go live this long before the time announced
ADMISSION_GRACE = timedelta(minutes=30)  # tokens outlive the announced end: shows run over


# --- scheduling ---------------------------------------------------------------------------


def _local_to_utc(local: datetime, zone: str) -> datetime:
    # Only the zones of the list: ZoneInfo("Asia") is a folder of tzdata (IsADirectoryError).
    if zone not in zoneinfo.available_timezones():
        raise DomainError("show.bad_zone", _("%(zone)s is not a time zone.") % {"zone": zone})
    tz = zoneinfo.ZoneInfo(zone)
    no_such_time = DomainError(
        "show.no_such_time", _("This time does not exist in %(zone)s.") % {"zone": zone}
    )
    try:
        if local.tzinfo is not None:
            return local.astimezone(UTC)
        aware = local.replace(tzinfo=tz)
        # A wall time that does not exist (skipped by a daylight-saving change) does not round-trip.
        if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
            raise no_such_time
        return aware.astimezone(UTC)
    except OverflowError:  # the first or last hours of the calendar, shifted out of it
        raise no_such_time from None


def _products_of(booth: Booth, product_ids) -> list[Product]:
    ids = {int(p.pk if isinstance(p, Product) else p) for p in product_ids or ()}
    products = list(Product.objects.filter(booth=booth, pk__in=ids))
    if len(products) != len(ids):
        raise DomainError("show.bad_product", _("A show presents products of its own booth only."))
    return products


@transaction.atomic
def show_schedule(
    *,
    actor,
    booth: Booth,
    title: str,
    language: str,
    starts_local: datetime,
    zone: str,
    minutes: int,
    products=(),
    record: bool = False,
    now: datetime | None = None,
) -> Show:
    """Schedule a show of ``booth`` at ``starts_local``, a wall-clock time in the presenter's ``zone``."""
    require(actor, "show:schedule", booth)
    title = (title or "").strip()
    if not title:
        raise DomainError("show.no_title", _("Give the show a title."))
    if not MIN_MINUTES <= int(minutes) <= MAX_MINUTES:
        raise DomainError(
            "show.bad_length",
            _("A show lasts %(min)d to %(max)d minutes.") % {"min": MIN_MINUTES, "max": MAX_MINUTES},
        )
    starts_at = _local_to_utc(starts_local, zone)
    if starts_at <= (now or timezone.now()):
        raise DomainError("show.in_the_past", _("Choose a time in the future."))
    # Its end, and its times in every zone (the pages, the calendar file), stay inside the calendar.
    if starts_at > datetime.max.replace(tzinfo=UTC) - timedelta(days=2):
        raise DomainError("show.no_such_time", _("This time does not exist in %(zone)s.") % {"zone": zone})
    show = Show.objects.create(
        fair_id=booth.fair_id,
        booth=booth,
        title=title[:200],
        language=language,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=int(minutes)),
        zone=zone,
        record=bool(record),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    show.products.set(_products_of(booth, products))
    ShowStats.objects.create(show=show)
    events.emit("show.scheduled", fair_id=show.fair_id, subject=show, actor=actor)
    return show


@transaction.atomic
def show_cancel(*, actor, show: Show) -> Show:
    require(actor, "show:present", show)
    show = Show.objects.select_for_update().get(pk=show.pk)
    if show.status != Show.Status.SCHEDULED:
        raise DomainError("show.not_scheduled", _("Only a show that has not begun can be cancelled."))
    show.status = Show.Status.ENDED
    show.sequence += 1
    show.save(update_fields=["status", "sequence"])
    events.emit("show.cancelled", fair_id=show.fair_id, subject=show, actor=actor)
    return show


@transaction.atomic
def show_follow(*, user, show: Show) -> tuple[ShowFollower, bool]:
    """Remind ``user`` of the show (10 minutes before) and send them its invitation (ICS)."""
    require(user, "show:view", show)
    if show.status == Show.Status.ENDED:
        raise DomainError("show.ended", _("This show has ended."))
    try:
        with transaction.atomic():
            follower = ShowFollower.objects.create(show=show, user=user)
    except IntegrityError:
        return ShowFollower.objects.get(show=show, user=user), False
    events.emit("show.followed", fair_id=show.fair_id, subject=show, actor=user, user_id=user.pk)
    return follower, True


@transaction.atomic
def show_unfollow(*, user, show: Show) -> bool:
    """Stop reminding ``user`` of the show: their follower row goes, so neither the 10-minute reminder
    (shows/jobs.py) nor "live now" reaches them. False when they did not follow it."""
    require(user, "show:view", show)
    deleted, _rows = ShowFollower.objects.filter(show=show, user_id=user.pk).delete()
    if deleted:
        events.emit("show.unfollowed", fair_id=show.fair_id, subject=show, actor=user, user_id=user.pk)
    return bool(deleted)


# --- going live and the video -----------------------------------------------------------------


def janus_public_url() -> str:
    """Where browsers reach Janus (JANUS_PUBLIC_URL: wss://fair.example.org/janus)."""
    return settings.JANUS_PUBLIC_URL


def janus_admin() -> JanusAdmin:
    """The Admin API client on the configured Janus (JanusUnavailable when there is none)."""
    return JanusAdmin.from_settings()


@contextlib.contextmanager
def _admin(admin: JanusAdmin | None) -> Iterator[JanusAdmin]:
    """The caller's client, or one on the configured Janus, closed after use."""
    if admin is not None:
        yield admin
        return
    with janus_admin() as own:
        yield own


def _unavailable() -> DomainError:
    return DomainError(
        "show.video_unavailable",
        _("Live video is not available on this server: no video server (Janus) is configured."),
    )


PRESENTER_PLACES = 2  # a presenter and a second (the screen, a colleague)


def stage_size(show: Show) -> int:
    """How many may publish in the show's room: the presenters' places and one per interpretation."""
    interpreters = ShowInterpretation.objects.filter(show_id=show.pk).exclude(
        status=ShowInterpretation.Status.DECLINED
    )
    return PRESENTER_PLACES + interpreters.count()


def _room(show: Show, admin: JanusAdmin) -> JanusRoom:
    """The show's Janus room, created again when Janus forgot it (a restart)."""
    if show.janus_room and admin.room_exists(room=show.janus_room):
        return JanusRoom(id=show.janus_room, secret=show.janus_secret)
    room = admin.room_create(description=f"show {show.pk}", publishers=stage_size(show), record=show.record)
    Show.objects.filter(pk=show.pk).update(janus_room=room.id, janus_secret=room.secret)
    show.janus_room, show.janus_secret = room.id, room.secret
    return room


def show_go_live(*, actor, show: Show, now: datetime | None = None, admin: JanusAdmin | None = None) -> Show:
    """The presenter opens the show: its Janus room exists and the show is live."""
    require(actor, "show:present", show)
    now = now or timezone.now()
    if show.status == Show.Status.ENDED:
        raise DomainError("show.ended", _("This show has ended."))
    if now < show.starts_at - JOIN_EARLY:
        raise DomainError("show.too_early", _("The show can go live 15 minutes before its time."))
    if not janus_available():
        raise _unavailable()
    try:
        with _admin(admin) as client:
            _room(show, client)
    except JanusUnavailable as e:
        raise DomainError("show.video_down", _("The video server does not answer. Try again.")) from e
    with transaction.atomic():
        changed = Show.objects.filter(pk=show.pk, status=Show.Status.SCHEDULED).update(
            status=Show.Status.LIVE
        )
        show.status = Show.Status.LIVE
        if changed:
            events.emit("show.live", fair_id=show.fair_id, subject=show, actor=actor)
    return show


def show_end(*, actor, show: Show, admin: JanusAdmin | None = None, system: bool = False) -> Show:
    """End the show: Janus tells every page (destroyed) and hangs up. ``system``: the worker ends a
    show that ran long past its time (shows/jobs.py), with no actor."""
    if not system:
        require(actor, "show:present", show)
    if show.janus_room and janus_available():
        try:
            with _admin(admin) as client:
                if client.room_exists(room=show.janus_room):
                    client.room_destroy(room=JanusRoom(id=show.janus_room, secret=show.janus_secret))
        except JanusUnavailable:
            log.warning("show %s ended while Janus was away", show.pk)
    with transaction.atomic():
        Show.objects.filter(pk=show.pk).update(
            status=Show.Status.ENDED, pinned=None, sequence=F("sequence") + 1
        )
        show.status, show.pinned = Show.Status.ENDED, None
        events.emit("show.ended", fair_id=show.fair_id, subject=show, actor=actor)
    return show


ADMISSION_RULES = {"publisher": "show:present", "interpreter": "show:interpret", "viewer": "show:watch"}


def show_admission(*, user, show: Show, role: str, admin: JanusAdmin | None = None) -> Admission:
    """Admit ``user`` to the show's Janus room, as "publisher" (its staff), "interpreter" (its
    confirmed interpreter: their voice, audio only) or "viewer".

    Only people ``show:present`` (publishers), ``show:interpret`` (interpreters) or ``show:watch``
    (viewers) admits get tokens; Janus refuses anyone else by itself. The tokens last until the
    show's end (plus a grace). An interpreter joins under "i-<language>-u<id>.<random>", which tells
    viewers' pages their track from the presenter's.
    """
    if role not in ADMISSION_RULES:
        raise ValueError(f"role is one of {', '.join(ADMISSION_RULES)}, not {role!r}")
    require(user, ADMISSION_RULES[role], show)
    if show.status != Show.Status.LIVE:
        raise DomainError("show.not_live", _("The show is not live."))
    if not janus_available():
        raise _unavailable()
    try:
        with _admin(admin) as client:
            until = max(show.ends_at, timezone.now()) + ADMISSION_GRACE
            person = f"u{user.pk}"
            if role == "interpreter":
                person = f"{interpretation_of(user, show).feed_prefix}u{user.pk}"
            try:  # the room we keep, without asking first whether Janus still has it: one round trip less
                if not show.janus_room:
                    raise JanusError(VIDEOROOM_ERROR_NO_SUCH_ROOM, "no room yet")
                kept = JanusRoom(id=show.janus_room, secret=show.janus_secret)
                admission = client.admission_issue(room=kept, person=person, expires_at=until)
            except JanusError as e:
                if e.code != VIDEOROOM_ERROR_NO_SUCH_ROOM:
                    raise
                room = _room(show, client)  # Janus forgot it (a restart): create it again
                admission = client.admission_issue(room=room, person=person, expires_at=until)
    except JanusUnavailable as e:
        raise DomainError("show.video_down", _("The video server does not answer. Try again.")) from e
    ShowPass.objects.create(
        show=show, user=user, participant_id=admission.participant_id, role=role, expires_at=until
    )
    return admission


def show_enforce_roles(*, show: Show, admin: JanusAdmin | None = None) -> list[str]:
    """Keep the stage to the presenters: Janus puts out whoever publishes without a presenter's pass
    and whoever is in the room under an id we did not issue (JanusAdmin.room_enforce_roles)."""
    if not (show.janus_room and janus_available()):
        return []
    passes = ShowPass.objects.filter(show=show, expires_at__gt=timezone.now())
    # An interpreter keeps a place on the stage while their interpretation stays confirmed.
    interpreters = set(
        ShowInterpretation.objects.filter(show=show, status=ShowInterpretation.Status.CONFIRMED).values_list(
            "interpreter__user_id", flat=True
        )
    )
    publishers = [
        p.participant_id
        for p in passes
        if p.role == ShowPass.Role.PUBLISHER
        or (p.role == ShowPass.Role.INTERPRETER and p.user_id in interpreters)
    ]
    viewers = [p.participant_id for p in passes if p.role == ShowPass.Role.VIEWER]
    with _admin(admin) as client:
        if not client.room_exists(room=show.janus_room):
            return []
        room = JanusRoom(id=show.janus_room, secret=show.janus_secret)
        return client.room_enforce_roles(room=room, publishers=publishers, viewers=viewers)


# --- interpretation: a second audio track in another language ---------------------------------


def _interpreter_busy(*, interpreter: Participant, show: Show) -> bool:
    """Whether the interpreter is taken while the show runs: another show's interpretation or a meeting."""
    shows = (
        ShowInterpretation.objects.filter(
            interpreter=interpreter,
            show__starts_at__lt=show.ends_at,
            show__ends_at__gt=show.starts_at,
        )
        .exclude(show=show)
        .exclude(status=ShowInterpretation.Status.DECLINED)
        .exclude(show__status=Show.Status.ENDED)
    )
    meetings = Seat.objects.filter(
        participant=interpreter,
        slot__starts_at__lt=show.ends_at,
        slot__ends_at__gt=show.starts_at,
        meeting__status__in=Meeting.ACTIVE,
    )
    return shows.exists() or meetings.exists()


def _widen_stage(show: Show, admin: JanusAdmin | None) -> None:
    """A live show's room gets a place for the interpreter (Janus's "edit": new_publishers)."""
    if show.status != Show.Status.LIVE or not show.janus_room or not janus_available():
        return
    try:
        with _admin(admin) as client:
            client.room_edit(
                room=JanusRoom(id=show.janus_room, secret=show.janus_secret), publishers=stage_size(show)
            )
    except JanusError as e:
        if e.code != VIDEOROOM_ERROR_NO_SUCH_ROOM:  # gone: the next admission creates it, the right size
            raise
    except JanusUnavailable as e:
        raise DomainError("show.video_down", _("The video server does not answer. Try again.")) from e


@transaction.atomic
def interpretation_assign(
    *, actor, show: Show, interpreter: Participant, language: str, admin: JanusAdmin | None = None
) -> ShowInterpretation:
    """Assign one of the fair's interpreters to speak the show in ``language`` (a second audio track).

    The interpreter must speak the show's language and ``language``, and be free while the show runs
    (no other show, no meeting). Assigning a language the show already has replaces its interpreter.
    The interpreter confirms it (interpretation_answer), unless the fair confirms interpreters at once
    (its meeting rules: ``auto_confirm_interpreters``). They hear of it (a notice and an e-mail with
    the show's calendar file).
    """
    require(actor, "show:interpreters", show)
    if show.status == Show.Status.ENDED:
        raise DomainError("show.ended", _("This show has ended."))
    # One assignment at a time per interpreter: two shows cannot both take them (the row lock).
    interpreter = (
        Participant.objects.select_for_update(of=("self",))
        .filter(
            pk=getattr(interpreter, "pk", interpreter),
            fair_id=show.fair_id,
            role=Participant.Role.INTERPRETER,
            status=Participant.Status.APPROVED,
        )
        .select_related("user")
        .first()
    )
    if interpreter is None:
        raise DomainError("show.no_interpreter", _("That person is not an interpreter of this fair."))
    if language not in dict(settings.LANGUAGES):
        raise DomainError("show.bad_language", _("Choose a language of the fair's list."))
    if language == show.language:
        raise DomainError("show.same_language", _("The interpretation is in another language than the show."))
    spoken = set(interpreter.languages or [])
    if not {show.language, language} <= spoken:
        raise DomainError(
            "show.interpreter_languages",
            _("That interpreter does not speak both the show's language and the interpretation's."),
        )
    if _interpreter_busy(interpreter=interpreter, show=show):
        raise DomainError("show.interpreter_busy", _("That interpreter is busy while the show runs."))
    auto = MeetingRules.objects.filter(fair_id=show.fair_id, auto_confirm_interpreters=True).exists()
    status = ShowInterpretation.Status.CONFIRMED if auto else ShowInterpretation.Status.PROPOSED
    ShowInterpretation.objects.filter(show=show, interpreter=interpreter).exclude(language=language).delete()
    replaced = (
        ShowInterpretation.objects.filter(show=show, language=language)
        .exclude(interpreter=interpreter)
        .select_related("interpreter")
        .first()
    )
    if replaced is not None:  # another interpreter had this language: they hear they no longer do
        ShowFollower.objects.filter(show=show, user_id=replaced.interpreter.user_id).delete()
        events.emit(
            "show.interpreter_removed",
            fair_id=show.fair_id,
            subject=show,
            actor=actor,
            user_id=replaced.interpreter.user_id,
        )
    try:
        with transaction.atomic():
            interpretation, _created = ShowInterpretation.objects.update_or_create(
                show=show,
                language=language,
                defaults={
                    "interpreter": interpreter,
                    "status": status,
                    "assigned_by": actor if getattr(actor, "is_authenticated", False) else None,
                },
            )
    except IntegrityError:  # the same language assigned at the same moment by someone else
        raise DomainError(
            "show.interpreter_taken", _("Someone just changed this interpretation. Try again.")
        ) from None
    _widen_stage(show, admin)
    _follow_as_interpreter(interpretation)
    events.emit(
        "show.interpreter_assigned",
        fair_id=show.fair_id,
        subject=show,
        actor=actor,
        interpretation_id=interpretation.pk,
        user_id=interpreter.user_id,
    )
    return interpretation


def _follow_as_interpreter(interpretation: ShowInterpretation) -> None:
    """A confirmed interpreter follows the show like anyone who asked to be reminded: the reminder
    10 minutes before and "live now" reach them (shows/jobs.py, notifications.py); a declined one
    does not."""
    user_id = interpretation.interpreter.user_id
    if interpretation.status == ShowInterpretation.Status.CONFIRMED:
        ShowFollower.objects.get_or_create(show_id=interpretation.show_id, user_id=user_id)
    elif interpretation.status == ShowInterpretation.Status.DECLINED:
        ShowFollower.objects.filter(show_id=interpretation.show_id, user_id=user_id).delete()


@transaction.atomic
def interpretation_answer(*, user, interpretation: ShowInterpretation, accept: bool) -> ShowInterpretation:
    """The interpreter confirms (or declines) speaking the show in the interpretation's language."""
    interpretation = (
        ShowInterpretation.objects.select_for_update(of=("self",))
        .select_related("show__fair", "show__booth__company", "interpreter")
        .get(pk=interpretation.pk)
    )
    require(user, "show:interpretation_answer", interpretation)
    show = interpretation.show
    if show.status == Show.Status.ENDED:
        raise DomainError("show.ended", _("This show has ended."))
    interpretation.status = (
        ShowInterpretation.Status.CONFIRMED if accept else ShowInterpretation.Status.DECLINED
    )
    interpretation.save(update_fields=["status", "updated_at"])
    _follow_as_interpreter(interpretation)
    events.emit(
        "show.interpreter_answered",
        fair_id=show.fair_id,
        subject=show,
        actor=user,
        interpretation_id=interpretation.pk,
        accepted=bool(accept),
    )
    return interpretation


@transaction.atomic
def interpretation_remove(*, actor, interpretation: ShowInterpretation) -> None:
    """Take the interpreter off the show: their admission stops counting (the stage job puts them out
    of the room at once: shows.jobs.stage_keep, queued on commit) and they hear of it."""
    show = interpretation.show
    require(actor, "show:interpreters", show)
    user_id = interpretation.interpreter.user_id
    interpretation.delete()
    ShowFollower.objects.filter(show=show, user_id=user_id).delete()
    events.emit("show.interpreter_removed", fair_id=show.fair_id, subject=show, actor=actor, user_id=user_id)


# --- the show socket: chat, pins, buttons, viewers -------------------------------------------


def _booth_viewer(viewer: ShowViewer) -> Viewer:
    return Viewer(
        user_id=viewer.user_id, role=viewer.role, name=viewer.name, participant_id=viewer.participant_id
    )


def _rate_limit(viewer: ShowViewer, *, arrived: float | None) -> None:
    """The booth chat's token bucket (kernel/ratelimit.py), one per user across booths and shows."""
    n, seconds = chat_rate()
    if not ratelimit.allow(f"booth-chat-rate:{viewer.user_id}", rate=(n, seconds), at=arrived):
        raise DomainError(
            "chat.rate_limited",
            _("Slow down: at most %(n)d messages in %(s)d seconds.") % {"n": n, "s": seconds},
        )


@transaction.atomic
def chat_post(
    *, show: Show, viewer: ShowViewer, body, client_id: str | None = None, arrived: float | None = None
) -> ShowChatMessage:
    """Store a chat line before anyone sees it (the booth chat's rules: shape, rate, duplicates)."""
    if not viewer.can_chat:
        raise refusal("show:chat", anonymous=viewer.role == "anonymous")
    client_id = booth_services.clean_client_id(client_id)
    if client_id:
        stored = ShowChatMessage.objects.filter(author_id=viewer.user_id, client_id=client_id).first()
        if stored is not None:
            stored.duplicate = True
            return stored
    body = booth_services.clean_body(body)
    _rate_limit(viewer, arrived=arrived)
    try:
        with transaction.atomic():
            message = ShowChatMessage.objects.create(
                show=show,
                author_id=viewer.user_id,
                author_name=viewer.name,
                author_is_staff=viewer.is_staff,
                body=body,
                client_id=client_id,
                created_at=timezone.now(),
            )
    except IntegrityError:
        if not client_id:
            raise
        stored = ShowChatMessage.objects.get(author_id=viewer.user_id, client_id=client_id)
        stored.duplicate = True
        return stored
    message.duplicate = False
    booth_services.interaction_record_once(
        booth=show.booth, viewer=_booth_viewer(viewer), kind=Interaction.Kind.CHAT
    )
    return message


@transaction.atomic
def product_pin(*, show: Show, viewer: ShowViewer, product_id: int | None) -> Product | None:
    """The presenter pins a product of the booth (or unpins with None): every viewer gets its buttons."""
    if not viewer.can_present:
        raise refusal("show:present", anonymous=viewer.role == "anonymous")
    if show.status == Show.Status.ENDED:
        raise DomainError("show.ended", _("This show has ended."))
    product = None
    if product_id is not None:
        product = Product.objects.filter(pk=product_id, booth_id=show.booth_id).first()
        if product is None:
            raise NotFound("show.no_such_product", _("This booth has no such product."))
    Show.objects.filter(pk=show.pk).update(pinned=product)
    show.pinned = product
    if product is not None:
        ShowStats.objects.filter(show=show).update(pins=F("pins") + 1)
    return product


CLICK_FIELDS = {"quote": "quote_clicks", "sample": "sample_clicks", "consult": "consult_clicks"}


@transaction.atomic
def button_click(*, show: Show, viewer: ShowViewer, product_id: int, action: str) -> ShowClick:
    """A viewer pressed "Request a quote", "Request a sample" or "Book a consultation" under a product."""
    if viewer.user_id is None:
        raise refusal("show:watch", anonymous=True)
    if action not in protocol.BUTTONS:
        raise DomainError("protocol.bad_field", _('"action" is one of quote, sample, consult.'))
    product = Product.objects.filter(pk=product_id, booth_id=show.booth_id).first()
    if product is None:
        raise NotFound("show.no_such_product", _("This booth has no such product."))
    now = timezone.now()
    click = ShowClick.objects.create(
        show=show, product=product, user_id=viewer.user_id, action=action, at=now
    )
    ShowStats.objects.filter(show=show).update(**{CLICK_FIELDS[action]: F(CLICK_FIELDS[action]) + 1})
    if viewer.role == "buyer" and viewer.participant_id:
        # What the matching engine learns: a buyer's interest in this very product.
        Interaction.objects.get_or_create(
            fair_id=show.fair_id,
            buyer_id=viewer.participant_id,
            booth_id=show.booth_id,
            kind=Interaction.Kind.PRODUCT_VIEW,
            at=now,
            defaults={"product": product},
        )
    events.emit("show.clicked", fair_id=show.fair_id, subject=show, action=action, product_id=product.pk)
    return click


def viewer_enter(*, show: Show, viewer: ShowViewer) -> ShowStats:
    """Someone opened the show: counts now, peak and total; a buyer's visit of the booth."""
    with transaction.atomic():
        ShowStats.objects.get_or_create(show=show)
        if viewer.user_id is not None and not viewer.is_staff:
            _row, created = WatchRow.objects.get_or_create(
                show=show,
                user_id=viewer.user_id,
                defaults={"participant_id": viewer.participant_id, "first_seen": timezone.now()},
            )
            total = F("viewers_total") + (1 if created else 0)
        else:
            total = F("viewers_total")
        ShowStats.objects.filter(show=show).update(
            viewers_now=F("viewers_now") + 1,
            viewers_peak=Greatest(F("viewers_peak"), F("viewers_now") + 1),
            viewers_total=total,
        )
    if viewer.role == "buyer":
        booth_services.booth_visit_record(booth=show.booth, viewer=_booth_viewer(viewer))
    return ShowStats.objects.get(show=show)


@transaction.atomic
def viewer_leave(*, show: Show, viewer: ShowViewer, seconds: float) -> ShowStats:
    """Someone left after ``seconds``: the count drops, their watch time adds up."""
    seconds = max(0, int(seconds))
    ShowStats.objects.filter(show=show, viewers_now__gt=0).update(viewers_now=F("viewers_now") - 1)
    if viewer.user_id is not None and not viewer.is_staff:
        WatchRow.objects.filter(show=show, user_id=viewer.user_id).update(
            watch_seconds=F("watch_seconds") + seconds
        )
        ShowStats.objects.filter(show=show).update(watch_seconds=F("watch_seconds") + seconds)
    return ShowStats.objects.get(show=show)
