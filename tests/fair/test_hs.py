"""The HS nomenclature's names in the six UI languages: labels, the search behind the picker, completeness."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from fair import hs
from fair.hs import CHAPTERS, HEADINGS, Names


@pytest.fixture(autouse=True)
def _language_restored():
    """A page request activates the viewer's language in this thread: later tests get theirs back."""
    with translation.override(translation.get_language()):
        yield


def codes(query: str) -> list[str]:
    return [code for code, _names in hs.hs_search(query, limit=50)]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("化粧品", "3304"),  # Japanese
        ("美容", "3304"),  # Japanese and Chinese
        ("化妆品", "3304"),  # Chinese
        ("コーヒー", "0901"),
        ("咖啡", "0901"),
        ("cà phê", "0901"),  # Vietnamese
        ("ca phe", "0901"),  # ... typed without diacritics
        ("CÀ PHÊ", "2101"),
        ("kopi", "0901"),  # Indonesian
        ("kosmetik", "33"),
        ("mỹ phẩm", "3304"),
        ("my pham", "3304"),
        ("ラーメン", "1902"),
        ("方便面", "1902"),
        ("mi instan", "1902"),
        ("đồ chơi", "9503"),
        ("do choi", "95"),
        ("Mainan", "9503"),
        ("화장품", "3304"),  # Korean and English still work
        ("cosmetics", "33"),
        ("３３０４", "3304"),  # a full-width code typed with a CJK keyboard
    ],
)
def test_a_word_in_any_ui_language_finds_its_code(query, code):
    assert code in codes(query)


def test_code_matches_come_first_and_an_empty_query_finds_nothing():
    assert codes("3304")[0] == "3304"
    assert codes("33.04")[0] == "3304"
    assert codes("09")[0] == "09"
    assert hs.hs_search("   ") == []
    assert hs.hs_search("") == []


def test_search_returns_codes_with_all_their_names():
    code, names = hs.hs_search("3304")[0]
    assert code == "3304" and names is HEADINGS["3304"]
    assert names.en == "Beauty, make-up and skin-care preparations"


def test_japanese_voiced_kana_are_not_folded_away():
    # ブラシ (brush) must not match フラシ, nor ドレス match トレス: only Latin accents are ignored.
    assert "9603" in codes("ブラシ")
    assert codes("フラシ") == []


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Beauty, make-up and skin-care preparations"),
        ("ko", "미용·메이크업·기초화장품"),
        ("zh-hans", "美容品、化妆品及护肤品"),
        ("ja", "美容・メーキャップ・基礎化粧品"),
        ("vi", "Mỹ phẩm, chế phẩm trang điểm và dưỡng da"),
        ("id", "Preparat kecantikan, tata rias dan perawatan kulit"),
        ("fr", "Beauty, make-up and skin-care preparations"),  # no names in French: English
        ("zh-hant", "美容品、化妆品及护肤品"),
    ],
)
def test_labels_are_in_the_viewers_language(language, name):
    assert hs.hs_label("330499", language) == name
    assert hs.HSCode("3304").label(language) == name
    with translation.override(language):
        assert hs.hs_label("3304") == name


def test_labels_fall_back_to_the_chapter_then_to_the_code():
    assert hs.hs_label("330110", "ja") == "精油"
    assert hs.hs_label("3399", "vi") == "Tinh dầu, nước hoa, mỹ phẩm"  # no such heading: its chapter
    assert hs.hs_label("09", "id") == "Kopi, teh dan rempah-rempah"
    assert hs.hs_label("09", "zh-hans") == "咖啡、茶及调味香料"
    assert hs.hs_label("7701", "ja") == "7701"


@pytest.mark.parametrize("table", [CHAPTERS, HEADINGS], ids=["chapters", "headings"])
def test_every_code_is_named_in_all_six_languages(table):
    assert Names._fields == ("en", "ko", "zh", "ja", "vi", "id")
    ui_languages = {code.split("-")[0] for code, _name in settings.LANGUAGES}
    assert ui_languages == set(Names._fields)
    for code, names in table.items():
        assert isinstance(names, Names), code
        for language, name in names._asdict().items():
            assert name.strip() == name and name, (code, language)
            assert len(name) <= 80, (code, language, name)
        # A translated name is not a copied English one (short loanwords aside).
        assert names.zh != names.en and names.ja != names.en, code
        assert not any("\uac00" <= c <= "\ud7a3" for c in names.zh + names.ja + names.vi + names.id), code


def test_the_tables_cover_every_chapter_and_each_heading_sits_in_one():
    assert len(CHAPTERS) == 96 and "77" not in CHAPTERS
    assert set(CHAPTERS) == {f"{n:02d}" for n in range(1, 98)} - {"77"}
    assert all(len(code) == 4 and code[:2] in CHAPTERS for code in HEADINGS)


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("ja", "美容・メーキャップ・基礎化粧品"),
        ("zh-hans", "美容品、化妆品及护肤品"),
        ("vi", "Mỹ phẩm, chế phẩm trang điểm và dưỡng da"),
        ("id", "Preparat kecantikan, tata rias dan perawatan kulit"),
    ],
)
def test_a_booth_page_names_the_products_hs_code_in_the_viewers_language(client, small_fair, language, name):
    booth = small_fair["booths"]["cosmetics"]  # its product is HS 330499
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("booth_detail", args=["demo-expo", booth.pk])).content.decode()
    assert f'<span class="code">330499</span> {name}' in page
