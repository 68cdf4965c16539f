"""Who reaches a product's readiness: the access layer's answer for playbooks (kernel/access.py).

A product's readiness checklist (reading it, marking its items) and a booth's products ranked for a
market belong to the booth's approved staff: the rule ``booth:leads`` (exhibitors/access.py), the one
the pages use. An exhibitor never reaches another booth's product: it is "no such product" (404),
never a hint that it exists. Playbooks are read by the fair's participants (``fair:attend``); the gaps
and every heading of promising products by its organizers (``fair:organize``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from exhibitors.access import access_booth
from exhibitors.models import Product
from fair.models import Fair
from kernel.errors import NotFound


def access_product(user, *, booth_id, product_id, fair: Fair | None = None) -> Product:
    """The product ``product_id`` of booth ``booth_id`` if ``user`` is on the booth's staff
    (``booth:leads``): NotFound when there is no such booth or product (or the booth is hidden from
    them), PermissionDenied when they see the booth but are not its staff."""
    booth = access_booth(user, booth_id, perm="booth:leads", fair=fair)
    try:
        product = (
            Product.objects.select_related("booth__company", "booth__fair")
            .filter(pk=int(product_id), booth=booth)
            .first()
            if product_id is not None
            else None
        )
    except (TypeError, ValueError):
        product = None
    if product is None:
        raise NotFound("readiness.no_product", _("No such product in this booth."))
    return product
