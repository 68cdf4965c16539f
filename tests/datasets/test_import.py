"""import_fair / export_fair: all or nothing, idempotent, lossless."""

import filecmp
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from datasets.generator import generate_fair
from datasets.importing import fair_export, fair_import
from exhibitors.models import Booth
from fair.dataset import DatasetError
from fair.models import Fair, Hall, Interaction, Participant, SourcingProfile
from tests import factories

pytestmark = pytest.mark.django_db

FILES = ("exhibitors.csv", "buyers.csv", "interactions.csv")


@pytest.fixture
def world(tmp_path):
    folder = tmp_path / "world"
    generate_fair(folder, exhibitors=12, buyers=30, seed=3, interactions=300)
    return folder


def rows_in(path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) - 1


def table_counts() -> dict[str, int]:
    """Rows in every table of every installed model (that has a table yet)."""
    tables = set(connection.introspection.table_names())
    return {
        m._meta.label: m._base_manager.count()
        for m in apps.get_models(include_auto_created=True)
        if m._meta.db_table in tables and not m._meta.proxy
    }


def replace_line(path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def test_import_creates_the_fair_with_halls_booths_buyers_and_interactions(world):
    report = fair_import(path=world, fair_slug="spring-expo")
    fair = Fair.objects.get(slug="spring-expo")
    assert report.fair_created and fair.name == "Spring Expo" and fair.time_zone == "Asia/Seoul"
    assert report.exhibitors.created == 12 and report.buyers.created == 30
    assert report.interactions.created == Interaction.objects.filter(fair=fair).count()
    assert report.interactions.created == rows_in(world / "interactions.csv") > 150
    assert Hall.objects.filter(fair=fair).count() == report.halls_created >= 8
    booth = Booth.objects.get(fair=fair, external_id="E00001")
    row = (world / "exhibitors.csv").read_text().splitlines()[1].split(",")
    assert booth.company.name == row[1] and booth.status == Booth.Status.PUBLISHED
    assert booth.hs_codes == row[3].split(";")
    assert booth.hall is not None and booth.hs_codes[0][:2] in booth.hall.hs_chapters
    buyer = Participant.objects.get(fair=fair, role="buyer", external_id="B000001")
    assert buyer.status == Participant.Status.APPROVED and buyer.user is None
    assert buyer.sourcing.hs_codes


def test_existing_halls_are_used(world):
    fair = factories.fair(slug="own-halls")
    everything = factories.hall(fair, name="Everything", chapters=(), slug="all")
    report = fair_import(path=world, fair_slug="own-halls")
    assert report.halls_created == 0
    assert set(Booth.objects.filter(fair=fair).values_list("hall", flat=True)) == {everything.pk}


def test_wrong_hs_code_on_line_7_of_buyers_changes_nothing(world):
    fair_import(path=world, fair_slug="spring-expo")
    lines = (world / "buyers.csv").read_text().splitlines()
    old_codes = lines[6].split(",")[3]
    replace_line(world / "buyers.csv", 7, f",{old_codes},", ",3399x,")
    replace_line(world / "exhibitors.csv", 2, ",", ",Renamed ")  # an edit that must not land either
    before = table_counts()
    names_before = sorted(Booth.objects.values_list("company__name", flat=True))
    with pytest.raises(DatasetError) as info:
        fair_import(path=world, fair_slug="spring-expo")
    e = info.value
    assert (e.file, e.line, e.column) == ("buyers.csv", 7, "hs_codes")
    assert str(e).startswith("buyers.csv, line 7, column hs_codes: 3399x is not an HS code")
    assert table_counts() == before
    assert sorted(Booth.objects.values_list("company__name", flat=True)) == names_before


def test_the_command_prints_the_error_and_writes_nothing(world):
    replace_line(
        world / "buyers.csv",
        7,
        ",",
        ",",
    )
    lines = (world / "buyers.csv").read_text().splitlines()
    replace_line(world / "buyers.csv", 7, f",{lines[6].split(',')[3]},", ",3399x,")
    before = table_counts()
    with pytest.raises(CommandError, match=r"buyers.csv, line 7, column hs_codes: 3399x is not an HS code"):
        call_command("import_fair", str(world), "--fair", "new-fair", "--no-progress")
    assert table_counts() == before
    assert not Fair.objects.filter(slug="new-fair").exists()


def test_missing_column_and_unknown_buyer_are_refused(world):
    text = (world / "exhibitors.csv").read_text()
    (world / "exhibitors.csv").write_text(text.replace("hs_codes", "hs", 1))
    with pytest.raises(DatasetError, match=r"exhibitors.csv, line 1, column hs_codes: the required column"):
        fair_import(path=world, fair_slug="x")
    (world / "exhibitors.csv").write_text(text)
    with open(world / "interactions.csv", "a") as f:
        f.write("B999999,E00001,chat,2026-05-12T10:00:00+09:00\n")
    line = rows_in(world / "interactions.csv") + 1
    with pytest.raises(DatasetError, match=rf"interactions.csv, line {line}, column buyer_id: B999999"):
        fair_import(path=world, fair_slug="x")
    assert table_counts()["fair.Fair"] == 0


def test_a_failure_while_writing_rolls_everything_back(world, monkeypatch):
    import datasets.importing as importing

    real = importing._import_interactions

    def fails_after_writing(fair, *args):
        real(fair, *args)
        assert Interaction.objects.filter(fair=fair).exists()  # everything is written by now
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_import_interactions", fails_after_writing)
    before = table_counts()
    with pytest.raises(RuntimeError):
        fair_import(path=world, fair_slug="spring-expo")
    assert table_counts() == before
    assert not Fair.objects.filter(slug="spring-expo").exists()


def test_reimport_changes_nothing(world):
    fair_import(path=world, fair_slug="spring-expo")
    ids = sorted(Interaction.objects.values_list("pk", "buyer_id", "booth_id", "kind", "at"))
    booths = sorted(Booth.objects.values_list("pk", "external_id", "company_id", "updated_at"))
    profiles = sorted(SourcingProfile.objects.values_list("pk", "buyer_id", "updated_at"))
    before = table_counts()
    report = fair_import(path=world, fair_slug="spring-expo")
    assert not report.fair_created and report.halls_created == 0
    assert (report.exhibitors.created, report.exhibitors.updated, report.exhibitors.unchanged) == (0, 0, 12)
    assert (report.buyers.created, report.buyers.updated, report.buyers.unchanged) == (0, 0, 30)
    assert (report.interactions.created, report.interactions.unchanged) == (
        0,
        rows_in(world / "interactions.csv"),
    )
    after = table_counts()
    # Nothing changed but the audit log, which records that an import ran (kernel/audit.py).
    assert after.pop("kernel.AuditEntry") == before.pop("kernel.AuditEntry") + 1
    assert after == before
    assert sorted(Interaction.objects.values_list("pk", "buyer_id", "booth_id", "kind", "at")) == ids
    assert sorted(Booth.objects.values_list("pk", "external_id", "company_id", "updated_at")) == booths
    assert sorted(SourcingProfile.objects.values_list("pk", "buyer_id", "updated_at")) == profiles


def test_an_edited_row_updates_its_record(world):
    fair_import(path=world, fair_slug="spring-expo")
    booth = Booth.objects.get(external_id="E00002")
    replace_line(world / "exhibitors.csv", 3, booth.company.name, "Renamed Beauty Co.")
    buyer_line = (world / "buyers.csv").read_text().splitlines()[1].split(",")
    replace_line(world / "buyers.csv", 2, f",{buyer_line[3]},", ",9503;950450,")
    report = fair_import(path=world, fair_slug="spring-expo")
    assert (report.exhibitors.updated, report.exhibitors.unchanged) == (1, 11)
    assert (report.buyers.updated, report.buyers.unchanged) == (1, 29)
    updated = Booth.objects.get(pk=booth.pk)
    assert updated.company.name == "Renamed Beauty Co." and updated.company_id == booth.company_id
    assert Participant.objects.get(external_id="B000001").sourcing.hs_codes == ["9503", "950450"]


def test_export_import_export_is_byte_identical(world, tmp_path):
    fair_import(path=world, fair_slug="first")
    fair_export(fair=Fair.objects.get(slug="first"), path=tmp_path / "one")
    fair_import(path=tmp_path / "one", fair_slug="second")
    call_command("export_fair", "second", str(tmp_path / "two"), "--no-progress")
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "one", tmp_path / "two", FILES, shallow=False)
    assert match == list(FILES) and not mismatch and not errors
    exported = (tmp_path / "one" / "interactions.csv").read_text().splitlines()
    assert len(exported) == rows_in(world / "interactions.csv") + 1 and exported[1].endswith("+00:00")


def test_export_of_an_unknown_fair_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No fair has the slug 'nope'"):
        call_command("export_fair", "nope", str(tmp_path))


@pytest.mark.skipif(connection.vendor not in ("sqlite", "postgresql"), reason="no large-load path")
def test_large_load_path_keeps_the_indexes_and_constraints(world, monkeypatch):
    import datasets.importing as importing

    def constraints():
        with connection.cursor() as c:
            return connection.introspection.get_constraints(c, "fair_interaction")

    monkeypatch.setattr(importing, "_SQLITE_REBUILD_ROWS", 1)
    monkeypatch.setattr(importing, "_POSTGRES_REBUILD_ROWS", 1)
    path = world / "interactions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    buyer, exhibitor, kind, at = lines[1].strip().split(",")
    utc = datetime.fromisoformat(at).astimezone(UTC).isoformat()
    everything = [*lines, lines[1], f"{buyer},{exhibitor},{kind},{utc}\n"]  # the same event twice more
    before = constraints()
    real = importing._import_interactions

    def fails_after_writing(fair, *args):
        real(fair, *args)
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_import_interactions", fails_after_writing)
    counts = table_counts()
    with pytest.raises(RuntimeError):
        fair_import(path=world, fair_slug="spring-expo")  # indexes dropped and added again, then rolled back
    assert table_counts() == counts and constraints() == before
    monkeypatch.setattr(importing, "_import_interactions", real)
    # First half of the file into a new fair (COPY straight into the table on PostgreSQL), then all of
    # it with duplicates (staged and deduplicated against what is there).
    path.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    first = fair_import(path=world, fair_slug="spring-expo").interactions.created
    path.write_text("".join(everything), encoding="utf-8")
    second = fair_import(path=world, fair_slug="spring-expo").interactions
    assert first == len(lines) // 2 - 1 and second.unchanged == first + 2
    assert Interaction.objects.count() == len(lines) - 1 == first + second.created
    assert constraints() == before
    assert fair_import(path=world, fair_slug="spring-expo").interactions.created == 0
