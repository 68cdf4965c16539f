"""Reading and writing the fair dataset folder (docs/fair-dataset.md)."""

from datetime import UTC, datetime, timedelta

import pytest

from fair.dataset import DatasetError, read_folder, write_folder

EXHIBITORS = (
    "exhibitor_id,company,country,hs_codes,target_markets,certifications,languages,description,extra\n"
    'E1,Seoul Glow Co.,kr,3304;33.04.99;3304,JP;us,fda;iso 13485,KO;en,"Snail cream, sheet masks",x\n'
    "E2,Busan Snacks,KR,1905,,,ko,,\n"
)
BUYERS = (
    "buyer_id,company,country,hs_codes,required_certifications,languages,description\n"
    "B1,Tokyo Trading,JP,3304,,ja;en,Skin care for drugstores\n"
    "B2,Jakarta Imports,ID,19;2005,HALAL,id,\n"
)
INTERACTIONS = (
    "buyer_id,exhibitor_id,kind,at\n"
    "B1,E1,booth_visit,2026-05-12T10:00:00+09:00\n"
    "B1,E1,chat,2026-05-12T01:05:00.250000+00:00\n"
    "B2,E2,meeting_held,2026-05-13T11:00:00Z\n"
)


def write(folder, **files):
    folder.mkdir(parents=True, exist_ok=True)
    contents = {"exhibitors.csv": EXHIBITORS, "buyers.csv": BUYERS, "interactions.csv": INTERACTIONS}
    contents.update({f"{name}.csv": text for name, text in files.items()})
    for name, text in contents.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def error(folder, **kwargs) -> DatasetError:
    with pytest.raises(DatasetError) as info:
        read_folder(folder, **kwargs)
    return info.value


def test_reads_and_normalises_values(tmp_path):
    ds = read_folder(write(tmp_path))
    e1 = ds.exhibitors[0]
    assert e1.country == "KR"
    assert e1.hs_codes == ("3304", "330499")  # dots removed, duplicates dropped, order kept
    assert e1.target_markets == ("JP", "US")
    assert e1.certifications == ("FDA", "ISO13485")
    assert e1.languages == ("ko", "en")
    assert e1.description == "Snail cream, sheet masks"
    assert ds.exhibitors[1].target_markets == ()
    assert ds.buyers[1].hs_codes == ("19", "2005")
    assert [i.kind for i in ds.interactions] == ["booth_visit", "chat", "meeting_held"]
    assert ds.interactions[0].at == datetime(2026, 5, 12, 1, 0, tzinfo=UTC)
    assert ds.interactions[0].at.utcoffset() == timedelta(hours=9)
    assert ds.interactions[1].at.microsecond == 250000
    assert ds.test == []


def test_byte_order_mark_and_blank_lines_are_accepted(tmp_path):
    write(tmp_path)
    (tmp_path / "buyers.csv").write_bytes(b"\xef\xbb\xbf" + BUYERS.encode() + b"\n")
    assert [b.buyer_id for b in read_folder(tmp_path).buyers] == ["B1", "B2"]


def test_interactions_are_optional(tmp_path):
    write(tmp_path, interactions=None)
    assert read_folder(tmp_path).interactions == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"buyers": BUYERS + "B3,Hanoi Co,VN,3399x,,vi,\n"},
            ("buyers.csv", 4, "hs_codes", "3399x is not an HS code"),
        ),
        ({"buyers": BUYERS + "B3,Hanoi Co,VN,7701,,vi,\n"}, ("buyers.csv", 4, "hs_codes", "chapter 77")),
        (
            {"buyers": BUYERS + "B3,Hanoi Co,XX,3304,,vi,\n"},
            ("buyers.csv", 4, "country", "XX is not an ISO 3166"),
        ),
        (
            {"buyers": BUYERS + "B3,Hanoi Co,VN,3304,NO PE!,vi,\n"},
            ("buyers.csv", 4, "required_certifications", "NO PE! is not a certification code"),
        ),
        (
            {"buyers": BUYERS + "B3,Hanoi Co,VN,3304,,vietnamese,\n"},
            ("buyers.csv", 4, "languages", "vietnamese"),
        ),
        ({"buyers": BUYERS + "B3,,VN,3304,,vi,\n"}, ("buyers.csv", 4, "company", "a value is required")),
        (
            {"buyers": BUYERS + "B1,Again,VN,3304,,vi,\n"},
            ("buyers.csv", 4, "buyer_id", "already used on line 2"),
        ),
        (
            {"exhibitors": EXHIBITORS + "E3,X,KR,;,,,,\n"},
            ("exhibitors.csv", 4, "hs_codes", "a value is required"),
        ),
        (
            {"interactions": INTERACTIONS + "B9,E1,chat,2026-05-12T10:00:00+09:00\n"},
            ("interactions.csv", 5, "buyer_id", "B9 is not a buyer_id"),
        ),
        (
            {"interactions": INTERACTIONS + "B1,E9,chat,2026-05-12T10:00:00+09:00\n"},
            ("interactions.csv", 5, "exhibitor_id", "E9 is not an exhibitor_id"),
        ),
        (
            {"interactions": INTERACTIONS + "B1,E1,hug,2026-05-12T10:00:00+09:00\n"},
            ("interactions.csv", 5, "kind", "hug is not one of"),
        ),
        (
            {"interactions": INTERACTIONS + "B1,E1,chat,2026-05-12T10:00:00\n"},
            ("interactions.csv", 5, "at", "not an ISO 8601 time with an offset"),
        ),
        (
            {"interactions": INTERACTIONS + "B1,E1,chat,12/05/2026 10:00\n"},
            ("interactions.csv", 5, "at", "ISO 8601"),
        ),
        (
            {"exhibitors": "exhibitor_id,company,hs_codes\nE1,X,3304\n"},
            ("exhibitors.csv", 1, "country", "missing"),
        ),
    ],
)
def test_bad_values_name_file_line_and_column(tmp_path, files, expected):
    e = error(write(tmp_path, **files))
    name, line, column, fragment = expected
    assert (e.file, e.line, e.column) == (name, line, column)
    assert fragment in str(e)
    assert str(e).startswith(f"{name}, line {line}, column {column}: ")


def test_a_missing_file_is_named(tmp_path):
    write(tmp_path)
    (tmp_path / "buyers.csv").unlink()
    e = error(tmp_path)
    assert e.file == "buyers.csv" and "missing" in str(e)


def test_a_file_that_is_not_utf8_names_its_line(tmp_path):
    write(tmp_path)
    (tmp_path / "buyers.csv").write_bytes(
        BUYERS.encode() + "B3,Caf\u00e9 Paris,FR,0902,,fr,\n".encode("latin-1")
    )
    e = error(tmp_path)
    assert (e.file, e.line) == ("buyers.csv", 4)
    assert "not UTF-8" in str(e)


def test_test_file_only_when_asked_and_checked(tmp_path):
    write(tmp_path, test="buyer_id,exhibitor_id\nB2,E1\n")
    assert read_folder(tmp_path).test == []
    assert [(t.buyer_id, t.exhibitor_id) for t in read_folder(tmp_path, include_test=True).test] == [
        ("B2", "E1")
    ]
    write(tmp_path, test="buyer_id,exhibitor_id\nB2,E7\n")
    e = error(tmp_path, include_test=True)
    assert (e.file, e.line, e.column) == ("test.csv", 2, "exhibitor_id")


def test_write_then_read_gives_the_same_rows(tmp_path):
    ds = read_folder(write(tmp_path / "in", test="buyer_id,exhibitor_id\nB2,E1\n"), include_test=True)
    write_folder(ds, tmp_path / "out")
    again = read_folder(tmp_path / "out", include_test=True)
    assert again.exhibitors == ds.exhibitors
    assert again.buyers == ds.buyers
    assert again.test == ds.test
    assert [(i.buyer_id, i.exhibitor_id, i.kind, i.at) for i in again.interactions] == [
        (i.buyer_id, i.exhibitor_id, i.kind, i.at) for i in ds.interactions
    ]
    text = (tmp_path / "out" / "interactions.csv").read_text()
    assert "2026-05-12T01:00:00+00:00" in text and "2026-05-12T01:05:00.250000+00:00" in text
    assert all(i.at.utcoffset() == UTC.utcoffset(None) for i in again.interactions)


def test_codes_outside_the_built_in_tables_are_kept_and_round_trip(tmp_path):
    """Issue 17: certification codes the list does not know, a market no certification rule names and an
    HS subheading the name table lacks are codes like any other: read, kept as written, written back."""
    folder = write(
        tmp_path / "in",
        exhibitors=(
            "exhibitor_id,company,country,hs_codes,target_markets,certifications,languages,description\n"
            "E1,Andes Foods,PE,210690;851679,UY;PY,scpn;Inmetro;EAC-TR;iso 50001;FDA,es,\n"
        ),
        buyers=(
            "buyer_id,company,country,hs_codes,required_certifications,languages,description\n"
            "B1,Montevideo Imports,UY,851679,SCPN;NOM-051,es,\n"
        ),
        interactions="buyer_id,exhibitor_id,kind,at\nB1,E1,chat,2026-05-12T10:00:00+09:00\n",
    )
    data = read_folder(folder)
    (e,) = data.exhibitors
    assert e.certifications == ("SCPN", "INMETRO", "EAC-TR", "ISO_50001", "FDA")
    assert e.target_markets == ("UY", "PY") and e.hs_codes == ("210690", "851679")
    assert data.buyers[0].required_certifications == ("SCPN", "NOM-051")
    write_folder(data, tmp_path / "out")
    assert "SCPN;INMETRO;EAC-TR;ISO_50001;FDA" in (tmp_path / "out" / "exhibitors.csv").read_text()
    again = read_folder(tmp_path / "out")
    assert again.exhibitors == data.exhibitors and again.buyers == data.buyers
