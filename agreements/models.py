"""Agreements signed online, and the outcomes both sides confirm.

An Agreement (an MOU, a letter of intent, a supply contract, an NDA) is made between Parties, companies
of the fair, each with named Signatories (people of that company taking part in the fair); the
organizer may be a witness too. Its text lives in numbered AgreementVersions. A version is frozen when
its first signature is made: its canonical body (title, texts, parties, signatories, the uploaded PDF's
hash) is written down with its SHA-256, and any change after that starts a new version that everyone
signs again. A Signature is made once per version and signatory (a unique constraint), confirmed by a
one-time code (SigningCode, hashed at rest). When every signatory has signed the current version, the
final PDF is written once (under the agreement's row lock).

A TradeOutcome is an order or a contract one side declares after a meeting (or another origin: an RFQ);
it counts as verified only once the other side confirms it. Shipments against it are recorded by the
exhibitor and confirmed by the buyer.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.janus_rooms import KeptJanusRoom


class Kind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    LOI = "loi", _("Letter of intent")
    SUPPLY = "supply", _("Supply contract")
    NDA = "nda", _("Non-disclosure agreement")


class Template(models.Model):
    """The organizer's template for one kind of agreement in one language."""

    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="agreement_templates")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=50000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fair", "kind", "language"]
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        constraints = [
            models.UniqueConstraint(fields=["fair", "kind", "language"], name="agreement_template_once"),
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"


class Agreement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNING = "signing", _("Being signed")
        SIGNED = "signed", _("Signed by all")
        DECLINED = "declined", _("Declined")

    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    second_language = models.CharField(
        _("second language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("A bilingual document shows both languages side by side."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    witness_required = models.BooleanField(_("the organizer countersigns as witness"), default=False)
    version = models.PositiveIntegerField(_("current version"), default=1)
    final_pdf = models.FileField(_("final PDF"), max_length=300, blank=True)
    final_pdf_sha256 = models.CharField(max_length=64, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(completed_at__isnull=False),
                name="agreement_signed_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def languages(self) -> list[str]:
        return [self.language] + ([self.second_language] if self.second_language else [])


class AgreementVersion(models.Model):
    """One wording of an agreement. Frozen (its body and SHA-256 written down) at its first signature."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(_("text"), blank=True, max_length=50000)
    second_text = models.TextField(_("text in the second language"), blank=True, max_length=50000)
    document = models.FileField(_("uploaded PDF"), max_length=300, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_body = models.TextField(blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_once"),
            models.CheckConstraint(
                condition=Q(frozen_at__isnull=True) | ~Q(sha256=""), name="agreement_version_frozen_has_hash"
            ),
        ]

    def __str__(self):
        return f"{self.agreement_id} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Party(models.Model):
    """A company of the fair that is party to an agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    company = models.ForeignKey("fair.Company", on_delete=models.PROTECT, related_name="agreement_parties")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["agreement", "position", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "company"], name="agreement_party_once"),
        ]

    def __str__(self):
        return str(self.company)


class Signatory(models.Model):
    """A person who signs for a party; with no party, the organizer who countersigns as witness."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.CASCADE, related_name="signatories"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name as signed"), max_length=200)
    title = models.CharField(_("position"), max_length=200, blank=True)

    class Meta:
        ordering = ["agreement", "party__position", "party_id", "id"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            models.UniqueConstraint(
                fields=["party", "user"], condition=Q(party__isnull=False), name="signatory_once_per_party"
            ),
            models.UniqueConstraint(
                fields=["agreement", "user"], condition=Q(party__isnull=True), name="witness_once"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_witness(self) -> bool:
        return self.party_id is None


class Comment(models.Model):
    """A remark on a draft, or a proposed change of one column's text."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=5000)
    proposed_text = models.TextField(_("proposed text"), blank=True, max_length=50000)
    proposed_for = models.CharField(max_length=12, blank=True)  # "text" or "second_text"
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.agreement_id}: {self.text[:40]}"

    @property
    def is_proposal(self) -> bool:
        return bool(self.proposed_for)


class Signature(models.Model):
    """One signatory's answer to one version: signed (with the hash signed) or declined.

    These rows are the signature events the final PDF lists: time, IP, user agent, signatory, hash.
    """

    class Kind(models.TextChoices):
        SIGNED = "signed", _("Signed")
        DECLINED = "declined", _("Declined")

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="signatures")
    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="signatures")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SIGNED)
    sha256 = models.CharField(max_length=64)
    at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    typed_name = models.CharField(_("typed signature"), max_length=200, blank=True)
    reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["version", "at", "id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["version", "signatory"], name="signature_once_per_version"),
        ]

    def __str__(self):
        return f"{self.signatory} {self.kind} v{self.version_id}"


class SigningCode(models.Model):
    """A one-time code mailed to a signatory: only its HMAC is kept; it expires and allows few tries."""

    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="codes")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="+")
    sha256 = models.CharField(max_length=64)  # the body the code was sent for
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="code_expires_later"
            ),
        ]

    def __str__(self):
        return f"code for {self.signatory_id} v{self.version_id}"


class Ceremony(models.Model):
    """A live signing, scheduled in the fair programme; ICS invitations go to every signatory."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class Audience(models.TextChoices):
        NONE = "", _("Not streamed")
        PARTICIPANTS = "participants", _("The fair's registered participants")
        PUBLIC = "public", _("Anyone with the link")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="ceremony")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The consultation whose video room the parties use."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who may watch the ceremony's video, listen-only (the organizers choose; agreements/ceremony_room.py).
    stream_audience = models.CharField(
        _("stream to"), max_length=12, choices=Audience.choices, blank=True, default=Audience.NONE
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("signing ceremony")
        verbose_name_plural = _("signing ceremonies")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="ceremony_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.agreement} at {self.starts_at:%Y-%m-%d %H:%M} UTC"


class CeremonyRoom(KeptJanusRoom):
    """A signing ceremony's own room on Janus, the SFU (docs/janus.md): every party's people, the
    organizers and the interpreter, up to 12 cameras. Janus keeps rooms in memory: the id and secret
    kept here let the application create it again after a restart of Janus (agreements/ceremony_room.py).
    """

    ceremony = models.OneToOneField(Ceremony, on_delete=models.CASCADE, related_name="room")

    class Meta:
        verbose_name = _("ceremony video room")
        verbose_name_plural = _("ceremony video rooms")

    def __str__(self):
        return f"room of ceremony {self.ceremony_id}"


class CeremonyMessage(models.Model):
    """A chat line of a ceremony's room, stored before anyone sees it (the protocol of the video
    room's chat: docs/video-protocol.md, "Group rooms")."""

    ceremony = models.ForeignKey(Ceremony, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(_("shown as"), max_length=200)
    body = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(_("sent at"))
    client_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("ceremony chat message")
        verbose_name_plural = _("ceremony chat messages")
        constraints = [
            models.UniqueConstraint(
                fields=["ceremony", "author", "client_id"],
                condition=~models.Q(client_id=""),
                name="ceremony_chat_client_id_once",
            )
        ]

    def __str__(self):
        return f"{self.author_name}: {self.body[:40]}"


# --- outcomes both sides confirm ---------------------------------------------------------------


class Side(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    EXHIBITOR = "exhibitor", _("Exhibitor")


class TradeOutcome(models.Model):
    """An order or a contract one side declares; verified only once the other side confirms it.

    Its origin is generic: ``origin_kind`` ("meeting", "rfq"...) and ``origin_id``; ``meeting`` is set
    too when the origin is a meeting. ``booth`` is the exhibitor side, ``buyer`` the buyer side.
    """

    class Type(models.TextChoices):
        ORDER = "order", _("Order")
        CONTRACT = "contract", _("Contract")

    class Status(models.TextChoices):
        DECLARED = "declared", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed by both sides")
        DISPUTED = "disputed", _("Disputed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    fair = models.ForeignKey("fair.Fair", on_delete=models.CASCADE, related_name="trade_outcomes")
    origin_kind = models.CharField(max_length=20)
    origin_id = models.BigIntegerField()
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="trade_outcomes"
    )
    booth = models.ForeignKey("exhibitors.Booth", on_delete=models.CASCADE, related_name="trade_outcomes")
    buyer = models.ForeignKey("fair.Participant", on_delete=models.CASCADE, related_name="trade_outcomes")
    declared_side = models.CharField(max_length=10, choices=Side.choices)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    value = models.DecimalField(
        _("value"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3)
    value_usd = models.DecimalField(_("value (USD)"), max_digits=18, decimal_places=2)
    products = models.TextField(_("products"), max_length=2000)
    ship_by = models.DateField(_("expected shipment date"), null=True, blank=True)
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DECLARED)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # The other side's version, when it disputes.
    counter_value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    counter_currency = models.CharField(max_length=3, blank=True)
    counter_value_usd = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    counter_products = models.TextField(blank=True, max_length=2000)
    counter_ship_by = models.DateField(null=True, blank=True)
    dispute_note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("declared outcome")
        verbose_name_plural = _("declared outcomes")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(value_usd__gte=0), name="trade_outcome_value"
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(answered_at__isnull=False),
                name="trade_outcome_confirmed_answered",
            ),
        ]
        indexes = [
            models.Index(fields=["fair", "status"], name="trade_outcome_fair_status"),
            models.Index(fields=["origin_kind", "origin_id"], name="trade_outcome_origin"),
        ]

    def __str__(self):
        return f"{self.get_type_display()} {self.value} {self.currency}"

    @property
    def other_side(self) -> str:
        return Side.BUYER if self.declared_side == Side.EXHIBITOR else Side.EXHIBITOR


class Shipment(models.Model):
    """A shipment against an outcome: recorded by the exhibitor, confirmed by the buyer."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Waiting for the buyer")
        CONFIRMED = "confirmed", _("Confirmed by the buyer")
        DISPUTED = "disputed", _("Disputed by the buyer")

    outcome = models.ForeignKey(TradeOutcome, on_delete=models.CASCADE, related_name="shipments")
    shipped_on = models.DateField(_("shipment date"))
    value = models.DecimalField(
        _("value"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3)
    value_usd = models.DecimalField(max_digits=18, decimal_places=2)
    declaration_number = models.CharField(_("export declaration number"), max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECORDED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["outcome", "shipped_on", "id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="shipment_value_non_negative"),
        ]

    def __str__(self):
        return f"{self.outcome_id}: {self.value} {self.currency} on {self.shipped_on}"
