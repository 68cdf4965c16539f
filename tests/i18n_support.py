"""Compile the UI translations for a test run started without `make messages`."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "frontend" / "locale"


def ensure_compiled_messages() -> None:
    """Write each django.mo that is missing or older than its django.po (what `make messages` does)."""
    for po_path in LOCALE_DIR.glob("*/LC_MESSAGES/django.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po:
            catalog = read_po(po, locale=po_path.parts[-3])
        with mo_path.open("wb") as mo:
            write_mo(mo, catalog)
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None
