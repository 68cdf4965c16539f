"""The fair dataset (docs/fair-dataset.md): typed rows, reading and writing.

One place reads and validates the CSV folder; `import_fair` writes its rows to
the database and `evaluate_matching` hands them to the recommender directly.
Every error names the file, the line (1 is the header) and the column.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from tqdm import tqdm

from fair.hs import validate_hs_code
from fair.vocab import normalise_certification, normalise_country, normalise_language

EXHIBITORS = "exhibitors.csv"
BUYERS = "buyers.csv"
INTERACTIONS = "interactions.csv"
TEST = "test.csv"

# Weakest to strongest. rfq_invite: the buyer invited the booth to quote on a sourcing request;
# quote_accepted: the buyer accepted the booth's quotation (rfq/).
INTERACTION_KINDS = (
    "booth_visit",
    "product_view",
    "chat",
    "rfq_invite",
    "meeting_request",
    "quote_accepted",
    "meeting_held",
    "deal",
)


class DatasetError(Exception):
    """A bad file: names the file, the line and the column so a person can fix it."""

    def __init__(self, file: str, line: int | None, column: str | None, message: str):
        self.file, self.line, self.column, self.message = file, line, column, message
        where = file + (f", line {line}" if line else "") + (f", column {column}" if column else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class ExhibitorRow:
    exhibitor_id: str
    company: str
    country: str
    hs_codes: tuple[str, ...]
    target_markets: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class BuyerRow:
    buyer_id: str
    company: str
    country: str
    hs_codes: tuple[str, ...]
    required_certifications: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    description: str = ""


class InteractionRow(NamedTuple):
    """One logged action. A named tuple (immutable, same fields and order as the other rows) because a
    fair has millions of them and a frozen dataclass costs ten times more to build."""

    buyer_id: str
    exhibitor_id: str
    kind: str
    at: datetime  # aware


@dataclass(frozen=True, slots=True)
class TestRow:
    buyer_id: str
    exhibitor_id: str


@dataclass(slots=True)
class Dataset:
    exhibitors: list[ExhibitorRow] = field(default_factory=list)
    buyers: list[BuyerRow] = field(default_factory=list)
    interactions: list[InteractionRow] = field(default_factory=list)
    test: list[TestRow] = field(default_factory=list)


# --- reading ------------------------------------------------------------------

_FILE_COLUMNS = {
    EXHIBITORS: (
        ("exhibitor_id", "company", "country", "hs_codes"),
        ("target_markets", "certifications", "languages", "description"),
    ),
    BUYERS: (
        ("buyer_id", "company", "country", "hs_codes"),
        ("required_certifications", "languages", "description"),
    ),
    INTERACTIONS: (("buyer_id", "exhibitor_id", "kind", "at"), ()),
    TEST: (("buyer_id", "exhibitor_id"), ()),
}

# The big file gets a progress bar from this many bytes on.
_PROGRESS_BYTES = 5_000_000


class _Normaliser:
    """Validates and normalises cell values, remembering the answer for values seen before.

    A million interaction rows repeat the same few thousand ids, kinds and
    times; the profile files repeat the same countries and code lists.
    """

    def __init__(self):
        self.cache: dict[tuple[str, str], object] = {}

    def one(self, kind: str, value: str, normalise) -> str:
        key = (kind, value)
        try:
            return self.cache[key]
        except KeyError:
            pass
        result = normalise(value)
        self.cache[key] = result
        return result

    def many(self, kind: str, value: str, normalise) -> tuple[str, ...]:
        key = (kind + "*", value)
        try:
            return self.cache[key]
        except KeyError:
            pass
        seen: dict[str, None] = {}
        for part in value.split(";"):
            part = part.strip()
            if part:
                seen.setdefault(normalise(part), None)
        result = tuple(seen)
        self.cache[key] = result
        return result


# Messages are in the language active when the file is read: the organizer's, on the invitation
# preview; English for the import command.
def _unreadable_row(error: Exception) -> str:
    return _("not a readable CSV row (%(error)s)") % {"error": error}


def _already_used(ident: str, line: int) -> str:
    return _("%(value)s is already used on line %(line)s") % {"value": ident, "line": line}


def _unknown_buyer(value: str) -> str:
    return _("%(value)s is not a buyer_id of %(file)s") % {"value": value or _("(empty)"), "file": BUYERS}


def _unknown_exhibitor(value: str) -> str:
    return _("%(value)s is not an exhibitor_id of %(file)s") % {
        "value": value or _("(empty)"),
        "file": EXHIBITORS,
    }


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


def _read_text(folder: Path, name: str, *, required: bool) -> str | None:
    path = folder / name
    if not path.is_file():
        if required:
            raise DatasetError(name, None, None, _("the file is missing from the folder"))
        return None
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise DatasetError(
            name,
            line,
            None,
            _("the file is not UTF-8 (byte 0x%(byte)02x); save it as UTF-8 CSV") % {"byte": data[e.start]},
        ) from None


def _data_lines(text: str) -> int:
    return text.count("\n") - (1 if text.endswith("\n") else 0)


def _rows(name: str, text: str, *, progress: bool):
    """Yield (line number, {column: stripped value}) for each data row of a profile file."""
    reader, header, index = _open_csv(name, text)
    width = len(header)
    bar = None
    if progress and len(text) >= _PROGRESS_BYTES:
        bar = tqdm(
            total=_data_lines(text), desc=f"reading {name}", unit=" rows", file=sys.stderr, mininterval=0.5
        )
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                raise DatasetError(name, reader.line_num, None, _unreadable_row(e)) from None
            if bar is not None and reader.line_num % 50_000 == 0:
                bar.update(reader.line_num - 1 - bar.n)
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
            yield reader.line_num, {column: row[i].strip() for column, i in index.items()}
    finally:
        if bar is not None:
            bar.update(max(0, reader.line_num - 1 - bar.n))
            bar.close()


def _require(name: str, line: int, values: dict, columns) -> None:
    for column in columns:
        if not values[column]:
            raise DatasetError(name, line, column, _("a value is required"))


def _check(name: str, line: int, column: str, fn, *args):
    try:
        return fn(*args)
    except ValidationError as e:
        raise DatasetError(name, line, column, _message(e)) from None


class _Collect:
    """Preview mode (preview_folder): every error is recorded and reading goes on with the next cell.

    A row with an error is left out of the result. read_folder does not use it: the import stops at
    the first error with the plain functions above and pays nothing for this.
    """

    def __init__(self, errors: list[DatasetError]):
        self.errors = errors
        self.bad = False

    def fail(self, error: DatasetError) -> None:
        self.errors.append(error)
        self.bad = True

    def require(self, name: str, line: int, values: dict, columns) -> None:
        for column in columns:
            if not values[column]:
                self.fail(DatasetError(name, line, column, _("a value is required")))

    def check(self, name: str, line: int, column: str, fn, *args):
        try:
            return _check(name, line, column, fn, *args)
        except DatasetError as e:
            self.fail(e)
            return ()

    def rows(self, rows):
        """The rows of a file until one is unreadable (or its header is), which is recorded."""
        try:
            for item in rows:
                self.bad = False
                yield item
        except DatasetError as e:
            self.errors.append(e)


def _tools(errors):
    """(collector or None, check, require, row filter) for strict or preview reading."""
    if errors is None:
        return None, _check, _require, lambda rows: rows
    collect = _Collect(errors)
    return collect, collect.check, collect.require, collect.rows


def _fail(collect, error: DatasetError) -> None:
    if collect is None:
        raise error
    collect.fail(error)


def _read_exhibitors(
    text: str, norm: _Normaliser, *, progress: bool, errors: list[DatasetError] | None = None
) -> list[ExhibitorRow]:
    rows: list[ExhibitorRow] = []
    seen: dict[str, int] = {}
    required = _FILE_COLUMNS[EXHIBITORS][0]
    collect, _check, _require, each = _tools(errors)
    for line, v in each(_rows(EXHIBITORS, text, progress=progress)):
        _require(EXHIBITORS, line, v, required)
        ident = v["exhibitor_id"]
        if ident in seen and ident:
            _fail(
                collect,
                DatasetError(EXHIBITORS, line, "exhibitor_id", _already_used(ident, seen[ident])),
            )
        seen.setdefault(ident, line)
        hs_codes = _check(EXHIBITORS, line, "hs_codes", norm.many, "hs", v["hs_codes"], validate_hs_code)
        if not hs_codes and v["hs_codes"] and (collect is None or not collect.bad):
            _fail(collect, DatasetError(EXHIBITORS, line, "hs_codes", _("a value is required")))
        row = ExhibitorRow(
            exhibitor_id=ident,
            company=v["company"],
            country=_check(EXHIBITORS, line, "country", norm.one, "country", v["country"], normalise_country),
            hs_codes=hs_codes,
            target_markets=_check(
                EXHIBITORS,
                line,
                "target_markets",
                norm.many,
                "country",
                v.get("target_markets", ""),
                normalise_country,
            ),
            certifications=_check(
                EXHIBITORS,
                line,
                "certifications",
                norm.many,
                "cert",
                v.get("certifications", ""),
                normalise_certification,
            ),
            languages=_check(
                EXHIBITORS,
                line,
                "languages",
                norm.many,
                "lang",
                v.get("languages", ""),
                normalise_language,
            ),
            description=v.get("description", ""),
        )
        if collect is None or not collect.bad:
            rows.append(row)
    return rows


def _read_buyers(
    text: str, norm: _Normaliser, *, progress: bool, errors: list[DatasetError] | None = None
) -> list[BuyerRow]:
    rows: list[BuyerRow] = []
    seen: dict[str, int] = {}
    required = _FILE_COLUMNS[BUYERS][0]
    collect, _check, _require, each = _tools(errors)
    for line, v in each(_rows(BUYERS, text, progress=progress)):
        _require(BUYERS, line, v, required)
        ident = v["buyer_id"]
        if ident in seen and ident:
            _fail(
                collect,
                DatasetError(BUYERS, line, "buyer_id", _already_used(ident, seen[ident])),
            )
        seen.setdefault(ident, line)
        hs_codes = _check(BUYERS, line, "hs_codes", norm.many, "hs", v["hs_codes"], validate_hs_code)
        if not hs_codes and v["hs_codes"] and (collect is None or not collect.bad):
            _fail(collect, DatasetError(BUYERS, line, "hs_codes", _("a value is required")))
        row = BuyerRow(
            buyer_id=ident,
            company=v["company"],
            country=_check(BUYERS, line, "country", norm.one, "country", v["country"], normalise_country),
            hs_codes=hs_codes,
            required_certifications=_check(
                BUYERS,
                line,
                "required_certifications",
                norm.many,
                "cert",
                v.get("required_certifications", ""),
                normalise_certification,
            ),
            languages=_check(
                BUYERS, line, "languages", norm.many, "lang", v.get("languages", ""), normalise_language
            ),
            description=v.get("description", ""),
        )
        if collect is None or not collect.bad:
            rows.append(row)
    return rows


def parse_time(value: str) -> datetime:
    """An aware datetime from ISO 8601 text with an offset; ValueError otherwise."""
    at = datetime.fromisoformat(value)
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("no offset")
    return at


class _SplitReader:
    """Reads a CSV text without any quote or carriage return by splitting: same rows as csv, faster."""

    def __init__(self, text: str):
        self._lines = iter(text.split("\n"))
        self.line_num = 0

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        line = next(self._lines)
        self.line_num += 1
        return line.split(",") if line else []


def _open_csv(name: str, text: str, *, fast: bool = False):
    """A reader past the header, and the position of each known column; checks required columns."""
    required, optional = _FILE_COLUMNS[name]
    if fast and '"' not in text and "\r" not in text:
        reader = _SplitReader(text)
    else:
        reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise DatasetError(name, 1, None, _("the file is empty; it needs a header row")) from None
    except csv.Error as e:
        raise DatasetError(name, 1, None, _("not a readable CSV header (%(error)s)") % {"error": e}) from None
    header = [h.strip().lstrip("\ufeff").lower() for h in header]
    for column in required:
        if column not in header:
            raise DatasetError(
                name,
                1,
                column,
                _("the required column is missing (the header has: %(columns)s)")
                % {"columns": ", ".join(header)},
            )
    return (
        reader,
        header,
        {column: header.index(column) for column in required + optional if column in header},
    )


def _read_interactions(
    text: str,
    buyers: set[str],
    exhibitors: set[str],
    *,
    progress: bool,
    errors: list[DatasetError] | None = None,
) -> list[InteractionRow]:
    """The hot loop of a large import: plain list indexing, set lookups and a cache of parsed times."""
    reader, header, index = _open_csv(INTERACTIONS, text, fast=True)
    bi, ei, ki, ai = (index[c] for c in ("buyer_id", "exhibitor_id", "kind", "at"))
    width = len(header)
    rows: list[InteractionRow] = []
    append = rows.append
    kinds = frozenset(INTERACTION_KINDS)
    times: dict[str, datetime] = {}
    new, cls = tuple.__new__, InteractionRow  # a named tuple built without its keyword-argument wrapper
    bar = None
    if progress and len(text) >= _PROGRESS_BYTES:
        bar = tqdm(
            total=_data_lines(text),
            desc=f"reading {INTERACTIONS}",
            unit=" rows",
            file=sys.stderr,
            mininterval=0.5,
        )
    n = 0
    try:
        for row in reader:
            n += 1
            if bar is not None and n % 50_000 == 0:
                bar.update(50_000)
            try:
                buyer_id, exhibitor_id, kind, at_text = row[bi], row[ei], row[ki], row[ai]
            except IndexError:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # a blank line
                row = row + [""] * (width - len(row))
                buyer_id, exhibitor_id, kind, at_text = row[bi], row[ei], row[ki], row[ai]
            at = times.get(at_text)
            if at is None or buyer_id not in buyers or exhibitor_id not in exhibitors or kind not in kinds:
                try:
                    buyer_id, exhibitor_id, kind, at = _check_interaction(
                        reader.line_num,
                        buyer_id.strip(),
                        exhibitor_id.strip(),
                        kind.strip(),
                        at_text,
                        buyers,
                        exhibitors,
                        kinds,
                        times,
                    )
                except DatasetError as e:
                    if errors is None:
                        raise
                    errors.append(e)  # the preview goes on: every bad line is listed
                    continue
            append(new(cls, (buyer_id, exhibitor_id, kind, at)))
    except csv.Error as e:
        raise DatasetError(INTERACTIONS, reader.line_num, None, _unreadable_row(e)) from None
    finally:
        if bar is not None:
            bar.update(n - bar.n)
            bar.close()
    return rows


def _check_interaction(line, buyer_id, exhibitor_id, kind, at_text, buyers, exhibitors, kinds, times):
    """The slow path: first sight of a time, stray spaces, or an error to report."""
    if buyer_id not in buyers:
        if not buyer_id:
            raise DatasetError(INTERACTIONS, line, "buyer_id", _("a value is required"))
        raise DatasetError(INTERACTIONS, line, "buyer_id", _unknown_buyer(buyer_id))
    if exhibitor_id not in exhibitors:
        if not exhibitor_id:
            raise DatasetError(INTERACTIONS, line, "exhibitor_id", _("a value is required"))
        raise DatasetError(INTERACTIONS, line, "exhibitor_id", _unknown_exhibitor(exhibitor_id))
    if kind not in kinds:
        message = _("%(value)s is not one of %(choices)s") % {
            "value": kind or _("(empty)"),
            "choices": ", ".join(INTERACTION_KINDS),
        }
        raise DatasetError(INTERACTIONS, line, "kind", message)
    at = times.get(at_text)
    if at is None:
        try:
            at = parse_time(at_text.strip())
        except ValueError:
            raise DatasetError(
                INTERACTIONS,
                line,
                "at",
                _("%(value)s is not an ISO 8601 time with an offset (e.g. 2026-05-12T10:30:00+09:00)")
                % {"value": at_text.strip() or _("(empty)")},
            ) from None
        times[at_text] = at
    return buyer_id, exhibitor_id, kind, at


def _read_test(text: str, buyers: set[str], exhibitors: set[str]) -> list[TestRow]:
    rows: list[TestRow] = []
    for line, v in _rows(TEST, text, progress=False):
        buyer_id, exhibitor_id = v["buyer_id"], v["exhibitor_id"]
        if buyer_id not in buyers:
            raise DatasetError(TEST, line, "buyer_id", _unknown_buyer(buyer_id))
        if exhibitor_id not in exhibitors:
            raise DatasetError(TEST, line, "exhibitor_id", _unknown_exhibitor(exhibitor_id))
        rows.append(TestRow(buyer_id, exhibitor_id))
    return rows


def read_folder(path: str | Path, *, include_test: bool = False, progress: bool = False) -> Dataset:
    """Read and validate a fair dataset folder; raise DatasetError at the first problem."""
    folder = Path(path)
    if not folder.is_dir():
        raise DatasetError(str(folder), None, None, _("not a folder"))
    norm = _Normaliser()
    exhibitors = _read_exhibitors(_read_text(folder, EXHIBITORS, required=True), norm, progress=progress)
    buyers = _read_buyers(_read_text(folder, BUYERS, required=True), norm, progress=progress)
    buyer_ids = {b.buyer_id for b in buyers}
    exhibitor_ids = {e.exhibitor_id for e in exhibitors}
    dataset = Dataset(exhibitors=exhibitors, buyers=buyers)
    text = _read_text(folder, INTERACTIONS, required=False)
    if text is not None:
        dataset.interactions = _read_interactions(text, buyer_ids, exhibitor_ids, progress=progress)
    del text
    if include_test:
        text = _read_text(folder, TEST, required=True)
        dataset.test = _read_test(text, buyer_ids, exhibitor_ids)
    return dataset


def preview_folder(
    path: str | Path, *, known_buyer_ids=frozenset(), known_exhibitor_ids=frozenset()
) -> tuple[Dataset, list[DatasetError]]:
    """Read a folder for a preview, collecting every error instead of stopping at the first.

    Either profile file may be missing (an invitation may add only buyers), but not both.
    Interactions may name the fair's existing dataset ids (``known_*``) as well as the files' ids.
    Returns the valid rows and the errors, in file and line order; raises nothing for a bad file.
    """
    folder = Path(path)
    errors: list[DatasetError] = []
    texts: dict[str, str | None] = {}
    for name in (EXHIBITORS, BUYERS, INTERACTIONS):
        try:
            texts[name] = _read_text(folder, name, required=False)
        except DatasetError as e:
            errors.append(e)
            texts[name] = None
    if texts[EXHIBITORS] is None and texts[BUYERS] is None and not errors:
        errors.append(
            DatasetError(f"{EXHIBITORS}, {BUYERS}", None, None, _("give one of the two files, or both"))
        )
    norm = _Normaliser()
    dataset = Dataset()
    if texts[EXHIBITORS] is not None:
        dataset.exhibitors = _read_exhibitors(texts[EXHIBITORS], norm, progress=False, errors=errors)
    if texts[BUYERS] is not None:
        dataset.buyers = _read_buyers(texts[BUYERS], norm, progress=False, errors=errors)
    if texts[INTERACTIONS] is not None:
        buyer_ids = set(known_buyer_ids) | {b.buyer_id for b in dataset.buyers}
        exhibitor_ids = set(known_exhibitor_ids) | {e.exhibitor_id for e in dataset.exhibitors}
        try:
            dataset.interactions = _read_interactions(
                texts[INTERACTIONS], buyer_ids, exhibitor_ids, progress=False, errors=errors
            )
        except DatasetError as e:  # an unreadable header or row: the rest of the file is not read
            errors.append(e)
    return dataset, errors


# --- writing ------------------------------------------------------------------


def format_time(at: datetime) -> str:
    """ISO 8601 in UTC with its offset, keeping the microseconds when there are any."""
    return at.astimezone(UTC).isoformat()


def write_folder(dataset: Dataset, path: str | Path) -> None:
    """Write the dataset as the CSV folder read_folder reads (times in UTC)."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)

    def writer(name: str, header):
        f = open(folder / name, "w", encoding="utf-8", newline="")  # noqa: SIM115
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        return f, w

    j = ";".join
    f, w = writer(EXHIBITORS, sum(_FILE_COLUMNS[EXHIBITORS], ()))
    with f:
        w.writerows(
            (
                e.exhibitor_id,
                e.company,
                e.country,
                j(e.hs_codes),
                j(e.target_markets),
                j(e.certifications),
                j(e.languages),
                e.description,
            )
            for e in dataset.exhibitors
        )
    f, w = writer(BUYERS, sum(_FILE_COLUMNS[BUYERS], ()))
    with f:
        w.writerows(
            (
                b.buyer_id,
                b.company,
                b.country,
                j(b.hs_codes),
                j(b.required_certifications),
                j(b.languages),
                b.description,
            )
            for b in dataset.buyers
        )
    f, w = writer(INTERACTIONS, _FILE_COLUMNS[INTERACTIONS][0])
    with f:
        times: dict[datetime, str] = {}
        for i in dataset.interactions:
            text = times.get(i.at)
            if text is None:
                text = times[i.at] = format_time(i.at)
            w.writerow((i.buyer_id, i.exhibitor_id, i.kind, text))
    if dataset.test:
        f, w = writer(TEST, _FILE_COLUMNS[TEST][0])
        with f:
            w.writerows((t.buyer_id, t.exhibitor_id) for t in dataset.test)
