"""Sourcing requests and quotations: who sees what, deadlines and limits, versions, conversion."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kernel.errors import DomainError, NotFound, PermissionDenied
from meetings.models import FairCurrencyRate
from rfq import selectors, services
from rfq.access import access_quote, access_rfq
from rfq.models import Invitation, Quote, Rfq
from tests import factories
from tests.rfq.conftest import post, quote


def test_the_engine_proposes_the_booths_that_sell_it_with_reasons(sent, rfq_world):
    w = rfq_world
    r = post(w)
    proposed = list(r.invitations.order_by("rank"))
    booths = [i.booth_id for i in proposed]
    assert w["booths"]["fish"].pk not in booths  # fish sauce is not a serum
    assert set(booths) == {w["booths"][k].pk for k in ("seoul", "busan", "paris")}
    assert all(i.status == Invitation.Status.PROPOSED for i in proposed)
    seoul = next(i for i in proposed if i.booth_id == w["booths"]["seoul"].pk)
    codes = {x["code"] for x in seoul.reasons}
    assert {"hs_match", "holds_required_cert"} <= codes
    paris = next(i for i in proposed if i.booth_id == w["booths"]["paris"].pk)
    assert {"code": "missing_required_cert", "cert": "HALAL", "sign": -1} in paris.reasons
    assert proposed[-1].booth_id == w["booths"]["paris"].pk  # a missing HALAL ranks it last
    assert not sent  # proposing tells no one: the buyer confirms first


def test_bad_input_is_refused_and_writes_nothing(rfq_world):
    w = rfq_world
    for extra, code in [
        ({"hs_code": "7700"}, "rfq.bad_hs_code"),
        ({"quantity": "-5"}, "rfq.bad_quantity"),
        ({"currency": "XXY"}, "rfq.bad_currency"),
        ({"incoterm": "FOO"}, "rfq.bad_incoterm"),
        ({"deadline": timezone.now() - timedelta(hours=1)}, "rfq.deadline_past"),
        ({"max_quotes": 0}, "rfq.bad_limit"),
        ({"product": "  "}, "rfq.product_required"),
    ]:
        with pytest.raises(DomainError) as err:
            post(w, **extra)
        assert err.value.code == code
    assert not Rfq.objects.exists()


def test_only_buyers_post(rfq_world):
    w = rfq_world
    with pytest.raises(PermissionDenied) as err:
        post(w, actor=w["staff"]["seoul"].user)
    assert err.value.code == "rfq.denied"


def test_invited_staff_hear_of_it_and_only_invited_booths_see_it(sent, rfq, rfq_world):
    w = rfq_world
    told = sorted(m.to[0] for m in sent)
    assert told == ["busan@booth.test", "paris@booth.test", "seoul@booth.test"]
    assert "20000 pcs" in sent[0].body
    assert "인도네시아" in sent[0].body  # in the staff's language, the buyer's name hidden
    for key in ("seoul", "busan", "paris"):
        assert access_rfq(w["staff"][key].user, rfq.pk) == rfq
    with pytest.raises(NotFound):
        access_rfq(w["staff"]["fish"].user, rfq.pk)
    with pytest.raises(NotFound):
        access_rfq(factories.user(), rfq.pk)
    assert access_rfq(w["organizer"].user, rfq.pk) == rfq


def test_a_proposed_booth_sees_nothing_until_invited(rfq_world):
    w = rfq_world
    r = post(w)
    with pytest.raises(NotFound):
        access_rfq(w["staff"]["seoul"].user, r.pk)
    services.rfq_invite(actor=w["organizer"].user, rfq=r, booth_ids=[w["booths"]["seoul"].pk])
    inv = r.invitations.get(booth=w["booths"]["seoul"])
    assert inv.status == Invitation.Status.INVITED and inv.source == Invitation.Source.ORGANIZER
    assert access_rfq(w["staff"]["seoul"].user, r.pk) == r


def test_one_exhibitor_never_sees_another_quote(sent, rfq, rfq_world):
    w = rfq_world
    qs = quote(w, "seoul", rfq, unit_price="2700", currency="KRW")
    qb = quote(w, "busan", rfq, unit_price="1.95", currency="USD")
    seoul_user = w["staff"]["seoul"].user
    assert list(selectors.quotes_visible(user=seoul_user, rfq=rfq)) == [qs]
    with pytest.raises(NotFound):
        access_quote(seoul_user, qb.pk)
    assert access_quote(seoul_user, qs.pk) == qs
    for viewer in (w["buyer"].user, w["organizer"].user):
        assert list(selectors.quotes_visible(user=viewer, rfq=rfq)) == [qs, qb]
        assert access_quote(viewer, qb.pk) == qb
    # The buyer heard of both quotes, in Indonesian.
    assert [m.subject for m in sent if m.to == ["sari@jakarta.test"]] == [
        "Penawaran baru dari Seoul Glow Co.: Vitamin C serum, 30 ml, CPNP notified",
        "Penawaran baru dari Busan Skin Lab: Vitamin C serum, 30 ml, CPNP notified",
    ]


def test_a_quote_by_a_booth_not_invited_is_refused(rfq, rfq_world):
    w = rfq_world
    with pytest.raises(PermissionDenied) as err:
        quote(w, "fish", rfq)
    assert err.value.code == "rfq.not_invited"
    assert "invited" in err.value.message
    with pytest.raises(PermissionDenied) as err:
        access_rfq(w["staff"]["fish"].user, rfq.pk, perm="rfq:quote")
    assert err.value.code == "rfq.not_invited"
    assert not Quote.objects.exists()


def test_a_quote_after_the_deadline_is_refused(rfq, rfq_world):
    w = rfq_world
    quote(w, "seoul", rfq)
    Rfq.objects.filter(pk=rfq.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    for key in ("busan", "seoul"):  # a first quote, and a revision
        with pytest.raises(DomainError) as err:
            quote(w, key, rfq, unit_price="1.50")
        assert err.value.code == "rfq.deadline_passed"
    assert Quote.objects.get().unit_price == Decimal("2.00")
    assert services.rfq_close_due() == 1
    rfq.refresh_from_db()
    assert (rfq.status, rfq.close_reason) == (Rfq.Status.CLOSED, Rfq.CloseReason.DEADLINE)
    assert services.rfq_close_due() == 0  # once


def test_revising_keeps_every_version(rfq, rfq_world):
    w = rfq_world
    q = quote(w, "seoul", rfq, unit_price="2900", currency="KRW")
    q = quote(w, "seoul", rfq, unit_price="2750", currency="KRW", message="Best price for 20k")
    q = quote(w, "seoul", rfq, unit_price="1.99", currency="USD")
    assert q.version == 3 and Quote.objects.count() == 1
    versions = list(selectors.versions_of(q))
    assert [(v.number, v.terms["unit_price"], v.terms["currency"]) for v in versions] == [
        (3, "1.99", "USD"),
        (2, "2750", "KRW"),
        (1, "2900", "KRW"),
    ]
    assert versions[1].terms["message"] == "Best price for 20k"


def test_compare_converts_at_the_rate_recorded_on_the_fair(rfq, rfq_world):
    w = rfq_world
    quote(w, "seoul", rfq, unit_price="2700", currency="KRW")  # 2.025 USD
    quote(w, "busan", rfq, unit_price="1.95", currency="USD")
    quote(w, "paris", rfq, unit_price="1.90", currency="EUR")  # 2.052 USD
    table = selectors.compare(rfq, currency="IDR")
    got = {r["quote"].booth.company.name: r["converted_unit"] for r in table["rows"]}
    # 2700 x 0.00075 / 0.000064 = 31,640.625 IDR; 1.95 / 0.000064 = 30,468.75;
    # 1.90 x 1.08 / 0.000064 = 32,062.5
    assert got == {
        "Seoul Glow Co.": "31,641 IDR",
        "Busan Skin Lab": "30,469 IDR",
        "Paris Derm SAS": "32,063 IDR",
    }
    assert table["best"] == Quote.objects.get(booth=w["booths"]["busan"]).pk
    assert table["rates_on"] == timezone.now().astimezone(w["fair"].zone).date()
    # The organizer records a new rate: the comparison uses it.
    FairCurrencyRate.objects.filter(fair=w["fair"], currency="KRW").update(usd_per_unit=Decimal("0.0007"))
    table = selectors.compare(rfq, currency="IDR")
    seoul = next(r for r in table["rows"] if r["quote"].booth_id == w["booths"]["seoul"].pk)
    assert seoul["converted_unit"] == "29,531 IDR"  # 2700 x 0.0007 / 0.000064
    # A currency without a rate is not converted, and says so.
    FairCurrencyRate.objects.filter(fair=w["fair"], currency="EUR").delete()
    table = selectors.compare(rfq, currency="IDR")
    paris = next(r for r in table["rows"] if r["quote"].booth_id == w["booths"]["paris"].pk)
    assert paris["converted_unit"] is None and paris["unit_price"] == "1.90 EUR"


def test_the_request_closes_at_its_quote_limit(rfq_world):
    w = rfq_world
    r = post(w, max_quotes=2)
    services.rfq_invite(actor=w["buyer"].user, rfq=r, booth_ids=[b.pk for b in w["booths"].values()])
    quote(w, "seoul", r)
    quote(w, "busan", r)
    r.refresh_from_db()
    assert (r.status, r.close_reason) == (Rfq.Status.CLOSED, Rfq.CloseReason.LIMIT)
    with pytest.raises(DomainError) as err:
        quote(w, "paris", r)
    assert err.value.code == "rfq.closed"
    assert quote(w, "seoul", r, unit_price="1.80").version == 2  # revisions go on until the deadline


def test_accept_decline_and_the_accept_limit(sent, rfq, rfq_world):
    w = rfq_world
    qs = quote(w, "seoul", rfq)
    qb = quote(w, "busan", rfq)
    qp = quote(w, "paris", rfq, unit_price="1.9", currency="EUR")
    services.quote_shortlist(actor=w["buyer"].user, quote=qs)
    with pytest.raises(PermissionDenied):
        services.quote_accept(actor=w["staff"]["seoul"].user, quote=qs)
    services.quote_accept(actor=w["buyer"].user, quote=qs)
    with pytest.raises(DomainError) as err:
        services.quote_accept(actor=w["buyer"].user, quote=qb)
    assert err.value.code == "rfq.accept_limit"
    sent.clear()
    assert services.quotes_reject_rest(actor=w["buyer"].user, rfq=rfq, reason="Price above target") == 2
    statuses = {q.booth_id: q.status for q in Quote.objects.all()}
    assert statuses == {qs.booth_id: "accepted", qb.booth_id: "rejected", qp.booth_id: "rejected"}
    assert sorted(m.to[0] for m in sent) == ["busan@booth.test", "paris@booth.test"]
    assert "Price above target" in sent[0].body
    with pytest.raises(DomainError) as err:
        quote(w, "seoul", rfq, unit_price="1.5")
    assert err.value.code in ("quote.decided", "rfq.closed")


def test_split_orders_accept_several(rfq_world):
    w = rfq_world
    r = post(w, max_accepted=2)
    services.rfq_invite(
        actor=w["buyer"].user, rfq=r, booth_ids=[w["booths"]["seoul"].pk, w["booths"]["busan"].pk]
    )
    a, b = quote(w, "seoul", r), quote(w, "busan", r)
    services.quote_accept(actor=w["buyer"].user, quote=a)
    services.quote_accept(actor=w["buyer"].user, quote=b)
    assert Quote.objects.filter(status="accepted").count() == 2


def test_an_exhibitor_declines_to_quote_with_a_reason(sent, rfq, rfq_world):
    w = rfq_world
    with pytest.raises(DomainError) as err:
        services.quote_pass(actor=w["staff"]["paris"].user, rfq=rfq, reason=" ")
    assert err.value.code == "quote.reason_required"
    q = services.quote_pass(actor=w["staff"]["paris"].user, rfq=rfq, reason="No HALAL certificate")
    assert q.status == Quote.Status.DECLINED
    buyer_mail = [m for m in sent if m.to == ["sari@jakarta.test"]][-1]
    assert "No HALAL certificate" in buyer_mail.body


def test_a_question_on_a_quote_is_a_thread_of_two(rfq, rfq_world):
    w = rfq_world
    q = quote(w, "seoul", rfq)
    services.quote_message_post(actor=w["buyer"].user, quote=q, text="Can you ship in 45 days?")
    services.quote_message_post(actor=w["staff"]["seoul"].user, quote=q, text="Yes, 40 days.")
    assert [(m.side, m.text) for m in q.thread.all()] == [
        ("buyer", "Can you ship in 45 days?"),
        ("exhibitor", "Yes, 40 days."),
    ]
    with pytest.raises(PermissionDenied):
        services.quote_message_post(actor=w["staff"]["busan"].user, quote=q, text="Cheaper here!")
    with pytest.raises(PermissionDenied):
        services.quote_message_post(actor=w["organizer"].user, quote=q, text="hello")


def test_traffic_figures_for_the_organizer(rfq, rfq_world):
    w = rfq_world
    q = quote(w, "seoul", rfq)
    quote(w, "busan", rfq)
    services.quote_accept(actor=w["buyer"].user, quote=q)
    figures = selectors.traffic(fair=w["fair"])
    assert figures["requests"] == 1
    assert figures["per_hall"] == [("Beauty & Cosmetics", 1)]
    assert figures["per_market"] == [("ID", 1)]
    assert figures["quotes_per_request"] == 2
    assert figures["acceptance_rate"] == 100
    assert figures["hours_to_first_quote"] is not None


def test_invitations_and_acceptances_teach_the_matching_engine(rfq, rfq_world):
    from fair.models import Interaction
    from matching.selectors import fair_rows
    from matching.services import matching_train

    w = rfq_world
    q = quote(w, "seoul", rfq)
    services.quote_accept(actor=w["buyer"].user, quote=q)
    kinds = sorted(Interaction.objects.filter(buyer=w["buyer"]).values_list("kind", "booth_id"))
    booths = w["booths"]
    assert kinds == sorted(
        [("rfq_invite", booths[k].pk) for k in ("seoul", "busan", "paris")]
        + [("quote_accepted", booths["seoul"].pk)]
    )
    _exhibitors, _buyers, interactions, _halls = fair_rows(w["fair"])
    assert {i.kind for i in interactions} == {"rfq_invite", "quote_accepted"}
    model = matching_train(fair=w["fair"])
    assert model.version >= 1
    # With a trained model, a new request is routed by the engine, with its reasons.
    again = post(w, product="Hyaluronic serum")
    seoul = again.invitations.get(booth=booths["seoul"])
    assert any(r["code"] == "hs_match" for r in seoul.reasons)
    assert again.invitations.order_by("rank").first().booth_id == booths["seoul"].pk
