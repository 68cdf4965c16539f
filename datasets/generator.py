"""A synthetic fair in the dataset format: exhibitors, buyers, behaviour logs and held-out meetings.

The model, briefly. Exhibitors (mostly Korean, some from other Asian or
Western countries) each belong to a sector (cosmetics, food, medical devices,
apparel, toys, electronics accessories, household goods) and sell one to three
items of that sector's catalogue, written as 4-digit headings or 6-digit
subheadings. They target zero (any) to five markets, hold some of the
certifications those markets require for their sector plus some sector-generic
ones (GMP, HACCP, ISO 13485, OEKO-TEX...), speak their own language and often
English, and have a hidden popularity (log-normal). Buyers come from real
markets (US, CN, JP, VN, ID, MY, TH, DE, FR, GB, AE, SA, AU, CA, IN...), source
one to three codes of a sector (chapter, heading or subheading), require the
certifications their market asks for in that sector (`certifications_for_market`
intersected with the sector's list: FDA for US food and cosmetics, NMPA for
Chinese cosmetics, HALAL for Indonesia, Malaysia and the Gulf, CE/MDR for EU
medical devices...) and speak their market's languages, often with English.

The hidden affinity of a buyer and an exhibitor is a sum on a logit scale:
HS match depth (6 > 4 > 2 digits > none), whether the exhibitor targets the
buyer's market (or any market), the share of the buyer's required
certifications it holds, a shared language, its popularity, and a per-pair
Gaussian noise that no feature explains. Each buyer with an activity budget
(log-normal, totalling --interactions) visits booths in an order sampled
without replacement from softmax(affinity / T) (Gumbel top-k) and goes down a
funnel whose every step is likelier at high affinity: booth_visit (one or
more) >> product_view > chat > meeting_request > meeting_held > deal. Times
fall within the fair days, in the fair's time zone, written with an offset.

test.csv holds held-out positives: for a share of the active buyers and for
some buyers with no logged behaviour at all (cold start), one to three further
exhibitors, not in interactions.csv, sampled from the same affinity weighted
by the probability of reaching a meeting. A recommender that uses HS codes,
markets, certifications and languages, and learns their weights from the logs,
beats popularity; none can be perfect because of the noise.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from tqdm import tqdm

from fair.dataset import BUYERS, EXHIBITORS, INTERACTIONS, TEST
from fair.hs import hs_match_depth
from fair.vocab import certifications_for_market


@dataclass(frozen=True)
class CatalogueItem:
    hs_code: str  # 6 digits
    name: str
    moq: int
    moq_unit: str
    price_min: float
    price_max: float


def _items(*rows) -> tuple[CatalogueItem, ...]:
    return tuple(CatalogueItem(*row) for row in rows)


@dataclass(frozen=True)
class Sector:
    key: str
    noun: str  # "cosmetics maker"
    weight: float
    items: tuple[CatalogueItem, ...]
    market_certs: frozenset[str]  # certifications some market requires for this sector
    generic_certs: tuple[str, ...]  # certifications anyone in the sector may hold or ask for
    channels: tuple[str, ...]  # where buyers sell it


SECTORS: tuple[Sector, ...] = (
    Sector(
        "cosmetics",
        "cosmetics and personal care",
        0.24,
        _items(
            ("330499", "Snail mucin repair cream", 500, "pcs", 4.5, 9.0),
            ("330499", "Hyaluronic acid serum", 500, "pcs", 5.0, 12.0),
            ("330499", "Sheet mask pack", 2000, "pcs", 0.4, 1.2),
            ("330410", "Tinted lip balm", 1000, "pcs", 1.5, 4.0),
            ("330420", "Waterproof eyeliner", 1000, "pcs", 1.8, 4.5),
            ("330491", "BB cushion compact", 500, "pcs", 5.0, 11.0),
            ("330510", "Ginseng herbal shampoo", 1000, "bottles", 3.0, 7.0),
            ("330590", "Hair repair essence", 1000, "bottles", 3.5, 8.0),
            ("330730", "Bath salt and body scrub", 1000, "jars", 2.0, 5.0),
            ("330720", "Natural deodorant stick", 1000, "pcs", 2.0, 5.0),
            ("340111", "Handmade green tea soap", 2000, "bars", 0.8, 2.5),
            ("340130", "Foaming facial cleanser", 1000, "tubes", 2.0, 5.5),
        ),
        frozenset(
            {
                "FDA",
                "CPNP",
                "NMPA",
                "HALAL",
                "BPOM",
                "FDA_TH",
                "SFDA",
                "HEALTH_CANADA",
                "CDSCO",
                "MFDS",
                "UKCA",
            }
        ),
        ("CGMP", "ISO22716", "VEGAN", "LEAPING_BUNNY", "ECOCERT"),
        ("beauty retailers", "online marketplaces", "drugstores", "duty-free shops", "department stores"),
    ),
    Sector(
        "food",
        "food and beverage",
        0.22,
        _items(
            ("190230", "Spicy instant ramen", 5000, "packs", 0.35, 0.8),
            ("190219", "Sweet potato glass noodles", 2000, "kg", 2.0, 4.0),
            ("190590", "Puffed rice cracker snacks", 3000, "packs", 0.6, 1.5),
            ("190531", "Chocolate-coated biscuits", 3000, "boxes", 1.2, 2.8),
            ("200599", "Fermented cabbage kimchi", 1000, "kg", 2.5, 5.0),
            ("210390", "Gochujang chili paste", 2000, "tubs", 1.5, 4.0),
            ("210310", "Naturally brewed soy sauce", 2000, "bottles", 1.2, 3.5),
            ("210690", "Red ginseng extract sticks", 1000, "boxes", 12.0, 30.0),
            ("090210", "Jeju green tea leaves", 500, "kg", 15.0, 40.0),
            ("121120", "Korean red ginseng roots", 100, "kg", 60.0, 150.0),
            ("121221", "Roasted seasoned seaweed (laver)", 5000, "packs", 0.3, 0.9),
            ("220299", "Aloe vera drink", 5000, "bottles", 0.4, 0.9),
            ("220210", "Sparkling fruit soda", 5000, "cans", 0.3, 0.7),
        ),
        frozenset(
            {
                "FDA",
                "USDA_ORGANIC",
                "CIQ",
                "JAS",
                "HALAL",
                "BPOM",
                "FDA_TH",
                "VFA",
                "SFDA",
                "EU_ORGANIC",
                "MFDS",
                "HEALTH_CANADA",
            }
        ),
        ("HACCP", "ISO22000", "FSSC22000", "BRC", "KOSHER", "ORGANIC", "VEGAN"),
        (
            "supermarket chains",
            "Asian grocery stores",
            "online marketplaces",
            "restaurants and food service",
            "convenience stores",
        ),
    ),
    Sector(
        "medical",
        "medical device",
        0.12,
        _items(
            ("901890", "Disposable acupuncture needles", 10000, "pcs", 0.02, 0.08),
            ("901831", "Auto-disable safety syringes", 10000, "pcs", 0.05, 0.2),
            ("901819", "Portable ECG monitor", 50, "units", 80.0, 250.0),
            ("901910", "Electric massage chair", 10, "units", 900.0, 2500.0),
            ("902140", "Rechargeable hearing aid", 100, "units", 60.0, 300.0),
            ("902110", "Orthopaedic knee brace", 500, "pcs", 6.0, 20.0),
            ("902519", "Infrared forehead thermometer", 500, "units", 6.0, 15.0),
            ("300590", "Hydrocolloid wound dressing", 5000, "pcs", 0.15, 0.6),
            ("300650", "Travel first-aid kit", 1000, "kits", 4.0, 12.0),
            ("300610", "Absorbable surgical sutures", 1000, "boxes", 20.0, 60.0),
            ("900410", "UV400 polarised sunglasses", 300, "pcs", 4.0, 15.0),
            ("900490", "Blue-light blocking glasses", 300, "pcs", 3.0, 10.0),
        ),
        frozenset(
            {
                "FDA",
                "CE",
                "MDR",
                "NMPA",
                "PMDA",
                "TGA",
                "HEALTH_CANADA",
                "ANVISA",
                "CDSCO",
                "SFDA",
                "MFDS",
                "UKCA",
            }
        ),
        ("ISO13485", "GMP", "ISO9001"),
        ("hospitals and clinics", "pharmacies", "medical distributors", "online health stores"),
    ),
    Sector(
        "apparel",
        "fashion and apparel",
        0.12,
        _items(
            ("610910", "Cotton graphic T-shirt", 300, "pcs", 3.0, 8.0),
            ("611020", "Cotton knit sweater", 200, "pcs", 9.0, 22.0),
            ("611030", "Fleece pullover", 200, "pcs", 8.0, 18.0),
            ("610443", "Knit midi dress", 200, "pcs", 10.0, 25.0),
            ("620443", "Chiffon occasion dress", 200, "pcs", 12.0, 30.0),
            ("620462", "Wide-leg cotton trousers", 200, "pcs", 8.0, 20.0),
            ("611595", "Character cotton socks", 1200, "pairs", 0.5, 1.5),
            ("420221", "Leather tote bag", 100, "pcs", 25.0, 70.0),
            ("420222", "Nylon crossbody bag", 200, "pcs", 6.0, 18.0),
            ("640411", "Lightweight running sneakers", 300, "pairs", 12.0, 35.0),
            ("640419", "Canvas slip-on shoes", 300, "pairs", 7.0, 18.0),
        ),
        frozenset({"CPSIA", "UKCA"}),
        ("OEKO_TEX", "GOTS", "BSCI", "SEDEX"),
        ("fashion boutiques", "online marketplaces", "department stores", "K-fashion select shops"),
    ),
    Sector(
        "toys",
        "toy and sporting goods",
        0.08,
        _items(
            ("950300", "Character plush toy", 500, "pcs", 2.5, 7.0),
            ("950300", "Magnetic building block set", 300, "sets", 6.0, 25.0),
            ("950300", "Educational coding robot", 100, "units", 30.0, 90.0),
            ("950450", "Handheld retro game console", 100, "units", 40.0, 120.0),
            ("950440", "Hwatu playing cards", 1000, "decks", 0.8, 2.0),
            ("950691", "Home fitness resistance bands", 500, "sets", 2.0, 6.0),
            ("950662", "Inflatable beach ball", 1000, "pcs", 0.6, 2.0),
            ("950699", "Taekwondo sparring gear", 200, "sets", 12.0, 35.0),
        ),
        frozenset({"EN71", "CE", "ASTM_F963", "CPSIA", "UKCA", "SNI", "CCC", "KC"}),
        ("ISO9001", "BSCI"),
        ("toy stores", "online marketplaces", "sporting goods chains", "museum and gift shops"),
    ),
    Sector(
        "electronics",
        "electronics accessories",
        0.12,
        _items(
            ("850440", "USB-C GaN fast charger", 500, "pcs", 5.0, 14.0),
            ("850760", "Lithium-ion power bank", 500, "pcs", 7.0, 20.0),
            ("851762", "Wi-Fi mesh router", 200, "units", 25.0, 70.0),
            ("851713", "Rugged smartphone", 100, "units", 90.0, 220.0),
            ("851830", "Wireless noise-cancelling earbuds", 500, "pcs", 8.0, 30.0),
            ("851822", "Portable Bluetooth speaker", 300, "pcs", 10.0, 35.0),
            ("854442", "Braided USB-C cable", 2000, "pcs", 0.8, 3.0),
            ("854370", "LED facial beauty device", 200, "units", 25.0, 90.0),
        ),
        frozenset(
            {
                "FCC",
                "UL",
                "CE",
                "UKCA",
                "CCC",
                "PSE",
                "KC",
                "SIRIM",
                "BIS",
                "SASO",
                "ESMA",
                "GSO",
                "CR",
                "SNI",
            }
        ),
        ("ROHS", "REACH", "ISO9001"),
        ("electronics retailers", "online marketplaces", "mobile phone shops", "corporate gift suppliers"),
    ),
    Sector(
        "household",
        "household and living",
        0.10,
        _items(
            ("392410", "Silicone food storage containers", 1000, "sets", 2.0, 6.0),
            ("392490", "Stackable storage organiser", 1000, "pcs", 1.5, 5.0),
            ("732393", "Stainless steel lunch box", 500, "pcs", 4.0, 10.0),
            ("691110", "Porcelain dinnerware set", 200, "sets", 15.0, 45.0),
            ("701337", "Double-wall glass tumbler", 1000, "pcs", 1.5, 4.5),
            ("850940", "Compact food blender", 200, "units", 15.0, 40.0),
            ("851660", "Electric multi cooker", 200, "units", 25.0, 70.0),
            ("851631", "Ionic hair dryer", 300, "units", 12.0, 35.0),
            ("940511", "LED desk lamp", 300, "units", 8.0, 25.0),
            ("940490", "Memory foam pillow", 300, "pcs", 6.0, 18.0),
        ),
        frozenset({"FDA", "CE", "UKCA", "PSE", "KC", "SASO", "GSO", "SIRIM", "UL", "CCC"}),
        ("ISO9001", "FSC", "REACH", "BSCI"),
        ("home goods retailers", "online marketplaces", "hypermarkets", "interior design shops"),
    ),
)
SECTOR_BY_KEY = {s.key: s for s in SECTORS}

# market: (weight, languages, name, sector preference multipliers, cities)
MARKETS: dict[str, tuple[float, tuple[str, ...], str, dict[str, float], tuple[str, ...]]] = {
    "US": (
        14,
        ("en",),
        "the United States",
        {"cosmetics": 1.3, "electronics": 1.2, "medical": 1.2},
        ("New York", "Los Angeles", "Chicago", "Houston", "Seattle"),
    ),
    "CN": (
        10,
        ("zh",),
        "China",
        {"cosmetics": 1.6, "food": 1.2},
        ("Shanghai", "Beijing", "Guangzhou", "Shenzhen"),
    ),
    "JP": (10, ("ja",), "Japan", {"cosmetics": 1.4, "food": 1.2}, ("Tokyo", "Osaka", "Fukuoka", "Nagoya")),
    "VN": (
        7,
        ("vi",),
        "Vietnam",
        {"cosmetics": 1.4, "apparel": 1.2},
        ("Ho Chi Minh City", "Hanoi", "Da Nang"),
    ),
    "ID": (7, ("id",), "Indonesia", {"cosmetics": 1.5, "food": 1.5}, ("Jakarta", "Surabaya", "Bandung")),
    "MY": (
        5,
        ("ms", "en"),
        "Malaysia",
        {"cosmetics": 1.5, "food": 1.5},
        ("Kuala Lumpur", "Penang", "Johor Bahru"),
    ),
    "TH": (5, ("th",), "Thailand", {"cosmetics": 1.3, "food": 1.2}, ("Bangkok", "Chiang Mai")),
    "DE": (
        6,
        ("de",),
        "Germany",
        {"medical": 1.4, "household": 1.2},
        ("Berlin", "Hamburg", "Munich", "Frankfurt"),
    ),
    "FR": (4, ("fr",), "France", {"cosmetics": 1.2, "food": 1.2}, ("Paris", "Lyon", "Marseille")),
    "GB": (
        5,
        ("en",),
        "the United Kingdom",
        {"toys": 1.3, "apparel": 1.2},
        ("London", "Manchester", "Birmingham"),
    ),
    "AE": (
        4,
        ("ar", "en"),
        "the United Arab Emirates",
        {"cosmetics": 1.4, "food": 1.3, "medical": 1.2},
        ("Dubai", "Abu Dhabi"),
    ),
    "SA": (3, ("ar",), "Saudi Arabia", {"cosmetics": 1.3, "food": 1.3, "medical": 1.3}, ("Riyadh", "Jeddah")),
    "AU": (4, ("en",), "Australia", {"food": 1.2, "household": 1.2}, ("Sydney", "Melbourne", "Brisbane")),
    "CA": (3, ("en", "fr"), "Canada", {"food": 1.2}, ("Toronto", "Vancouver", "Montreal")),
    "IN": (4, ("en", "hi"), "India", {"electronics": 1.3, "medical": 1.2}, ("Mumbai", "Delhi", "Bengaluru")),
    "SG": (3, ("en", "zh"), "Singapore", {"cosmetics": 1.2}, ("Singapore",)),
    "PH": (2, ("en", "tl"), "the Philippines", {"food": 1.2, "cosmetics": 1.2}, ("Manila", "Cebu")),
}

# exhibitor home country: (weight, languages, cities)
HOMES: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] = {
    "KR": (
        85,
        ("ko",),
        ("Seoul", "Busan", "Incheon", "Daegu", "Gwangju", "Daejeon", "Jeju", "Suwon", "Ulsan"),
    ),
    "JP": (3, ("ja",), ("Osaka", "Kobe")),
    "CN": (3, ("zh",), ("Qingdao", "Yiwu")),
    "VN": (2, ("vi",), ("Hanoi",)),
    "TW": (2, ("zh",), ("Taipei", "Taichung")),
    "TH": (1.5, ("th",), ("Bangkok",)),
    "MY": (1.5, ("ms",), ("Kuala Lumpur",)),
    "US": (1, ("en",), ("San Jose",)),
    "DE": (1, ("de",), ("Stuttgart",)),
}

_NAME_HEADS = (
    "Hanbit",
    "Mirae",
    "Saerom",
    "Daehan",
    "Hanil",
    "Samjin",
    "Nuri",
    "Dasol",
    "Haneul",
    "Gaon",
    "Sejin",
    "Arum",
    "Bomi",
    "Chorok",
    "Jinju",
    "Sunwoo",
    "Taeyang",
    "Yeoreum",
    "Areum",
    "Doore",
)
_SECTOR_WORDS = {
    "cosmetics": ("Cosmetics", "Beauty", "Skin Lab", "Bio Beauty", "Derma"),
    "food": ("Foods", "F&B", "Farm", "Kitchen", "Ginseng"),
    "medical": ("Medical", "Medi-Tech", "Healthcare", "Bio Med", "Life Science"),
    "apparel": ("Fashion", "Apparel", "Textile", "Studio", "Wear"),
    "toys": ("Toys", "Play", "Sports", "Kids", "Games"),
    "electronics": ("Electronics", "Tech", "Digital", "Power", "Mobile"),
    "household": ("Living", "Home", "Houseware", "Kitchenware", "Design"),
}
_COMPANY_TAILS = ("Co., Ltd.", "Inc.", "Corp.", "Co.", "Ltd.")
_BUYER_KINDS = ("Trading", "Imports", "Distribution", "Wholesale", "Retail Group", "Sourcing", "Supply")
_BUYER_ROLES = ("importer and distributor", "wholesaler", "retail chain", "online retailer", "sourcing agent")

# Affinity weights (logit scale) and funnel thresholds; see the module docstring.
_HS_WEIGHT = {6: 3.0, 4: 2.6, 2: 1.3, 0: 0.0}
_W_MARKET_TARGETED, _W_MARKET_ANY = 1.0, 0.5
_W_CERT, _W_CERT_BASE = 1.6, -0.8
_W_LANG_SHARED, _W_LANG_NONE = 0.5, -0.4
_W_POPULARITY = 0.7
_NOISE = 0.8
_TEMPERATURE = 0.6
_FUNNEL = (  # (kind, offset subtracted from the affinity before the sigmoid)
    ("product_view", 3.0),
    ("chat", 3.2),
    ("meeting_request", 2.8),
    ("meeting_held", 2.2),
    ("deal", 4.5),
)
KINDS_ORDER = ("booth_visit", "product_view", "chat", "meeting_request", "meeting_held", "deal")


@dataclass
class GeneratedExhibitor:
    exhibitor_id: str
    company: str
    country: str
    sector: str
    hs_codes: list[str]
    target_markets: list[str]
    certifications: list[str]
    languages: list[str]
    description: str
    items: list[CatalogueItem] = field(default_factory=list)
    tier: int = 1  # law 2 only: price tier 0 (value) .. 2 (premium)
    size: float = 1.0  # law 2 only: company size (log-normal)


@dataclass
class GeneratedBuyer:
    buyer_id: str
    company: str
    country: str
    sector: str
    hs_codes: list[str]
    required_certifications: list[str]
    languages: list[str]
    description: str
    tier: int = 1  # law 2 only: the price tier it buys at
    noise: float = 1.0  # law 2 only: how much of its choice no profile explains


@dataclass
class GeneratedFair:
    exhibitors: list[GeneratedExhibitor]
    buyers: list[GeneratedBuyer]
    interactions: list[
        tuple[int, int, int, int]
    ]  # (seconds from start, buyer index, exhibitor index, kind index)
    test: list[tuple[int, int]]  # (buyer index, exhibitor index)
    start: datetime  # local midnight of the first day, aware
    days: int


def _weighted(rng: np.random.Generator, keys: Sequence[str], weights: Sequence[float], size=None):
    p = np.asarray(weights, dtype=float)
    idx = rng.choice(len(keys), size=size, p=p / p.sum())
    return keys[idx] if size is None else [keys[i] for i in idx]


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _code_at(rng: np.random.Generator, hs6: str, probabilities: tuple[float, float, float]) -> str:
    """The item's code as a chapter, heading or subheading."""
    depth = rng.choice(3, p=probabilities)
    return hs6[: (2, 4, 6)[depth]]


def _dedupe(values) -> list[str]:
    return list(dict.fromkeys(values))


def _unique_name(name: str, used: dict[str, int]) -> str:
    n = used.get(name, 0)
    used[name] = n + 1
    return name if n == 0 else f"{name} ({n + 1})"


def _market_keys() -> list[str]:
    return list(MARKETS)


def _sector_market_weights(sector: str) -> np.ndarray:
    return np.array([MARKETS[m][0] * MARKETS[m][3].get(sector, 1.0) for m in MARKETS])


def _make_exhibitors(rng: np.random.Generator, n: int) -> list[GeneratedExhibitor]:
    sector_keys = [s.key for s in SECTORS]
    sector_w = [s.weight for s in SECTORS]
    home_keys = list(HOMES)
    home_w = [HOMES[h][0] for h in home_keys]
    markets = _market_keys()
    width = max(5, len(str(n)))
    used: dict[str, int] = {}
    out = []
    for i in range(n):
        sector = SECTOR_BY_KEY[_weighted(rng, sector_keys, sector_w)]
        home = _weighted(rng, home_keys, home_w)
        home_langs, cities = HOMES[home][1], HOMES[home][2]
        k = int(rng.choice((1, 2, 3), p=(0.45, 0.35, 0.2)))
        picks = rng.choice(len(sector.items), size=min(k, len(sector.items)), replace=False)
        items = [sector.items[j] for j in picks]
        if rng.random() < 0.08:  # a second line of business
            other = SECTORS[int(rng.integers(len(SECTORS)))]
            items.append(other.items[int(rng.integers(len(other.items)))])
        hs_codes = _dedupe(_code_at(rng, it.hs_code, (0.0, 0.6, 0.4)) for it in items)
        if rng.random() < 0.15:
            targets: list[str] = []
        else:
            m = int(rng.integers(1, 6))
            w = _sector_market_weights(sector.key)
            targets = [markets[j] for j in rng.choice(len(markets), size=m, replace=False, p=w / w.sum())]
        certs: list[str] = []
        for market in targets or [markets[j] for j in rng.choice(len(markets), size=2, replace=False)]:
            for c in certifications_for_market(market):
                if c in sector.market_certs and rng.random() < 0.6:
                    certs.append(c)
        for c in certifications_for_market(home):
            if c in sector.market_certs and rng.random() < 0.7:
                certs.append(c)
        for c in sector.generic_certs:
            if rng.random() < 0.35:
                certs.append(c)
        if rng.random() < 0.1:  # exporters also hold certificates for markets they do not list
            other_market = markets[int(rng.integers(len(markets)))]
            certs += [c for c in certifications_for_market(other_market) if c in sector.market_certs]
        langs = list(home_langs)
        if rng.random() < 0.75:
            langs.append("en")
        if home == "KR":
            for extra, p in (("ja", 0.15), ("zh", 0.15), ("vi", 0.05), ("id", 0.03)):
                if rng.random() < p:
                    langs.append(extra)
        words = _SECTOR_WORDS[sector.key]
        name = _unique_name(
            f"{_NAME_HEADS[int(rng.integers(len(_NAME_HEADS)))]} {words[int(rng.integers(len(words)))]} "
            f"{_COMPANY_TAILS[int(rng.integers(len(_COMPANY_TAILS)))]}",
            used,
        )
        city = cities[int(rng.integers(len(cities)))]
        products = _join([it.name.lower() for it in items])
        text = f"{sector.noun.capitalize()} maker from {city}. We make {products}"
        if targets:
            text += f" and export to {_join([MARKETS[t][2] for t in targets[:3]])}"
        text += "."
        held = _dedupe(certs)
        if held:
            text += f" Certified: {', '.join(held[:4])}."
        if rng.random() < 0.3:
            text += " OEM and ODM welcome."
        out.append(
            GeneratedExhibitor(
                exhibitor_id=f"E{i + 1:0{width}d}",
                company=name,
                country=home,
                sector=sector.key,
                hs_codes=hs_codes,
                target_markets=targets,
                certifications=held,
                languages=_dedupe(langs),
                description=text,
                items=items,
            )
        )
    return out


def _make_buyers(rng: np.random.Generator, n: int) -> list[GeneratedBuyer]:
    markets = _market_keys()
    market_w = [MARKETS[m][0] for m in markets]
    width = max(6, len(str(n)))
    used: dict[str, int] = {}
    out = []
    for i in range(n):
        country = _weighted(rng, markets, market_w)
        _w, langs, _name, prefs, cities = MARKETS[country]
        sw = np.array([s.weight * prefs.get(s.key, 1.0) for s in SECTORS])
        sector = SECTORS[int(rng.choice(len(SECTORS), p=sw / sw.sum()))]
        k = int(rng.choice((1, 2, 3), p=(0.5, 0.35, 0.15)))
        items = [sector.items[j] for j in rng.choice(len(sector.items), size=k, replace=False)]
        if rng.random() < 0.12:
            other = SECTORS[int(rng.integers(len(SECTORS)))]
            items.append(other.items[int(rng.integers(len(other.items)))])
        hs_codes = _dedupe(_code_at(rng, it.hs_code, (0.1, 0.65, 0.25)) for it in items)
        required = [
            c for c in certifications_for_market(country) if c in sector.market_certs and rng.random() < 0.8
        ]
        for c in sector.generic_certs:
            if rng.random() < 0.12:
                required.append(c)
        buyer_langs = list(langs)
        if "en" not in buyer_langs and rng.random() < 0.55:
            buyer_langs.append("en")
        if rng.random() < 0.05:
            buyer_langs.append("ko")
        city = cities[int(rng.integers(len(cities)))]
        name = _unique_name(f"{city} {_BUYER_KINDS[int(rng.integers(len(_BUYER_KINDS)))]}", used)
        role = _BUYER_ROLES[int(rng.integers(len(_BUYER_ROLES)))]
        channel = sector.channels[int(rng.integers(len(sector.channels)))]
        text = (
            f"{role.capitalize()} in {MARKETS[country][2]} looking for "
            f"{_join([it.name.lower() for it in items])} for {channel}."
        )
        if required:
            text += f" Suppliers must hold {', '.join(_dedupe(required))}."
        if rng.random() < 0.3:
            text += " Private label preferred."
        out.append(
            GeneratedBuyer(
                buyer_id=f"B{i + 1:0{width}d}",
                company=name,
                country=country,
                sector=sector.key,
                hs_codes=hs_codes,
                required_certifications=_dedupe(required),
                languages=_dedupe(buyer_langs),
                description=text,
            )
        )
    return out


class _Affinity:
    """Vectorised affinity of one buyer to every exhibitor."""

    def __init__(self, exhibitors: list[GeneratedExhibitor], rng: np.random.Generator):
        n = len(exhibitors)
        self.n = n
        self.by_prefix: dict[str, list[int]] = {}
        for j, e in enumerate(exhibitors):
            for code in e.hs_codes:
                for length in (2, 4, 6):
                    if len(code) >= length:
                        self.by_prefix.setdefault(code[:length], []).append(j)
        self.prefix = {k: np.array(sorted(set(v)), dtype=np.int64) for k, v in self.by_prefix.items()}
        self.any_market = np.array([not e.target_markets for e in exhibitors])
        self.targets: dict[str, np.ndarray] = {}
        self.certs: dict[str, np.ndarray] = {}
        self.langs: dict[str, np.ndarray] = {}
        for j, e in enumerate(exhibitors):
            for m in e.target_markets:
                self.targets.setdefault(m, np.zeros(n, bool))[j] = True
            for c in e.certifications:
                self.certs.setdefault(c, np.zeros(n, bool))[j] = True
            for lang in e.languages:
                self.langs.setdefault(lang, np.zeros(n, bool))[j] = True
        self.popularity = rng.normal(0.0, 0.6, size=n)
        self._zeros = np.zeros(n, bool)

    def depth(self, hs_codes: Sequence[str]) -> np.ndarray:
        depth = np.zeros(self.n, dtype=np.int64)
        for code in hs_codes:
            for length in (2, 4, 6):
                if len(code) < length:
                    break
                idx = self.prefix.get(code[:length])
                if idx is None:
                    break
                # an exhibitor code shorter than the buyer's still matches at its own length
                np.maximum.at(depth, idx, length)
        return depth

    def score(self, b: GeneratedBuyer, noise: np.ndarray) -> np.ndarray:
        depth = self.depth(b.hs_codes)
        hs = np.select(
            [depth == 6, depth == 4, depth == 2], [_HS_WEIGHT[6], _HS_WEIGHT[4], _HS_WEIGHT[2]], 0.0
        )
        targeted = self.targets.get(b.country, self._zeros)
        market = np.where(targeted, _W_MARKET_TARGETED, np.where(self.any_market, _W_MARKET_ANY, 0.0))
        if b.required_certifications:
            held = sum(self.certs.get(c, self._zeros).astype(float) for c in b.required_certifications)
            cert = _W_CERT_BASE + _W_CERT * held / len(b.required_certifications)
        else:
            cert = 0.0
        shared = np.zeros(self.n, bool)
        for lang in b.languages:
            shared |= self.langs.get(lang, self._zeros)
        lang_term = np.where(shared, _W_LANG_SHARED, _W_LANG_NONE)
        return hs + market + cert + lang_term + _W_POPULARITY * self.popularity + noise


# --- law 2: a second, independent world law ---------------------------------------------------------
#
# Written from other assumptions than law 1, so that an engine tuned on law-1 worlds can be measured
# on data it was not shaped on. Profiles: exhibitors sell 2 to 9 codes across one to three sectors;
# buyers source 1 to 6; each market has its own long tail of certification schemes (codes the
# built-in list does not know: market registrations, national marks, private schemes) that its
# buyers require and that exhibitors hold with a Zipf-like popularity; exhibitors have a hidden price
# tier and company size, buyers a preferred tier. Utility is not a sum of the profile signals:
# certifications only count once the product matches (heading or deeper), missing half of what is
# required is a cliff, price tiers cost quadratically with their distance, each market prefers some
# exhibitor home countries (a hidden regional taste), targets matter to small companies only, and
# each buyer has its own noise level. Activity is sparser and more skewed than under law 1.

LAWS = (1, 2)
_TAIL_PREFIXES = (
    "SCPN",
    "INMETRO",
    "EAC",
    "NOM",
    "SABER",
    "KEBS",
    "SONCAP",
    "BSMI",
    "NCC",
    "ICASA",
    "ANATEL",
    "IRAM",
    "SIRIM_QAS",
    "PSB",
    "TISI",
    "LPCB",
    "NSF",
    "ETL",
    "CSA",
    "SGS_FOOD",
    "GLOBALGAP",
    "IFS",
    "MSC",
    "ASC",
    "RSPO",
    "FAIRTRADE",
    "RAINFOREST",
    "SA8000",
    "WRAP",
    "GRS",
    "BLUESIGN",
    "FSMA",
    "PRIMUS",
    "SQF",
    "ISO_50001",
    "IATF16949",
    "E_MARK",
    "DOT",
    "ECE_R10",
    "CB_SCHEME",
    "TUV_GS",
    "VDE",
    "KEMA",
    "NEMKO",
    "SEMKO",
    "DEMKO",
    "FIMKO",
    "ENEC",
    "IECEE",
    "PSE_CIRCLE",
    "MIC_JP",
)
_TIER_WORDS = ("value-priced", "mid-range", "premium")


def _law2_people(rng: np.random.Generator, ex: list, bu: list) -> None:
    """Turn law-1 profiles into law-2 ones in place (more codes, long-tail certifications, tiers)."""
    markets = _market_keys()
    tail = [f"{p}" if rng.random() < 0.6 else f"{p}-{int(rng.integers(1, 99))}" for p in _TAIL_PREFIXES]
    zipf = 1.0 / np.arange(1, len(tail) + 1) ** 1.1
    # each market asks for 0 to 3 tail schemes of its own
    market_tail = {
        m: [tail[j] for j in rng.choice(len(tail), size=int(rng.integers(0, 4)), replace=False)]
        for m in markets
    }
    for e in ex:
        sectors = [SECTOR_BY_KEY[e.sector]] + [
            SECTORS[int(rng.integers(len(SECTORS)))] for _ in range(int(rng.choice(3, p=(0.6, 0.3, 0.1))))
        ]
        items = list(e.items)
        for _ in range(int(rng.integers(1, 7))):
            sector = sectors[int(rng.integers(len(sectors)))]
            items.append(sector.items[int(rng.integers(len(sector.items)))])
        e.items = list({it.name: it for it in items}.values())
        e.hs_codes = _dedupe(_code_at(rng, it.hs_code, (0.05, 0.35, 0.6)) for it in e.items)
        certs = list(e.certifications)
        for m in e.target_markets or markets[:3]:
            certs += [c for c in market_tail[m] if rng.random() < 0.5]
        certs += [tail[j] for j in rng.choice(len(tail), size=int(rng.integers(0, 4)), p=zipf / zipf.sum())]
        e.certifications = _dedupe(certs)
        e.tier = int(rng.choice(3, p=(0.35, 0.45, 0.2)))
        e.size = float(rng.lognormal(0.0, 1.0))
        if rng.random() < 0.6:
            e.description += f" {_TIER_WORDS[e.tier].capitalize()} lines."
        if e.size > 2.5:
            e.description += " Large-scale production."
    for b in bu:
        extra = int(rng.choice((0, 1, 2, 3), p=(0.3, 0.3, 0.25, 0.15)))
        sector = SECTOR_BY_KEY[b.sector]
        codes = list(b.hs_codes) + [
            _code_at(rng, sector.items[int(rng.integers(len(sector.items)))].hs_code, (0.05, 0.45, 0.5))
            for _ in range(extra)
        ]
        b.hs_codes = _dedupe(codes)
        b.required_certifications = _dedupe(
            list(b.required_certifications) + [c for c in market_tail[b.country] if rng.random() < 0.7]
        )
        b.tier = int(rng.choice(3, p=(0.3, 0.45, 0.25)))
        b.noise = float(rng.uniform(0.4, 1.6))
        if rng.random() < 0.5:
            b.description += f" We buy {_TIER_WORDS[b.tier]} products."


class _Affinity2(_Affinity):
    """Law 2's utility (see above); same interface as law 1's."""

    def __init__(self, exhibitors: list[GeneratedExhibitor], buyers: list[GeneratedBuyer], rng):
        super().__init__(exhibitors, rng)
        self.tier = np.array([e.tier for e in exhibitors], dtype=float)
        self.log_size = np.log(np.array([e.size for e in exhibitors]))
        self.small = self.log_size < 0.5
        homes = sorted({e.country for e in exhibitors})
        home_ix = {h: i for i, h in enumerate(homes)}
        self.home = np.array([home_ix[e.country] for e in exhibitors])
        self.taste = {m: rng.normal(0.0, 0.8, size=len(homes)) for m in sorted({b.country for b in buyers})}
        self.n_codes = np.zeros(self.n)

    def count(self, hs_codes) -> np.ndarray:
        """How many of the buyer's codes each exhibitor matches at heading depth or deeper."""
        out = np.zeros(self.n)
        for code in hs_codes:
            hit = np.zeros(self.n, bool)
            if len(code) >= 4:
                idx = self.prefix.get(code[:4])
                if idx is not None:
                    hit[idx] = True
            out += hit
        return out

    def score(self, b: GeneratedBuyer, noise: np.ndarray) -> np.ndarray:
        depth = self.depth(b.hs_codes)
        hs = np.select([depth == 6, depth == 4, depth == 2], [2.2, 1.5, 0.4], -0.6)
        hs = hs + 0.5 * np.log1p(self.count(b.hs_codes))
        if b.required_certifications:
            held = sum(self.certs.get(c, self._zeros).astype(float) for c in b.required_certifications)
            share = held / len(b.required_certifications)
            cert = np.where(share < 0.5, -2.0, 1.2 * share**2) * (depth >= 4)
        else:
            cert = 0.0
        targeted = self.targets.get(b.country, self._zeros) | self.any_market
        market = np.where(targeted, 0.3, np.where(self.small, -1.2, 0.0))
        price = -0.7 * (self.tier - b.tier) ** 2
        taste = self.taste[b.country][self.home]
        shared = np.zeros(self.n, bool)
        for lang in b.languages:
            shared |= self.langs.get(lang, self._zeros)
        lang_term = np.where(shared, 0.0, -0.8 if "en" not in b.languages else -0.3)
        size = 0.35 * self.log_size
        return hs + cert + market + price + taste + lang_term + size + 0.3 * self.popularity + b.noise * noise


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def generate_world(
    *,
    exhibitors: int,
    buyers: int,
    seed: int,
    interactions: int | None = None,
    start: date = date(2026, 5, 12),
    days: int = 3,
    time_zone: str = "Asia/Seoul",
    progress: bool = False,
    law: int = 1,
) -> GeneratedFair:
    """Build the synthetic fair in memory; the same arguments give the same fair.

    ``law`` picks the world law: 1 (the module docstring) or 2 (independent assumptions, above).
    """
    if law not in LAWS:
        raise ValueError(f"law must be one of {', '.join(map(str, LAWS))}")
    if exhibitors < 1 or buyers < 1:
        raise ValueError("a fair needs at least one exhibitor and one buyer")
    if days < 1:
        raise ValueError("a fair lasts at least one day")
    total = 20 * buyers if interactions is None else interactions
    if total < 0:
        raise ValueError("the number of interactions cannot be negative")
    rng = np.random.default_rng(seed)
    ex = _make_exhibitors(rng, exhibitors)
    bu = _make_buyers(rng, buyers)
    if law == 2:
        law_rng = np.random.default_rng([seed, 2])
        _law2_people(law_rng, ex, bu)
        aff = _Affinity2(ex, bu, law_rng)
    else:
        aff = _Affinity(ex, rng)

    # Who is active, who is a cold-start test buyer, and how much each active buyer does.
    cold = rng.random(buyers) < 0.08
    if buyers >= 2 and not cold.any():
        cold[int(rng.integers(buyers))] = True
    if cold.all():
        cold[0] = False
    active = np.flatnonzero(~cold)
    activity = rng.lognormal(0.0, 0.8 if law == 1 else 1.3, size=len(active))
    budgets = rng.multinomial(total, activity / activity.sum()) if len(active) else np.zeros(0, int)
    budget_of = np.zeros(buyers, dtype=np.int64)
    budget_of[active] = budgets
    in_test = cold | (rng.random(buyers) < 0.35)

    day_open, day_close = 9 * 3600, 18 * 3600
    horizon = days * 86400
    events: list[tuple[int, int, int, int]] = []
    test: list[tuple[int, int]] = []
    n_ex = len(ex)
    bar = tqdm(
        total=buyers,
        desc="generating buyers",
        unit=" buyers",
        file=sys.stderr,
        disable=not progress,
        mininterval=0.5,
    )
    for b in range(buyers):
        bar.update(1)
        taken: set[tuple[int, int, int]] = set()  # (time, exhibitor, kind) of this buyer's events
        noise = rng.normal(0.0, _NOISE, size=n_ex)
        a = aff.score(bu[b], noise)
        gumbel = rng.gumbel(size=n_ex)
        key = -(a / _TEMPERATURE + gumbel)
        budget = int(budget_of[b])
        m = min(budget, n_ex)
        order = np.argpartition(key, m - 1)[:m] if 0 < m < n_ex else np.arange(n_ex if m else 0)
        order = order[np.argsort(key[order], kind="stable")]
        visited = 0
        for j in order:
            if budget <= 0:
                break
            j = int(j)
            visited += 1
            s = a[j]
            first = int(rng.integers(days)) * 86400 + int(rng.integers(day_open, day_close - 3600))
            kinds = [0] * (1 + int(rng.poisson(0.6)))
            for step, (_kind, offset) in enumerate(_FUNNEL, start=1):
                if rng.random() >= _sigmoid(s - offset):
                    break
                kinds += [step] * (1 + int(rng.poisson(0.3)) if step == 1 else 1)
            kinds = kinds[:budget]
            budget -= len(kinds)
            t = first
            for k in kinds:
                if k == 4:  # the meeting happens hours or a day after the request
                    t += int(rng.integers(3600, 30 * 3600))
                else:
                    t += int(rng.integers(5, 900)) if k else int(rng.integers(0, 3600))
                t = min(t, horizon - 1)
                while (t, j, k) in taken:
                    t = t - 1
                taken.add((t, j, k))
                events.append((t, b, j, k))
        # A buyer busier than the fair is large comes back to the booths it liked most.
        for n in range(budget):
            j = int(order[n % visited])
            t = int(rng.integers(days)) * 86400 + int(rng.integers(day_open, day_close))
            while (t, j, 0) in taken:
                t -= 1
            taken.add((t, j, 0))
            events.append((t, b, j, 0))
        if in_test[b]:
            # held-out future meetings: same affinity, weighted by the chance of reaching a meeting
            p_meet = np.ones(n_ex)
            for _kind, offset in _FUNNEL[:4]:
                p_meet = p_meet * _sigmoid(a - offset)
            logits = a / _TEMPERATURE + np.log(p_meet + 1e-12) + rng.gumbel(size=n_ex)
            logits[order[:visited]] = -np.inf
            want = int(rng.choice((1, 2, 3), p=(0.5, 0.3, 0.2)))
            for j in np.argsort(-logits, kind="stable")[:want]:
                if np.isfinite(logits[j]):
                    test.append((b, int(j)))
    bar.close()
    events.sort()
    zone = ZoneInfo(time_zone)
    return GeneratedFair(
        exhibitors=ex,
        buyers=bu,
        interactions=events,
        test=test,
        start=datetime.combine(start, time(0, 0), tzinfo=zone),
        days=days,
    )


def write_world(world: GeneratedFair, path: str | Path, *, progress: bool = False) -> None:
    """Write the fair in the dataset format (times in the fair's time zone, with their offset)."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / EXHIBITORS, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            (
                "exhibitor_id",
                "company",
                "country",
                "hs_codes",
                "target_markets",
                "certifications",
                "languages",
                "description",
            )
        )
        for e in world.exhibitors:
            w.writerow(
                (
                    e.exhibitor_id,
                    e.company,
                    e.country,
                    ";".join(e.hs_codes),
                    ";".join(e.target_markets),
                    ";".join(e.certifications),
                    ";".join(e.languages),
                    e.description,
                )
            )
    with open(folder / BUYERS, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            (
                "buyer_id",
                "company",
                "country",
                "hs_codes",
                "required_certifications",
                "languages",
                "description",
            )
        )
        for b in world.buyers:
            w.writerow(
                (
                    b.buyer_id,
                    b.company,
                    b.country,
                    ";".join(b.hs_codes),
                    ";".join(b.required_certifications),
                    ";".join(b.languages),
                    b.description,
                )
            )
    bids = [b.buyer_id for b in world.buyers]
    eids = [e.exhibitor_id for e in world.exhibitors]
    times: dict[int, str] = {}
    start = world.start
    with open(folder / INTERACTIONS, "w", encoding="utf-8", newline="") as f:
        f.write("buyer_id,exhibitor_id,kind,at\n")
        rows = world.interactions
        chunk: list[str] = []
        for i, (t, b, j, k) in enumerate(
            tqdm(
                rows,
                desc="writing interactions",
                unit=" rows",
                file=sys.stderr,
                disable=not progress or len(rows) < 100_000,
                mininterval=0.5,
            )
        ):
            at = times.get(t)
            if at is None:
                at = times[t] = (start + timedelta(seconds=t)).isoformat()
            chunk.append(f"{bids[b]},{eids[j]},{KINDS_ORDER[k]},{at}\n")
            if i % 100_000 == 99_999:
                f.write("".join(chunk))
                chunk.clear()
        f.write("".join(chunk))
    with open(folder / TEST, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("buyer_id", "exhibitor_id"))
        w.writerows((bids[b], eids[j]) for b, j in world.test)


def generate_fair(
    path: str | Path,
    *,
    exhibitors: int,
    buyers: int,
    seed: int,
    interactions: int | None = None,
    start: date = date(2026, 5, 12),
    days: int = 3,
    progress: bool = False,
    law: int = 1,
) -> GeneratedFair:
    """Generate a fair and write it to `path`; returns what was written."""
    world = generate_world(
        law=law,
        exhibitors=exhibitors,
        buyers=buyers,
        seed=seed,
        interactions=interactions,
        start=start,
        days=days,
        progress=progress,
    )
    write_world(world, path, progress=progress)
    return world


def catalogue_for(hs_codes: Sequence[str]) -> list[CatalogueItem]:
    """Catalogue items matching any of these codes, best match first (for demo products)."""
    scored = []
    for sector in SECTORS:
        for item in sector.items:
            depth = max((hs_match_depth(code, item.hs_code) for code in hs_codes), default=0)
            if depth:
                scored.append((-depth, item.hs_code, item.name, item))
    scored.sort(key=lambda r: r[:3])
    return [r[3] for r in scored]
