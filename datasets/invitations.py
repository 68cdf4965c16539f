"""Inviting exhibitors and buyers from CSV files in the fair dataset format: upload, preview, confirm.

1. ``invitation_upload`` keeps the uploaded files (exhibitors.csv and/or buyers.csv, optionally
   interactions.csv) in the private storage (``STORAGES["private"]``: no page and no media URL
   serves it) under a random token, so the preview and the confirmation may be served by different
   processes; an upload not confirmed within INVITATION_UPLOAD_HOURS is removed (on its next read,
   and by the hourly job ``invitations_expire``);
2. ``invitation_preview`` reads them with ``fair.dataset.preview_folder``: every error with its file,
   line and column, and what would be created or updated; nothing is written;
3. ``invitation_confirm`` previews again and, only when there is no error, writes everything with
   ``datasets.importing.fair_import_dataset`` in one transaction (all or nothing), then forgets the files.

The dataset format has no e-mail column: invited exhibitors and buyers are records of their companies,
approved, without user accounts. Their people register themselves and the organizer links them.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone
from django.utils.translation import gettext as _

from datasets.importing import ImportReport, fair_import_dataset
from exhibitors.models import Booth
from fair.dataset import BUYERS, EXHIBITORS, INTERACTIONS, Dataset, DatasetError, preview_folder
from fair.models import Fair, Participant
from fair.vocab import is_known_certification
from kernel.access import require
from kernel.errors import DomainError

FILES = (EXHIBITORS, BUYERS, INTERACTIONS)
MAX_BYTES = 50 * 1024 * 1024
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class Preview:
    token: str
    files: list[str]
    dataset: Dataset
    errors: list[DatasetError]
    exhibitors_new: int = 0
    exhibitors_updated: int = 0
    buyers_new: int = 0
    buyers_updated: int = 0
    new_names: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def interactions(self) -> int:
        return len(self.dataset.interactions)

    @property
    def unnamed_certifications(self) -> list[tuple[str, int]]:
        """Certification codes the built-in list has no name for, with how many rows carry each.

        A note for the organizer, not an error: they are imported as written and matched by code.
        """
        counts: dict[str, int] = {}
        rows = [e.certifications for e in self.dataset.exhibitors]
        rows += [b.required_certifications for b in self.dataset.buyers]
        for codes in rows:
            for code in codes:
                if not is_known_certification(code):
                    counts[code] = counts.get(code, 0) + 1
        return sorted(counts.items())


def _storage():
    return storages["private"]


def _expired(key: str) -> bool:
    age = timezone.now() - _storage().get_modified_time(key)
    return age.total_seconds() > settings.INVITATION_UPLOAD_HOURS * 3600


def invitations_expire() -> int:
    """Remove every uploaded invitation file older than INVITATION_UPLOAD_HOURS; returns how many.
    A django-q2 job, hourly (datasets/apps.py)."""
    storage, removed = _storage(), 0
    if not storage.exists("invitations"):
        return 0
    for fair_folder in storage.listdir("invitations")[0]:
        for token in storage.listdir(f"invitations/{fair_folder}")[0]:
            for name in storage.listdir(f"invitations/{fair_folder}/{token}")[1]:
                key = f"invitations/{fair_folder}/{token}/{name}"
                if _expired(key):
                    storage.delete(key)
                    removed += 1
    return removed


def _folder(fair: Fair, token: str) -> str:
    if not _TOKEN.match(token or ""):
        raise DomainError("invitation.unknown", _("This upload has expired; upload the files again."))
    return f"invitations/{fair.pk}/{token}"


def invitation_upload(*, actor, fair: Fair, files: dict) -> str:
    """Keep the uploaded files (name -> file-like object) for a preview; returns the upload's token."""
    require(actor, "fair:organize", fair)
    chosen = {name: f for name, f in files.items() if f is not None}
    unknown = set(chosen) - set(FILES)
    if unknown:
        raise DomainError("invitation.bad_file", ", ".join(sorted(unknown)))
    if EXHIBITORS not in chosen and BUYERS not in chosen:
        raise DomainError("invitation.no_file", _("Upload exhibitors.csv, buyers.csv or both."))
    for name, f in chosen.items():
        if getattr(f, "size", 0) > MAX_BYTES:
            raise DomainError(
                "invitation.too_large",
                _("%(name)s is larger than 50 MB; import it with the command.") % {"name": name},
            )
    token = secrets.token_hex(16)
    folder = _folder(fair, token)
    for name, f in chosen.items():
        _storage().save(f"{folder}/{name}", ContentFile(f.read()))
    return token


def _copy_to(fair: Fair, token: str, target: Path) -> list[str]:
    folder = _folder(fair, token)
    present = []
    for name in FILES:
        key = f"{folder}/{name}"
        if _storage().exists(key) and _expired(key):
            _storage().delete(key)
        elif _storage().exists(key):
            with _storage().open(key, "rb") as src:
                (target / name).write_bytes(src.read())
            present.append(name)
    if not present:
        raise DomainError("invitation.unknown", _("This upload has expired; upload the files again."))
    return present


def _known_ids(fair: Fair) -> tuple[set[str], set[str]]:
    buyers = set(
        Participant.objects.filter(fair=fair, role=Participant.Role.BUYER)
        .exclude(external_id="")
        .values_list("external_id", flat=True)
    )
    booths = set(
        Booth.objects.filter(fair=fair).exclude(external_id="").values_list("external_id", flat=True)
    )
    return buyers, booths


def _preview(fair: Fair, token: str) -> Preview:
    with tempfile.TemporaryDirectory(prefix="invitation-") as tmp:
        present = _copy_to(fair, token, Path(tmp))
        known_buyers, known_booths = _known_ids(fair)
        dataset, errors = preview_folder(tmp, known_buyer_ids=known_buyers, known_exhibitor_ids=known_booths)
    preview = Preview(token=token, files=present, dataset=dataset, errors=errors)
    preview.exhibitors_updated = sum(1 for e in dataset.exhibitors if e.exhibitor_id in known_booths)
    preview.exhibitors_new = len(dataset.exhibitors) - preview.exhibitors_updated
    preview.buyers_updated = sum(1 for b in dataset.buyers if b.buyer_id in known_buyers)
    preview.buyers_new = len(dataset.buyers) - preview.buyers_updated
    return preview


def invitation_preview(*, actor, fair: Fair, token: str) -> Preview:
    """What the upload would create and update, and every error in it; writes nothing."""
    require(actor, "fair:organize", fair)
    return _preview(fair, token)


def invitation_discard(*, actor, fair: Fair, token: str) -> None:
    require(actor, "fair:organize", fair)
    folder = _folder(fair, token)
    for name in FILES:
        key = f"{folder}/{name}"
        if _storage().exists(key):
            _storage().delete(key)


def invitation_confirm(*, actor, fair: Fair, token: str) -> ImportReport:
    """Import the previewed upload into the fair, all or nothing; refuses an upload with errors."""
    require(actor, "fair:organize", fair)
    preview = _preview(fair, token)
    if not preview.ok:
        raise DomainError(
            "invitation.invalid",
            _("The files have %(n)s errors; fix them and upload again. Nothing was imported.")
            % {"n": len(preview.errors)},
        )
    report = fair_import_dataset(dataset=preview.dataset, fair_slug=fair.slug, actor=actor)
    invitation_discard(actor=actor, fair=fair, token=token)
    return report
