"""generate_fair: a deterministic, valid, learnable synthetic fair."""

import filecmp
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from datasets.generator import SECTORS, generate_world
from fair.dataset import INTERACTION_KINDS, read_folder
from fair.hs import HEADINGS, hs_match_depth
from fair.vocab import certifications_for_market

FILES = ["exhibitors.csv", "buyers.csv", "interactions.csv", "test.csv"]


def generate(folder, seed=5, **extra):
    args = {"exhibitors": 40, "buyers": 80, "seed": seed, **extra}
    call_command(
        "generate_fair", str(folder), *[f"--{k}={v}" for k, v in args.items()], "--no-progress", stdout=None
    )
    return folder


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    generate(tmp_path / "a")
    generate(tmp_path / "b")
    generate(tmp_path / "c", seed=6)
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", FILES, shallow=False)
    assert match == FILES
    assert filecmp.cmpfiles(tmp_path / "a", tmp_path / "c", FILES, shallow=False)[1] == FILES


def test_output_is_a_valid_dataset_in_the_fair_days(tmp_path):
    generate(tmp_path, interactions=1000, start="2026-09-01", days=3)
    ds = read_folder(tmp_path, include_test=True)
    assert len(ds.exhibitors) == 40 and len(ds.buyers) == 80 and len(ds.interactions) == 1000
    zone = ZoneInfo("Asia/Seoul")
    first, end = datetime(2026, 9, 1, tzinfo=zone), datetime(2026, 9, 4, tzinfo=zone)
    assert all(first <= i.at < end and i.at.utcoffset() == timedelta(hours=9) for i in ds.interactions)
    kinds = Counter(i.kind for i in ds.interactions)
    assert set(kinds) <= set(INTERACTION_KINDS)
    assert kinds["booth_visit"] > 2 * kinds["product_view"] > 0
    assert kinds["product_view"] > kinds["chat"] > kinds["meeting_held"] > kinds["deal"] > 0
    seen = {(i.buyer_id, i.exhibitor_id) for i in ds.interactions}
    assert ds.test and not any((t.buyer_id, t.exhibitor_id) in seen for t in ds.test)
    active = {i.buyer_id for i in ds.interactions}
    assert any(t.buyer_id not in active for t in ds.test), "some test buyers are cold-start"
    assert len({(i.buyer_id, i.exhibitor_id, i.kind, i.at) for i in ds.interactions}) == len(ds.interactions)


def test_profiles_look_like_a_korean_export_fair():
    world = generate_world(exhibitors=300, buyers=300, seed=11, interactions=0)
    countries = Counter(e.country for e in world.exhibitors)
    assert countries["KR"] > 0.75 * 300 and len(countries) > 1
    sector_codes = {item.hs_code[:4] for s in SECTORS for item in s.items}
    for e in world.exhibitors:
        assert e.hs_codes and all(len(c) in (4, 6) and c[:4] in sector_codes for c in e.hs_codes)
    assert sector_codes <= set(HEADINGS) | {"6104", "6115"}
    for b in world.buyers:
        generic = {c for s in SECTORS for c in s.generic_certs}
        assert set(b.required_certifications) <= set(certifications_for_market(b.country)) | generic
    us_cosmetics = [b for b in world.buyers if b.country == "US" and b.sector == "cosmetics"]
    assert (
        us_cosmetics and sum("FDA" in b.required_certifications for b in us_cosmetics) > len(us_cosmetics) / 2
    )
    halal = [b for b in world.buyers if b.country in ("ID", "MY") and b.sector in ("food", "cosmetics")]
    assert halal and sum("HALAL" in b.required_certifications for b in halal) > len(halal) / 2
    assert all(b.languages for b in world.buyers) and world.buyers[0].description


def test_held_out_meetings_follow_hs_codes_more_than_chance():
    world = generate_world(exhibitors=200, buyers=400, seed=3)

    def matches(b, j):
        return any(
            hs_match_depth(x, y) for x in world.buyers[b].hs_codes for y in world.exhibitors[j].hs_codes
        )

    held_out = sum(matches(b, j) for b, j in world.test) / len(world.test)
    chance = sum(matches(b, j) for b in range(0, 400, 7) for j in range(200)) / (len(range(0, 400, 7)) * 200)
    assert held_out > 3 * chance
    assert held_out < 0.99  # not trivial: some meetings are outside the buyer's own codes
    assert len(world.interactions) == 20 * 400  # the default budget: about 20 per buyer


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(CommandError):
        call_command("generate_fair", str(tmp_path), "--exhibitors", "0")
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("generate_fair", str(tmp_path), "--interactions", "-5", "--no-progress")
    assert not (tmp_path / "exhibitors.csv").exists()


def test_start_date_argument():
    world = generate_world(exhibitors=5, buyers=5, seed=1, start=date(2027, 1, 2), days=1)
    assert world.start.date() == date(2027, 1, 2)
