"""Default industry halls, and which hall a booth goes to by its HS codes.

A fair that has no halls when its exhibitors are imported gets these sector
halls; a fair that has halls keeps them, and each booth goes to the hall that
covers the chapter of its first HS code (then of its other codes), or to a
hall without chapters (a catch-all) when none does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def _chapters(*spans: int | tuple[int, int]) -> tuple[str, ...]:
    out: list[str] = []
    for span in spans:
        low, high = span if isinstance(span, tuple) else (span, span)
        out += [f"{n:02d}" for n in range(low, high + 1) if n != 77]
    return tuple(out)


@dataclass(frozen=True)
class HallSpec:
    slug: str
    name: str
    hs_chapters: tuple[str, ...]
    # The hall's name in the other UI languages (modeltranslation's columns: ko, zh_hans, ja, vi, ind).
    names: tuple[tuple[str, str], ...] = ()


DEFAULT_HALLS: tuple[HallSpec, ...] = (
    HallSpec(
        "beauty",
        "Beauty & Cosmetics",
        _chapters((33, 34)),
        (
            ("ko", "뷰티·화장품"),
            ("zh_hans", "美容与化妆品"),
            ("ja", "ビューティー・化粧品"),
            ("vi", "Làm đẹp & Mỹ phẩm"),
            ("ind", "Kecantikan & Kosmetik"),
        ),
    ),
    HallSpec(
        "food",
        "Food & Beverage",
        _chapters((2, 24)),
        (
            ("ko", "식품·음료"),
            ("zh_hans", "食品饮料"),
            ("ja", "食品・飲料"),
            ("vi", "Thực phẩm & Đồ uống"),
            ("ind", "Makanan & Minuman"),
        ),
    ),
    HallSpec(
        "health",
        "Health & Medical",
        _chapters(30, 90),
        (
            ("ko", "보건·의료"),
            ("zh_hans", "医疗健康"),
            ("ja", "ヘルスケア・医療"),
            ("vi", "Y tế & Sức khỏe"),
            ("ind", "Kesehatan & Medis"),
        ),
    ),
    HallSpec(
        "fashion",
        "Fashion & Apparel",
        _chapters(42, (50, 67), 71),
        (
            ("ko", "패션·의류"),
            ("zh_hans", "时尚服装"),
            ("ja", "ファッション・アパレル"),
            ("vi", "Thời trang & May mặc"),
            ("ind", "Fesyen & Pakaian"),
        ),
    ),
    HallSpec(
        "toys",
        "Toys & Sports",
        _chapters(95),
        (
            ("ko", "완구·스포츠"),
            ("zh_hans", "玩具与运动"),
            ("ja", "玩具・スポーツ"),
            ("vi", "Đồ chơi & Thể thao"),
            ("ind", "Mainan & Olahraga"),
        ),
    ),
    HallSpec(
        "electronics",
        "Electronics",
        _chapters((84, 85)),
        (
            ("ko", "전자"),
            ("zh_hans", "电子产品"),
            ("ja", "エレクトロニクス"),
            ("vi", "Điện tử"),
            ("ind", "Elektronik"),
        ),
    ),
    HallSpec(
        "household",
        "Household & Living",
        _chapters(39, 69, 70, 73, 82, 94, 96),
        (
            ("ko", "생활·리빙"),
            ("zh_hans", "家居生活"),
            ("ja", "家庭用品・リビング"),
            ("vi", "Gia dụng & Đời sống"),
            ("ind", "Rumah Tangga & Gaya Hidup"),
        ),
    ),
    HallSpec(
        "general",
        "General",
        (),
        (("ko", "일반"), ("zh_hans", "综合"), ("ja", "一般"), ("vi", "Tổng hợp"), ("ind", "Umum")),
    ),
)


class HallPicker:
    """Maps HS codes to a hall id, given (hall id, its chapters) pairs in display order."""

    def __init__(self, halls: Iterable[tuple[int, Sequence[str]]]):
        self.by_chapter: dict[str, int] = {}
        self.fallback: int | None = None
        for hall_id, chapters in halls:
            if not chapters and self.fallback is None:
                self.fallback = hall_id
            for code in chapters:
                self.by_chapter.setdefault(code[:2], hall_id)

    def pick(self, hs_codes: Sequence[str]) -> int | None:
        for code in hs_codes:
            hall_id = self.by_chapter.get(code[:2])
            if hall_id is not None:
                return hall_id
        return self.fallback
