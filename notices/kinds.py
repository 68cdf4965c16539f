"""The kinds table: what each kind of notification says, and whether it pops up as a toast.

A higher app registers its kinds once, at import, next to the subscriber that writes them:

    kinds.register("meeting.invited", gettext_lazy("%(booth)s invites you to a meeting"), toast=True)

A new kind is one line here-or-there and nothing else: the centre, the bell, the API and the toasts
read this table. The text is a lazily translated %-format filled from the notice's ``params``, so a
notice reads in the language of whoever looks at it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    text: object  # a lazily translated string with %(name)s placeholders
    toast: bool = False  # shown as a toast on whatever page the person has open


KINDS: dict[str, Kind] = {}


def register(name: str, text, *, toast: bool = False) -> Kind:
    """Add (or replace: a module reloaded in a test) the kind ``name``."""
    kind = Kind(name, text, toast)
    KINDS[name] = kind
    return kind


def render(kind: str, params: dict, fallback: str = "") -> str:
    """The line of ``kind`` filled with ``params`` in the active language; ``fallback`` when the kind
    is unknown or its params do not fit its text."""
    known = KINDS.get(kind)
    if known is None:
        return fallback or kind
    try:
        return str(known.text) % params
    except (KeyError, TypeError, ValueError):
        return fallback or str(known.text)


def toast(kind: str) -> bool:
    known = KINDS.get(kind)
    return bool(known and known.toast)
