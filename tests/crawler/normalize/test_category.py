"""categorize, documented by its table: (partner labels, title, summary) → (key, the rule that decided).

Rules, first that gives a key wins: override > label (the partner's categories and tags) > schema_type
(Product, Service alone: none) > title > summary; nothing → None ("unknown"), which the caller turns into a
category_unknown warning. Labels that are schema.org type names ("Place", "Product") count as schema types.
See crawler/normalize/category.py for the word rules (whole Latin words, Korean compounds, one-syllable
words standing alone, longest first, exclusions, the head of a title deciding).
"""


import pytest

from config import reference
from crawler.normalize import category
from crawler.normalize.category import (
    categorize, categorize_explained, category_from_labels, category_from_text, check_overrides)

KEYS = ("space", "goods", "tools", "kids", "clothes", "books", "car", "bike", "mobility", "parking", "housing",
        "lodging", "talent", "info", "time", "public_items")

# (labels, title, summary, expected key, expected rule)
CASES = [
    # --- partner categories and tags, as platforms write them -------------------------------------------------
    (["공구"], None, None, "tools", "label"),
    (["유아용품"], None, None, "kids", "label"),
    (["의류"], None, None, "clothes", "label"),
    (["카셰어링"], None, None, "car", "label"),
    (["나눔카"], None, None, "car", "label"),
    (["회의실"], None, None, "space", "label"),
    (["대관"], None, None, "space", "label"),
    (["생활용품 > 주방"], None, None, "goods", "label"),
    (["생활용품 > 캠핑용품"], None, None, "goods", "label"),
    (["물품 > 공구"], None, None, "tools", "label"),                # the leaf of a hierarchy first
    (["공구 > 원예"], None, None, "tools", "label"),                # an unknown leaf: its parent
    (["Kids > Strollers"], None, None, "kids", "label"),
    (["유아/아동"], None, None, "kids", "label"),
    (["Tools & DIY"], None, None, "tools", "label"),
    (["Baby & Kids"], None, None, "kids", "label"),
    (["Books & Magazines"], None, None, "books", "label"),
    (["Clothing & Accessories"], None, None, "clothes", "label"),
    (["Toys & Games"], None, None, "kids", "label"),
    (["Cars & Vehicles"], None, None, "car", "label"),
    (["공간대여"], None, None, "space", "label"),
    (["따릉이"], None, None, "bike", "label"),
    (["주차장 공유"], None, None, "parking", "label"),
    (["빈방"], None, None, "housing", "label"),
    (["재능나눔"], None, None, "talent", "label"),
    (["도서"], None, None, "books", "label"),
    (["한복 대여"], None, None, "clothes", "label"),                # words of a label: 한복
    (["우산 대여"], None, None, "public_items", "label"),
    (["시설·공간(대관) > 회의실 > 회의실"], None, None, "space", "label"),  # 공유누리's category path
    (["시설대관", "세미나실"], None, None, "space", "label"),          # 공공서비스예약 MAXCLASSNM, MINCLASSNM
    (["교육강좌", "자연/과학"], None, None, "talent", "label"),
    (["체육시설", "축구장"], None, None, "space", "label"),
    (["문화행사", "전시/관람"], None, None, "talent", "label"),
    (["전동공구"], None, None, "tools", "label"),
    (["수공구"], None, None, "tools", "label"),
    (["캠핑"], None, None, "goods", "label"),
    (["household"], None, None, "goods", "label"),
    (["생활"], "전기 재봉틀", None, "goods", "label"),
    (["Parking"], None, None, "parking", "label"),
    (["Share house"], None, None, "housing", "label"),
    (["Guesthouse"], None, None, "lodging", "label"),
    (["공유숙박"], None, None, "lodging", "label"),
    (["도시민박"], None, None, "lodging", "label"),
    (["Meeting room"], None, None, "space", "label"),
    (["Co-working"], None, None, "space", "label"),
    (["volunteering"], None, None, "time", "label"),
    (["타임뱅크"], None, None, "time", "label"),
    (["시간"], None, None, "time", "label"),                       # a label, never a word in a text
    (["정보"], None, None, "info", "label"),
    (["공유지도"], None, None, "info", "label"),
    (["라돈측정기"], None, None, "public_items", "label"),
    (["백일상·돌상"], None, None, "public_items", "label"),
    (["양산"], None, None, "public_items", "label"),
    (["전동킥보드"], None, None, "mobility", "label"),
    (["셔틀버스"], None, None, "mobility", "label"),
    (["Other mobility"], None, None, "mobility", "label"),         # our own English label
    (["기타 이동수단"], None, None, "mobility", "label"),           # our own Korean label
    (["공공 생활물품"], None, None, "public_items", "label"),
    (["재능·경험"], None, None, "talent", "label"),
    (["Skills & experiences"], None, None, "talent", "label"),
    (["car sharing"], None, None, "car", "label"),
    (["e-bike"], None, None, "bike", "label"),
    (["아동 의류"], None, None, "kids", "label"),                   # 아동의류 is a kids' synonym
    (["장난감도서관"], None, None, "kids", "label"),                 # a toy library, not books
    (["공구도서관"], None, None, "tools", "label"),
    (["bike", "따릉이"], "따릉이 망원역 1번출구", None, "bike", "label"),   # the 따릉이 parser's tags
    (["카셰어링", "나눔카", "전기차", "EV"], "아이오닉5 (망원역)", None, "car", "label"),
    (["unknown", "따릉이"], None, None, "bike", "label"),           # the first label that is known
    (["US news", "Culture"], None, None, None, "unknown"),
    (["Home & Garden"], None, None, None, "unknown"),
    (["진료복지"], None, None, None, "unknown"),
    # --- schema.org types ---------------------------------------------------------------------------------------
    (["Product"], "Something", None, None, "unknown"),             # Product alone is too vague
    (["Service"], None, None, None, "unknown"),
    (["Product", "공구"], None, None, "tools", "label"),
    (["Place", "공구"], None, None, "tools", "label"),             # a partner's category beats a type
    (["Place"], None, None, "space", "schema_type"),
    (["EventVenue"], None, None, "space", "schema_type"),
    (["https://schema.org/MeetingRoom"], None, None, "space", "schema_type"),
    (["Accommodation"], None, None, "lodging", "schema_type"),
    (["LodgingBusiness"], "{dong} 한옥 게스트하우스 온돌방", None, "lodging", "schema_type"),
    (["LodgingBusiness"], "청년 무료 체험 숙박 (대치4동 청년 셰어하우스)", None, "lodging", "schema_type"),
    (["Hostel"], "여성 전용 셰어하우스 도미토리", None, "lodging", "schema_type"),   # a specific type beats the title
    # a generic type (Place, CivicStructure, Room, Vehicle) gives way to the title, but not to the summary
    (["Room"], "여성 전용 셰어하우스 1인실 (망원동)", None, "housing", "title"),
    (["Room"], "숙대입구역 도보 5분, 햇살 드는 개인실", None, "lodging", "schema_type"),
    (["Place"], "따릉이 대여소 (망원역)", None, "bike", "title"),
    (["Place"], "Something", "주차장 공유", "space", "schema_type"),
    (["Vehicle"], "전동킥보드 (마포)", None, "mobility", "title"),
    (["Event"], "한강 자전거 투어", None, "talent", "schema_type"),         # Event is not generic
    (["Residence"], None, None, "housing", "schema_type"),
    (["Car"], None, None, "car", "schema_type"),
    (["Vehicle"], None, None, "car", "schema_type"),
    (["Product", "Car"], None, None, "car", "schema_type"),
    (["BusOrCoach"], None, None, "mobility", "schema_type"),
    (["Event"], None, None, "talent", "schema_type"),
    (["EducationEvent"], "어린이 코딩 놀이 (스크래치)", None, "talent", "schema_type"),
    (["Book"], None, None, "books", "schema_type"),
    (["Place", "ParkingFacility"], None, None, "parking", "schema_type"),  # specific beats generic
    # --- words in the title: Korean -------------------------------------------------------------------------------
    ([], "전동드릴 대여 (충전식 18V)", None, "tools", "title"),
    ([], '가정용 공구세트 (38종) & 공구함', None, "tools", "title"),
    ([], '접이식 사다리 "2단" AND (높이 조절', None, "tools", "title"),
    ([], "유모차 (휴대용 절충형)", None, "kids", "title"),
    ([], "카시트 (신생아~4세)", None, "kids", "title"),
    ([], "캠핑텐트 4인용 (원터치)", None, "goods", "title"),
    ([], "한복 대여 (여아 120호)", None, "clothes", "title"),
    ([], "장우산 (대형, 자동)", None, "public_items", "title"),
    ([], "쏘나타 하이브리드 카셰어링", None, "car", "title"),
    ([], "따릉이 망원역 1번출구", None, "bike", "title"),
    ([], "전동킥보드 공유 (마포)", None, "mobility", "title"),
    ([], "모두의 주차장 — 거주자우선주차 공유", None, "parking", "title"),
    ([], "망원동 주민센터 회의실·강의실", None, "space", "title"),
    ([], "공유부엌 (8인)", None, "space", "title"),
    ([], "마포구 북카페 겸 게스트하우스", None, "lodging", "title"),
    ([], "캠핑장 이용권 (1박)", None, "lodging", "title"),           # 캠핑장 before 캠핑
    ([], "캠핑카 주말 대여", None, "car", "title"),                  # 캠핑카 before 캠핑
    ([], "우쿨렐레 기초 클래스", None, "talent", "title"),
    ([], "한국어 말하기 교실 (for newcomers)", None, "talent", "title"),
    ([], "동네 수리카페: 고장 난 물건 고쳐 써요", None, "talent", "title"),
    ([], "재봉틀 기초: 에코백 만들기", None, "talent", "title"),
    ([], "전기 재봉틀", None, "goods", "title"),
    ([], "직소", None, "tools", "title"),
    ([], "푸드트럭 행사 안내", None, None, "unknown"),
    ([], "1톤 트럭 공유", None, "car", "title"),
    ([], "자원봉사자 모집", None, "time", "title"),
    ([], "동화책 30권 나눔", None, "books", "title"),
    ([], "책 나눔합니다", None, "books", "title"),                  # 책 on its own
    ([], "옷 나눔 바자회", None, "clothes", "title"),
    # the head of a title decides (Korean noun phrases end in their head)
    ([], "자전거 셀프 정비 워크숍", None, "talent", "title"),
    ([], "마포구립 망원동 작은도서관 회의실", None, "space", "title"),
    ([], "공구 대여소 회의실 대관", None, "space", "title"),
    ([], "청년 무료 체험 숙박 (망원동 청년 셰어하우스)", None, "lodging", "title"),
    ([], "어린이 자전거 (16인치)", None, "bike", "title"),          # a bike, even for a child
    ([], "[공구도서관] 캠핑 텐트 대여", None, "goods", "title"),      # a leading tag is not the head
    ([], "[정비중] 쏘렌토 하이브리드 — 목동", None, None, "unknown"),
    # a kids mention outweighs clothes, goods and mobility
    ([], "아동 경량 패딩 점퍼 (110)", None, "kids", "title"),
    ([], "어린이 수영복·수모 세트", None, "kids", "title"),
    ([], "유아 킥보드", None, "kids", "title"),
    ([], "아동 한복 (100호)", None, "kids", "title"),
    ([], "아기 옷 나눔", None, "kids", "title"),
    ([], "Baby clothes bundle", None, "kids", "title"),
    ([], "돌잔치 한복 (남아 100호)", None, "kids", "title"),
    ([], "초등 졸업식 정장 (140)", None, "kids", "title"),
    ([], "돌잔치상 대여", None, "public_items", "title"),              # 돌잔치상 before 돌잔치
    ([], "정장 대여 (면접용)", None, "clothes", "title"),
    ([], "아기자기한 파티룸", None, "space", "title"),               # 아기자기 is "cute", not a baby
    # --- words in the title: English ----------------------------------------------------------------------------
    ([], "Cordless drill for loan", None, "tools", "title"),
    ([], "Camping tents for 4", None, "goods", "title"),
    ([], "Baby strollers", None, "kids", "title"),
    ([], "Hip-seat baby carrier", None, "kids", "title"),
    ([], "Toddler rain boots, 160 mm", None, "kids", "title"),
    ([], "Kids' light padded jacket, size 110", None, "kids", "title"),
    ([], "School graduation suit, size 140", None, "clothes", "title"),
    ([], "Women-only share house single room, Mangwon-dong", None, "housing", "title"),
    ([], "Book café guesthouse in Mapo-gu", None, "lodging", "title"),    # "book" alone is a verb
    ([], "Bike maintenance workshop", None, "talent", "title"),
    ([], "English conversation meetup", None, "talent", "title"),
    ([], "Repair Café: fix it, don't toss it", None, "talent", "title"),
    ([], "Guitar lessons for kids", None, "talent", "title"),        # the head comes before "for"
    ([], "Ukulele for beginners", None, "talent", "title"),
    ([], "Sewing machine basics: a tote bag", None, "talent", "title"),
    ([], "Tape measure and spirit level", None, "tools", "title"),
    ([], "First-birthday hanbok, boy, size 100", None, "kids", "title"),
    ([], "Remodeled 1 bedroom with garage parking", None, "housing", "title"),
    ([], "Luxury Apartments", None, "housing", "title"),
    ([], "Acme Bio Truck", None, "car", "title"),
    ([], "Baby car seat", None, "kids", "title"),                    # car seat before car
    ([], "Car park by the river", None, "parking", "title"),         # car park before car
    ([], "Motorbike for rent", None, "mobility", "title"),           # motorbike does not hold bike
    ([], "Radon meter loan", None, "public_items", "title"),
    ([], "Umbrella sharing at Mapo-gu Office", None, "public_items", "title"),
    ([], "Time bank: trade an hour of help", None, "time", "title"),
    ([], "Open data map of sharing places", None, "info", "title"),
    # --- the summary, when the title says nothing ----------------------------------------------------------------
    ([], "Something", "Cordless drill, 18V", "tools", "summary"),
    ([], "A룸 (10인)", "회의실 대관, 주차 가능", "space", "summary"),
    ([], "Sunny private room", "Up to 2 guests. Homestay in Mangwon-dong.", "lodging", "summary"),
    ([], "스마트폰 사진 잘 찍는 법", "구도와 빛 쓰는 법을 배우고 동네를 함께 걸으며 찍어요. (1회 5,000원)", "talent",
     "summary"),
    ([], "김장 나눔 — 배추 절이기부터", "함께 김장하고 한 통씩 나눠 가요. (재료비 1인 5,000원)", "talent", "summary"),
    # --- compounds and phrases that hold a synonym but mean something else: unknown -----------------------------
    ([], "책상 나눔 (원목)", None, None, "unknown"),                # desk
    ([], "책임감 있는 이웃 모집", None, None, "unknown"),
    ([], "정책 토론회", None, None, "unknown"),
    ([], "옷장 나눔", None, None, "unknown"),                       # wardrobe
    ([], "공구리 작업 도와주실 분", None, None, "unknown"),           # concrete
    ([], "공구 진행합니다 (유기농 사과)", None, None, "unknown"),      # a group purchase
    ([], "사다리 타기 이벤트", None, None, "unknown"),
    ([], "의류건조기 함께 써요", None, None, "unknown"),
    ([], "셔틀콕 나눔", None, None, "unknown"),
    ([], "도서산간 배송 불가", None, None, "unknown"),              # islands and mountains
    ([], "녹차 시음회", None, None, "unknown"),                     # 차 is not a car word
    ([], "대패삼겹 파티", None, None, "unknown"),
    ([], "1시간 9,900원", None, None, "unknown"),                   # 시간 is a unit here
    ([], "봉사료 없음", None, None, "unknown"),
    ([], "A룸 (10인)", "강남역 5분, 주차 가능", None, "unknown"),     # an amenity, not parking
    ([], "Hotel suite for two", None, None, "unknown"),             # suite is not suit
    ([], "Of course you can borrow it", None, None, "unknown"),
    ([], "Studio near BART", "Learn more on our website", None, "unknown"),
    ([], "Top floor, big balcony, gas appliances", None, None, "unknown"),
    ([], "기초생활수급자 우선 지원", None, None, "unknown"),
    ([], "직소퍼즐 1000피스", None, None, "unknown"),
    ([], "Whole two-room flat by Hapjeong Station", None, None, "unknown"),
    ([], "Something else", None, None, "unknown"),
    ([], None, None, None, "unknown"),
    # exclusions leave the rest of the text to decide
    ([], "빌려 드릴게요: 캠핑 의자", None, "goods", "title"),
    ([], "차량용 청소기", None, "goods", "title"),
    ([], "주차 가능한 세미나실", None, "space", "title"),
]


def _case_id(case):
    labels, title, summary, key, _ = case
    return f"{'|'.join(labels)}·{title or ''}·{summary or ''}→{key}"[:60]


@pytest.mark.parametrize("labels, title, summary, key, rule", CASES, ids=[_case_id(c) for c in CASES])
def test_categorize_table(labels, title, summary, key, rule):
    explained = categorize_explained(labels, title, summary)
    assert (explained.key, explained.rule.split(":")[0]) == (key, rule), explained.rule
    assert categorize(labels, title, summary) == key                # the positional contract of normalize_item


def test_the_table_is_large_and_covers_every_key():
    assert len(CASES) >= 80
    assert {case[3] for case in CASES} >= set(KEYS)
    assert {case[4] for case in CASES} == {"label", "schema_type", "title", "summary", "unknown"}


# (labels, title, overrides, expected key, expected rule)
OVERRIDES = [
    (["생활"], None, {"생활": "goods"}, "goods", "override: 생활"),
    (["공간대여"], None, {"공간대여": "lodging"}, "lodging", "override: 공간대여"),   # beats the taxonomy
    (["TOOLS & diy"], None, {"Tools & DIY": "tools"}, "tools", "override: TOOLS & diy"),  # case, spaces
    (["주방용품 > 그릇"], None, {"그릇": "goods"}, "goods", "override: 주방용품 > 그릇"),  # a level of a path
    (["기타"], "돌잔치 한복", {"*": "kids"}, "kids", "override: *"),                # the whole source
    (["생활용품"], "장우산 (대형)", {"생활용품": None}, "public_items", "title: 장우산"),  # says nothing
    (["의류"], None, {"공구": "tools"}, "clothes", "label: 의류"),                  # not this label
    (["Place"], None, {"Place": "parking"}, "space", "schema_type: Place"),       # types are not categories
    (["Product"], "Something", {"Product": "goods"}, None, "unknown"),
]


@pytest.mark.parametrize("labels, title, overrides, key, rule", OVERRIDES)
def test_per_source_overrides(labels, title, overrides, key, rule):
    assert tuple(categorize_explained(labels, title, None, overrides=overrides)) == (key, rule)


def test_an_override_must_name_a_key():
    with pytest.raises(ValueError, match="not a category key"):
        categorize(["x"], None, None, overrides={"x": "furniture"})
    assert check_overrides({"공간대여": "space", "기타": None}) == []
    assert check_overrides({"x": "furniture"}) and "furniture" in check_overrides({"x": "furniture"})[0]


def test_schema_types_given_apart_from_labels():
    """normalize_item will pass the parser's schema.org @type; labels still win over it."""
    assert categorize_explained([], "Something", None, schema_types=["Place"]) == ("space", "schema_type: Place")
    assert categorize(["공구"], None, None, schema_types=["Place"]) == "tools"
    assert categorize([], "전동드릴", None, schema_types=["Product"]) == "tools"


def test_the_rule_says_which_part_of_a_label_decided():
    assert categorize_explained(["생활용품 > 주방"], None, None).rule == "label: 생활용품 > 주방 (주방)"
    assert categorize_explained(["한복 대여"], None, None).rule == "label: 한복 대여 (한복)"
    assert categorize_explained(["공구"], None, None).rule == "label: 공구"


def test_helpers_keep_their_contracts():
    assert category_from_labels(["의류"]) == "clothes"
    assert category_from_labels(["Product"]) is None
    assert category_from_text(None, "유모차 나눔") == "kids"
    assert category_from_text("Something", None) is None
    assert categorize(["의류"], "전동드릴처럼 생긴 옷", None) == "clothes"
    assert categorize(iter(["공구"]), "x", None) == "tools"          # any iterable of labels


# --- the taxonomy itself -------------------------------------------------------------------------------------------

def test_the_taxonomy_has_exactly_the_keys():
    categories = reference.categories()
    assert tuple(categories) == KEYS
    assert all(c.ko and c.en and c.synonyms for c in categories.values())


def test_no_word_means_two_keys():
    seen: dict[str, str] = {}
    for key, entry in reference.categories().items():
        for word in (*entry.synonyms, *entry.label_only, *entry.excludes):
            norm = category._norm(word)
            assert seen.setdefault(norm, key) == key, f"{word!r} is in {seen[norm]} and {key}"
        for type_name in entry.schema_types:
            assert seen.setdefault(type_name, key) == key, f"{type_name} is in {seen[type_name]} and {key}"
            assert type_name not in category.VAGUE_SCHEMA_TYPES


@pytest.mark.parametrize("key", KEYS)
def test_every_synonym_finds_its_key_as_a_label_and_in_a_text(key):
    entry = reference.categories()[key]
    for word in entry.synonyms:
        assert categorize([word], None, None) == key, word
        assert categorize([], word, None) == key, word
    for word in entry.label_only:
        assert categorize([word], None, None) == key, word
        # A label-only word never decides a text itself (지식·재능 may still be talent by 재능).
        assert category._norm(word) not in category._taxonomy().words, word
        assert categorize_explained([], word, None).rule != f"title: {category._text_norm(word)}", word
    for word in entry.excludes:
        assert categorize([], word, None) is None, word
    for type_name in entry.schema_types:
        assert categorize([type_name], None, None) == key, type_name

