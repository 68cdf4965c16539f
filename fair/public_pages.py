"""The version of a fair's public pages (its hall and booth pages), for the caches that keep them.

Whatever those pages show (the fair, its halls, the companies, booths, products, product images,
brochures, a booth's live status) announces a change here, in one of two ways:

- a model's save or delete: post_save / post_delete receivers below (connect(), from
  FairConfig.ready), which also covers the admin;
- a write that bypasses save() (a queryset update(), bulk_create, the dataset import's COPY):
  its service calls ``public_pages_changed`` itself.

A change gives the fair a new, random version, now and again once the transaction commits: a
page rendered from the old rows is stored under a version no reader will ask for again. Readers
take the version *before* they read the database (frontend/page_cache.py), so a page rendered
while the change was committing is never kept under the new version. The version is keyed by
the fair's slug, which the page's URL carries: a cache hit needs no database query.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save


def version_key(fair_slug: str) -> str:
    return f"public-pages:v1:{fair_slug}"


def _new_version() -> str:
    # Random, never a counter: a version key the cache evicted must not come back as an old value.
    return uuid.uuid4().hex


def public_pages_version(fair_slug: str) -> str:
    """The fair's current version (made when the cache has none)."""
    key = version_key(fair_slug)
    version = cache.get(key)
    if version is None:
        cache.add(key, _new_version(), timeout=None)
        version = cache.get(key)
    return version


def _bump(slugs: list[str]) -> None:
    cache.set_many({version_key(slug): _new_version() for slug in slugs}, timeout=None)


def public_pages_changed(*, fair_id: int | None = None, fair_slug: str | None = None) -> None:
    """What the fair's public pages show has changed (or is changing in the current transaction)."""
    from fair.models import Fair

    slugs = [fair_slug] if fair_slug else []
    if fair_id and not fair_slug:
        slugs = list(Fair.objects.filter(pk=fair_id).values_list("slug", flat=True))
    if not slugs:
        return
    _bump(slugs)  # now: a reader inside this transaction, or a test without commits, sees the change
    transaction.on_commit(lambda: _bump(slugs))  # and after it: nothing rendered before the commit stays


# --- receivers -----------------------------------------------------------------------------------


def _fair_ids(instance) -> set[int]:
    """The fairs whose public pages show this row."""
    from exhibitors.models import Booth, Product

    label = instance._meta.label
    if label in ("fair.Hall", "exhibitors.Booth"):
        return {instance.fair_id}
    if label == "fair.Company":
        return set(Booth.objects.filter(company_id=instance.pk).values_list("fair_id", flat=True))
    if label in ("exhibitors.Product", "exhibitors.BoothDocument"):
        cached = instance._state.fields_cache.get("booth")
        if cached is not None:
            return {cached.fair_id}
        return set(Booth.objects.filter(pk=instance.booth_id).values_list("fair_id", flat=True))
    if label == "exhibitors.ProductImage":
        return set(Product.objects.filter(pk=instance.product_id).values_list("booth__fair_id", flat=True))
    return set()


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loading fixtures
        return
    if sender._meta.label == "fair.Fair":
        public_pages_changed(fair_slug=instance.slug)
        return
    for fair_id in _fair_ids(instance):
        public_pages_changed(fair_id=fair_id)


def _fair_renaming(sender, instance, **kwargs):
    """A fair whose slug changes: its pages under the old address go too."""
    if kwargs.get("raw") or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old and old != instance.slug:
        public_pages_changed(fair_slug=old)


SHOWN = (
    "fair.Fair",
    "fair.Hall",
    "fair.Company",
    "exhibitors.Booth",
    "exhibitors.Product",
    "exhibitors.ProductImage",
    "exhibitors.BoothDocument",
)


def connect() -> None:
    from django.apps import apps

    for label in SHOWN:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"public-pages-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"public-pages-delete-{label}")
    pre_save.connect(_fair_renaming, sender=apps.get_model("fair.Fair"), dispatch_uid="public-pages-rename")
