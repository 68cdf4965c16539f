"""The Harmonized System nomenclature: chapters, and the headings small exporters sell.

A code is 2 to 6 digits: a chapter (`33`), a heading (`3304`) or a subheading
(`330499`). Chapter 77 is reserved and does not exist; 98 and 99 are national
uses and are not accepted.

Every chapter and heading is named in the six UI languages (`Names`): English,
Korean, Simplified Chinese, Japanese, Vietnamese and Indonesian, each worded as
that country's tariff words it (Korea's HSK, China's 进出口税则, Japan's 実行関税率表,
Vietnam's Biểu thuế xuất nhập khẩu and Indonesia's BTKI, the last two from the AHTN)
and shortened alike. `hs_label` names a code in the viewer's language (English
for any other language); `hs_search`, the HS picker, matches a code's number or
words of any of its six names, ignoring case and Vietnamese diacritics.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

_CODE = re.compile(r"^\d{2}(\d{2}){0,2}$")


class Names(NamedTuple):
    """A code's name in each UI language; the field is the language's code without its script."""

    en: str
    ko: str
    zh: str  # Simplified Chinese (zh-hans)
    ja: str
    vi: str
    id: str

    def pick(self, language: str | None = None) -> str:
        """The name in this Django language code ('ko', 'zh-hans', 'ja', 'vi', 'id'), else English."""
        language = (language or get_language() or "en").lower().replace("_", "-")
        field = language.split("-")[0]
        return getattr(self, field) if field in _OTHER_LANGUAGES else self.en


_OTHER_LANGUAGES = frozenset(Names._fields) - {"en"}

# chapter: Names(English, Korean, Chinese, Japanese, Vietnamese, Indonesian)
CHAPTERS: dict[str, Names] = {
    "01": Names("Live animals", "산 동물", "活动物", "生きている動物", "Động vật sống", "Binatang hidup"),
    "02": Names(
        "Meat and edible meat offal",
        "육과 식용 설육",
        "肉及食用杂碎",
        "肉及び食用のくず肉",
        "Thịt và phụ phẩm dạng thịt ăn được",
        "Daging dan sisa daging yang dapat dimakan",
    ),
    "03": Names(
        "Fish and seafood",
        "어류·갑각류·연체동물",
        "鱼、甲壳动物、软体动物",
        "魚・甲殻類・軟体動物",
        "Cá, động vật giáp xác, thân mềm",
        "Ikan, krustasea, moluska",
    ),
    "04": Names(
        "Dairy, eggs, honey",
        "낙농품·새의 알·천연꿀",
        "乳品、蛋品、天然蜂蜜",
        "酪農品、鳥卵、天然はちみつ",
        "Sản phẩm bơ sữa, trứng chim, mật ong tự nhiên",
        "Produk susu, telur unggas, madu alam",
    ),
    "05": Names(
        "Other products of animal origin",
        "그 밖의 동물성 생산품",
        "其他动物产品",
        "その他の動物性生産品",
        "Sản phẩm gốc động vật khác",
        "Produk hewani lainnya",
    ),
    "06": Names(
        "Live trees, plants and cut flowers",
        "산 수목과 꽃",
        "活树、活植物及插花",
        "生きている樹木・植物、切花",
        "Cây sống, cây trồng khác và hoa cắt",
        "Pohon hidup, tanaman lainnya dan bunga potong",
    ),
    "07": Names(
        "Edible vegetables", "채소", "食用蔬菜", "食用の野菜", "Rau ăn được", "Sayuran yang dapat dimakan"
    ),
    "08": Names(
        "Edible fruit and nuts",
        "과실과 견과류",
        "食用水果及坚果",
        "食用の果実及びナット",
        "Quả và quả hạch ăn được",
        "Buah dan kacang yang dapat dimakan",
    ),
    "09": Names(
        "Coffee, tea and spices",
        "커피·차·향신료",
        "咖啡、茶及调味香料",
        "コーヒー、茶及び香辛料",
        "Cà phê, chè và gia vị",
        "Kopi, teh dan rempah-rempah",
    ),
    "10": Names("Cereals", "곡물", "谷物", "穀物", "Ngũ cốc", "Serealia"),
    "11": Names(
        "Milling products, malt, starches",
        "제분공업 생산품",
        "制粉工业产品、麦芽、淀粉",
        "穀粉、麦芽、でん粉",
        "Sản phẩm xay xát, malt, tinh bột",
        "Produk industri penggilingan, malt, pati",
    ),
    "12": Names(
        "Oil seeds, medicinal plants (ginseng)",
        "채유용 종자·인삼",
        "含油子仁、药用植物（人参）",
        "採油用の種、薬用植物（人参）",
        "Hạt có dầu, cây dược liệu (nhân sâm)",
        "Biji mengandung minyak, tanaman obat (ginseng)",
    ),
    "13": Names(
        "Lac, gums, resins",
        "락·검·수지",
        "虫胶、树胶、树脂",
        "ラック、ガム、樹脂",
        "Nhựa cánh kiến đỏ, gôm, nhựa cây",
        "Lak, getah, resin",
    ),
    "14": Names(
        "Vegetable plaiting materials",
        "식물성 편조물용 재료",
        "编结用植物材料",
        "植物性の組物材料",
        "Vật liệu thực vật dùng để tết bện",
        "Bahan nabati untuk anyaman",
    ),
    "15": Names(
        "Animal and vegetable fats and oils",
        "동식물성 유지",
        "动、植物油、脂",
        "動物性又は植物性の油脂",
        "Chất béo và dầu động vật, thực vật",
        "Lemak dan minyak hewani atau nabati",
    ),
    "16": Names(
        "Preparations of meat and fish",
        "육류·어류 조제품",
        "肉、鱼的制品",
        "肉・魚の調製品",
        "Chế phẩm từ thịt, cá",
        "Olahan dari daging, ikan",
    ),
    "17": Names(
        "Sugars and sugar confectionery",
        "당류와 설탕과자",
        "糖及糖食",
        "糖類及び砂糖菓子",
        "Đường và các loại kẹo đường",
        "Gula dan kembang gula",
    ),
    "18": Names(
        "Cocoa and chocolate",
        "코코아와 그 조제품",
        "可可及可可制品",
        "ココア及びその調製品",
        "Ca cao và các chế phẩm từ ca cao",
        "Kakao dan olahannya",
    ),
    "19": Names(
        "Cereal, flour and bakery preparations, noodles",
        "곡물·분유 조제품, 베이커리",
        "谷物、粮食粉制品及糕饼点心",
        "穀物・穀粉の調製品、ベーカリー製品",
        "Chế phẩm từ ngũ cốc, bột; các loại bánh",
        "Olahan dari serealia, tepung; produk roti dan kue",
    ),
    "20": Names(
        "Preparations of vegetables and fruit",
        "채소·과실 조제품",
        "蔬菜、水果的制品",
        "野菜・果実の調製品",
        "Chế phẩm từ rau, quả",
        "Olahan dari sayuran, buah",
    ),
    "21": Names(
        "Miscellaneous edible preparations, sauces",
        "각종 조제 식료품, 소스",
        "杂项食品、调味汁",
        "各種の調製食料品、ソース",
        "Các chế phẩm ăn được khác, nước xốt",
        "Berbagai olahan makanan, saus",
    ),
    "22": Names(
        "Beverages, spirits and vinegar",
        "음료·주류·식초",
        "饮料、酒及醋",
        "飲料、アルコール及び食酢",
        "Đồ uống, rượu và giấm",
        "Minuman, alkohol dan cuka",
    ),
    "23": Names(
        "Food industry residues, animal feed",
        "사료",
        "食品工业残渣、配制的动物饲料",
        "食品工業の残留物、調製飼料",
        "Phế liệu ngành thực phẩm, thức ăn chăn nuôi",
        "Residu industri makanan, pakan hewan olahan",
    ),
    "24": Names("Tobacco", "담배", "烟草", "たばこ", "Thuốc lá", "Tembakau"),
    "25": Names(
        "Salt, earths and stone, cement",
        "소금·토석류·시멘트",
        "盐、泥土及石料、水泥",
        "塩、土石類、セメント",
        "Muối, đất và đá, xi măng",
        "Garam, tanah dan batu, semen",
    ),
    "26": Names(
        "Ores, slag and ash",
        "광·슬래그·회",
        "矿砂、矿渣及矿灰",
        "鉱石、スラグ及び灰",
        "Quặng, xỉ và tro",
        "Bijih, terak dan abu",
    ),
    "27": Names(
        "Mineral fuels and oils",
        "광물성 연료",
        "矿物燃料、矿物油",
        "鉱物性燃料及び鉱物油",
        "Nhiên liệu khoáng, dầu khoáng",
        "Bahan bakar mineral, minyak mineral",
    ),
    "28": Names(
        "Inorganic chemicals",
        "무기화학품",
        "无机化学品",
        "無機化学品",
        "Hóa chất vô cơ",
        "Bahan kimia anorganik",
    ),
    "29": Names(
        "Organic chemicals",
        "유기화학품",
        "有机化学品",
        "有機化学品",
        "Hóa chất hữu cơ",
        "Bahan kimia organik",
    ),
    "30": Names("Pharmaceutical products", "의료용품", "药品", "医療用品", "Dược phẩm", "Produk farmasi"),
    "31": Names("Fertilisers", "비료", "肥料", "肥料", "Phân bón", "Pupuk"),
    "32": Names(
        "Tanning and dyeing extracts, paints, inks",
        "염료·안료·페인트·잉크",
        "鞣料及染料浸膏、油漆、墨水",
        "なめしエキス、染色エキス、ペイント、インキ",
        "Chiết xuất thuộc da, thuốc nhuộm, sơn, mực",
        "Ekstrak penyamak dan pencelup, cat, tinta",
    ),
    "33": Names(
        "Essential oils, perfumery, cosmetics",
        "향료·화장품",
        "精油、芳香料制品、化妆盥洗品",
        "精油、調製香料、化粧品類",
        "Tinh dầu, nước hoa, mỹ phẩm",
        "Minyak atsiri, wewangian, kosmetik",
    ),
    "34": Names(
        "Soap, washing and cleaning preparations",
        "비누·세제",
        "肥皂、洗涤剂",
        "せっけん、洗剤",
        "Xà phòng, chế phẩm giặt rửa",
        "Sabun, preparat pencuci",
    ),
    "35": Names(
        "Albuminoidal substances, glues, enzymes",
        "단백질계 물질·접착제",
        "蛋白类物质、胶、酶",
        "たんぱく系物質、膠着剤、酵素",
        "Chất chứa albumin, keo, enzym",
        "Bahan albuminoidal, perekat, enzim",
    ),
    "36": Names(
        "Explosives, matches",
        "화약류·성냥",
        "炸药、火柴",
        "火薬類、マッチ",
        "Chất nổ, diêm",
        "Bahan peledak, korek api",
    ),
    "37": Names(
        "Photographic goods",
        "사진용·영화용 재료",
        "照相及电影用品",
        "写真用又は映画用の材料",
        "Vật liệu ảnh hoặc điện ảnh",
        "Barang fotografi atau sinematografi",
    ),
    "38": Names(
        "Miscellaneous chemical products",
        "각종 화학공업 생산품",
        "杂项化学产品",
        "各種の化学工業生産品",
        "Các sản phẩm hóa chất khác",
        "Berbagai produk kimia",
    ),
    "39": Names(
        "Plastics and articles thereof",
        "플라스틱과 그 제품",
        "塑料及其制品",
        "プラスチック及びその製品",
        "Plastic và các sản phẩm bằng plastic",
        "Plastik dan barang daripadanya",
    ),
    "40": Names(
        "Rubber and articles thereof",
        "고무와 그 제품",
        "橡胶及其制品",
        "ゴム及びその製品",
        "Cao su và các sản phẩm bằng cao su",
        "Karet dan barang daripadanya",
    ),
    "41": Names(
        "Raw hides, skins and leather",
        "원피와 가죽",
        "生皮及皮革",
        "原皮及び革",
        "Da sống và da thuộc",
        "Kulit mentah dan kulit samak",
    ),
    "42": Names(
        "Leather articles, handbags, travel goods",
        "가죽제품·핸드백·여행용구",
        "皮革制品、手提包、旅行用品",
        "革製品、ハンドバッグ、旅行用具",
        "Sản phẩm bằng da thuộc, túi xách tay, đồ du lịch",
        "Barang dari kulit samak, tas tangan, barang keperluan perjalanan",
    ),
    "43": Names(
        "Furskins and artificial fur",
        "모피",
        "毛皮、人造毛皮",
        "毛皮及び人造毛皮",
        "Da lông và da lông nhân tạo",
        "Kulit berbulu dan kulit berbulu tiruan",
    ),
    "44": Names(
        "Wood and articles of wood",
        "목재와 그 제품",
        "木及木制品",
        "木材及びその製品",
        "Gỗ và các mặt hàng bằng gỗ",
        "Kayu dan barang dari kayu",
    ),
    "45": Names("Cork", "코르크", "软木", "コルク", "Lie", "Gabus"),
    "46": Names(
        "Straw and basketware",
        "짚·바구니 세공물",
        "稻草、秸秆编结品及篮筐",
        "わら製品、かご細工物",
        "Sản phẩm từ rơm, liễu gai và song mây",
        "Barang dari jerami, barang anyaman keranjang",
    ),
    "47": Names("Pulp of wood", "펄프", "木浆", "木材パルプ", "Bột giấy từ gỗ", "Pulp dari kayu"),
    "48": Names(
        "Paper and paperboard",
        "종이와 판지",
        "纸及纸板",
        "紙及び板紙",
        "Giấy và bìa",
        "Kertas dan kertas karton",
    ),
    "49": Names(
        "Printed books and matter",
        "인쇄서적",
        "书籍、报纸及印刷品",
        "印刷した書籍、印刷物",
        "Sách, báo và ấn phẩm in",
        "Buku, surat kabar dan barang cetakan",
    ),
    "50": Names("Silk", "견", "蚕丝", "絹", "Tơ tằm", "Sutra"),
    "51": Names(
        "Wool and animal hair",
        "양모",
        "羊毛、动物毛",
        "羊毛、獣毛",
        "Lông cừu, lông động vật",
        "Wol, bulu hewan",
    ),
    "52": Names("Cotton", "면", "棉花", "綿", "Bông", "Kapas"),
    "53": Names(
        "Other vegetable textile fibres",
        "그 밖의 식물성 방직용 섬유",
        "其他植物纺织纤维",
        "その他の植物性紡織用繊維",
        "Xơ dệt gốc thực vật khác",
        "Serat tekstil nabati lainnya",
    ),
    "54": Names(
        "Man-made filaments",
        "인조 필라멘트",
        "化学纤维长丝",
        "人造繊維の長繊維",
        "Sợi filament nhân tạo",
        "Filamen buatan",
    ),
    "55": Names(
        "Man-made staple fibres",
        "인조 스테이플섬유",
        "化学纤维短纤",
        "人造繊維の短繊維",
        "Xơ sợi staple nhân tạo",
        "Serat stapel buatan",
    ),
    "56": Names(
        "Wadding, felt, nonwovens, cordage",
        "워딩·펠트·부직포",
        "絮胎、毡呢、无纺织物、线绳",
        "ウォッディング、フェルト、不織布、ひも",
        "Mền xơ, phớt, sản phẩm không dệt, chão bện",
        "Gumpalan, kain kempa, bukan tenunan, tali",
    ),
    "57": Names("Carpets", "양탄자", "地毯", "じゅうたん", "Thảm", "Karpet"),
    "58": Names(
        "Special woven fabrics, lace",
        "특수직물·레이스",
        "特种机织物、花边",
        "特殊織物、レース",
        "Vải dệt thoi đặc biệt, ren",
        "Kain tenunan khusus, renda",
    ),
    "59": Names(
        "Coated and laminated textiles",
        "침투·도포한 직물",
        "浸渍、涂布或层压的纺织物",
        "染み込ませ、塗布し又は積層した紡織用繊維の織物類",
        "Vải dệt đã ngâm tẩm, tráng, phủ hoặc ép lớp",
        "Kain tekstil diresapi, dilapisi atau dilaminasi",
    ),
    "60": Names(
        "Knitted or crocheted fabrics",
        "메리야스 편물",
        "针织物及钩编织物",
        "メリヤス編物及びクロセ編物",
        "Vải dệt kim hoặc móc",
        "Kain rajutan atau kaitan",
    ),
    "61": Names(
        "Apparel, knitted or crocheted",
        "의류(편물제)",
        "针织或钩编的服装",
        "衣類（メリヤス編み又はクロセ編み）",
        "Quần áo, dệt kim hoặc móc",
        "Pakaian, rajutan atau kaitan",
    ),
    "62": Names(
        "Apparel, not knitted",
        "의류(편물제 외)",
        "非针织或非钩编的服装",
        "衣類（メリヤス編み又はクロセ編みを除く）",
        "Quần áo, không dệt kim hoặc móc",
        "Pakaian, bukan rajutan atau kaitan",
    ),
    "63": Names(
        "Other made-up textile articles",
        "그 밖의 방직용 섬유제품",
        "其他纺织制成品",
        "紡織用繊維のその他の製品",
        "Các mặt hàng dệt đã hoàn thiện khác",
        "Barang tekstil jadi lainnya",
    ),
    "64": Names("Footwear", "신발류", "鞋靴", "履物", "Giày, dép", "Alas kaki"),
    "65": Names("Headgear", "모자류", "帽类", "帽子", "Mũ và các vật đội đầu khác", "Tutup kepala"),
    "66": Names(
        "Umbrellas, walking sticks",
        "우산·지팡이",
        "雨伞、手杖",
        "傘、つえ",
        "Ô, dù, ba toong",
        "Payung, tongkat",
    ),
    "67": Names(
        "Prepared feathers, artificial flowers, wigs",
        "조화·가발",
        "羽毛制品、人造花、人发制品",
        "調製羽毛、造花、人髪製品",
        "Lông vũ chế biến, hoa nhân tạo, sản phẩm từ tóc người",
        "Bulu unggas olahan, bunga tiruan, barang dari rambut manusia",
    ),
    "68": Names(
        "Articles of stone, plaster, cement",
        "석·시멘트 제품",
        "石料、石膏、水泥制品",
        "石、プラスター、セメントの製品",
        "Sản phẩm bằng đá, thạch cao, xi măng",
        "Barang dari batu, plester, semen",
    ),
    "69": Names("Ceramic products", "도자제품", "陶瓷产品", "陶磁製品", "Đồ gốm, sứ", "Produk keramik"),
    "70": Names(
        "Glass and glassware",
        "유리와 유리제품",
        "玻璃及其制品",
        "ガラス及びその製品",
        "Thủy tinh và các sản phẩm bằng thủy tinh",
        "Kaca dan barang dari kaca",
    ),
    "71": Names(
        "Pearls, precious stones, jewellery",
        "귀금속·보석·장신구",
        "珍珠、宝石、贵金属、首饰",
        "真珠、貴石、貴金属、身辺用細貨類",
        "Ngọc trai, đá quý, kim loại quý, đồ trang sức",
        "Mutiara, batu mulia, logam mulia, perhiasan",
    ),
    "72": Names("Iron and steel", "철강", "钢铁", "鉄鋼", "Sắt và thép", "Besi dan baja"),
    "73": Names(
        "Articles of iron or steel",
        "철강 제품",
        "钢铁制品",
        "鉄鋼製品",
        "Các sản phẩm bằng sắt hoặc thép",
        "Barang dari besi atau baja",
    ),
    "74": Names("Copper", "구리", "铜", "銅", "Đồng", "Tembaga"),
    "75": Names("Nickel", "니켈", "镍", "ニッケル", "Niken", "Nikel"),
    "76": Names("Aluminium", "알루미늄", "铝", "アルミニウム", "Nhôm", "Aluminium"),
    "78": Names("Lead", "납", "铅", "鉛", "Chì", "Timbal"),
    "79": Names("Zinc", "아연", "锌", "亜鉛", "Kẽm", "Seng"),
    "80": Names("Tin", "주석", "锡", "すず", "Thiếc", "Timah"),
    "81": Names(
        "Other base metals",
        "그 밖의 비금속",
        "其他贱金属",
        "その他の卑金属",
        "Kim loại cơ bản khác",
        "Logam tidak mulia lainnya",
    ),
    "82": Names(
        "Tools, cutlery of base metal",
        "공구·칼붙이",
        "贱金属工具、利口器",
        "卑金属製の工具、刃物",
        "Dụng cụ, dao kéo bằng kim loại cơ bản",
        "Perkakas, pisau dari logam tidak mulia",
    ),
    "83": Names(
        "Miscellaneous articles of base metal",
        "각종 비금속 제품",
        "贱金属杂项制品",
        "各種の卑金属製品",
        "Các mặt hàng khác bằng kim loại cơ bản",
        "Berbagai barang dari logam tidak mulia",
    ),
    "84": Names(
        "Machinery and mechanical appliances",
        "기계류",
        "机器、机械器具",
        "機械類",
        "Máy và thiết bị cơ khí",
        "Mesin dan peralatan mekanis",
    ),
    "85": Names(
        "Electrical machinery and electronics",
        "전기기기·전자제품",
        "电机、电气设备及电子产品",
        "電気機器・電子機器",
        "Máy điện, thiết bị điện và điện tử",
        "Mesin dan perlengkapan elektrik, elektronik",
    ),
    "86": Names(
        "Railway locomotives and equipment",
        "철도차량",
        "铁道机车、车辆及设备",
        "鉄道用の機関車・車両",
        "Đầu máy, toa xe đường sắt và thiết bị",
        "Lokomotif dan perlengkapan kereta api",
    ),
    "87": Names(
        "Vehicles and parts",
        "차량과 그 부분품",
        "车辆及其零件",
        "車両及びその部分品",
        "Xe cộ và bộ phận",
        "Kendaraan dan bagiannya",
    ),
    "88": Names(
        "Aircraft and spacecraft",
        "항공기",
        "航空器、航天器",
        "航空機及び宇宙飛行体",
        "Phương tiện bay, tàu vũ trụ",
        "Pesawat udara dan pesawat ruang angkasa",
    ),
    "89": Names("Ships and boats", "선박", "船舶", "船舶", "Tàu thủy, thuyền", "Kapal dan perahu"),
    "90": Names(
        "Optical, measuring and medical instruments",
        "광학·정밀·의료기기",
        "光学、计量、医疗仪器",
        "光学・測定・医療用機器",
        "Dụng cụ quang học, đo lường, y tế",
        "Instrumen optik, pengukur, kedokteran",
    ),
    "91": Names("Clocks and watches", "시계", "钟表", "時計", "Đồng hồ", "Jam"),
    "92": Names("Musical instruments", "악기", "乐器", "楽器", "Nhạc cụ", "Alat musik"),
    "93": Names(
        "Arms and ammunition", "무기", "武器、弹药", "武器及び銃砲弾", "Vũ khí và đạn", "Senjata dan amunisi"
    ),
    "94": Names(
        "Furniture, bedding, lighting",
        "가구·침구·조명기구",
        "家具、寝具、灯具",
        "家具、寝具、照明器具",
        "Đồ nội thất, bộ đồ giường, đèn",
        "Perabot, perlengkapan tempat tidur, lampu",
    ),
    "95": Names(
        "Toys, games and sports equipment",
        "완구·운동용구",
        "玩具、游戏品、运动用品",
        "がん具、遊戯用具及び運動用具",
        "Đồ chơi, thiết bị trò chơi, dụng cụ thể thao",
        "Mainan, permainan dan peralatan olahraga",
    ),
    "96": Names(
        "Miscellaneous manufactured articles",
        "잡품",
        "杂项制品",
        "雑品",
        "Các mặt hàng khác",
        "Berbagai barang hasil pabrik",
    ),
    "97": Names(
        "Works of art and antiques",
        "예술품·골동품",
        "艺术品、收藏品及古物",
        "美術品、収集品及びこっとう",
        "Tác phẩm nghệ thuật, đồ sưu tầm và đồ cổ",
        "Karya seni, barang koleksi dan barang antik",
    ),
}


# heading: Names(English, Korean, Chinese, Japanese, Vietnamese, Indonesian) for the sectors small
# exporters sell abroad.
HEADINGS: dict[str, Names] = {
    "0304": Names("Fish fillets", "어류 필레", "鱼片", "魚のフィレ", "Phi-lê cá", "Fillet ikan"),
    "0306": Names("Crustaceans", "갑각류", "甲壳动物", "甲殻類", "Động vật giáp xác", "Krustasea"),
    "0307": Names("Molluscs", "연체동물", "软体动物", "軟体動物", "Động vật thân mềm", "Moluska"),
    "0402": Names(
        "Milk powder and concentrated milk",
        "분유·농축유",
        "奶粉、浓缩乳",
        "粉乳・濃縮乳",
        "Sữa bột, sữa cô đặc",
        "Susu bubuk dan susu kental",
    ),
    "0409": Names("Natural honey", "천연꿀", "天然蜂蜜", "天然はちみつ", "Mật ong tự nhiên", "Madu alam"),
    "0709": Names(
        "Other fresh vegetables",
        "그 밖의 신선 채소",
        "其他鲜蔬菜",
        "その他の野菜（生鮮）",
        "Rau tươi khác",
        "Sayuran segar lainnya",
    ),
    "0712": Names("Dried vegetables", "건조 채소", "干蔬菜", "乾燥野菜", "Rau khô", "Sayuran kering"),
    "0810": Names(
        "Other fresh fruit",
        "그 밖의 신선 과실",
        "其他鲜果",
        "その他の果実（生鮮）",
        "Quả tươi khác",
        "Buah segar lainnya",
    ),
    "0813": Names("Dried fruit", "건조 과실", "干果", "乾燥果実", "Quả khô", "Buah kering"),
    "0901": Names("Coffee", "커피", "咖啡", "コーヒー", "Cà phê", "Kopi"),
    "0902": Names("Tea", "차", "茶", "茶", "Chè", "Teh"),
    "1211": Names(
        "Ginseng and medicinal plants",
        "인삼·약용 식물",
        "人参及药用植物",
        "人参・薬用植物",
        "Nhân sâm và cây dược liệu",
        "Ginseng dan tanaman obat",
    ),
    "1212": Names(
        "Seaweed and algae",
        "해조류",
        "海草及其他藻类",
        "海藻その他の藻類",
        "Rong biển và tảo",
        "Rumput laut dan alga",
    ),
    "1604": Names(
        "Prepared or preserved fish",
        "조제·저장 처리한 어류",
        "制作或保藏的鱼",
        "魚の調製品",
        "Cá đã chế biến hoặc bảo quản",
        "Ikan olahan atau diawetkan",
    ),
    "1605": Names(
        "Prepared or preserved seafood",
        "조제·저장 처리한 갑각류·연체동물",
        "制作或保藏的甲壳动物、软体动物",
        "甲殻類・軟体動物の調製品",
        "Động vật giáp xác, thân mềm đã chế biến hoặc bảo quản",
        "Krustasea dan moluska olahan atau diawetkan",
    ),
    "1704": Names("Sugar confectionery", "설탕과자", "糖食", "砂糖菓子", "Kẹo đường", "Kembang gula"),
    "1806": Names("Chocolate", "초콜릿", "巧克力", "チョコレート", "Sô cô la", "Cokelat"),
    "1901": Names(
        "Malt extract and food preparations of flour",
        "맥아 추출물·곡분 조제 식료품",
        "麦精、粮食粉制的食品",
        "麦芽エキス・穀粉の調製食料品",
        "Chiết xuất malt, chế phẩm thực phẩm từ bột",
        "Ekstrak malt, olahan makanan dari tepung",
    ),
    "1902": Names(
        "Pasta and noodles (ramen)",
        "파스타·면류(라면)",
        "面食、面条（方便面）",
        "パスタ・麺類（ラーメン）",
        "Mì ống, mì sợi (mì ăn liền)",
        "Pasta dan mi (mi instan)",
    ),
    "1904": Names(
        "Prepared cereals, cooked rice",
        "곡물 조제품·즉석밥",
        "谷物制品、即食米饭",
        "穀物の調製品・加工米飯",
        "Ngũ cốc chế biến, cơm ăn liền",
        "Serealia olahan, nasi instan",
    ),
    "1905": Names(
        "Bread, biscuits and snacks",
        "빵·비스킷·과자",
        "面包、饼干及点心",
        "パン・ビスケット・スナック菓子",
        "Bánh mì, bánh quy và bánh snack",
        "Roti, biskuit dan makanan ringan",
    ),
    "2005": Names(
        "Other prepared vegetables (kimchi)",
        "그 밖의 조제 채소(김치)",
        "其他制作的蔬菜（泡菜）",
        "その他の調製野菜（キムチ）",
        "Rau chế biến khác (kim chi)",
        "Sayuran olahan lainnya (kimchi)",
    ),
    "2007": Names(
        "Jams and fruit jellies",
        "잼·과실 젤리",
        "果酱、果冻",
        "ジャム・フルーツゼリー",
        "Mứt và thạch quả",
        "Selai dan jeli buah",
    ),
    "2008": Names(
        "Prepared fruit and nuts",
        "조제 과실·견과",
        "制作的水果、坚果",
        "果実・ナットの調製品",
        "Quả và quả hạch đã chế biến",
        "Buah dan kacang olahan",
    ),
    "2009": Names(
        "Fruit and vegetable juices",
        "과실·채소 주스",
        "水果汁及蔬菜汁",
        "果汁・野菜ジュース",
        "Nước ép quả và rau",
        "Sari buah dan sayuran",
    ),
    "2101": Names(
        "Coffee and tea extracts",
        "커피·차 추출물",
        "咖啡、茶的浓缩精汁",
        "コーヒー・茶のエキス",
        "Chiết xuất cà phê và chè",
        "Ekstrak kopi dan teh",
    ),
    "2103": Names(
        "Sauces, condiments (gochujang)",
        "소스·조미료(고추장)",
        "调味汁、调味品（韩式辣酱）",
        "ソース・調味料（コチュジャン）",
        "Nước xốt, đồ gia vị (tương ớt gochujang)",
        "Saus, bumbu (gochujang)",
    ),
    "2104": Names(
        "Soups and broths", "수프·브로스", "汤料", "スープ・ブロス", "Súp và nước dùng", "Sup dan kaldu"
    ),
    "2106": Names(
        "Food preparations, health supplements",
        "조제 식료품·건강기능식품",
        "食品制剂、保健食品",
        "調製食料品・健康食品",
        "Chế phẩm thực phẩm, thực phẩm chức năng",
        "Olahan makanan, suplemen kesehatan",
    ),
    "2202": Names(
        "Soft drinks and flavoured waters",
        "음료",
        "软饮料、加味水",
        "清涼飲料水",
        "Nước giải khát, nước có hương liệu",
        "Minuman ringan dan air berperisa",
    ),
    "2203": Names("Beer", "맥주", "啤酒", "ビール", "Bia", "Bir"),
    "2204": Names("Wine", "포도주", "葡萄酒", "ぶどう酒", "Rượu vang", "Anggur (wine)"),
    "2208": Names(
        "Spirits (soju)",
        "증류주(소주)",
        "蒸馏酒（烧酒）",
        "蒸留酒（焼酎）",
        "Rượu mạnh (soju)",
        "Minuman beralkohol sulingan (soju)",
    ),
    "3002": Names(
        "Vaccines, blood products, diagnostic reagents",
        "백신·혈액제제·진단 시약",
        "疫苗、血液制品、诊断试剂",
        "ワクチン・血液製剤・診断用試薬",
        "Vắc xin, chế phẩm máu, thuốc thử chẩn đoán",
        "Vaksin, produk darah, reagen diagnostik",
    ),
    "3004": Names(
        "Medicaments in doses",
        "투약용 의약품",
        "已配定剂量的药品",
        "投与量にした医薬品",
        "Thuốc đã đóng liều",
        "Obat dalam takaran",
    ),
    "3005": Names(
        "Bandages and dressings",
        "붕대·거즈",
        "绷带、敷料",
        "包帯・ガーゼ",
        "Băng, gạc",
        "Perban dan pembalut luka",
    ),
    "3006": Names(
        "Pharmaceutical goods (test kits)",
        "의료용품(진단 키트)",
        "医药用品（检测试剂盒）",
        "医療用品（検査キット）",
        "Hàng dược phẩm (bộ xét nghiệm)",
        "Barang farmasi (alat tes)",
    ),
    "3301": Names("Essential oils", "정유", "精油", "精油", "Tinh dầu", "Minyak atsiri"),
    "3303": Names("Perfumes", "향수", "香水", "香水", "Nước hoa", "Parfum"),
    "3304": Names(
        "Beauty, make-up and skin-care preparations",
        "미용·메이크업·기초화장품",
        "美容品、化妆品及护肤品",
        "美容・メーキャップ・基礎化粧品",
        "Mỹ phẩm, chế phẩm trang điểm và dưỡng da",
        "Preparat kecantikan, tata rias dan perawatan kulit",
    ),
    "3305": Names(
        "Hair preparations",
        "두발용 제품",
        "护发品",
        "頭髪用の調製品",
        "Chế phẩm dùng cho tóc",
        "Preparat rambut",
    ),
    "3306": Names(
        "Oral hygiene (toothpaste)",
        "구강 위생용품(치약)",
        "口腔清洁用品（牙膏）",
        "口腔衛生用品（歯磨き）",
        "Chế phẩm vệ sinh răng miệng (kem đánh răng)",
        "Preparat kebersihan mulut (pasta gigi)",
    ),
    "3307": Names(
        "Shaving, deodorant and bath preparations",
        "면도·방취·목욕용품",
        "剃须、除臭及沐浴用品",
        "ひげそり用・防臭剤・浴用の調製品",
        "Chế phẩm cạo râu, khử mùi và tắm",
        "Preparat cukur, deodoran dan mandi",
    ),
    "3401": Names("Soap", "비누", "肥皂", "せっけん", "Xà phòng", "Sabun"),
    "3402": Names(
        "Detergents and cleaning preparations",
        "세제",
        "洗涤剂及清洁剂",
        "洗剤・清浄剤",
        "Chất tẩy rửa và chế phẩm làm sạch",
        "Deterjen dan preparat pembersih",
    ),
    "3924": Names(
        "Plastic tableware and household articles",
        "플라스틱 식탁·가정용품",
        "塑料餐具及家庭用品",
        "プラスチック製の食卓用品・家庭用品",
        "Bộ đồ ăn và đồ gia dụng bằng plastic",
        "Perangkat makan dan barang rumah tangga dari plastik",
    ),
    "3926": Names(
        "Other articles of plastics",
        "그 밖의 플라스틱 제품",
        "其他塑料制品",
        "その他のプラスチック製品",
        "Sản phẩm khác bằng plastic",
        "Barang lainnya dari plastik",
    ),
    "4202": Names(
        "Handbags, cases and travel goods",
        "핸드백·케이스·여행용품",
        "手提包、箱包及旅行用品",
        "ハンドバッグ・ケース・旅行用具",
        "Túi xách tay, hộp đựng và đồ du lịch",
        "Tas tangan, kotak dan barang perjalanan",
    ),
    "6103": Names(
        "Men's suits and trousers, knitted",
        "남성용 정장·바지(편물)",
        "男式西服套装及长裤（针织）",
        "男子用スーツ・ズボン（メリヤス編み）",
        "Bộ com-lê và quần dài nam, dệt kim",
        "Setelan jas dan celana panjang pria, rajutan",
    ),
    "6104": Names(
        "Women's suits and dresses, knitted",
        "여성용 정장·드레스(편물)",
        "女式套装及连衣裙（针织）",
        "女子用スーツ・ドレス（メリヤス編み）",
        "Bộ com-lê và váy liền nữ, dệt kim",
        "Setelan dan gaun wanita, rajutan",
    ),
    "6109": Names(
        "T-shirts and vests, knitted",
        "티셔츠(편물)",
        "T恤衫、背心（针织）",
        "Tシャツ・シングレット（メリヤス編み）",
        "Áo phông, áo ba lỗ, dệt kim",
        "Kaus T-shirt dan singlet, rajutan",
    ),
    "6110": Names(
        "Jerseys and sweaters, knitted",
        "스웨터(편물)",
        "套头衫、毛衣（针织）",
        "ジャージー・セーター（メリヤス編み）",
        "Áo bó, áo chui đầu, dệt kim",
        "Jersi dan sweter, rajutan",
    ),
    "6115": Names("Hosiery and socks", "양말류", "袜类", "靴下類", "Bít tất", "Kaus kaki"),
    "6203": Names(
        "Men's suits and trousers",
        "남성용 정장·바지",
        "男式西服套装及长裤",
        "男子用スーツ・ズボン",
        "Bộ com-lê và quần dài nam",
        "Setelan jas dan celana panjang pria",
    ),
    "6204": Names(
        "Women's suits and dresses",
        "여성용 정장·드레스",
        "女式套装及连衣裙",
        "女子用スーツ・ドレス",
        "Bộ com-lê và váy liền nữ",
        "Setelan dan gaun wanita",
    ),
    "6302": Names(
        "Bed, table and kitchen linen",
        "침대·식탁·주방용 린넨",
        "床上、餐桌及厨房用织物",
        "ベッドリネン・テーブルリネン・キッチンリネン",
        "Khăn trải giường, khăn bàn, khăn bếp",
        "Linen tempat tidur, meja dan dapur",
    ),
    "6307": Names(
        "Other made-up articles (face masks)",
        "그 밖의 제품(마스크)",
        "其他制成品（口罩）",
        "その他の製品（マスク）",
        "Sản phẩm dệt hoàn thiện khác (khẩu trang)",
        "Barang jadi lainnya (masker)",
    ),
    "6402": Names(
        "Rubber and plastic footwear",
        "고무·플라스틱 신발",
        "橡胶或塑料制鞋靴",
        "ゴム製・プラスチック製の履物",
        "Giày, dép bằng cao su hoặc plastic",
        "Alas kaki dari karet atau plastik",
    ),
    "6404": Names(
        "Textile-upper footwear (sneakers)",
        "직물 갑피 신발(운동화)",
        "纺织材料鞋面的鞋靴（运动鞋）",
        "甲が紡織用繊維の履物（スニーカー）",
        "Giày, dép có mũ giày bằng vật liệu dệt (giày thể thao)",
        "Alas kaki dengan bagian atas dari tekstil (sepatu kets)",
    ),
    "6911": Names(
        "Ceramic tableware",
        "도자기 식탁용품",
        "陶瓷餐具",
        "陶磁製の食卓用品",
        "Bộ đồ ăn bằng gốm sứ",
        "Perangkat makan dari keramik",
    ),
    "7013": Names(
        "Glassware for table and kitchen",
        "유리 식탁·주방용품",
        "玻璃餐具及厨房用具",
        "ガラス製の食卓用品・台所用品",
        "Đồ thủy tinh dùng cho bàn ăn, nhà bếp",
        "Barang kaca untuk meja dan dapur",
    ),
    "7117": Names(
        "Imitation jewellery",
        "모조 신변장식용품",
        "仿首饰",
        "身辺用模造細貨類",
        "Đồ trang sức giả",
        "Perhiasan imitasi",
    ),
    "7323": Names(
        "Steel kitchen and household articles",
        "철강제 주방·가정용품",
        "钢铁制厨房及家庭用品",
        "鉄鋼製の台所用品・家庭用品",
        "Đồ dùng nhà bếp, gia dụng bằng sắt thép",
        "Barang dapur dan rumah tangga dari besi atau baja",
    ),
    "8210": Names(
        "Hand-operated kitchen appliances",
        "수동식 주방기구",
        "手动厨房器具",
        "手動式の台所用機器",
        "Dụng cụ nhà bếp thao tác bằng tay",
        "Peralatan dapur yang dioperasikan dengan tangan",
    ),
    "8215": Names(
        "Spoons, forks and kitchen cutlery",
        "수저·주방용 칼붙이",
        "餐匙、餐叉及厨房用具",
        "スプーン・フォーク・台所用刃物",
        "Thìa, dĩa và dụng cụ nhà bếp",
        "Sendok, garpu dan perkakas dapur",
    ),
    "8414": Names(
        "Fans and air purifiers",
        "선풍기·공기청정기",
        "风扇、空气净化器",
        "扇風機・空気清浄機",
        "Quạt và máy lọc không khí",
        "Kipas angin dan pemurni udara",
    ),
    "8415": Names(
        "Air conditioners",
        "에어컨",
        "空气调节器",
        "エアコン",
        "Máy điều hòa không khí",
        "Mesin pengatur suhu udara (AC)",
    ),
    "8418": Names("Refrigerators", "냉장고", "冰箱", "冷蔵庫", "Tủ lạnh", "Lemari es"),
    "8421": Names(
        "Water and air filters",
        "정수기·공기 필터",
        "净水器、空气过滤器",
        "浄水器・空気フィルター",
        "Máy lọc nước, bộ lọc không khí",
        "Penyaring air dan udara",
    ),
    "8471": Names(
        "Computers and peripherals",
        "컴퓨터와 주변기기",
        "计算机及外围设备",
        "コンピュータ・周辺機器",
        "Máy tính và thiết bị ngoại vi",
        "Komputer dan perangkat periferal",
    ),
    "8504": Names(
        "Chargers, adapters and power supplies",
        "충전기·어댑터·전원 공급장치",
        "充电器、适配器及电源",
        "充電器・アダプター・電源装置",
        "Bộ sạc, bộ chuyển đổi, bộ nguồn",
        "Pengisi daya, adaptor dan catu daya",
    ),
    "8507": Names(
        "Batteries and power banks",
        "축전지·보조배터리",
        "蓄电池、移动电源",
        "蓄電池・モバイルバッテリー",
        "Ắc quy và pin sạc dự phòng",
        "Akumulator dan power bank",
    ),
    "8509": Names(
        "Domestic electric appliances",
        "가정용 전기기기",
        "家用电动器具",
        "家庭用電気機器",
        "Thiết bị điện gia dụng",
        "Peralatan listrik rumah tangga",
    ),
    "8510": Names(
        "Shavers and hair clippers",
        "면도기·이발기",
        "电动剃须刀、理发推子",
        "電気かみそり・バリカン",
        "Máy cạo râu, tông đơ cắt tóc",
        "Alat cukur dan pemangkas rambut",
    ),
    "8516": Names(
        "Hair dryers, irons, electric cookers",
        "헤어드라이어·전기 조리기",
        "电吹风、电熨斗、电炊具",
        "ヘアドライヤー・アイロン・電気調理器",
        "Máy sấy tóc, bàn là, nồi nấu điện",
        "Pengering rambut, setrika, alat masak listrik",
    ),
    "8517": Names(
        "Phones and network equipment",
        "전화기·통신기기",
        "电话机及网络设备",
        "電話機・通信機器",
        "Điện thoại và thiết bị mạng",
        "Telepon dan perangkat jaringan",
    ),
    "8518": Names(
        "Earphones, headphones and speakers",
        "이어폰·헤드폰·스피커",
        "耳塞机、耳机及扬声器",
        "イヤホン・ヘッドホン・スピーカー",
        "Tai nghe và loa",
        "Earphone, headphone dan pengeras suara",
    ),
    "8523": Names(
        "Memory cards and storage media",
        "메모리카드·저장매체",
        "存储卡及存储介质",
        "メモリーカード・記録媒体",
        "Thẻ nhớ và phương tiện lưu trữ",
        "Kartu memori dan media penyimpanan",
    ),
    "8525": Names(
        "Cameras and transmitters",
        "카메라·송신기기",
        "摄像机及发送设备",
        "カメラ・送信機器",
        "Camera và thiết bị phát",
        "Kamera dan pemancar",
    ),
    "8528": Names(
        "Monitors and displays",
        "모니터·디스플레이",
        "监视器及显示器",
        "モニター・ディスプレイ",
        "Màn hình và thiết bị hiển thị",
        "Monitor dan layar",
    ),
    "8536": Names(
        "Plugs, sockets and switches",
        "플러그·소켓·스위치",
        "插头、插座及开关",
        "プラグ・ソケット・スイッチ",
        "Phích cắm, ổ cắm và công tắc",
        "Steker, soket dan sakelar",
    ),
    "8539": Names("LED lamps", "LED 램프", "LED灯", "LEDランプ", "Đèn LED", "Lampu LED"),
    "8543": Names(
        "Electrical machines (beauty devices)",
        "전기기기(미용기기)",
        "电气设备（美容仪）",
        "電気機器（美容機器）",
        "Máy điện (thiết bị làm đẹp)",
        "Mesin listrik (alat kecantikan)",
    ),
    "8544": Names(
        "Insulated wire and cables", "케이블", "电线、电缆", "ケーブル", "Dây cáp điện", "Kabel listrik"
    ),
    "9004": Names(
        "Spectacles and sunglasses",
        "안경·선글라스",
        "眼镜、太阳镜",
        "眼鏡・サングラス",
        "Kính đeo mắt, kính râm",
        "Kacamata dan kacamata hitam",
    ),
    "9018": Names(
        "Medical, surgical and dental instruments",
        "의료·수술·치과용 기기",
        "医疗、外科及牙科用仪器",
        "医療用・外科用・歯科用の機器",
        "Dụng cụ y tế, phẫu thuật và nha khoa",
        "Instrumen kedokteran, bedah dan gigi",
    ),
    "9019": Names(
        "Massage and therapy apparatus",
        "마사지·치료용 기기",
        "按摩及治疗器具",
        "マッサージ用・治療用の機器",
        "Thiết bị xoa bóp và trị liệu",
        "Alat pijat dan terapi",
    ),
    "9021": Names(
        "Orthopaedic appliances, hearing aids",
        "정형외과용 기기·보청기",
        "矫形器具、助听器",
        "整形外科用機器・補聴器",
        "Dụng cụ chỉnh hình, máy trợ thính",
        "Alat ortopedi, alat bantu dengar",
    ),
    "9022": Names(
        "X-ray apparatus",
        "엑스선 기기",
        "X射线设备",
        "エックス線機器",
        "Thiết bị X-quang",
        "Peralatan sinar-X",
    ),
    "9025": Names("Thermometers", "체온계", "温度计", "温度計", "Nhiệt kế", "Termometer"),
    "9027": Names(
        "Analysis instruments",
        "분석 기기",
        "分析仪器",
        "分析機器",
        "Dụng cụ phân tích",
        "Instrumen analisis",
    ),
    "9402": Names(
        "Medical furniture", "의료용 가구", "医疗用家具", "医療用家具", "Đồ nội thất y tế", "Perabot medis"
    ),
    "9403": Names(
        "Other furniture", "그 밖의 가구", "其他家具", "その他の家具", "Đồ nội thất khác", "Perabot lainnya"
    ),
    "9404": Names(
        "Mattresses and bedding",
        "매트리스·침구",
        "床垫及寝具",
        "マットレス・寝具",
        "Đệm và bộ đồ giường",
        "Kasur dan perlengkapan tempat tidur",
    ),
    "9405": Names(
        "Lamps and lighting",
        "조명기구",
        "灯具及照明装置",
        "ランプ・照明器具",
        "Đèn và bộ đèn",
        "Lampu dan alat penerangan",
    ),
    "9503": Names(
        "Toys, puzzles and models",
        "완구·퍼즐·모형",
        "玩具、智力玩具及模型",
        "がん具・パズル・模型",
        "Đồ chơi, đồ chơi đố trí và mô hình",
        "Mainan, teka-teki dan model",
    ),
    "9504": Names(
        "Video game consoles and table games",
        "비디오 게임기·실내 게임용품",
        "视频游戏机及桌上游戏用品",
        "ビデオゲーム機・卓上遊戯用具",
        "Máy trò chơi video và trò chơi trên bàn",
        "Konsol permainan video dan permainan meja",
    ),
    "9506": Names(
        "Sports and fitness equipment",
        "운동·피트니스 용품",
        "运动及健身器材",
        "運動用具・フィットネス用品",
        "Dụng cụ thể thao và thể dục",
        "Peralatan olahraga dan kebugaran",
    ),
    "9603": Names(
        "Brushes (make-up brushes)",
        "브러시(화장용 브러시)",
        "刷子（化妆刷）",
        "ブラシ（化粧用ブラシ）",
        "Bàn chải (cọ trang điểm)",
        "Sikat (kuas rias)",
    ),
    "9615": Names(
        "Combs and hair clips",
        "빗·헤어핀",
        "梳子及发夹",
        "くし・ヘアピン",
        "Lược và kẹp tóc",
        "Sisir dan jepit rambut",
    ),
    "9616": Names(
        "Scent sprays, powder puffs",
        "향수 분무기·분첩",
        "香水喷雾器、粉扑",
        "香水噴霧器・パフ",
        "Bình xịt nước hoa, bông thoa phấn",
        "Penyemprot wewangian, puf bedak",
    ),
    "9619": Names(
        "Diapers and sanitary pads",
        "기저귀·생리대",
        "尿布及卫生巾",
        "おむつ・生理用ナプキン",
        "Tã và băng vệ sinh",
        "Popok dan pembalut wanita",
    ),
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


def _pick(names: Names, language: str | None) -> str:
    return names.pick(language)


def hs_names(code: str) -> Names | None:
    """The names of the most specific entry we know for a code: its heading, else its chapter."""
    names = HEADINGS.get(code[:4]) if len(code) >= 4 else None
    return names or CHAPTERS.get(code[:2])


def hs_label(code: str, language: str | None = None) -> str:
    """The most specific name we know for a code (heading, else chapter) in the viewer's language.

    `language` is a Django language code ('ja', 'zh-hans'); None is the active language. Any
    language we have no names in gets English.
    """
    names = hs_names(code)
    return _pick(names, language) if names else code


def _fold(text: str) -> str:
    """Text to compare, ignoring case, full-width forms and Latin diacritics ('Cà phê' -> 'ca phe').

    Only the Latin combining accents (U+0300-U+036F) go, so that Korean syllables and Japanese
    voiced kana (ブ is not フ) come back whole.
    """
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text))
    bare = "".join(c for c in decomposed if not 0x300 <= ord(c) <= 0x36F)
    return unicodedata.normalize("NFC", bare).casefold().replace("đ", "d")


# (code, names, all six names folded) in search order: chapters, then headings.
_INDEX: list[tuple[str, Names, str]] = [
    (code, names, "\n".join(_fold(n) for n in names))
    for table in (CHAPTERS, HEADINGS)
    for code, names in table.items()
]


def hs_search(query: str, *, limit: int = 20) -> list[tuple[str, Names]]:
    """Codes whose number starts with the query, or one of whose six names contains it.

    Case, full-width forms and diacritics do not matter ('ca phe' finds 'Cà phê'). Returns
    (code, Names) pairs, code matches first, then chapters before headings.
    """
    q = _fold(query.strip()).replace(".", "")
    if not q.strip():
        return []
    results = [(code, names) for code, names, text in _INDEX if code.startswith(q) or q in text]
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
