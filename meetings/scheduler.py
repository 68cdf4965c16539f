"""The auto-matchmaking scheduler: pure code, no ORM.

Given candidate (buyer, exhibitor) pairs with a score, who is free when, the
daily limit and the interpreter pool, choose at most one slot per pair so
that the total score is as high as possible and no one is booked twice.

It is one mixed-integer programme solved by HiGHS through ``scipy.optimize.milp``:

    maximise   sum score[p] * x[p, s]
    subject to sum_s x[p, s] <= 1                        each pair meets once
               sum_p x[p, s] <= 1  per buyer, slot       and exhibitor, slot
               sum_(p, s in day) x <= limit  per buyer, day   and exhibitor, day
               sum_(p needing E' within E) x[p, s] <= |E free at s|   per interpreter group E, slot

x[p, s] exists only where both sides are free. The interpreter rows are the
Hall conditions for each group of interpreters a pair can use (pairs are
grouped by the set of interpreters who speak both their languages); the
actual interpreters are then given slot by slot with an assignment
(``linear_sum_assignment``), and a meeting that cannot get one is dropped.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import csr_array


@dataclass(frozen=True)
class Pair:
    buyer: int
    exhibitor: int
    score: float
    interpreters: frozenset[int] | None = None  # None: no interpreter needed; else who could interpret


@dataclass
class Problem:
    slots: list[int]  # in time order
    slot_day: dict[int, Hashable]
    pairs: list[Pair]
    buyer_free: dict[int, set[int]]
    exhibitor_free: dict[int, set[int]]
    interpreter_free: dict[int, set[int]] = field(default_factory=dict)
    daily_limit: int = 8
    # Meetings already booked count against the daily limit: (kind, id, day) -> n
    booked: dict[tuple[str, int, Hashable], int] = field(default_factory=dict)


@dataclass(frozen=True)
class Assignment:
    buyer: int
    exhibitor: int
    slot: int
    interpreter: int | None
    score: float


@dataclass
class Solution:
    assignments: list[Assignment]
    total_score: float
    seconds: float
    status: str


def _assign_interpreters(problem: Problem, chosen: list[tuple[int, int]]) -> tuple[list[Assignment], int]:
    """Give an interpreter to each chosen (pair, slot) needing one; returns them and the number dropped."""
    by_slot: dict[int, list[int]] = defaultdict(list)
    out: list[Assignment] = []
    for p, s in chosen:
        pair = problem.pairs[p]
        if pair.interpreters is None:
            out.append(Assignment(pair.buyer, pair.exhibitor, s, None, pair.score))
        else:
            by_slot[s].append(p)
    load: dict[tuple[int, Hashable], int] = defaultdict(int)
    dropped = 0
    for s in problem.slots:
        wanting = by_slot.get(s)
        if not wanting:
            continue
        day = problem.slot_day[s]
        free = [
            i
            for i, slots in problem.interpreter_free.items()
            if s in slots and load[(i, day)] + problem.booked.get(("i", i, day), 0) < problem.daily_limit
        ]
        col = {i: k for k, i in enumerate(free)}
        cost = np.full((len(wanting), max(len(free), 1)), 1e9)
        for r, p in enumerate(wanting):
            for i in problem.pairs[p].interpreters:
                if i in col:
                    # Prefer the interpreter with the lightest day so far.
                    cost[r, col[i]] = -problem.pairs[p].score * 1000 + load[(i, day)]
        rows, cols = linear_sum_assignment(cost)
        matched = set()
        for r, c in zip(rows, cols, strict=True):
            if cost[r, c] >= 1e9:
                continue
            p, i = wanting[r], free[c]
            pair = problem.pairs[p]
            out.append(Assignment(pair.buyer, pair.exhibitor, s, i, pair.score))
            load[(i, day)] += 1
            matched.add(r)
        dropped += len(wanting) - len(matched)
    return out, dropped


def _variables(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    var_pair, var_slot = [], []
    order = {s: k for k, s in enumerate(problem.slots)}
    for p, pair in enumerate(problem.pairs):
        common = problem.buyer_free.get(pair.buyer, set()) & problem.exhibitor_free.get(pair.exhibitor, set())
        if pair.interpreters is not None:
            common = {
                s for s in common if any(s in problem.interpreter_free.get(i, ()) for i in pair.interpreters)
            }
        for s in sorted(common, key=order.__getitem__):
            var_pair.append(p)
            var_slot.append(s)
    return np.asarray(var_pair, dtype=np.int64), np.asarray(var_slot, dtype=np.int64)


def _capacity(free: set[int], problem: Problem, kind: str, who: int) -> int:
    per_day: dict[Hashable, int] = defaultdict(int)
    for s in free:
        per_day[problem.slot_day[s]] += 1
    return sum(
        min(n, max(0, problem.daily_limit - problem.booked.get((kind, who, d), 0)))
        for d, n in per_day.items()
    )


def prune(problem: Problem, *, factor: int = 3) -> list[int]:
    """The pairs worth offering the solver: those among the best ``factor`` times what each party can hold.

    A pair ranked below that for its exhibitor, its buyer or its interpreter
    group could only be scheduled if many better pairs of the same party were
    not; the fill-in pass after the solver still gives those a chance.
    """
    by_score = sorted(range(len(problem.pairs)), key=lambda p: -problem.pairs[p].score)
    caps: dict[tuple[str, object], int] = {}
    for e, free in problem.exhibitor_free.items():
        caps[("e", e)] = factor * _capacity(free, problem, "e", e)
    for b, free in problem.buyer_free.items():
        caps[("b", b)] = factor * _capacity(free, problem, "b", b)
    for group in {p.interpreters for p in problem.pairs if p.interpreters is not None}:
        caps[("g", group)] = factor * sum(
            _capacity(problem.interpreter_free.get(i, set()), problem, "i", i) for i in group
        )
    used: dict[tuple[str, object], int] = defaultdict(int)
    keep = []
    for p in by_score:
        pair = problem.pairs[p]
        keys = [("e", pair.exhibitor), ("b", pair.buyer)]
        if pair.interpreters is not None:
            keys.append(("g", pair.interpreters))
        if all(used[k] < caps.get(k, 0) for k in keys):
            keep.append(p)
            for k in keys:
                used[k] += 1
    return keep


def schedule(problem: Problem, *, time_limit: float = 20.0, gap: float = 0.005) -> Solution:
    """The timetable with the highest total score the solver finds within ``time_limit`` seconds."""
    started = time.perf_counter()
    full = problem
    kept = prune(full)
    problem = Problem(
        slots=full.slots,
        slot_day=full.slot_day,
        pairs=[full.pairs[p] for p in kept],
        buyer_free=full.buyer_free,
        exhibitor_free=full.exhibitor_free,
        interpreter_free=full.interpreter_free,
        daily_limit=full.daily_limit,
        booked=full.booked,
    )
    var_pair, var_slot = _variables(problem)
    n = len(var_pair)
    if n == 0:
        return Solution([], 0.0, time.perf_counter() - started, "empty")
    pairs = problem.pairs
    scores = np.array([pairs[p].score for p in var_pair])
    rows: list[np.ndarray] = []  # one row id per variable, for each family of constraints
    caps: list[np.ndarray] = []
    next_row = 0

    def family(keys: list, cap_of) -> None:
        """Add one constraint per distinct key; variables whose key is None take no part."""
        nonlocal next_row
        index: dict = {}
        ids = np.full(n, -1, dtype=np.int64)
        for v, key in enumerate(keys):
            if key is None:
                continue
            ids[v] = index.setdefault(key, len(index))
        if not index:
            return
        cap = np.empty(len(index))
        for key, k in index.items():
            cap[k] = cap_of(key)
        ids[ids >= 0] += next_row
        rows.append(ids)
        caps.append(cap)
        next_row += len(index)

    day = problem.slot_day
    limit = problem.daily_limit
    buyers = [pairs[p].buyer for p in var_pair]
    exhibitors = [pairs[p].exhibitor for p in var_pair]
    family(list(var_pair), lambda key: 1)
    family(list(zip(buyers, var_slot, strict=True)), lambda key: 1)
    family(list(zip(exhibitors, var_slot, strict=True)), lambda key: 1)
    family(
        [(b, day[s]) for b, s in zip(buyers, var_slot, strict=True)],
        lambda key: max(0, limit - problem.booked.get(("b", key[0], key[1]), 0)),
    )
    family(
        [(e, day[s]) for e, s in zip(exhibitors, var_slot, strict=True)],
        lambda key: max(0, limit - problem.booked.get(("e", key[0], key[1]), 0)),
    )
    groups = sorted({pair.interpreters for pair in pairs if pair.interpreters is not None}, key=len)
    for group in groups:
        members = [pairs[p].interpreters is not None and pairs[p].interpreters <= group for p in var_pair]
        family(
            [(s,) if m else None for s, m in zip(var_slot, members, strict=True)],
            lambda key, g=group: sum(1 for i in g if key[0] in problem.interpreter_free.get(i, ())),
        )
        family(
            [(day[s],) if m else None for s, m in zip(var_slot, members, strict=True)],
            lambda key, g=group: sum(
                min(
                    max(0, limit - problem.booked.get(("i", i, key[0]), 0)),
                    sum(1 for s in problem.interpreter_free.get(i, ()) if day.get(s) == key[0]),
                )
                for i in g
            ),
        )

    row_ids = np.concatenate(rows)
    col_ids = np.tile(np.arange(n), len(rows))
    keep = row_ids >= 0
    matrix = csr_array((np.ones(int(keep.sum())), (row_ids[keep], col_ids[keep])), shape=(next_row, n))
    upper = np.concatenate(caps)
    result = milp(
        c=-scores,
        constraints=LinearConstraint(matrix, -np.inf, upper),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"time_limit": max(1.0, time_limit - (time.perf_counter() - started)), "mip_rel_gap": gap},
    )
    if result.x is None:
        solved = greedy(full)
        solved.status = f"solver gave no timetable ({result.message}); greedy used"
        return solved
    picked = np.flatnonzero(result.x > 0.5)
    chosen = [(int(var_pair[v]), int(var_slot[v])) for v in picked]
    assignments, _dropped = _assign_interpreters(problem, chosen)
    # Fill-in: pairs the solver did not place (or pruned away) where everyone is still free.
    filled = greedy(full, start=assignments)
    return Solution(filled.assignments, filled.total_score, time.perf_counter() - started, result.message)


def greedy(problem: Problem, *, start: list[Assignment] = ()) -> Solution:
    """The baseline: best-scoring pairs first, each in the earliest slot where everyone is still free.

    ``start`` is a partial timetable to keep and complete.
    """
    started = time.perf_counter()
    busy: set[tuple[str, int, int]] = set()
    load: dict[tuple[str, int, Hashable], int] = defaultdict(int)
    for key, value in problem.booked.items():
        load[key] += value
    out: list[Assignment] = list(start)
    done = set()
    for a in start:
        d = problem.slot_day[a.slot]
        done.add((a.buyer, a.exhibitor))
        for kind, who in (("b", a.buyer), ("e", a.exhibitor), ("i", a.interpreter)):
            if who is not None:
                busy.add((kind, who, a.slot))
                load[(kind, who, d)] += 1
    limit = problem.daily_limit
    for pair in sorted(problem.pairs, key=lambda p: -p.score):
        if (pair.buyer, pair.exhibitor) in done:
            continue
        common = problem.buyer_free.get(pair.buyer, set()) & problem.exhibitor_free.get(pair.exhibitor, set())
        for s in problem.slots:
            if s not in common or ("b", pair.buyer, s) in busy or ("e", pair.exhibitor, s) in busy:
                continue
            d = problem.slot_day[s]
            if load[("b", pair.buyer, d)] >= limit or load[("e", pair.exhibitor, d)] >= limit:
                continue
            interpreter = None
            if pair.interpreters is not None:
                options = sorted(
                    i
                    for i in pair.interpreters
                    if s in problem.interpreter_free.get(i, ())
                    and ("i", i, s) not in busy
                    and load[("i", i, d)] < limit
                )
                if not options:
                    continue
                interpreter = options[0]
                busy.add(("i", interpreter, s))
                load[("i", interpreter, d)] += 1
            busy.add(("b", pair.buyer, s))
            busy.add(("e", pair.exhibitor, s))
            load[("b", pair.buyer, d)] += 1
            load[("e", pair.exhibitor, d)] += 1
            out.append(Assignment(pair.buyer, pair.exhibitor, s, interpreter, pair.score))
            break
    return Solution(out, float(sum(a.score for a in out)), time.perf_counter() - started, "greedy")


def check(problem: Problem, solution: Solution) -> list[str]:
    """Every rule a timetable must keep; an empty list means it keeps them all."""
    errors = []
    seen: set[tuple] = set()
    load: dict[tuple, int] = defaultdict(int)
    for key, value in problem.booked.items():
        load[key] += value
    pairs_seen = set()
    for a in solution.assignments:
        if (a.buyer, a.exhibitor) in pairs_seen:
            errors.append(f"pair {a.buyer}/{a.exhibitor} twice")
        pairs_seen.add((a.buyer, a.exhibitor))
        d = problem.slot_day[a.slot]
        parties = [("b", a.buyer), ("e", a.exhibitor)] + (
            [("i", a.interpreter)] if a.interpreter is not None else []
        )
        free = {"b": problem.buyer_free, "e": problem.exhibitor_free, "i": problem.interpreter_free}
        for kind, who in parties:
            if (kind, who, a.slot) in seen:
                errors.append(f"{kind}{who} double-booked at {a.slot}")
            seen.add((kind, who, a.slot))
            if a.slot not in free[kind].get(who, ()):
                errors.append(f"{kind}{who} not free at {a.slot}")
            load[(kind, who, d)] += 1
            if load[(kind, who, d)] > problem.daily_limit:
                errors.append(f"{kind}{who} over the daily limit on {d}")
    return errors
