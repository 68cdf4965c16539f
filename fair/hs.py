"""The Harmonized System nomenclature: chapters, and the headings small exporters sell.

A code is 2 to 6 digits: a chapter (`33`), a heading (`3304`) or a subheading
(`330499`). Chapter 77 is reserved and does not exist; 98 and 99 are national
uses and are not accepted. Names are in English and Korean (the picker searches
both); other UI languages fall back to English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

_CODE = re.compile(r"^\d{2}(\d{2}){0,2}$")

# chapter: (English, Korean)
CHAPTERS: dict[str, tuple[str, str]] = {
    "01": ("Live animals", "산 동물"),
    "02": ("Meat and edible meat offal", "육과 식용 설육"),
    "03": ("Fish and seafood", "어류·갑각류·연체동물"),
    "04": ("Dairy, eggs, honey", "낙농품·새의 알·천연꿀"),
    "05": ("Other products of animal origin", "그 밖의 동물성 생산품"),
    "06": ("Live trees, plants and cut flowers", "산 수목과 꽃"),
    "07": ("Edible vegetables", "채소"),
    "08": ("Edible fruit and nuts", "과실과 견과류"),
    "09": ("Coffee, tea and spices", "커피·차·향신료"),
    "10": ("Cereals", "곡물"),
    "11": ("Milling products, malt, starches", "제분공업 생산품"),
    "12": ("Oil seeds, medicinal plants (ginseng)", "채유용 종자·인삼"),
    "13": ("Lac, gums, resins", "락·검·수지"),
    "14": ("Vegetable plaiting materials", "식물성 편조물용 재료"),
    "15": ("Animal and vegetable fats and oils", "동식물성 유지"),
    "16": ("Preparations of meat and fish", "육류·어류 조제품"),
    "17": ("Sugars and sugar confectionery", "당류와 설탕과자"),
    "18": ("Cocoa and chocolate", "코코아와 그 조제품"),
    "19": ("Cereal, flour and bakery preparations, noodles", "곡물·분유 조제품, 베이커리"),
    "20": ("Preparations of vegetables and fruit", "채소·과실 조제품"),
    "21": ("Miscellaneous edible preparations, sauces", "각종 조제 식료품, 소스"),
    "22": ("Beverages, spirits and vinegar", "음료·주류·식초"),
    "23": ("Food industry residues, animal feed", "사료"),
    "24": ("Tobacco", "담배"),
    "25": ("Salt, earths and stone, cement", "소금·토석류·시멘트"),
    "26": ("Ores, slag and ash", "광·슬래그·회"),
    "27": ("Mineral fuels and oils", "광물성 연료"),
    "28": ("Inorganic chemicals", "무기화학품"),
    "29": ("Organic chemicals", "유기화학품"),
    "30": ("Pharmaceutical products", "의료용품"),
    "31": ("Fertilisers", "비료"),
    "32": ("Tanning and dyeing extracts, paints, inks", "염료·안료·페인트·잉크"),
    "33": ("Essential oils, perfumery, cosmetics", "향료·화장품"),
    "34": ("Soap, washing and cleaning preparations", "비누·세제"),
    "35": ("Albuminoidal substances, glues, enzymes", "단백질계 물질·접착제"),
    "36": ("Explosives, matches", "화약류·성냥"),
    "37": ("Photographic goods", "사진용·영화용 재료"),
    "38": ("Miscellaneous chemical products", "각종 화학공업 생산품"),
    "39": ("Plastics and articles thereof", "플라스틱과 그 제품"),
    "40": ("Rubber and articles thereof", "고무와 그 제품"),
    "41": ("Raw hides, skins and leather", "원피와 가죽"),
    "42": ("Leather articles, handbags, travel goods", "가죽제품·핸드백·여행용구"),
    "43": ("Furskins and artificial fur", "모피"),
    "44": ("Wood and articles of wood", "목재와 그 제품"),
    "45": ("Cork", "코르크"),
    "46": ("Straw and basketware", "짚·바구니 세공물"),
    "47": ("Pulp of wood", "펄프"),
    "48": ("Paper and paperboard", "종이와 판지"),
    "49": ("Printed books and matter", "인쇄서적"),
    "50": ("Silk", "견"),
    "51": ("Wool and animal hair", "양모"),
    "52": ("Cotton", "면"),
    "53": ("Other vegetable textile fibres", "그 밖의 식물성 방직용 섬유"),
    "54": ("Man-made filaments", "인조 필라멘트"),
    "55": ("Man-made staple fibres", "인조 스테이플섬유"),
    "56": ("Wadding, felt, nonwovens, cordage", "워딩·펠트·부직포"),
    "57": ("Carpets", "양탄자"),
    "58": ("Special woven fabrics, lace", "특수직물·레이스"),
    "59": ("Coated and laminated textiles", "침투·도포한 직물"),
    "60": ("Knitted or crocheted fabrics", "메리야스 편물"),
    "61": ("Apparel, knitted or crocheted", "의류(편물제)"),
    "62": ("Apparel, not knitted", "의류(편물제 외)"),
    "63": ("Other made-up textile articles", "그 밖의 방직용 섬유제품"),
    "64": ("Footwear", "신발류"),
    "65": ("Headgear", "모자류"),
    "66": ("Umbrellas, walking sticks", "우산·지팡이"),
    "67": ("Prepared feathers, artificial flowers, wigs", "조화·가발"),
    "68": ("Articles of stone, plaster, cement", "석·시멘트 제품"),
    "69": ("Ceramic products", "도자제품"),
    "70": ("Glass and glassware", "유리와 유리제품"),
    "71": ("Pearls, precious stones, jewellery", "귀금속·보석·장신구"),
    "72": ("Iron and steel", "철강"),
    "73": ("Articles of iron or steel", "철강 제품"),
    "74": ("Copper", "구리"),
    "75": ("Nickel", "니켈"),
    "76": ("Aluminium", "알루미늄"),
    "78": ("Lead", "납"),
    "79": ("Zinc", "아연"),
    "80": ("Tin", "주석"),
    "81": ("Other base metals", "그 밖의 비금속"),
    "82": ("Tools, cutlery of base metal", "공구·칼붙이"),
    "83": ("Miscellaneous articles of base metal", "각종 비금속 제품"),
    "84": ("Machinery and mechanical appliances", "기계류"),
    "85": ("Electrical machinery and electronics", "전기기기·전자제품"),
    "86": ("Railway locomotives and equipment", "철도차량"),
    "87": ("Vehicles and parts", "차량과 그 부분품"),
    "88": ("Aircraft and spacecraft", "항공기"),
    "89": ("Ships and boats", "선박"),
    "90": ("Optical, measuring and medical instruments", "광학·정밀·의료기기"),
    "91": ("Clocks and watches", "시계"),
    "92": ("Musical instruments", "악기"),
    "93": ("Arms and ammunition", "무기"),
    "94": ("Furniture, bedding, lighting", "가구·침구·조명기구"),
    "95": ("Toys, games and sports equipment", "완구·운동용구"),
    "96": ("Miscellaneous manufactured articles", "잡품"),
    "97": ("Works of art and antiques", "예술품·골동품"),
}

# heading: (English, Korean) for the sectors small exporters sell abroad.
HEADINGS: dict[str, tuple[str, str]] = {
    "0304": ("Fish fillets", "어류 필레"),
    "0306": ("Crustaceans", "갑각류"),
    "0307": ("Molluscs", "연체동물"),
    "0402": ("Milk powder and concentrated milk", "분유·농축유"),
    "0409": ("Natural honey", "천연꿀"),
    "0709": ("Other fresh vegetables", "그 밖의 신선 채소"),
    "0712": ("Dried vegetables", "건조 채소"),
    "0810": ("Other fresh fruit", "그 밖의 신선 과실"),
    "0813": ("Dried fruit", "건조 과실"),
    "0902": ("Tea", "차"),
    "1211": ("Ginseng and medicinal plants", "인삼·약용 식물"),
    "1212": ("Seaweed and algae", "해조류"),
    "1604": ("Prepared or preserved fish", "조제·저장 처리한 어류"),
    "1605": ("Prepared or preserved seafood", "조제·저장 처리한 갑각류·연체동물"),
    "1704": ("Sugar confectionery", "설탕과자"),
    "1806": ("Chocolate", "초콜릿"),
    "1901": ("Malt extract and food preparations of flour", "맥아 추출물·곡분 조제 식료품"),
    "1902": ("Pasta and noodles (ramen)", "파스타·면류(라면)"),
    "1904": ("Prepared cereals, cooked rice", "곡물 조제품·즉석밥"),
    "1905": ("Bread, biscuits and snacks", "빵·비스킷·과자"),
    "2005": ("Other prepared vegetables (kimchi)", "그 밖의 조제 채소(김치)"),
    "2007": ("Jams and fruit jellies", "잼·과실 젤리"),
    "2008": ("Prepared fruit and nuts", "조제 과실·견과"),
    "2009": ("Fruit and vegetable juices", "과실·채소 주스"),
    "2101": ("Coffee and tea extracts", "커피·차 추출물"),
    "2103": ("Sauces, condiments (gochujang)", "소스·조미료(고추장)"),
    "2104": ("Soups and broths", "수프·브로스"),
    "2106": ("Food preparations, health supplements", "조제 식료품·건강기능식품"),
    "2202": ("Soft drinks and flavoured waters", "음료"),
    "2203": ("Beer", "맥주"),
    "2204": ("Wine", "포도주"),
    "2208": ("Spirits (soju)", "증류주(소주)"),
    "3002": ("Vaccines, blood products, diagnostic reagents", "백신·혈액제제·진단 시약"),
    "3004": ("Medicaments in doses", "투약용 의약품"),
    "3005": ("Bandages and dressings", "붕대·거즈"),
    "3006": ("Pharmaceutical goods (test kits)", "의료용품(진단 키트)"),
    "3301": ("Essential oils", "정유"),
    "3303": ("Perfumes", "향수"),
    "3304": ("Beauty, make-up and skin-care preparations", "미용·메이크업·기초화장품"),
    "3305": ("Hair preparations", "두발용 제품"),
    "3306": ("Oral hygiene (toothpaste)", "구강 위생용품(치약)"),
    "3307": ("Shaving, deodorant and bath preparations", "면도·방취·목욕용품"),
    "3401": ("Soap", "비누"),
    "3402": ("Detergents and cleaning preparations", "세제"),
    "3924": ("Plastic tableware and household articles", "플라스틱 식탁·가정용품"),
    "3926": ("Other articles of plastics", "그 밖의 플라스틱 제품"),
    "4202": ("Handbags, cases and travel goods", "핸드백·케이스·여행용품"),
    "6103": ("Men's suits and trousers, knitted", "남성용 정장·바지(편물)"),
    "6104": ("Women's suits and dresses, knitted", "여성용 정장·드레스(편물)"),
    "6109": ("T-shirts and vests, knitted", "티셔츠(편물)"),
    "6110": ("Jerseys and sweaters, knitted", "스웨터(편물)"),
    "6115": ("Hosiery and socks", "양말류"),
    "6203": ("Men's suits and trousers", "남성용 정장·바지"),
    "6204": ("Women's suits and dresses", "여성용 정장·드레스"),
    "6302": ("Bed, table and kitchen linen", "침대·식탁·주방용 린넨"),
    "6307": ("Other made-up articles (face masks)", "그 밖의 제품(마스크)"),
    "6402": ("Rubber and plastic footwear", "고무·플라스틱 신발"),
    "6404": ("Textile-upper footwear (sneakers)", "직물 갑피 신발(운동화)"),
    "6911": ("Ceramic tableware", "도자기 식탁용품"),
    "7013": ("Glassware for table and kitchen", "유리 식탁·주방용품"),
    "7117": ("Imitation jewellery", "모조 신변장식용품"),
    "7323": ("Steel kitchen and household articles", "철강제 주방·가정용품"),
    "8210": ("Hand-operated kitchen appliances", "수동식 주방기구"),
    "8215": ("Spoons, forks and kitchen cutlery", "수저·주방용 칼붙이"),
    "8414": ("Fans and air purifiers", "선풍기·공기청정기"),
    "8415": ("Air conditioners", "에어컨"),
    "8418": ("Refrigerators", "냉장고"),
    "8421": ("Water and air filters", "정수기·공기 필터"),
    "8471": ("Computers and peripherals", "컴퓨터와 주변기기"),
    "8504": ("Chargers, adapters and power supplies", "충전기·어댑터·전원 공급장치"),
    "8507": ("Batteries and power banks", "축전지·보조배터리"),
    "8509": ("Domestic electric appliances", "가정용 전기기기"),
    "8510": ("Shavers and hair clippers", "면도기·이발기"),
    "8516": ("Hair dryers, irons, electric cookers", "헤어드라이어·전기 조리기"),
    "8517": ("Phones and network equipment", "전화기·통신기기"),
    "8518": ("Earphones, headphones and speakers", "이어폰·헤드폰·스피커"),
    "8523": ("Memory cards and storage media", "메모리카드·저장매체"),
    "8525": ("Cameras and transmitters", "카메라·송신기기"),
    "8528": ("Monitors and displays", "모니터·디스플레이"),
    "8536": ("Plugs, sockets and switches", "플러그·소켓·스위치"),
    "8539": ("LED lamps", "LED 램프"),
    "8543": ("Electrical machines (beauty devices)", "전기기기(미용기기)"),
    "8544": ("Cables and chargers", "케이블"),
    "9004": ("Spectacles and sunglasses", "안경·선글라스"),
    "9018": ("Medical, surgical and dental instruments", "의료·수술·치과용 기기"),
    "9019": ("Massage and therapy apparatus", "마사지·치료용 기기"),
    "9021": ("Orthopaedic appliances, hearing aids", "정형외과용 기기·보청기"),
    "9022": ("X-ray apparatus", "엑스선 기기"),
    "9025": ("Thermometers", "체온계"),
    "9027": ("Analysis instruments", "분석 기기"),
    "9402": ("Medical furniture", "의료용 가구"),
    "9403": ("Other furniture", "그 밖의 가구"),
    "9404": ("Mattresses and bedding", "매트리스·침구"),
    "9405": ("Lamps and lighting", "조명기구"),
    "9503": ("Toys, puzzles and models", "완구·퍼즐·모형"),
    "9504": ("Video game consoles and table games", "비디오 게임기·실내 게임용품"),
    "9506": ("Sports and fitness equipment", "운동·피트니스 용품"),
    "9603": ("Brushes (make-up brushes)", "브러시(화장용 브러시)"),
    "9615": ("Combs and hair clips", "빗·헤어핀"),
    "9616": ("Scent sprays, powder puffs", "향수 분무기·분첩"),
    "9619": ("Diapers and sanitary pads", "기저귀·생리대"),
}


@dataclass(frozen=True)
class HSCode:
    code: str

    @property
    def chapter(self) -> str:
        return self.code[:2]

    @property
    def heading(self) -> str | None:
        return self.code[:4] if len(self.code) >= 4 else None

    def label(self, language: str | None = None) -> str:
        return hs_label(self.code, language)


def validate_hs_code(value: str) -> str:
    """Return the code stripped of dots and spaces, or raise ValidationError.

    '3304', '33.04', '3304.99' and '330499' are accepted; '3', '3304999',
    '7700' (chapter 77 is reserved) and '9801' are not.
    """
    code = str(value).strip().replace(".", "").replace(" ", "")
    if not _CODE.match(code):
        raise ValidationError(
            _("%(value)s is not an HS code: use 2, 4 or 6 digits, e.g. 33, 3304 or 330499."),
            code="hs_code.format",
            params={"value": value},
        )
    if code[:2] not in CHAPTERS:
        raise ValidationError(
            _("%(value)s is not an HS code: chapter %(chapter)s does not exist (01-97, except 77)."),
            code="hs_code.chapter",
            params={"value": value, "chapter": code[:2]},
        )
    return code


def validate_hs_codes(values) -> list[str]:
    if not isinstance(values, list | tuple):
        raise ValidationError(_("HS codes must be a list."), code="hs_code.list")
    return [validate_hs_code(v) for v in values]


def _pick(names: tuple[str, str], language: str | None) -> str:
    language = language or get_language() or "en"
    return names[1] if language.startswith("ko") else names[0]


def hs_label(code: str, language: str | None = None) -> str:
    """The most specific name we know for a code: heading, else chapter."""
    names = HEADINGS.get(code[:4]) if len(code) >= 4 else None
    names = names or CHAPTERS.get(code[:2])
    return _pick(names, language) if names else code


def hs_search(query: str, *, limit: int = 20) -> list[tuple[str, str, str]]:
    """Codes whose number starts with, or whose English or Korean name contains, the query.

    Returns (code, English name, Korean name) tuples, chapters before headings.
    """
    q = query.strip().lower().replace(".", "")
    if not q:
        return []
    results = []
    for table in (CHAPTERS, HEADINGS):
        for code, (en, ko) in table.items():
            if code.startswith(q) or q in en.lower() or q in ko:
                results.append((code, en, ko))
    results.sort(key=lambda r: (not r[0].startswith(q), len(r[0]), r[0]))
    return results[:limit]


def hs_match_depth(a: str, b: str) -> int:
    """How many digits two codes share at the depth both define: 0, 2, 4 or 6.

    '3304' and '330499' share 4 digits (the heading covers the subheading);
    '3304' and '3305' share the chapter only (2); '33' and '3304' share 2.
    """
    depth = 0
    for n in (2, 4, 6):
        if len(a) < n or len(b) < n:
            break
        if a[:n] != b[:n]:
            break
        depth = n
    return depth
