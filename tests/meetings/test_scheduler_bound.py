"""The upper bound and the two-step solver: bound >= optimum >= solver >= greedy, rules kept."""

import sys
from pathlib import Path

import pytest

from meetings import scheduler
from meetings.scheduler import Pair, Problem


def _bench():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import scheduler as bench

    return bench


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bound_is_above_the_solver_which_is_above_greedy_on_random_fairs(seed):
    problem = _bench().generate(buyers=80, exhibitors=20, interpreters=5, slots=8, pairs=400, seed=seed)
    bound = scheduler.upper_bound(problem)
    best, base = scheduler.schedule(problem, time_limit=10), scheduler.greedy(problem)
    assert scheduler.check(problem, best) == [] and scheduler.check(problem, base) == []
    assert bound.value + 1e-6 >= best.total_score >= base.total_score - 1e-6
    assert best.bound == pytest.approx(bound.value)
    # The slot programme over every pair and every slot (no day fixed) is itself a relaxation of the
    # timetable (interpreters only in aggregate), so even its optimum stays under the bound.
    chosen, _message = scheduler._place(problem, None, time_limit=30, gap=0.0)
    full = sum(problem.pairs[p].score for p, _s in chosen)
    assert bound.value + 1e-6 >= full


def test_bound_is_exact_where_greedy_blocks_itself():
    problem = Problem(
        slots=[1, 2],
        slot_day={1: "d", 2: "d"},
        pairs=[Pair(1, 1, 3.0), Pair(2, 1, 2.5)],
        buyer_free={1: {1, 2}, 2: {1}},
        exhibitor_free={1: {1, 2}},
    )
    bound = scheduler.upper_bound(problem)
    assert bound.integral and bound.value == pytest.approx(5.5)
    assert scheduler.schedule(problem).total_score == pytest.approx(5.5)
    assert scheduler.greedy(problem).total_score == pytest.approx(3.0)


def test_bound_counts_daily_limits_booked_meetings_and_interpreters():
    # Four pairs share one interpreter who may do one more meeting today (one is already booked).
    problem = Problem(
        slots=[1, 2, 3],
        slot_day={1: "d", 2: "d", 3: "d"},
        pairs=[Pair(b, 1, float(b), interpreters=frozenset({100})) for b in range(1, 5)],
        buyer_free={b: {1, 2, 3} for b in range(1, 5)},
        exhibitor_free={1: {1, 2, 3}},
        interpreter_free={100: {1, 2, 3}},
        daily_limit=2,
        booked={("i", 100, "d"): 1},
    )
    assert scheduler.upper_bound(problem).value == pytest.approx(4.0)
    best = scheduler.schedule(problem)
    assert scheduler.check(problem, best) == [] and best.total_score == pytest.approx(4.0)


def test_interpreters_are_shared_out_over_the_day_not_slot_by_slot():
    # 201 speaks x only, 200 speaks x and y; each may work once today. The x meeting at slot 1 must
    # take 201 so that 200 is left for the y meeting at slot 2 (slot by slot, 200 looks as good).
    problem = Problem(
        slots=[1, 2],
        slot_day={1: "d", 2: "d"},
        pairs=[
            Pair(1, 1, 2.0, interpreters=frozenset({200, 201})),
            Pair(2, 2, 1.0, interpreters=frozenset({200})),
        ],
        buyer_free={1: {1}, 2: {2}},
        exhibitor_free={1: {1}, 2: {2}},
        interpreter_free={200: {1, 2}, 201: {1, 2}},
        daily_limit=1,
    )
    assignments, dropped = scheduler._assign_interpreters(problem, [(0, 1), (1, 2)])
    assert dropped == 0 and {(a.buyer, a.interpreter) for a in assignments} == {(1, 201), (2, 200)}
    best = scheduler.schedule(problem)
    assert scheduler.check(problem, best) == [] and best.total_score == pytest.approx(3.0)
