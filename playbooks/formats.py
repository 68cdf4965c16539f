"""Reading a playbook file (YAML, docs/playbooks.md): every error names the file, the line and the
field, and nothing is written unless the whole file is right."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from fair.vocab import normalise_country, normalise_language
from playbooks.models import Kind

FORMAT = "tradefair-playbook/1"
INCOTERMS = {"EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP"}
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _./-]{0,39}$")
_HS = re.compile(r"^\d{2}(\d{2}){0,2}$")
TOP_FIELDS = {"format", "country", "version", "checked_on", "title", "sources", "items"}
ITEM_FIELDS = {
    "key", "kind", "code", "required", "authority", "lead_time_days", "hs", "language", "incoterms",
    "title", "text", "url",
}  # fmt: skip


class PlaybookFileError(Exception):
    """The file is wrong: ``errors`` lists "file, line N, field F: what" for each problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class _LineLoader(yaml.SafeLoader):
    """Safe YAML that remembers the line of every mapping and of each of its keys."""


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {k.value: k.start_mark.line + 1 for k, _v in node.value if hasattr(k, "value")}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@dataclass
class ParsedItem:
    key: str
    kind: str
    code: str = ""
    required: bool = False
    authority: str = ""
    lead_time_days: int | None = None
    hs: list[str] = field(default_factory=list)
    language: str = ""
    incoterms: list[str] = field(default_factory=list)
    title: dict = field(default_factory=dict)
    text: dict = field(default_factory=dict)
    url: str = ""


@dataclass
class ParsedPlaybook:
    country: str
    version: int
    checked_on: dt.date
    title: dict
    sources: list[dict]
    items: list[ParsedItem]
    digest: str


def _clean(value):
    """The parsed value without the line bookkeeping (for the digest)."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k not in ("__line__", "__lines__")}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _Errors:
    def __init__(self, name: str):
        self.name, self.items = name, []

    def add(self, mapping: dict, fld: str, message: str) -> None:
        line = mapping.get("__lines__", {}).get(fld.split(".")[0].split("[")[0], mapping.get("__line__", 1))
        self.items.append(
            _("%(file)s, line %(line)s, field %(field)s: %(message)s")
            % {"file": self.name, "line": line, "field": fld, "message": message}
        )


def _texts(errors: _Errors, mapping: dict, fld: str, *, required: bool) -> dict:
    value = mapping.get(fld)
    if value is None or value == "":
        if required:
            errors.add(mapping, fld, _("is required (a text, or one text per language: en: ..., ko: ...)."))
        return {}
    if isinstance(value, str):
        return {"en": value.strip()}
    if not isinstance(value, dict):
        errors.add(mapping, fld, _("must be a text or a mapping of language codes to texts."))
        return {}
    out = {}
    for code, text in _clean(value).items():
        try:
            lang = normalise_language(str(code))
        except ValidationError as e:
            errors.add(mapping, fld, e.messages[0])
            continue
        if not isinstance(text, str) or not text.strip():
            errors.add(mapping, f"{fld}.{code}", _("must be a non-empty text."))
            continue
        out[lang] = text.strip()
    if required and not out:
        errors.add(mapping, fld, _("needs at least one text."))
    return out


def _url(errors: _Errors, mapping: dict, fld: str, value) -> str:
    if value in (None, ""):
        return ""
    try:
        URLValidator(schemes=["http", "https"])(str(value))
    except ValidationError:
        errors.add(mapping, fld, _("%(value)s is not an http(s) address.") % {"value": value})
        return ""
    return str(value)


def _item(errors: _Errors, raw, index: int, seen: set[str]) -> ParsedItem | None:
    where = f"items[{index}]"
    if not isinstance(raw, dict):
        errors.items.append(
            _("%(file)s, field %(field)s: each item is a mapping (key: ..., kind: ...).")
            % {"file": errors.name, "field": where}
        )
        return None
    for unknown in sorted(set(k for k in raw if not k.startswith("__")) - ITEM_FIELDS):
        errors.add(
            raw,
            unknown,
            _("is not a field of an item (fields: %(known)s).") % {"known": ", ".join(sorted(ITEM_FIELDS))},
        )
    key = str(raw.get("key") or "").strip()
    if not _KEY.match(key):
        errors.add(raw, "key", _("is required: lower-case letters, digits, - and _ (e.g. nmpa-cosmetics)."))
    elif key in seen:
        errors.add(raw, "key", _("%(key)s appears twice in this file.") % {"key": key})
    seen.add(key)
    kind = str(raw.get("kind") or "").strip().lower()
    if kind not in Kind.values:
        errors.add(raw, "kind", _("must be one of %(kinds)s.") % {"kinds": ", ".join(Kind.values)})
    code = str(raw.get("code") or "").strip()
    if code and not _CODE.match(code):
        errors.add(raw, "code", _("%(value)s is not a well-formed code.") % {"value": code})
    code = re.sub(r"[\s\-/.]+", "_", code.upper())
    required = raw.get("required", False)
    if not isinstance(required, bool):
        errors.add(raw, "required", _("must be true or false."))
        required = False
    lead = raw.get("lead_time_days")
    if lead is not None and (not isinstance(lead, int) or isinstance(lead, bool) or not 0 <= lead <= 3650):
        errors.add(raw, "lead_time_days", _("must be a whole number of days between 0 and 3650."))
        lead = None
    hs = raw.get("hs") or []
    if isinstance(hs, (str, int)):
        hs = [hs]
    hs_out = []
    for value in hs if isinstance(hs, list) else []:
        text = str(value).strip().replace(".", "")
        if not _HS.match(text):
            errors.add(
                raw,
                "hs",
                _("%(value)s is not an HS chapter, heading or subheading (2, 4 or 6 digits).")
                % {"value": value},
            )
        else:
            hs_out.append(text)
    if not isinstance(hs, list):
        errors.add(raw, "hs", _("must be a list of HS codes."))
    language = ""
    if raw.get("language"):
        try:
            language = normalise_language(str(raw["language"]))
        except ValidationError as e:
            errors.add(raw, "language", e.messages[0])
    incoterms = raw.get("incoterms") or []
    if isinstance(incoterms, str):
        incoterms = [incoterms]
    terms = [str(t).strip().upper() for t in incoterms] if isinstance(incoterms, list) else []
    for term in terms:
        if term not in INCOTERMS:
            errors.add(
                raw,
                "incoterms",
                _("%(value)s is not an Incoterm (%(known)s).")
                % {"value": term, "known": ", ".join(sorted(INCOTERMS))},
            )
    if kind in (Kind.CERTIFICATION, Kind.REGISTRATION) and not code and not raw.get("title"):
        errors.add(raw, "code", _("a certification or registration needs a code or a title."))
    return ParsedItem(
        key=key,
        kind=kind,
        code=code,
        required=required,
        authority=str(raw.get("authority") or "").strip()[:200],
        lead_time_days=lead,
        hs=hs_out,
        language=language,
        incoterms=terms,
        title=_texts(errors, raw, "title", required=not code),
        text=_texts(errors, raw, "text", required=False),
        url=_url(errors, raw, "url", raw.get("url")),
    )


def parse(content: bytes | str, *, name: str = "playbook.yaml") -> ParsedPlaybook:
    """The playbook in ``content``, or PlaybookFileError with every problem found."""
    errors = _Errors(name)
    try:
        text = content.decode("utf-8") if isinstance(content, bytes) else content
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except UnicodeDecodeError:
        raise PlaybookFileError([_("%(file)s: the file is not UTF-8 text.") % {"file": name}]) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        problem = getattr(e, "problem", None) or str(e)
        raise PlaybookFileError(
            [
                _("%(file)s, line %(line)s: not valid YAML (%(problem)s).")
                % {"file": name, "line": line, "problem": problem}
            ]
        ) from None
    if not isinstance(data, dict):
        raise PlaybookFileError(
            [_("%(file)s: a playbook is a mapping (format: ..., country: ..., items: ...).") % {"file": name}]
        )
    for unknown in sorted(set(k for k in data if not str(k).startswith("__")) - TOP_FIELDS):
        errors.add(
            data,
            str(unknown),
            _("is not a field of a playbook (fields: %(known)s).") % {"known": ", ".join(sorted(TOP_FIELDS))},
        )
    if data.get("format") != FORMAT:
        errors.add(data, "format", _("must be %(format)s.") % {"format": FORMAT})
    country = ""
    try:
        country = normalise_country(str(data.get("country") or ""))
    except ValidationError as e:
        errors.add(data, "country", e.messages[0])
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        errors.add(data, "version", _("must be a whole number from 1."))
        version = 0
    checked = data.get("checked_on")
    if isinstance(checked, str):
        try:
            checked = dt.date.fromisoformat(checked)
        except ValueError:
            checked = None
    if not isinstance(checked, dt.date):
        errors.add(data, "checked_on", _("must be the date the content was checked (YYYY-MM-DD)."))
        checked = None
    sources = []
    for i, source in enumerate(data.get("sources") or []):
        if not isinstance(source, dict) or not source.get("url"):
            errors.add(data, f"sources[{i}]", _("each source has a title and a url."))
            continue
        url = _url(errors, source, "url", source.get("url"))
        sources.append({"title": str(source.get("title") or url)[:200], "url": url})
    raw_items = data.get("items")
    items = []
    if not isinstance(raw_items, list) or not raw_items:
        errors.add(data, "items", _("a playbook lists at least one item."))
    else:
        seen: set[str] = set()
        for i, raw in enumerate(raw_items):
            item = _item(errors, raw, i, seen)
            if item is not None:
                items.append(item)
    title = _texts(errors, data, "title", required=True)
    if errors.items:
        raise PlaybookFileError(errors.items)
    digest = hashlib.sha256(json.dumps(_clean(data), sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return ParsedPlaybook(country, version, checked, title, sources, items, digest)
