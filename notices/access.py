"""Who may read a notification: the person it was written for, and nobody else.

``access_notice`` loads a notice among the person's own only: superusers pass every rule of the
table, but even they cannot open another person's notification from a page or the API (the admin
is where they look at rows).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.access import require, rule, signed_in
from kernel.api import parse_id
from kernel.errors import NotFound
from notices.models import Notice


@rule("notice:read", code="notice.not_found", message=_("No such notification."))
def _notice_read(user, notice) -> bool:
    """Read a notification, mark it read, follow its link: the person it was written for only."""
    return notice.user_id == user.pk


def access_notice(user, notice_id, *, perm: str = "notice:read", lock: bool = False) -> Notice:
    """The notice ``notice_id`` of ``user``; NotFound when there is none or it is someone else's."""
    number = parse_id(notice_id)
    if number is None or not signed_in(user):
        raise NotFound("notice.not_found", _("No such notification."))
    rows = Notice.objects.filter(user=user)
    if lock:
        rows = rows.select_for_update()
    notice = rows.filter(pk=number).first()
    if notice is None:
        raise NotFound("notice.not_found", _("No such notification."))
    require(user, perm, notice)
    return notice
