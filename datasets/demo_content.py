"""What makes the demo fair look like a fair: booth texts in English and Korean, written from
templates per industry (not machine translation), and pictures drawn here with Pillow (logos,
banners, product pictures: simple shapes and the company's initials), deterministic per seed. No
download, no network.

`demo_booths_dress(fair=..., seed=...)` fills the booths and products of a generated fair.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from exhibitors import media
from exhibitors.models import Booth, Product, ProductImage
from fair.models import Fair
from kernel import events

# --- texts --------------------------------------------------------------------------------------

# The catalogue's products (datasets/generator.py) in Korean.
PRODUCT_NAMES_KO = {
    "Snail mucin repair cream": "달팽이 점액 리페어 크림",
    "Hyaluronic acid serum": "히알루론산 세럼",
    "Sheet mask pack": "시트 마스크팩",
    "Tinted lip balm": "틴티드 립밤",
    "Waterproof eyeliner": "워터프루프 아이라이너",
    "BB cushion compact": "BB 쿠션 팩트",
    "Ginseng herbal shampoo": "인삼 한방 샴푸",
    "Hair repair essence": "헤어 리페어 에센스",
    "Bath salt and body scrub": "배스 솔트 바디 스크럽",
    "Natural deodorant stick": "내추럴 데오드란트 스틱",
    "Handmade green tea soap": "수제 녹차 비누",
    "Foaming facial cleanser": "약산성 폼 클렌저",
    "Spicy instant ramen": "매운 인스턴트 라면",
    "Sweet potato glass noodles": "고구마 당면",
    "Puffed rice cracker snacks": "뻥튀기 쌀과자",
    "Chocolate-coated biscuits": "초콜릿 코팅 비스킷",
    "Fermented cabbage kimchi": "배추김치",
    "Gochujang chili paste": "고추장",
    "Naturally brewed soy sauce": "자연 양조 간장",
    "Red ginseng extract sticks": "홍삼 농축액 스틱",
    "Jeju green tea leaves": "제주 녹차 잎",
    "Korean red ginseng roots": "고려 홍삼 뿌리",
    "Roasted seasoned seaweed (laver)": "조미 구운 김",
    "Aloe vera drink": "알로에 음료",
    "Sparkling fruit soda": "과일 탄산음료",
    "Disposable acupuncture needles": "일회용 침",
    "Auto-disable safety syringes": "자동 폐기형 안전 주사기",
    "Portable ECG monitor": "휴대용 심전도 모니터",
    "Electric massage chair": "전동 안마의자",
    "Rechargeable hearing aid": "충전식 보청기",
    "Orthopaedic knee brace": "정형외과용 무릎 보호대",
    "Infrared forehead thermometer": "적외선 이마 체온계",
    "Hydrocolloid wound dressing": "하이드로콜로이드 상처 드레싱",
    "Travel first-aid kit": "여행용 구급상자",
    "Absorbable surgical sutures": "흡수성 수술용 봉합사",
    "UV400 polarised sunglasses": "UV400 편광 선글라스",
    "Blue-light blocking glasses": "블루라이트 차단 안경",
    "Cotton graphic T-shirt": "면 그래픽 티셔츠",
    "Cotton knit sweater": "면 니트 스웨터",
    "Fleece pullover": "플리스 풀오버",
    "Knit midi dress": "니트 미디 원피스",
    "Chiffon occasion dress": "쉬폰 드레스",
    "Wide-leg cotton trousers": "와이드 면 바지",
    "Character cotton socks": "캐릭터 면 양말",
    "Leather tote bag": "가죽 토트백",
    "Nylon crossbody bag": "나일론 크로스백",
    "Lightweight running sneakers": "경량 러닝화",
    "Canvas slip-on shoes": "캔버스 슬립온",
    "Character plush toy": "캐릭터 봉제 인형",
    "Magnetic building block set": "자석 블록 세트",
    "Educational coding robot": "교육용 코딩 로봇",
    "Handheld retro game console": "휴대용 레트로 게임기",
    "Hwatu playing cards": "화투",
    "Home fitness resistance bands": "홈트레이닝 저항 밴드",
    "Inflatable beach ball": "비치볼",
    "Taekwondo sparring gear": "태권도 겨루기 보호구",
    "USB-C GaN fast charger": "USB-C GaN 고속 충전기",
    "Lithium-ion power bank": "리튬이온 보조배터리",
    "Wi-Fi mesh router": "와이파이 메시 공유기",
    "Rugged smartphone": "러기드 스마트폰",
    "Wireless noise-cancelling earbuds": "노이즈 캔슬링 무선 이어폰",
    "Portable Bluetooth speaker": "휴대용 블루투스 스피커",
    "Braided USB-C cable": "패브릭 USB-C 케이블",
    "LED facial beauty device": "LED 피부 미용기기",
    "Silicone food storage containers": "실리콘 밀폐 용기",
    "Stackable storage organiser": "적층형 수납 정리함",
    "Stainless steel lunch box": "스테인리스 도시락",
    "Porcelain dinnerware set": "도자기 식기 세트",
    "Double-wall glass tumbler": "이중벽 유리 텀블러",
    "Compact food blender": "미니 블렌더",
    "Electric multi cooker": "전기 멀티쿠커",
    "Ionic hair dryer": "음이온 헤어드라이어",
    "LED desk lamp": "LED 스탠드",
    "Memory foam pillow": "메모리폼 베개",
}

UNITS_KO = {
    "pcs": "개",
    "bottles": "병",
    "jars": "병",
    "bars": "개",
    "tubes": "개",
    "packs": "봉",
    "kg": "kg",
    "boxes": "박스",
    "tubs": "통",
    "sets": "세트",
    "units": "대",
    "pairs": "켤레",
}


@dataclass(frozen=True)
class Industry:
    """How a booth of one industry speaks, in English and Korean."""

    noun_ko: str
    taglines: tuple[tuple[str, str], ...]  # (en, ko)
    promise: tuple[str, str]  # one sentence on what the company is proud of
    product_line: tuple[str, str]  # a sentence for every product description
    colours: tuple[tuple[int, int, int], ...]


INDUSTRIES = {
    "cosmetics": Industry(
        "화장품",
        (
            ("K-beauty skin care, made in Korea", "한국에서 만드는 K-뷰티 스킨케어"),
            ("Gentle formulas for every skin type", "모든 피부를 위한 순한 포뮬러"),
            ("Clean beauty from Seoul's labs", "서울 연구소에서 태어난 클린 뷰티"),
        ),
        (
            "Every formula is dermatologically tested and free of parabens.",
            "모든 제품은 피부과 테스트를 마쳤으며 파라벤을 넣지 않습니다.",
        ),
        ("Dermatologically tested; private label welcome.", "피부과 테스트 완료, 자체 브랜드 생산 가능."),
        ((214, 51, 108), (244, 162, 97), (131, 56, 236), (42, 157, 143)),
    ),
    "food": Industry(
        "식품",
        (
            ("Korean flavours for the world's shelves", "세계의 식탁에 한국의 맛을"),
            ("Traditional recipes, modern food safety", "전통 레시피, 현대적인 식품 안전"),
            ("From Korean farms to your market", "한국 농가에서 당신의 시장까지"),
        ),
        (
            "We work with HACCP-certified kitchens and ship chilled or ambient.",
            "HACCP 인증 시설에서 생산하며 냉장·상온 배송이 모두 가능합니다.",
        ),
        (
            "HACCP-certified production; export labels in your language.",
            "HACCP 인증 생산, 현지어 수출 라벨 제공.",
        ),
        ((230, 57, 70), (244, 140, 6), (106, 153, 78), (188, 108, 37)),
    ),
    "medical": Industry(
        "의료기기",
        (
            ("Medical devices that clinics trust", "병원이 신뢰하는 의료기기"),
            ("Precision care, certified quality", "정밀한 케어, 인증된 품질"),
            ("Korean med-tech for everyday care", "일상의 건강을 지키는 한국 의료기술"),
        ),
        (
            "Our plant is ISO 13485 certified and every batch is traceable.",
            "ISO 13485 인증 공장에서 생산하며 모든 로트를 추적할 수 있습니다.",
        ),
        ("ISO 13485 production; registration files on request.", "ISO 13485 인증 생산, 인허가 서류 제공."),
        ((0, 119, 182), (0, 150, 136), (72, 149, 239), (38, 70, 83)),
    ),
    "apparel": Industry(
        "패션 의류",
        (
            ("Seoul street style, made to order", "주문 생산하는 서울 스트리트 스타일"),
            ("Comfortable basics with a K-fashion twist", "K-패션 감성을 더한 편안한 베이직"),
            ("Small runs, fast samples", "소량 생산, 빠른 샘플"),
        ),
        (
            "We sew in our own workshop in Seoul and can ship samples within a week.",
            "서울의 자체 봉제 공장에서 만들며 일주일 안에 샘플을 보내 드립니다.",
        ),
        ("Made in our Seoul workshop; samples within a week.", "서울 자체 공장 생산, 일주일 내 샘플 발송."),
        ((29, 53, 87), (230, 57, 70), (69, 123, 157), (168, 218, 220)),
    ),
    "toys": Industry(
        "완구·스포츠용품",
        (
            ("Play that teaches, toys that last", "배우며 노는 놀이, 오래가는 장난감"),
            ("Safe toys, tested to EN 71 and ASTM", "EN 71·ASTM 시험을 거친 안전한 장난감"),
            ("Korean characters kids love", "아이들이 사랑하는 한국 캐릭터"),
        ),
        (
            "Every toy is safety tested for the markets we ship to.",
            "모든 장난감은 수출 국가의 안전 기준에 맞춰 시험합니다.",
        ),
        ("Safety tested; gift boxes and retail packs.", "안전성 시험 완료, 선물 포장·소매 포장 가능."),
        ((255, 183, 3), (251, 133, 0), (33, 158, 188), (142, 202, 230)),
    ),
    "electronics": Industry(
        "전자 액세서리",
        (
            ("Smart accessories for connected lives", "연결된 일상을 위한 스마트 액세서리"),
            ("Fast, safe, certified power", "빠르고 안전한 인증 전원 제품"),
            ("Korean engineering in your pocket", "주머니 속 한국 기술"),
        ),
        (
            "Our products carry KC, CE and FCC marks and a two-year warranty.",
            "KC·CE·FCC 인증을 받았으며 2년 품질 보증을 제공합니다.",
        ),
        ("KC, CE and FCC certified; two-year warranty.", "KC·CE·FCC 인증, 2년 품질 보증."),
        ((58, 12, 163), (67, 97, 238), (76, 201, 240), (17, 24, 39)),
    ),
    "household": Industry(
        "생활용품",
        (
            ("Everyday living, thoughtfully designed", "세심하게 디자인한 매일의 생활"),
            ("Kitchen and home goods from Korea", "한국에서 온 주방·생활용품"),
            ("Small homes, smart storage", "작은 집을 위한 똑똑한 수납"),
        ),
        (
            "We design in Korea and test every item for food contact and durability.",
            "한국에서 디자인하고 모든 제품의 식품 안전성과 내구성을 시험합니다.",
        ),
        ("Food-contact safe; mixed containers welcome.", "식품 접촉 안전 시험 완료, 혼적 주문 가능."),
        ((96, 108, 56), (221, 161, 94), (40, 54, 24), (188, 108, 37)),
    ),
}
_CHAPTER_INDUSTRY = {
    "33": "cosmetics",
    "34": "cosmetics",
    "09": "food",
    "12": "food",
    "19": "food",
    "20": "food",
    "21": "food",
    "22": "food",
    "30": "medical",
    "90": "medical",
    "42": "apparel",
    "61": "apparel",
    "62": "apparel",
    "64": "apparel",
    "95": "toys",
    "85": "electronics",
    "39": "household",
    "69": "household",
    "70": "household",
    "73": "household",
    "94": "household",
}


def industry_of(hs_codes) -> str:
    for code in hs_codes or ():
        if str(code)[:2] in _CHAPTER_INDUSTRY:
            return _CHAPTER_INDUSTRY[str(code)[:2]]
    return "household"


def booth_texts(*, company: str, industry: str, rng: random.Random) -> dict[str, str]:
    """Tagline and story in English and Korean for one booth."""
    ind = INDUSTRIES[industry]
    tagline_en, tagline_ko = ind.taglines[rng.randrange(len(ind.taglines))]
    year, countries = rng.randint(1988, 2019), rng.randint(5, 40)
    story_en = (
        f"{company} has made {_EN_NOUNS[industry]} in Korea since {year}. "
        f"{ind.promise[0]} We export to {countries} countries and welcome OEM and private-label orders."
    )
    story_ko = (
        f"{year}년부터 한국에서 {ind.noun_ko}을(를) 만들어 온 {company}입니다. "
        f"{ind.promise[1]} {countries}개국에 수출하고 있으며 OEM·자체 브랜드 주문을 환영합니다."
    )
    return {
        "tagline_en": tagline_en,
        "tagline_ko": tagline_ko,
        "story_en": story_en,
        "story_ko": story_ko,
    }


_EN_NOUNS = {
    "cosmetics": "cosmetics and skin care",
    "food": "food and drinks",
    "medical": "medical devices",
    "apparel": "clothing and accessories",
    "toys": "toys and sporting goods",
    "electronics": "electronics accessories",
    "household": "household goods",
}


def product_texts(*, name: str, industry: str, moq: int | None, unit: str) -> dict[str, str]:
    """A product's name and description in English and Korean."""
    ind = INDUSTRIES[industry]
    name_ko = PRODUCT_NAMES_KO.get(name, name)
    moq_en = f" Minimum order {moq:,} {unit}." if moq else ""
    moq_ko = f" 최소 주문 수량 {moq:,}{UNITS_KO.get(unit, ' ' + unit)}." if moq else ""
    return {
        "name_en": name,
        "name_ko": name_ko,
        "description_en": f"{name}. {ind.product_line[0]}{moq_en} OEM welcome.",
        "description_ko": f"{name_ko}. {ind.product_line[1]}{moq_ko} OEM 환영.",
    }


# --- pictures -----------------------------------------------------------------------------------


def initials(name: str) -> str:
    words = [w for w in name.replace("&", " ").split() if w[:1].isalnum()]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or "T"


def _font(size: int):
    return ImageFont.load_default(size=size)


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _mix(a, b, t: float):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def logo_image(*, name: str, colours, rng: random.Random, side: int = 256) -> bytes:
    """A logo: a shape in the company's colour with its initials."""
    colour = colours[rng.randrange(len(colours))]
    img = Image.new("RGB", (side, side), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    pad = side // 10
    box = (pad, pad, side - pad, side - pad)
    shape = rng.randrange(3)
    if shape == 0:
        draw.ellipse(box, fill=colour)
    elif shape == 1:
        draw.rounded_rectangle(box, radius=side // 6, fill=colour)
    else:
        c = side // 2
        draw.polygon([(c, pad), (side - pad, c), (c, side - pad), (pad, c)], fill=colour)
    text = initials(name)
    font = _font(side // 3)
    draw.text((side / 2, side / 2), text, font=font, fill=(255, 255, 255), anchor="mm")
    return _png(img)


def banner_image(*, name: str, tagline: str, colours, rng: random.Random, size=(1200, 360)) -> bytes:
    """A banner: a gradient in the company's colours, a few shapes, its name and tagline."""
    w, h = size
    a, b = colours[rng.randrange(len(colours))], colours[rng.randrange(len(colours))]
    img = Image.new("RGB", size, a)
    draw = ImageDraw.Draw(img)
    for x in range(0, w, 8):
        draw.rectangle((x, 0, x + 8, h), fill=_mix(a, b, x / w))
    for _ in range(6):
        r = rng.randint(h // 6, h // 2)
        cx, cy = rng.randint(w // 2, w), rng.randint(0, h)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(255, 255, 255), width=3)
    draw.text((60, h / 2 - 30), name, font=_font(64), fill=(255, 255, 255), anchor="lm")
    draw.text((62, h / 2 + 40), tagline, font=_font(32), fill=(255, 255, 255), anchor="lm")
    return _png(img)


def product_image(*, name: str, industry: str, colours, rng: random.Random, side: int = 600) -> bytes:
    """A product picture: the kind of thing it is, drawn in simple shapes on a soft background."""
    colour = colours[rng.randrange(len(colours))]
    img = Image.new("RGB", (side, side), _mix(colour, (255, 255, 255), 0.85))
    draw = ImageDraw.Draw(img)
    c, u = side // 2, side // 10
    dark = _mix(colour, (0, 0, 0), 0.3)
    if industry == "cosmetics":  # a bottle with a cap
        draw.rounded_rectangle((c - 2 * u, c - u, c + 2 * u, c + 3 * u), radius=u, fill=colour)
        draw.rectangle((c - u, c - 2 * u, c + u, c - u), fill=dark)
        draw.rounded_rectangle((c - u, c - 3 * u, c + u, c - 2 * u), radius=u // 3, fill=dark)
    elif industry == "food":  # a bowl with steam
        draw.pieslice((c - 3 * u, c - 2 * u, c + 3 * u, c + 3 * u), 0, 180, fill=colour)
        for dx in (-u, 0, u):
            draw.arc((c + dx - u // 2, c - 3 * u, c + dx + u // 2, c - u), 90, 270, fill=dark, width=6)
    elif industry == "medical":  # a cross in a circle
        draw.ellipse((c - 3 * u, c - 3 * u, c + 3 * u, c + 3 * u), fill=colour)
        draw.rectangle((c - u // 2, c - 2 * u, c + u // 2, c + 2 * u), fill=(255, 255, 255))
        draw.rectangle((c - 2 * u, c - u // 2, c + 2 * u, c + u // 2), fill=(255, 255, 255))
    elif industry == "apparel":  # a shirt
        draw.polygon(
            [
                (c - u, c - 3 * u),
                (c + u, c - 3 * u),
                (c + 3 * u, c - 2 * u),
                (c + 2 * u, c - u),
                (c + 2 * u // 1, c + 3 * u),
                (c - 2 * u, c + 3 * u),
                (c - 2 * u, c - u),
                (c - 3 * u, c - 2 * u),
            ],
            fill=colour,
        )
    elif industry == "toys":  # a star
        points = []
        for i in range(10):
            r = 3 * u if i % 2 == 0 else int(1.3 * u)
            angle = math.pi / 2 + i * math.pi / 5
            points.append((c + r * math.cos(angle), c - r * math.sin(angle)))
        draw.polygon(points, fill=colour)
    elif industry == "electronics":  # a device with a screen
        draw.rounded_rectangle((c - 2 * u, c - 3 * u, c + 2 * u, c + 3 * u), radius=u // 2, fill=dark)
        draw.rectangle((c - int(1.6 * u), c - int(2.4 * u), c + int(1.6 * u), c + 2 * u), fill=colour)
    else:  # a cup
        draw.rounded_rectangle((c - 2 * u, c - 2 * u, c + u, c + 3 * u), radius=u // 2, fill=colour)
        draw.arc((c, c - u, c + 2 * u, c + 2 * u), 270, 90, fill=colour, width=u // 2)
    draw.text((c, side - u), name[:34], font=_font(28), fill=dark, anchor="mm")
    return _png(img)


def _stored(png: bytes, folder: str) -> tuple[str, str, int, int]:
    """Through the upload pipeline (exhibitors/media.py): re-encoded, with a thumbnail, stored."""
    prepared = media.prepare_image(ContentFile(png, name="demo.png"))
    image = media.store(prepared.content, folder=folder, extension=prepared.extension)
    thumb = media.store(prepared.thumbnail, folder=folder + "/thumbs", extension=prepared.extension)
    return image, thumb, prepared.width, prepared.height


@transaction.atomic
def demo_booths_dress(*, fair: Fair, seed: int, images: bool = True) -> int:
    """Give every booth of the fair its texts (English and Korean), logo and banner, and every product
    its Korean name, descriptions and a picture. Returns the number of pictures drawn."""
    drawn = 0
    booths = list(Booth.objects.filter(fair=fair).select_related("company").order_by("pk"))
    products_by_booth: dict[int, list[Product]] = {}
    for product in Product.objects.filter(booth__fair=fair).order_by("booth_id", "position", "pk"):
        products_by_booth.setdefault(product.booth_id, []).append(product)
    images_to_add = []
    for booth in booths:
        rng = random.Random(f"{seed}:dress:{booth.external_id or booth.pk}")  # noqa: S311 (demo data)
        industry = industry_of(booth.hs_codes)
        colours = INDUSTRIES[industry].colours
        for field, value in booth_texts(company=booth.company.name, industry=industry, rng=rng).items():
            setattr(booth, field, value)
        if images:
            folder = f"booths/{fair.pk}/{booth.pk}"
            booth.logo = _stored(
                logo_image(name=booth.company.name, colours=colours, rng=rng), folder + "/logo"
            )[0]
            banner = banner_image(name=booth.company.name, tagline=booth.tagline_en, colours=colours, rng=rng)
            booth.banner = _stored(banner, folder + "/banner")[0]
            drawn += 2
        for product in products_by_booth.get(booth.pk, []):
            texts = product_texts(
                name=product.name_en or product.name,
                industry=industry,
                moq=product.moq,
                unit=product.moq_unit,
            )
            for field, value in texts.items():
                setattr(product, field, value)
            if images:
                picture = product_image(
                    name=product.name_en or "", industry=industry, colours=colours, rng=rng
                )
                image, thumb, width, height = _stored(
                    picture, f"booths/{fair.pk}/{booth.pk}/products/{product.pk}"
                )
                images_to_add.append(
                    ProductImage(product=product, image=image, thumbnail=thumb, width=width, height=height)
                )
                drawn += 1
    Booth.objects.bulk_update(booths, ["tagline_en", "tagline_ko", "story_en", "story_ko", "logo", "banner"])
    products = [p for rows in products_by_booth.values() for p in rows]
    Product.objects.bulk_update(products, ["name_en", "name_ko", "description_en", "description_ko"])
    ProductImage.objects.bulk_create(images_to_add)
    events.emit("dataset.booths_dressed", fair_id=fair.pk, subject=fair, pictures=drawn)
    return drawn
