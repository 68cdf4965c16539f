"""Every string the code marks for translation is translated in every UI language.

Runs Django's own `makemessages` (xgettext) over a copy of the sources, so a string added anywhere
(a template, a model's verbose_name, an access refusal) and left out of the catalogs fails here, by
name, instead of showing up in English on a Korean page.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation import to_locale

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", "tests", "bench", "var", "media", "staticfiles", ".git"}


def _languages() -> list[str]:
    return [to_locale(code) for code, _ in settings.LANGUAGES if code != "en"]  # English is the source


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext (Debian package gettext) is needed to read the strings out of the code")
    copy = tmp_path_factory.mktemp("sources")
    shutil.copytree(ROOT, copy, dirs_exist_ok=True, ignore=lambda _d, names: [n for n in names if n in SKIP])
    args = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--ignore=*/static/*"]
    args += [f"-l={code}" for code in _languages()]
    done = subprocess.run(args, cwd=copy, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return copy / "frontend" / "locale"


def test_every_marked_string_is_translated_in_every_language(extracted):
    missing = {}
    for code in _languages():
        with (extracted / code / "LC_MESSAGES" / "django.po").open("rb") as po:
            catalog = read_po(po, locale=code)
        gaps = []
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                gaps.append(message.id if isinstance(message.id, str) else message.id[0])
        if gaps:
            missing[code] = gaps
    assert not missing, f"strings without a translation: {missing}"
