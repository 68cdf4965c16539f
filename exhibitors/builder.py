"""Writes of the booth builder: texts, media, brochures, products and their images, publishing.

Plain sync functions, keyword-only. Each one takes the acting user and asks the access rule
booth:edit (exhibitors/access.py): the booth's staff or an organizer of its fair.

Uploads are checked and re-encoded by exhibitors/media.py before anything is stored; when
a later step fails, what this call stored is deleted again, so bad input leaves nothing behind.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from exhibitors import media
from exhibitors.access import Viewer
from exhibitors.models import Booth, BoothDocument, Product, ProductImage
from fair import vocab
from fair.hs import validate_hs_code
from fair.models import Interaction
from kernel import events
from kernel.access import allowed, require
from kernel.errors import DomainError, NotFound

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
MEDIA_KINDS = ("logo", "banner", "video")
MAX_IMAGES_PER_PRODUCT = 8
MAX_BROCHURES = 10


def localized(field: str, language: str) -> str:
    """tagline + ko -> tagline_ko; modeltranslation spells `id` as `ind` and zh-hans as zh_hans."""
    return build_localized_fieldname(field, language)


def booth_can_edit(user, booth: Booth) -> bool:
    """booth:edit: the booth's approved staff and its fair's organizers (exhibitors/access.py)."""
    return allowed(user, "booth:edit", booth)


def _require_edit(user, booth: Booth) -> None:
    require(user, "booth:edit", booth)


def _changed(name: str, booth: Booth, user, **data) -> None:
    """What the booth's public pages show has changed (the page cache and the dashboard hear it)."""
    events.emit(name, fair_id=booth.fair_id, subject=booth, actor=user, **data)


def _folder(booth: Booth, kind: str) -> str:
    return f"booths/{booth.fair_id}/{booth.pk}/{kind}"


def _invalid(error: ValidationError) -> DomainError:
    return DomainError("booth.invalid", " ".join(error.messages))


# --- texts and profile ------------------------------------------------------------------------


@transaction.atomic
def booth_update(
    *,
    user,
    booth: Booth,
    texts: dict[str, str] | None = None,
    target_markets: list[str] | None = None,
    certifications: list[str] | None = None,
    languages: list[str] | None = None,
    video_url: str | None = None,
) -> Booth:
    """Texts per language ({"tagline_ko": ...}), markets, the company's certifications and languages."""
    _require_edit(user, booth)
    editable = {localized(f, code) for f in ("tagline", "story") for code in LANGUAGE_CODES}
    fields: list[str] = []
    for name, value in (texts or {}).items():
        if name not in editable:
            raise DomainError("booth.invalid", _("Unknown field %(name)s.") % {"name": name})
        setattr(booth, name, (value or "").strip())
        fields.append(name)
    try:
        if target_markets is not None:
            booth.target_markets = vocab.normalise_list(target_markets, vocab.normalise_country)
            fields.append("target_markets")
        if video_url is not None:
            video_url = video_url.strip()
            if video_url:
                URLValidator(schemes=["http", "https"])(video_url)
            booth.video_url = video_url
            fields.append("video_url")
        company = booth.company
        company_fields = []
        if certifications is not None:
            company.certifications = vocab.normalise_list(certifications, vocab.normalise_certification)
            company_fields.append("certifications")
        if languages is not None:
            company.languages = vocab.normalise_list(languages, vocab.normalise_language)
            company_fields.append("languages")
        booth.full_clean(exclude=["hall", "company", "fair", "logo", "banner", "video"])
    except ValidationError as e:
        raise _invalid(e) from None
    if fields:
        booth.save(update_fields=[*fields, "updated_at"])
    if company_fields:
        company.save(update_fields=company_fields)
    _changed("booth.changed", booth, user, fields=fields + company_fields)
    return booth


# --- logo, banner, video ----------------------------------------------------------------------


def booth_media_set(*, user, booth: Booth, kind: str, upload) -> Booth:
    """Replace the logo or banner (images) or the video file (MP4/WebM); the old file is removed."""
    _require_edit(user, booth)
    if kind not in MEDIA_KINDS:
        raise DomainError("booth.invalid", _("Unknown kind of media."))
    if kind == "video":
        extension = media.check_video(upload)
        content = upload
    else:
        prepared = media.prepare_image(upload)
        content, extension = prepared.content, prepared.extension
    name = media.store(content, folder=_folder(booth, kind), extension=extension)
    old = getattr(booth, kind).name
    try:
        with transaction.atomic():
            Booth.objects.filter(pk=booth.pk).update(**{kind: name, "updated_at": timezone.now()})
            _changed("booth.media_changed", booth, user, kind=kind)
    except Exception:
        media.delete_quietly(name)
        raise
    setattr(booth, kind, name)
    media.delete_quietly(old)
    return booth


def booth_media_clear(*, user, booth: Booth, kind: str) -> Booth:
    _require_edit(user, booth)
    if kind not in MEDIA_KINDS:
        raise DomainError("booth.invalid", _("Unknown kind of media."))
    old = getattr(booth, kind).name
    Booth.objects.filter(pk=booth.pk).update(**{kind: "", "updated_at": timezone.now()})
    _changed("booth.media_changed", booth, user, kind=kind)
    setattr(booth, kind, "")
    media.delete_quietly(old)
    return booth


# --- brochures -----------------------------------------------------------------------------------


def brochure_add(*, user, booth: Booth, title: str, upload) -> BoothDocument:
    _require_edit(user, booth)
    title = (title or "").strip()[:200]
    if not title:
        raise DomainError("brochure.no_title", _("Give the brochure a title."))
    if booth.documents.count() >= MAX_BROCHURES:
        raise DomainError(
            "brochure.too_many", _("A booth has at most %(n)d brochures.") % {"n": MAX_BROCHURES}
        )
    extension = media.check_pdf(upload)
    name = media.store(upload, folder=_folder(booth, "brochures"), extension=extension)
    try:
        with transaction.atomic():
            document = BoothDocument.objects.create(booth=booth, title=title, file=name, size=upload.size)
            _changed("booth.brochure_added", booth, user, document=document.pk)
            return document
    except Exception:
        media.delete_quietly(name)
        raise


def brochure_remove(*, user, booth: Booth, document_id: int) -> None:
    _require_edit(user, booth)
    document = BoothDocument.objects.filter(pk=document_id, booth=booth).first()
    if document is None:
        raise NotFound("brochure.not_found", _("There is no such brochure in this booth."))
    name = document.file.name
    document.delete()
    _changed("booth.brochure_removed", booth, user, document=document_id)
    media.delete_quietly(name)


# --- products ------------------------------------------------------------------------------------

PRODUCT_FIELDS = ("hs_code", "moq", "moq_unit", "price_min", "price_max", "currency", "incoterm", "position")


def _add_heading(booth: Booth, hs_code: str) -> None:
    """The booth's HS codes cover each product's heading (what matching and search use)."""
    heading = hs_code[:4]
    codes = list(booth.hs_codes or [])
    if any(heading.startswith(c) or c.startswith(heading) for c in codes):
        return
    codes.append(heading)
    booth.hs_codes = codes
    booth.save(update_fields=["hs_codes", "updated_at"])


def product_save(
    *, user, booth: Booth, values: dict, product: Product | None = None, uploads: list | tuple = ()
) -> Product:
    """Create or change a product (names and descriptions per language, HS code, MOQ, price, incoterm)
    and add images; every value and every image is checked before anything is written."""
    _require_edit(user, booth)
    product = _product_checked(booth=booth, values=values, product=product)
    prepared = _prepare_images(product, list(uploads))
    stored: list[str] = []
    try:
        with transaction.atomic():
            product.save()
            _add_heading(booth, product.hs_code)
            _store_images(booth, product, prepared, stored)
            events.emit("product.saved", fair_id=booth.fair_id, subject=product, actor=user, booth=booth.pk)
    except Exception:
        media.delete_quietly(*stored)
        raise
    return product


def _product_checked(*, booth: Booth, values: dict, product: Product | None) -> Product:
    if product is not None and product.booth_id != booth.pk:
        raise NotFound("product.not_found", _("There is no such product in this booth."))
    product = product or Product(booth=booth)
    names = {localized("name", code) for code in LANGUAGE_CODES}
    descriptions = {localized("description", code) for code in LANGUAGE_CODES}
    for key, value in values.items():
        if key in names or key in descriptions:
            setattr(product, key, (value or "").strip())
        elif key in PRODUCT_FIELDS:
            setattr(product, key, value)
        else:
            raise DomainError("product.invalid", _("Unknown field %(name)s.") % {"name": key})
    if not any(getattr(product, n) for n in names):
        raise DomainError("product.no_name", _("Give the product a name in at least one language."))
    # The untranslated column keeps a name for code that reads it directly (exports, the admin).
    product.name = next(
        getattr(product, n) for n in [localized("name", "en"), *sorted(names)] if getattr(product, n)
    )
    try:
        product.hs_code = validate_hs_code(str(product.hs_code or ""))
        if len(product.hs_code) < 4:
            raise ValidationError(_("Give a product at least a 4-digit HS heading, e.g. 3304."))
        if product.currency:
            product.currency = str(product.currency).strip().upper()
        product.full_clean(exclude=["booth"])
        if (
            product.price_min is not None
            and product.price_max is not None
            and product.price_max < product.price_min
        ):
            raise ValidationError(_("The highest price is lower than the lowest price."))
    except ValidationError as e:
        raise DomainError("product.invalid", " ".join(e.messages)) from None
    return product


def product_delete(*, user, booth: Booth, product_id: int) -> None:
    _require_edit(user, booth)
    product = Product.objects.filter(pk=product_id, booth=booth).first()
    if product is None:
        raise NotFound("product.not_found", _("There is no such product in this booth."))
    names = [n for img in product.images.all() for n in (img.image.name, img.thumbnail.name)]
    events.emit("product.deleted", fair_id=booth.fair_id, subject=product, actor=user, booth=booth.pk)
    product.delete()
    media.delete_quietly(*names)


def _prepare_images(product: Product | None, uploads: list) -> list[media.PreparedImage]:
    """Check and re-encode every upload before anything is written: one bad file refuses them all."""
    have = product.images.count() if product is not None and product.pk else 0
    if have + len(uploads) > MAX_IMAGES_PER_PRODUCT:
        raise DomainError(
            "product.too_many_images",
            _("A product has at most %(n)d images.") % {"n": MAX_IMAGES_PER_PRODUCT},
        )
    prepared = []
    for upload in uploads:
        try:
            prepared.append(media.prepare_image(upload))
        except media.UploadError as e:
            raise media.UploadError(e.code, f"{getattr(upload, 'name', '')}: {e.message}") from None
    return prepared


def _store_images(booth: Booth, product: Product, prepared: list, stored: list[str]) -> list[ProductImage]:
    """Inside the caller's transaction; every stored name is appended to `stored` for clean-up."""
    start = product.images.count()
    folder = _folder(booth, f"products/{product.pk}")
    images = []
    for i, p in enumerate(prepared):
        image = media.store(p.content, folder=folder, extension=p.extension)
        stored.append(image)
        thumb = media.store(p.thumbnail, folder=folder + "/thumbs", extension=p.extension)
        stored.append(thumb)
        images.append(
            ProductImage.objects.create(
                product=product,
                image=image,
                thumbnail=thumb,
                width=p.width,
                height=p.height,
                position=start + i,
            )
        )
    return images


def product_images_add(*, user, booth: Booth, product: Product, uploads: list) -> list[ProductImage]:
    """Add several images at once: all are checked first; one bad file refuses them all."""
    _require_edit(user, booth)
    if product.booth_id != booth.pk:
        raise NotFound("product.not_found", _("There is no such product in this booth."))
    prepared = _prepare_images(product, uploads)
    stored: list[str] = []
    try:
        with transaction.atomic():
            images = _store_images(booth, product, prepared, stored)
            events.emit("product.images_added", fair_id=booth.fair_id, subject=product, actor=user)
            return images
    except Exception:
        media.delete_quietly(*stored)
        raise


def product_image_remove(*, user, booth: Booth, image_id: int) -> None:
    _require_edit(user, booth)
    image = ProductImage.objects.filter(pk=image_id, product__booth=booth).first()
    if image is None:
        raise NotFound("product.no_such_image", _("There is no such image in this booth."))
    names = (image.image.name, image.thumbnail.name)
    image.delete()
    events.emit("product.image_removed", fair_id=booth.fair_id, subject=image.product, actor=user)
    media.delete_quietly(*names)


# --- publishing ----------------------------------------------------------------------------------


def booth_publish(*, user, booth: Booth) -> Booth:
    """Open the booth to the public; it needs a product first, so visitors find something in it."""
    _require_edit(user, booth)
    if not booth.products.exists():
        raise DomainError("booth.no_products", _("Add at least one product before you publish the booth."))
    Booth.objects.filter(pk=booth.pk).update(status=Booth.Status.PUBLISHED, updated_at=timezone.now())
    booth.status = Booth.Status.PUBLISHED
    _changed("booth.published", booth, user)
    return booth


def booth_unpublish(*, user, booth: Booth) -> Booth:
    _require_edit(user, booth)
    Booth.objects.filter(pk=booth.pk).update(status=Booth.Status.DRAFT, updated_at=timezone.now())
    booth.status = Booth.Status.DRAFT
    _changed("booth.unpublished", booth, user)
    return booth


# --- interactions from the pages ---------------------------------------------------------------


def product_view_record(*, product: Product, viewer: Viewer) -> bool:
    """A buyer opened a product's page: one product_view per buyer, product and UTC day."""
    if viewer.role != "buyer" or not viewer.participant_id:
        return False
    now = timezone.now()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if Interaction.objects.filter(
        buyer_id=viewer.participant_id,
        product=product,
        kind=Interaction.Kind.PRODUCT_VIEW,
        at__gte=day_start,
        at__lt=day_start + timedelta(days=1),
    ).exists():
        return False
    interaction = Interaction.objects.create(
        fair_id=product.booth.fair_id,
        buyer_id=viewer.participant_id,
        booth_id=product.booth_id,
        product=product,
        kind=Interaction.Kind.PRODUCT_VIEW,
        at=now,
    )
    events.emit(
        "interaction.recorded", fair_id=interaction.fair_id, subject=interaction, kind=interaction.kind
    )
    return True
