"""Two quotes accepted at the same moment under a limit of one acceptance, on PostgreSQL: exactly one
is accepted (the request's row lock orders the two; the second sees the first and is refused)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from kernel.errors import DomainError
from rfq import services
from rfq.models import Quote, Rfq
from tests.rfq.conftest import post, quote

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.USING_POSTGRES, reason="needs DATABASE_URL pointing at PostgreSQL (real concurrency)"
    ),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_acceptances_at_once_under_a_limit_of_one_give_one(rfq_world, attempt):
    w = rfq_world
    rfq = post(w, max_accepted=1)
    services.rfq_invite(
        actor=w["buyer"].user, rfq=rfq, booth_ids=[w["booths"]["seoul"].pk, w["booths"]["busan"].pk]
    )
    quotes = [quote(w, "seoul", rfq), quote(w, "busan", rfq, unit_price="1.9")]
    barrier = threading.Barrier(len(quotes))
    results, lock = [], threading.Lock()

    def accept(q):
        try:
            barrier.wait()
            services.quote_accept(actor=w["buyer"].user, quote=Quote.objects.get(pk=q.pk))
            outcome = "ok"
        except DomainError as e:
            outcome = e.code
        except Exception as e:  # anything else is a failure the test must show
            outcome = repr(e)
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=accept, args=(q,)) for q in quotes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert connection.vendor == "postgresql"
    assert sorted(results) == ["ok", "rfq.accept_limit"], results
    assert Quote.objects.filter(rfq=rfq, status=Quote.Status.ACCEPTED).count() == 1
    assert Rfq.objects.get(pk=rfq.pk).status == Rfq.Status.CLOSED


@pytest.mark.django_db(transaction=True)
def test_three_quotes_at_once_under_a_quote_limit_of_two_give_two(rfq_world):
    w = rfq_world
    rfq = post(w, max_quotes=2)
    keys = ("seoul", "busan", "paris")
    services.rfq_invite(actor=w["buyer"].user, rfq=rfq, booth_ids=[w["booths"][k].pk for k in keys])
    barrier = threading.Barrier(len(keys))
    results, lock = [], threading.Lock()

    def submit(key):
        try:
            barrier.wait()
            quote(w, key, Rfq.objects.get(pk=rfq.pk))
            outcome = "ok"
        except DomainError as e:
            outcome = e.code
        except Exception as e:  # anything else is a failure the test must show
            outcome = repr(e)
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=submit, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "ok", "rfq.closed"], results
    assert Quote.objects.filter(rfq=rfq).count() == 2
    r = Rfq.objects.get(pk=rfq.pk)
    assert (r.status, r.close_reason) == (Rfq.Status.CLOSED, Rfq.CloseReason.LIMIT)
