"""Every party signs at the same moment, on PostgreSQL: each signature is recorded once, and exactly
one final PDF is written (the agreement's row lock orders the signers; the unique constraint on
(version, signatory) refuses a second signature)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, connections

from agreements import services
from agreements.models import Agreement, Signature
from kernel.errors import DomainError
from kernel.models import OutboxMessage
from tests import factories
from tests.agreements.conftest import last_code, signatory_of, verified

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.USING_POSTGRES, reason="needs DATABASE_URL pointing at PostgreSQL (real concurrency)"
    ),
]


@pytest.mark.django_db(transaction=True)
def test_all_parties_sign_at_once_and_one_final_pdf_is_written(mou, mou_world):
    w = mou_world
    # Five signatories: two for Seoul Glow, Busan, Shanghai, and the organizer as witness.
    second = factories.staff(w["booths"]["seoul"], user_obj=verified(factories.user()))
    services.signatory_add(actor=w["staff_a"].user, agreement=mou, participant=second)
    services.witness_require(actor=w["organizer"].user, agreement=mou)
    people = [w["staff_a"], second, w["staff_b"], w["buyer_c"], w["organizer"]]
    codes = {}
    for p in people:
        services.code_send(actor=p.user, signatory=signatory_of(mou, p))
        codes[p.pk] = last_code(p.user.email)

    # Each signatory clicks "Sign" twice, all at once.
    attempts = [p for p in people for _ in range(2)]
    barrier = threading.Barrier(len(attempts))
    results, lock = [], threading.Lock()

    def sign(p):
        try:
            barrier.wait()
            services.agreement_sign(
                actor=p.user, signatory=signatory_of(mou, p), code=codes[p.pk], ip="192.0.2.1", user_agent="t"
            )
            outcome = "ok"
        except DomainError as e:
            outcome = e.code
        except Exception as e:  # anything else is a failure the test must show
            outcome = repr(e)
        finally:
            connections.close_all()
        with lock:
            results.append((p.pk, outcome))

    threads = [threading.Thread(target=sign, args=(p,)) for p in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert connection.vendor == "postgresql"
    ok = [pk for pk, outcome in results if outcome == "ok"]
    assert sorted(ok) == sorted(p.pk for p in people), results  # each signatory signed once
    refused = {outcome for _pk, outcome in results if outcome != "ok"}
    assert refused <= {"agreement.already_signed", "agreement.no_code", "agreement.signed"}, results
    assert Signature.objects.filter(version__agreement=mou).count() == 5
    mou.refresh_from_db()
    assert mou.status == Agreement.Status.SIGNED
    # One final PDF: one completion (its mail to each of the five people, once), one file.
    told = OutboxMessage.objects.filter(event="agreement.completed", kind="mail")
    assert sorted(m.payload["to"][0] for m in told) == sorted(p.user.email for p in people)
    _dirs, files = default_storage.listdir(f"agreements/{mou.pk}")
    assert [f for f in files if f.endswith("-signed.pdf")] == [mou.final_pdf.name.rsplit("/", 1)[1]]
