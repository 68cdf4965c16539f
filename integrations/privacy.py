"""Each person's data under their control: a download of everything Tradefair holds about them.

``export_request`` records the request and queues ``export_build`` (a job: `manage.py worker` runs it);
the job writes a zip into storage (private: served only through the owner's signed-in download) with
``data.json`` (every row, table by table) and one CSV per table, and e-mails the link through the
outbox. The download expires after PRIVACY_EXPORT_DAYS (7); ``exports_purge`` (hourly) removes expired
files.

Which rows: the person's account, and every row of every model that has a foreign key (or one-to-one)
to the user or to one of their participations, found from the models themselves, so a new table that
points at a person is in the export without anyone adding it here; plus the companies they take part
for. Secrets (password hashes, tokens, webhook secrets, one-time codes) are left out.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fair.models import Company, Participant
from integrations.models import DataExport
from kernel import events, jobs, outbox
from kernel.errors import DomainError

log = logging.getLogger(__name__)

SECRET_WORDS = ("password", "secret", "hash", "token", "code_digest")
FOLDER = "private/exports"


class _Encoder(DjangoJSONEncoder):
    """Dates, decimals and UUIDs as Django writes them; anything else (a country) as its text."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _days() -> int:
    return int(getattr(settings, "PRIVACY_EXPORT_DAYS", 7))


def person_models() -> list[tuple[type[models.Model], list[str]]]:
    """(model, the names of its fields pointing at a user or a participant), for every model that has one."""
    user_model = get_user_model()
    out = []
    for model in apps.get_models():
        if model is DataExport:
            continue
        names = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, (models.ForeignKey, models.OneToOneField))
            and f.concrete
            and f.related_model in (user_model, Participant)
        ]
        if names:
            out.append((model, names))
    return out


def _row(obj: models.Model) -> dict:
    row = {}
    for f in obj._meta.concrete_fields:
        if any(word in f.name for word in SECRET_WORDS):
            continue
        value = f.value_from_object(obj)
        if isinstance(value, models.fields.files.FieldFile):
            value = value.name
        row[f.attname] = value
    return row


def collect(user) -> dict[str, list[dict]]:
    """Every row about ``user``: {"app_label.model": [row, ...]}."""
    user_model = get_user_model()
    participations = list(Participant.objects.filter(user=user).values_list("pk", flat=True))
    tables: dict[str, list[dict]] = {user_model._meta.label_lower: [_row(user)]}
    for model, names in person_models():
        query = models.Q()
        for name in names:
            related = model._meta.get_field(name).related_model
            query |= (
                models.Q(**{name: user})
                if related is user_model
                else models.Q(**{f"{name}__in": participations})
            )
        rows = [_row(obj) for obj in model._default_manager.filter(query).order_by("pk")]
        if rows:
            tables[model._meta.label_lower] = rows
    companies = Company.objects.filter(participations__user=user).distinct().order_by("pk")
    if companies:
        tables[Company._meta.label_lower] = [_row(c) for c in companies]
    return tables


def build_zip(user) -> bytes:
    tables = collect(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json",
            json.dumps(
                {"user": user.pk, "made_at": timezone.now(), "tables": tables},
                cls=_Encoder,
                ensure_ascii=False,
                indent=1,
            ),
        )
        for label, rows in tables.items():
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _cell(v) for k, v in row.items()})
            archive.writestr(f"{label}.csv", out.getvalue())
        archive.writestr(
            "README.txt",
            "Everything Tradefair holds about you, table by table: data.json has every row, and each table "
            "is also a CSV file. Secrets (your password's hash, tokens, one-time codes) are left out.\n",
        )
    return buffer.getvalue()


def _cell(value) -> str:
    if isinstance(value, (dict, list)):
        value = json.dumps(value, cls=_Encoder, ensure_ascii=False)
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- requests, the job, downloads, expiry ----------------------------------------------------------


def export_request(*, user) -> DataExport:
    """Ask for a download; one at a time."""
    if DataExport.objects.filter(user=user, status=DataExport.Status.PENDING).exists():
        raise DomainError("privacy.export_pending", _("Your data is already being prepared."))
    with transaction.atomic():
        export = DataExport.objects.create(user=user)
        events.emit("privacy.export_requested", subject=export, actor=user)
        transaction.on_commit(
            lambda: jobs.enqueue("integrations.privacy.export_build", export.pk, group="privacy")
        )
    return export


def export_build(export_id: int) -> None:
    """The job: write the zip, mark it ready, e-mail the link (through the outbox)."""
    export = (
        DataExport.objects.select_related("user")
        .filter(pk=export_id, status=DataExport.Status.PENDING)
        .first()
    )
    if export is None:
        return
    content = build_zip(export.user)
    name = default_storage.save(f"{FOLDER}/{export.uid}.zip", ContentFile(content))
    now = timezone.now()
    with transaction.atomic():
        export.status, export.file, export.size = DataExport.Status.READY, name, len(content)
        export.ready_at, export.expires_at = now, now + timedelta(days=_days())
        export.save()
        user = export.user
        if user.email:
            link = settings.SITE_URL.rstrip("/") + reverse("data_export_download", args=[export.uid])
            with translation.override(user.language):
                subject = _("Your data is ready to download")
                body = "\n".join(
                    [
                        subject,
                        "",
                        link,
                        "",
                        _("Sign in to download it. The link works until %(date)s.")
                        % {"date": export.expires_at.strftime("%Y-%m-%d %H:%M UTC")},
                    ]
                )
            outbox.mail(to=[user.email], subject=subject, body=body, event="privacy.export_ready")


def export_file(*, user, uid) -> DataExport:
    export = DataExport.objects.filter(uid=uid, user=user).first()
    if export is None or export.status != DataExport.Status.READY:
        raise DomainError("privacy.no_export", _("There is no download at this address (any more)."))
    if export.expires_at and export.expires_at <= timezone.now():
        raise DomainError("privacy.expired", _("This download has expired: ask for a new one."))
    return export


def exports_purge() -> int:
    """The hourly job: remove expired downloads from storage."""
    gone = 0
    for export in DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=timezone.now()):
        try:
            default_storage.delete(export.file)
        except Exception:  # noqa: BLE001 - already gone is what we want; log the rest
            log.warning("privacy: could not remove %s", export.file, exc_info=True)
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.EXPIRED, file="")
        gone += 1
    return gone
