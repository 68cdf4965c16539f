"""The auto-matchmaking scheduler: pure code, no ORM.

Given candidate (buyer, exhibitor) pairs with a score, who is free when, the
daily limit and the interpreter pool, choose at most one slot per pair so
that the total score is as high as possible and no one is booked twice.

Solving "which pair meets in which slot" as one integer programme is slow:
the slots of a day are interchangeable, so the solver wanders among
symmetric timetables. It is done in two steps, both with HiGHS via scipy:

1. Which pairs meet, on which day (``upper_bound``): a linear programme over
   (pair, day) with the capacities only, without slots:

       maximise   sum score[p] * y[p, d]
       subject to sum_d y[p, d] <= 1                                 each pair meets once
                  sum_p y[p, d] <= min(free slots on d, limit)       per buyer, day and exhibitor, day
                  sum_(p needing an interpreter within G) y[p, d]
                      <= sum_(i in G) min(free slots of i on d, limit)  per union G of groups, day

   Every timetable is a solution of it, so its optimum is an upper bound on
   any timetable's score; it is small (pairs x days) and nearly always has
   an integral optimum.

2. Which slot (``_place``): the slot programme of the full problem, but only
   for the pairs step 1 chose, each on the day it chose (when step 1 is
   integral; otherwise on any day). Fixing the days splits it into one small
   programme per day, which HiGHS solves in seconds:

       maximise   sum score[p] * x[p, s]
       subject to sum_s x[p, s] <= 1                        each pair meets once
                  sum_p x[p, s] <= 1  per buyer, slot       and exhibitor, slot
                  sum_(p, s in day) x <= limit  per buyer, day   and exhibitor, day
                  sum_(p needing an interpreter within G) x[p, s] <= |G free at s|   per union G, slot

   x[p, s] exists only where both sides (and an interpreter of theirs) are
   free. The actual interpreters are then given by one assignment programme
   (a flow: integral at the root; ``_assign_interpreters``); a meeting that
   cannot get one is dropped. Step 2 may not fit every pair step 1 chose
   (the relaxation ignores which slots are shared), so a greedy fill-in
   completes the timetable with whatever pairs still fit.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
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
    bound: float | None = None  # an upper bound on any timetable's score, when the solver computed one


def _assign_interpreters(problem: Problem, chosen: list[tuple[int, int]]) -> tuple[list[Assignment], int]:
    """Give an interpreter to each chosen (pair, slot) needing one; returns them and the number dropped.

    One assignment for the whole timetable: each meeting at most one interpreter who speaks both
    languages and is free then, each interpreter at most one meeting a slot and within the daily limit.
    Its matrix is that of a flow (meeting -> interpreter at that slot -> interpreter's day), so HiGHS
    solves it at the root; a meeting left without an interpreter is dropped.
    """
    out: list[Assignment] = []
    wanting: list[tuple[int, int]] = []
    for p, s in chosen:
        pair = problem.pairs[p]
        if pair.interpreters is None:
            out.append(Assignment(pair.buyer, pair.exhibitor, s, None, pair.score))
        else:
            wanting.append((p, s))
    var_meeting: list[int] = []
    var_interpreter: list[int] = []
    rows = _Rows()
    for m, (p, s) in enumerate(wanting):
        d = problem.slot_day[s]
        for i in sorted(problem.pairs[p].interpreters):
            if s in problem.interpreter_free.get(i, ()) and _day_capacity(problem, "i", i, d) > 0:
                v = len(var_meeting)
                var_meeting.append(m)
                var_interpreter.append(i)
                rows.add(("m", m), v, int, 1)
                rows.add(("is", i, s), v, int, 1)
                rows.add(("id", i, d), v, _day_capacity, problem, "i", i, d)
    if not var_meeting:
        return out, len(wanting)
    n = len(var_meeting)
    scores = np.array([problem.pairs[wanting[m][0]].score for m in var_meeting])
    result = milp(c=-scores, constraints=rows.constraint(n), integrality=np.ones(n), bounds=Bounds(0, 1))
    x = result.x if result.x is not None else np.zeros(n)
    served = 0
    for v in np.flatnonzero(x > 0.5):
        p, s = wanting[var_meeting[v]]
        pair = problem.pairs[p]
        out.append(Assignment(pair.buyer, pair.exhibitor, s, var_interpreter[v], pair.score))
        served += 1
    return out, len(wanting) - served


def _groups(problem: Problem, pairs: list[Pair], *, most: int = 256) -> list[frozenset[int]]:
    """The interpreter groups of ``pairs``, closed under union while there are at most ``most`` of them.

    Meetings whose group lies within a union can only be interpreted by its members, so a capacity row
    for each union is a valid (Hall) condition; unions of the groups make those rows tighter.
    """
    family = {p.interpreters for p in pairs if p.interpreters is not None}
    while True:
        new = {a | b for a in family for b in family} - family
        if not new or len(family) + len(new) > most:
            break
        family |= new
    everyone = frozenset().union(*family) if family else frozenset()
    if everyone:
        family.add(everyone)
    return sorted(family, key=lambda g: (len(g), sorted(g)))


class _Rows:
    """A sparse ``A x <= b`` built one (row key, variable) incidence at a time."""

    def __init__(self) -> None:
        self.index: dict = {}
        self.upper: list[float] = []
        self.rows: list[int] = []
        self.cols: list[int] = []

    def add(self, key, var: int, cap, *args) -> None:
        """Variable ``var`` takes part in row ``key``, whose bound is ``cap(*args)`` (asked once per row)."""
        row = self.index.get(key)
        if row is None:
            row = self.index[key] = len(self.upper)
            self.upper.append(float(cap(*args)))
        self.rows.append(row)
        self.cols.append(var)

    def constraint(self, n: int) -> LinearConstraint:
        matrix = csr_array(
            (np.ones(len(self.rows)), (np.asarray(self.rows), np.asarray(self.cols))),
            shape=(len(self.upper), n),
        )
        return LinearConstraint(matrix, -np.inf, np.asarray(self.upper))


def _day_capacity(problem: Problem, kind: str, who: int, day: Hashable) -> int:
    """How many meetings ``who`` can still hold on ``day``: free slots that day, within the daily limit."""
    free = {"b": problem.buyer_free, "e": problem.exhibitor_free, "i": problem.interpreter_free}[kind]
    slots = sum(1 for s in free.get(who, ()) if problem.slot_day.get(s) == day)
    return min(slots, max(0, problem.daily_limit - problem.booked.get((kind, who, day), 0)))


def _feasible_slots(problem: Problem, pair: Pair) -> set[int]:
    common = problem.buyer_free.get(pair.buyer, set()) & problem.exhibitor_free.get(pair.exhibitor, set())
    common &= set(problem.slot_day)
    if pair.interpreters is not None:
        common = {
            s for s in common if any(s in problem.interpreter_free.get(i, ()) for i in pair.interpreters)
        }
    return common


@dataclass
class Bound:
    """The relaxation without slots: which pairs meet on which day, within every capacity."""

    value: float  # no timetable can score more
    chosen: list[tuple[int, Hashable]]  # (pair index, day) the relaxation picked, fractional ones included
    integral: bool
    seconds: float


def upper_bound(problem: Problem) -> Bound:
    """An upper bound on the total score of any timetable, and the pairs that reach it.

    The linear relaxation of "which pair meets on which day": each pair at most once, each buyer and
    exhibitor at most min(free slots, daily limit) a day, and each union of interpreter groups at most
    what its interpreters can hold that day. Every timetable is a solution of it, so its optimum (found by
    HiGHS in a second or two; no slot symmetry) bounds them all. It is usually integral.
    """
    started = time.perf_counter()
    pairs = problem.pairs
    var_pair: list[int] = []
    var_day: list[Hashable] = []
    for p, pair in enumerate(pairs):
        days = {problem.slot_day[s] for s in _feasible_slots(problem, pair)}
        for d in sorted(days, key=str):
            var_pair.append(p)
            var_day.append(d)
    n = len(var_pair)
    if n == 0:
        return Bound(0.0, [], True, time.perf_counter() - started)
    family = _groups(problem, pairs)
    rows = _Rows()
    for v, (p, d) in enumerate(zip(var_pair, var_day, strict=True)):
        pair = pairs[p]
        rows.add(("p", p), v, int, 1)
        rows.add(("b", pair.buyer, d), v, _day_capacity, problem, "b", pair.buyer, d)
        rows.add(("e", pair.exhibitor, d), v, _day_capacity, problem, "e", pair.exhibitor, d)
        if pair.interpreters is not None:
            for g in family:
                if pair.interpreters <= g:
                    rows.add(("g", g, d), v, _group_day_capacity, problem, g, d)
    scores = np.array([pairs[p].score for p in var_pair])
    constraint = rows.constraint(n)
    result = linprog(-scores, A_ub=constraint.A, b_ub=constraint.ub, bounds=(0, 1), method="highs")
    if result.x is None:  # cannot happen for a bounded, feasible LP; be safe: the trivial bound
        return Bound(float(scores.sum()), [], False, time.perf_counter() - started)
    x = result.x
    chosen = [(var_pair[v], var_day[v]) for v in np.flatnonzero(x > 1e-6)]
    integral = bool(np.all((x < 1e-6) | (x > 1 - 1e-6)))
    return Bound(float(-result.fun), chosen, integral, time.perf_counter() - started)


def _place(problem: Problem, day_of: dict[int, Hashable] | None, *, time_limit: float, gap: float):
    """Slots for the pairs of ``problem`` (each on its day in ``day_of``, if given): the slot programme."""
    order = {s: k for k, s in enumerate(problem.slots)}
    pairs = problem.pairs
    var_pair: list[int] = []
    var_slot: list[int] = []
    for p, pair in enumerate(pairs):
        slots = _feasible_slots(problem, pair)
        if day_of is not None:
            slots = {s for s in slots if problem.slot_day[s] == day_of[p]}
        for s in sorted(slots, key=order.__getitem__):
            var_pair.append(p)
            var_slot.append(s)
    n = len(var_pair)
    if n == 0:
        return [], "empty"
    day = problem.slot_day
    family = _groups(problem, pairs)
    rows = _Rows()
    for v, (p, s) in enumerate(zip(var_pair, var_slot, strict=True)):
        pair, d = pairs[p], day[s]
        rows.add(("p", p), v, int, 1)
        rows.add(("bs", pair.buyer, s), v, int, 1)
        rows.add(("es", pair.exhibitor, s), v, int, 1)
        rows.add(("bd", pair.buyer, d), v, _day_capacity, problem, "b", pair.buyer, d)
        rows.add(("ed", pair.exhibitor, d), v, _day_capacity, problem, "e", pair.exhibitor, d)
        if pair.interpreters is not None:
            for g in family:
                if pair.interpreters <= g:
                    rows.add(("gs", g, s), v, _free_at, problem, g, s)
                    rows.add(("gd", g, d), v, _group_day_capacity, problem, g, d)
    scores = np.array([pairs[p].score for p in var_pair])
    result = milp(
        c=-scores,
        constraints=rows.constraint(n),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"time_limit": max(1.0, time_limit), "mip_rel_gap": gap},
    )
    if result.x is None:
        return None, result.message
    picked = np.flatnonzero(result.x > 0.5)
    return [(var_pair[v], var_slot[v]) for v in picked], result.message


def _free_at(problem: Problem, group: frozenset[int], slot: int) -> int:
    return sum(1 for i in group if slot in problem.interpreter_free.get(i, ()))


def _group_day_capacity(problem: Problem, group: frozenset[int], day: Hashable) -> int:
    return sum(_day_capacity(problem, "i", i, day) for i in group)


def schedule(problem: Problem, *, time_limit: float = 20.0, gap: float = 0.001) -> Solution:
    """The timetable with the highest total score the solver finds within ``time_limit`` seconds."""
    started = time.perf_counter()
    bound = upper_bound(problem)
    candidates = sorted({p for p, _d in bound.chosen})
    sub = Problem(
        slots=problem.slots,
        slot_day=problem.slot_day,
        pairs=[problem.pairs[p] for p in candidates],
        buyer_free=problem.buyer_free,
        exhibitor_free=problem.exhibitor_free,
        interpreter_free=problem.interpreter_free,
        daily_limit=problem.daily_limit,
        booked=problem.booked,
    )
    # An integral choice fixes each pair's day, which splits the slot programme into one per day.
    day_of = None
    if bound.integral:
        picked_day = dict(bound.chosen)
        day_of = {k: picked_day[p] for k, p in enumerate(candidates)}
    chosen, message = _place(sub, day_of, time_limit=time_limit - (time.perf_counter() - started), gap=gap)
    if chosen is None:
        placed = greedy(sub).assignments
        status = f"solver gave no timetable ({message}); the chosen pairs placed greedily"
    else:
        placed, dropped = _assign_interpreters(sub, chosen)
        status = f"{message}; {dropped} without an interpreter" if dropped else message
    # Fill-in: pairs not placed (or not chosen) where everyone is still free.
    filled = greedy(problem, start=placed)
    plain = greedy(problem)
    if plain.total_score > filled.total_score:  # never worse than the baseline
        filled, status = plain, f"{status}; greedy kept (it scored more)"
    return Solution(
        filled.assignments, filled.total_score, time.perf_counter() - started, status, bound=bound.value
    )


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
