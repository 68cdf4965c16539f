"""A market's sourcing requests, as the apps above the fair offer them, for whoever weighs demand.

The trade apps share one floor and never import each other (docs/layers.md), yet the playbooks'
"promising products per market" and the readiness check's price range need the sourcing requests
(rfq/). So the fair, below both, keeps this one place: rfq registers a source when it starts
(``rfq.apps``), playbooks reads ``requests_of``. Without a source (rfq not installed) there are none.

A source is a function (fair, country) -> iterable of ``Request``: the requests posted by the market's
buyers (their company is in ``country``) or destined to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from fair.models import Fair


@dataclass(frozen=True)
class Request:
    buyer_id: int  # the Participant who posted it
    hs_code: str  # digits only, as the request keeps it
    quotes: int  # the quotes it received (declined ones left out)
    target_price: Decimal | None  # a unit price the buyer aims at, or None
    currency: str  # of the target price


Source = Callable[[Fair, str], Iterable[Request]]
_sources: list[Source] = []


def register(source: Source) -> None:
    """Add a source of requests (once: a second registration of the same function is ignored)."""
    if source not in _sources:
        _sources.append(source)


def requests_of(*, fair: Fair, country: str) -> list[Request]:
    """Every registered source's requests of ``country``'s buyers at ``fair``."""
    return [r for source in _sources for r in source(fair, country)]
