"""From the database: train_matching stores a versioned model, the site loads the newest, marks count."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from fair.models import Interaction
from kernel.errors import DomainError
from matching import jobs, selectors, services
from matching.models import Mark, MatchingModel
from tests import factories


@pytest.fixture
def fair_world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    selectors.clear_cache()
    f = factories.fair(slug="k-expo")
    beauty = factories.hall(f, name="Beauty", chapters=("33",), slug="beauty")
    food = factories.hall(f, name="Food", chapters=("19",), slug="food")
    booths = []
    for i in range(6):
        code = "3304" if i % 2 == 0 else "1905"
        certs = ["FDA"] if i < 4 else []
        b = factories.booth(
            f,
            hall=beauty if code == "3304" else food,
            hs_codes=(code,),
            company_obj=factories.company(name=f"Maker {i}", certifications=certs, languages=["en"]),
        )
        factories.product(b, name="cream" if code == "3304" else "rice cracker", hs_code=code + "99")
        booths.append(b)
    buyers = [
        factories.buyer(f, country="US", hs_codes=("3304",) if j % 2 == 0 else ("1905",), certs=("FDA",))
        for j in range(12)
    ]
    t = datetime(2026, 5, 12, 9, tzinfo=UTC)
    for j, buyer in enumerate(buyers[:10]):
        mine = [b for b in booths if b.hs_codes[0] == buyer.sourcing.hs_codes[0]]
        for n, booth in enumerate(mine):
            kinds = ["booth_visit"] + (["meeting_request", "meeting_held"] if n == j % len(mine) else [])
            for kind in kinds:
                t += timedelta(minutes=5)
                Interaction.objects.create(fair=f, buyer=buyer, booth=booth, kind=kind, at=t)
    factories.booth(f, hall=beauty, hs_codes=("3304",), status="draft")  # never recommended
    return {"fair": f, "booths": booths, "buyers": buyers}


def test_train_matching_stores_versions_and_the_site_loads_the_newest(fair_world):
    f = fair_world["fair"]
    out = io.StringIO()
    call_command("train_matching", f.slug, stdout=out, verbosity=0)
    assert "version 1" in out.getvalue()
    first = MatchingModel.objects.get(fair=f)
    assert default_storage.exists(first.path) and default_storage.exists(first.path.replace(".npz", ".json"))
    assert first.meta["data"] == {"exhibitors": 6, "buyers": 12, "interactions": Interaction.objects.count()}
    assert "ndcg_at_k" in first.metrics
    engine1 = selectors.engine_for_fair(f)
    assert selectors.engine_for_fair(f) is engine1  # cached, not reloaded
    call_command("train_matching", f.slug, stdout=io.StringIO(), verbosity=0)
    assert list(MatchingModel.objects.filter(fair=f).values_list("version", flat=True)) == [2, 1]
    engine2 = selectors.engine_for_fair(f)
    assert engine2 is not engine1 and engine2.meta["buyers"] == 12
    with pytest.raises(CommandError, match="no fair"):
        call_command("train_matching", "nope", stdout=io.StringIO())


def test_the_site_refuses_artifacts_we_did_not_write(fair_world):
    f = fair_world["fair"]
    record = services.matching_train(fair=f)
    with default_storage.open(record.path, "wb") as fh:
        fh.write(b"not ours")
    selectors.clear_cache()
    assert selectors.engine_for_fair(f) is None
    record2 = services.matching_train(fair=f)
    MatchingModel.objects.filter(pk=record2.pk).update(sklearn_version="0.1")
    selectors.clear_cache()
    assert selectors.engine_for_fair(f) is None


def test_recommendations_use_marks_and_the_live_profile(fair_world):
    f, booths, buyers = fair_world["fair"], fair_world["booths"], fair_world["buyers"]
    services.matching_train(fair=f)
    newcomer = buyers[11]  # no interactions
    recs = services.recommend_exhibitors(buyer=newcomer, k=3, language="en")
    by_id = {b.pk: b for b in booths}
    assert all(by_id[r["id"]].hs_codes == ["1905"] for r in recs)
    assert any("rice cracker" in t or "HS 1905" in t for r in recs for t in r["texts"])
    # edit the profile: new matches without a refit
    newcomer.sourcing.hs_codes = ["3304"]
    newcomer.sourcing.save()
    recs = services.recommend_exhibitors(buyer=newcomer, k=3)
    assert all(by_id[r["id"]].hs_codes == ["3304"] for r in recs)
    # a booth without FDA is shown with the mismatch, below those that hold it
    everything = services.recommend_exhibitors(buyer=newcomer, k=10)
    lacking = [r for r in everything if not by_id[r["id"]].company.certifications]
    assert lacking and all(
        {"code": "missing_required_cert", "cert": "FDA", "sign": -1} in r["reasons"] for r in lacking
    )
    # no thanks from the exhibitor removes the pair; must meet from the buyer brings one to the top
    top = recs[0]["id"]
    services.mark_set(buyer=newcomer, booth=by_id[top], side=Mark.Side.EXHIBITOR, value=Mark.Value.NO_THANKS)
    assert top not in [r["id"] for r in services.recommend_exhibitors(buyer=newcomer, k=10)]
    last = everything[-1]["id"]
    services.mark_set(buyer=newcomer, booth=by_id[last], side=Mark.Side.BUYER, value=Mark.Value.MUST_MEET)
    assert services.recommend_exhibitors(buyer=newcomer, k=1)[0]["id"] == last
    buyers_for = services.recommend_buyers(booth=by_id[last], k=3)
    assert buyers_for[0]["id"] == newcomer.pk
    with pytest.raises(DomainError) as err:
        services.mark_set(buyer=newcomer, booth=by_id[last], side="organizer", value="must_meet")
    assert err.value.code == "matching.bad_side"


def test_promising_markets_and_no_model_yet(fair_world):
    f, booths = fair_world["fair"], fair_world["booths"]
    with pytest.raises(DomainError) as err:
        services.promising_markets(booth=booths[0], hs_code="3304")
    assert err.value.code == "matching.no_model"
    services.matching_train(fair=f)
    markets = services.promising_markets(booth=booths[0], hs_code="330499")
    assert markets[0]["country"] == "US" and markets[0]["buyers"] == 6


def test_refit_jobs(fair_world):
    f = fair_world["fair"]
    assert jobs.refit_changed() == [f.pk]
    assert jobs.refit_changed() == []  # nothing changed since
    schedule = jobs.schedule_refits(minutes=30)
    assert schedule.func == "kernel.jobs.run" and "matching.jobs.refit_changed" in schedule.args
    assert schedule.minutes == 30 and schedule.hook == "kernel.jobs.retry_failed"
    assert jobs.refit(f.pk) == 2


def test_marks_train_the_served_model_but_never_reach_the_offline_scores(fair_world, monkeypatch):
    from matching.engine import MatchingEngine

    f, booths, buyers = fair_world["fair"], fair_world["booths"], fair_world["buyers"]
    newcomer, other = buyers[10], buyers[11]  # no interactions: marks are their only labels
    services.mark_set(buyer=newcomer, booth=booths[0], side=Mark.Side.BUYER, value=Mark.Value.NO_THANKS)
    services.mark_set(buyer=other, booth=booths[1], side=Mark.Side.EXHIBITOR, value=Mark.Value.MUST_MEET)
    services.mark_set(buyer=other, booth=booths[1], side=Mark.Side.BUYER, value=Mark.Value.INTERESTED)
    seen = []
    real_fit = MatchingEngine.fit.__func__

    def spy(cls, exhibitors, buyers, interactions=(), **kwargs):
        seen.append(list(kwargs.get("marks", ())))
        return real_fit(cls, exhibitors, buyers, interactions, **kwargs)

    monkeypatch.setattr(MatchingEngine, "fit", classmethod(spy))
    model = services.matching_train(fair=f)
    offline, served = seen
    assert offline == []  # the holdout evaluation learns from interactions only
    assert {(m.buyer_id, m.exhibitor_id, m.side, m.value) for m in served} == {
        (str(newcomer.pk), str(booths[0].pk), "buyer", "no_thanks"),
        (str(other.pk), str(booths[1].pk), "exhibitor", "must_meet"),
        (str(other.pk), str(booths[1].pk), "buyer", "interested"),
    }
    assert "ndcg_at_k" in model.metrics
    assert model.meta["marks"] == 3
    assert model.meta["train"]["mark_pairs"] == 2 and model.meta["train"]["mark_negatives"] == 1
