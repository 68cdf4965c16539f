import sys
from pathlib import Path

from matching.services import mark_set
from meetings import scheduler, services
from meetings.models import Meeting, Seat
from meetings.scheduler import Pair, Problem
from tests.meetings.conftest import free_buyer


def test_solver_beats_greedy_where_greedy_blocks_itself():
    # Greedy puts the best pair (b1,e1) in slot 1, where b2 alone can meet e1; the optimum moves it.
    problem = Problem(
        slots=[1, 2],
        slot_day={1: "d", 2: "d"},
        pairs=[Pair(1, 1, 3.0), Pair(2, 1, 2.5)],
        buyer_free={1: {1, 2}, 2: {1}},
        exhibitor_free={1: {1, 2}},
    )
    best, base = scheduler.schedule(problem), scheduler.greedy(problem)
    assert scheduler.check(problem, best) == [] and scheduler.check(problem, base) == []
    assert base.total_score == 3.0 and best.total_score == 5.5


def test_interpreters_and_daily_limits_are_kept():
    problem = Problem(
        slots=[1, 2, 3],
        slot_day={1: "d", 2: "d", 3: "d"},
        pairs=[Pair(b, 1, 1.0 + b / 10, interpreters=frozenset({100})) for b in range(1, 5)],
        buyer_free={b: {1, 2, 3} for b in range(1, 5)},
        exhibitor_free={1: {1, 2, 3}},
        interpreter_free={100: {1, 2, 3}},
        daily_limit=2,
    )
    best = scheduler.schedule(problem)
    assert scheduler.check(problem, best) == []
    assert len(best.assignments) == 2 and all(a.interpreter == 100 for a in best.assignments)


def test_the_benchmark_instance_generator_keeps_every_rule_small():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import scheduler as bench

    problem = bench.generate(buyers=60, exhibitors=15, interpreters=4, slots=8, pairs=300, seed=1)
    best, base = scheduler.schedule(problem, time_limit=10), scheduler.greedy(problem)
    assert scheduler.check(problem, best) == [] and scheduler.check(problem, base) == []
    assert best.total_score >= base.total_score


def test_round_from_interest_marks_then_published(booking, small_fair, django_capture_on_commit_callbacks):
    from django.core import mail

    org = booking["org"]
    buyers = [free_buyer(booking) for _ in range(3)]
    for b in buyers:
        mark_set(buyer=b, booth=booking["booth"], side="buyer", value="interested")
    mark_set(buyer=buyers[0], booth=booking["booth"], side="exhibitor", value="interested")
    result = services.round_run(
        actor=org, fair=booking["fair"], scores={(buyers[2].pk, booking["booth"].pk): 0.5}
    )
    assert result.proposals == 3
    proposals = {p.buyer_id: p for p in result.round.proposals.all()}
    assert proposals[buyers[0].pk].score == 2.0 and proposals[buyers[2].pk].score == 1.5
    assert len({p.slot_id for p in proposals.values()}) == 3  # one booth, three different slots
    services.round_edit(actor=org, proposal=proposals[buyers[1].pk], remove=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.round_publish(actor=org, round=result.round)
    assert outcome == {"meetings": 2, "skipped": 0}
    assert Meeting.objects.filter(status="accepted").count() == 2 and Seat.objects.count() == 4
    assert {m.to[0] for m in mail.outbox} >= {buyers[0].user.email, buyers[2].user.email}


def test_a_no_thanks_from_either_side_keeps_the_pair_out_of_a_round(booking):
    keen, declined_by_booth, declined_by_buyer = (free_buyer(booking) for _ in range(3))
    for b in (keen, declined_by_booth, declined_by_buyer):
        mark_set(buyer=b, booth=booking["booth"], side="buyer", value="must_meet")
    mark_set(buyer=declined_by_booth, booth=booking["booth"], side="exhibitor", value="no_thanks")
    mark_set(buyer=declined_by_buyer, booth=booking["booth"], side="buyer", value="no_thanks")  # changed mind
    result = services.round_run(actor=booking["org"], fair=booking["fair"], scores={})
    proposals = {p.buyer_id: p.score for p in result.round.proposals.all()}
    assert proposals == {keen.pk: 2.0}
