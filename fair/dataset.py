"""The fair dataset (../shared/specs/fair-dataset.md): typed rows, reading and writing.

One place reads and validates the CSV folder; `import_fair` writes its rows to
the database and `evaluate_matching` hands them to the recommender directly.
Every error names the file, the line (1 is the header) and the column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

EXHIBITORS = "exhibitors.csv"
BUYERS = "buyers.csv"
INTERACTIONS = "interactions.csv"
TEST = "test.csv"

INTERACTION_KINDS = ("booth_visit", "product_view", "chat", "meeting_request", "meeting_held", "deal")


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


@dataclass(frozen=True, slots=True)
class InteractionRow:
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
