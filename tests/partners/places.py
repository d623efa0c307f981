"""Real places in Seoul's 25 districts, for the generated sample partners.

Each district has its MOIS gu code, Korean and English names, real road names, real subway
stations, the first three digits of its postal codes, and six of its dongs with the dong's
reference point (from config/data/seoul_dongs.csv, copied here so the simulator's data stays
fixed even if that file is edited). A generated listing sits at a dong point moved by at most
``JITTER`` degrees (~90 m), which keeps it inside the dong's district (tests/test_partner_simulator.py
checks every generated point with ``crawler.normalize.location.district_at``).

Street numbers are invented; roads, stations, dongs and districts are real.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

JITTER = 0.0008


@dataclass(frozen=True)
class Dong:
    name_ko: str
    name_en: str
    lat: float
    lon: float


@dataclass(frozen=True)
class District:
    code: str
    name_ko: str
    name_en: str
    roads: tuple[str, ...]
    stations: tuple[str, ...]   # Korean station names (without 역)
    stations_en: tuple[str, ...]
    postal: tuple[int, int]     # range of the first three digits of its 5-digit postal codes
    dongs: tuple[Dong, ...]


def _d(code, ko, en, roads, stations, stations_en, postal, dongs) -> District:
    return District(code, ko, en, tuple(roads), tuple(stations), tuple(stations_en), postal,
                    tuple(Dong(*d) for d in dongs))


DISTRICTS: tuple[District, ...] = (
    _d("11110", "종로구", "Jongno-gu", ["자하문로", "율곡로", "대학로", "삼일대로", "창경궁로"],
       ["안국", "혜화", "종각"], ["Anguk", "Hyehwa", "Jonggak"], (30, 31),
       [("청운효자동", "Cheongunhyoja-dong", 37.58466, 126.97042), ("삼청동", "Samcheong-dong", 37.58801, 126.98111),
        ("평창동", "Pyeongchang-dong", 37.61396, 126.96927), ("교남동", "Gyonam-dong", 37.57105, 126.96416),
        ("종로1·2·3·4가동", "Jongno 1-4-ga-dong", 37.57508, 126.98973), ("이화동", "Ihwa-dong", 37.57969, 127.00307)]),
    _d("11140", "중구", "Jung-gu", ["세종대로", "을지로", "퇴계로", "다산로", "동호로"],
       ["명동", "을지로3가", "충무로"], ["Myeong-dong", "Euljiro 3-ga", "Chungmuro"], (45, 46),
       [("소공동", "Sogong-dong", 37.5643, 126.97436), ("명동", "Myeong-dong", 37.56373, 126.98436),
        ("장충동", "Jangchung-dong", 37.55561, 127.00228), ("을지로동", "Euljiro-dong", 37.56664, 126.99649),
        ("다산동", "Dasan-dong", 37.5547, 127.00826), ("청구동", "Cheonggu-dong", 37.55686, 127.01499)]),
    _d("11170", "용산구", "Yongsan-gu", ["이태원로", "한강대로", "녹사평대로", "백범로", "원효로"],
       ["이태원", "삼각지", "숙대입구"], ["Itaewon", "Samgakji", "Sookmyung Women's Univ."], (43, 44),
       [("후암동", "Huam-dong", 37.54994, 126.98059), ("남영동", "Namyeong-dong", 37.54511, 126.97351),
        ("원효로1동", "Wonhyoro 1-dong", 37.53747, 126.96656), ("효창동", "Hyochang-dong", 37.54305, 126.96131),
        ("한강로동", "Hangangno-dong", 37.52918, 126.96786), ("이촌2동", "Ichon 2-dong", 37.52333, 126.95394)]),
    _d("11200", "성동구", "Seongdong-gu", ["왕십리로", "아차산로", "고산자로", "성수일로", "독서당로"],
       ["성수", "왕십리", "뚝섬"], ["Seongsu", "Wangsimni", "Ttukseom"], (47, 48),
       [("왕십리2동", "Wangsimni 2-dong", 37.5615, 127.02769), ("마장동", "Majang-dong", 37.56764, 127.04049),
        ("행당1동", "Haengdang 1-dong", 37.55902, 127.03606), ("응봉동", "Eungbong-dong", 37.55099, 127.03398),
        ("금호2·3가동", "Geumho 2·3-ga-dong", 37.55143, 127.01989), ("옥수동", "Oksu-dong", 37.54197, 127.01618)]),
    _d("11215", "광진구", "Gwangjin-gu", ["능동로", "자양로", "광나루로", "천호대로", "긴고랑로"],
       ["건대입구", "구의", "아차산"], ["Konkuk Univ.", "Guui", "Achasan"], (49, 50),
       [("화양동", "Hwayang-dong", 37.54327, 127.07346), ("중곡1동", "Junggok 1-dong", 37.56204, 127.07772),
        ("중곡3동", "Junggok 3-dong", 37.56785, 127.08197), ("능동", "Neung-dong", 37.55066, 127.08165),
        ("자양1동", "Jayang 1-dong", 37.53554, 127.08042), ("자양3동", "Jayang 3-dong", 37.53169, 127.0712)]),
    _d("11230", "동대문구", "Dongdaemun-gu", ["왕산로", "천호대로", "답십리로", "회기로", "장한로"],
       ["회기", "청량리", "답십리"], ["Hoegi", "Cheongnyangni", "Dapsimni"], (24, 26),
       [("신설동", "Sinseol-dong", 37.57491, 127.02559), ("제기동", "Jegi-dong", 37.58368, 127.03724),
        ("전농2동", "Jeonnong 2-dong", 37.58072, 127.06114), ("답십리2동", "Dapsimni 2-dong", 37.57089, 127.06111),
        ("장안2동", "Jangan 2-dong", 37.57576, 127.07254), ("회기동", "Hoegi-dong", 37.5937, 127.05141)]),
    _d("11260", "중랑구", "Jungnang-gu", ["망우로", "봉화산로", "용마산로", "면목로", "동일로"],
       ["상봉", "면목", "중화"], ["Sangbong", "Myeonmok", "Junghwa"], (20, 22),
       [("면목2동", "Myeonmok 2-dong", 37.58938, 127.07814), ("면목5동", "Myeonmok 5-dong", 37.58297, 127.07967),
        ("면목7동", "Myeonmok 7-dong", 37.57729, 127.09269), ("상봉1동", "Sangbong 1-dong", 37.60203, 127.08947),
        ("중화1동", "Junghwa 1-dong", 37.60229, 127.08315), ("묵1동", "Muk 1-dong", 37.61374, 127.08245)]),
    _d("11290", "성북구", "Seongbuk-gu", ["보문로", "동소문로", "정릉로", "화랑로", "성북로"],
       ["성신여대입구", "한성대입구", "안암"], ["Sungshin Women's Univ.", "Hansung Univ.", "Anam"], (27, 29),
       [("성북동", "Seongbuk-dong", 37.59587, 126.99615), ("돈암1동", "Donam 1-dong", 37.59933, 127.02404),
        ("보문동", "Bomun-dong", 37.5826, 127.01922), ("정릉3동", "Jeongneung 3-dong", 37.61226, 126.99377),
        ("길음2동", "Gireum 2-dong", 37.60797, 127.02723), ("월곡2동", "Wolgok 2-dong", 37.6033, 127.04519)]),
    _d("11305", "강북구", "Gangbuk-gu", ["도봉로", "삼양로", "솔매로", "한천로", "인수봉로"],
       ["미아", "수유", "미아사거리"], ["Mia", "Suyu", "Miasageori"], (10, 12),
       [("삼양동", "Samyang-dong", 37.62379, 127.01468), ("송중동", "Songjung-dong", 37.6177, 127.03292),
        ("삼각산동", "Samgaksan-dong", 37.61713, 127.01683), ("번2동", "Beon 2-dong", 37.62952, 127.03479),
        ("수유1동", "Suyu 1-dong", 37.62993, 127.00884), ("수유3동", "Suyu 3-dong", 37.64046, 127.02355)]),
    _d("11320", "도봉구", "Dobong-gu", ["도봉로", "방학로", "시루봉로", "마들로", "노해로"],
       ["쌍문", "창동", "도봉산"], ["Ssangmun", "Chang-dong", "Dobongsan"], (13, 14),
       [("창1동", "Chang 1-dong", 37.64714, 127.04356), ("창3동", "Chang 3-dong", 37.63736, 127.04163),
        ("창5동", "Chang 5-dong", 37.65536, 127.04277), ("도봉2동", "Dobong 2-dong", 37.68119, 127.04779),
        ("쌍문2동", "Ssangmun 2-dong", 37.65706, 127.037), ("쌍문4동", "Ssangmun 4-dong", 37.65555, 127.03041)]),
    _d("11350", "노원구", "Nowon-gu", ["동일로", "노해로", "상계로", "공릉로", "한글비석로"],
       ["노원", "상계", "공릉"], ["Nowon", "Sanggye", "Gongneung"], (16, 18),
       [("월계1동", "Wolgye 1-dong", 37.62181, 127.0586), ("공릉1동", "Gongneung 1-dong", 37.62412, 127.07277),
        ("하계2동", "Hagye 2-dong", 37.63484, 127.06482), ("중계4동", "Junggye 4-dong", 37.65885, 127.08224),
        ("상계2동", "Sanggye 2-dong", 37.65649, 127.06727), ("상계6·7동", "Sanggye 6·7-dong", 37.64875, 127.06009)]),
    _d("11380", "은평구", "Eunpyeong-gu", ["통일로", "연서로", "은평로", "진관2로", "증산로"],
       ["연신내", "불광", "응암"], ["Yeonsinnae", "Bulgwang", "Eungam"], (33, 35),
       [("녹번동", "Nokbeon-dong", 37.60542, 126.93505), ("불광2동", "Bulgwang 2-dong", 37.62437, 126.92865),
        ("갈현2동", "Galhyeon 2-dong", 37.61828, 126.91212), ("대조동", "Daejo-dong", 37.61228, 126.9231),
        ("응암2동", "Eungam 2-dong", 37.59189, 126.92302), ("역촌동", "Yeokchon-dong", 37.60457, 126.91453)]),
    _d("11410", "서대문구", "Seodaemun-gu", ["연희로", "신촌로", "통일로", "명지대길", "모래내로"],
       ["신촌", "홍제", "독립문"], ["Sinchon", "Hongje", "Dongnimmun"], (36, 38),
       [("천연동", "Cheonyeon-dong", 37.57121, 126.95714), ("충현동", "Chunghyeon-dong", 37.56391, 126.9581),
        ("연희동", "Yeonhui-dong", 37.57201, 126.93273), ("홍제3동", "Hongje 3-dong", 37.59202, 126.95116),
        ("홍은1동", "Hongeun 1-dong", 37.59998, 126.94703), ("남가좌1동", "Namgajwa 1-dong", 37.57169, 126.9162)]),
    _d("11440", "마포구", "Mapo-gu", ["월드컵로", "양화로", "망원로", "마포대로", "독막로"],
       ["홍대입구", "합정", "망원"], ["Hongik Univ.", "Hapjeong", "Mangwon"], (39, 42),
       [("아현동", "Ahyeon-dong", 37.55193, 126.95284), ("도화동", "Dohwa-dong", 37.53704, 126.94681),
        ("대흥동", "Daeheung-dong", 37.55212, 126.9414), ("신수동", "Sinsu-dong", 37.54363, 126.93364),
        ("서교동", "Seogyo-dong", 37.55477, 126.92094), ("망원1동", "Mangwon 1-dong", 37.55275, 126.90021)]),
    _d("11470", "양천구", "Yangcheon-gu", ["목동동로", "오목로", "신월로", "목동서로", "중앙로"],
       ["오목교", "목동", "신정네거리"], ["Omokgyo", "Mok-dong", "Sinjeongnegeori"], (79, 80),
       [("목1동", "Mok 1-dong", 37.52744, 126.8751), ("목4동", "Mok 4-dong", 37.53544, 126.8669),
        ("신월2동", "Sinwol 2-dong", 37.5234, 126.84633), ("신월5동", "Sinwol 5-dong", 37.54004, 126.8299),
        ("신정1동", "Sinjeong 1-dong", 37.51888, 126.85963), ("신정4동", "Sinjeong 4-dong", 37.52541, 126.85757)]),
    _d("11500", "강서구", "Gangseo-gu", ["공항대로", "화곡로", "강서로", "양천로", "등촌로"],
       ["발산", "마곡", "까치산"], ["Balsan", "Magok", "Kkachisan"], (75, 78),
       [("염창동", "Yeomchang-dong", 37.55321, 126.87543), ("등촌3동", "Deungchon 3-dong", 37.56105, 126.84634),
        ("화곡3동", "Hwagok 3-dong", 37.54406, 126.83427), ("화곡6동", "Hwagok 6-dong", 37.55172, 126.85117),
        ("가양2동", "Gayang 2-dong", 37.56866, 126.85401), ("우장산동", "Ujangsan-dong", 37.55057, 126.84102)]),
    _d("11530", "구로구", "Guro-gu", ["구로중앙로", "디지털로", "경인로", "오류로", "새말로"],
       ["구로디지털단지", "신도림", "개봉"], ["Guro Digital Complex", "Sindorim", "Gaebong"], (82, 83),
       [("신도림동", "Sindorim-dong", 37.50973, 126.88285), ("구로2동", "Guro 2-dong", 37.49678, 126.88358),
        ("구로4동", "Guro 4-dong", 37.49154, 126.8902), ("가리봉동", "Garibong-dong", 37.48256, 126.88826),
        ("고척2동", "Gocheok 2-dong", 37.50585, 126.85331), ("개봉2동", "Gaebong 2-dong", 37.49273, 126.85636)]),
    _d("11545", "금천구", "Geumcheon-gu", ["시흥대로", "가산디지털1로", "독산로", "금하로", "범안로"],
       ["가산디지털단지", "독산", "금천구청"], ["Gasan Digital Complex", "Doksan", "Geumcheon-gu Office"], (85, 86),
       [("가산동", "Gasan-dong", 37.47684, 126.88434), ("독산1동", "Doksan 1-dong", 37.4642, 126.89272),
        ("독산2동", "Doksan 2-dong", 37.46383, 126.90255), ("독산3동", "Doksan 3-dong", 37.47593, 126.90459),
        ("독산4동", "Doksan 4-dong", 37.46922, 126.90405), ("시흥1동", "Siheung 1-dong", 37.45289, 126.90015)]),
    _d("11560", "영등포구", "Yeongdeungpo-gu", ["여의대로", "영중로", "당산로", "국회대로", "도림로"],
       ["여의도", "영등포구청", "당산"], ["Yeouido", "Yeongdeungpo-gu Office", "Dangsan"], (72, 74),
       [("영등포본동", "Yeongdeungpobon-dong", 37.51372, 126.9097), ("당산1동", "Dangsan 1-dong", 37.52393, 126.89685),
        ("문래동", "Mullae-dong", 37.51638, 126.89147), ("신길1동", "Singil 1-dong", 37.51234, 126.91951),
        ("신길5동", "Singil 5-dong", 37.50112, 126.90555), ("대림1동", "Daerim 1-dong", 37.49377, 126.90526)]),
    _d("11590", "동작구", "Dongjak-gu", ["상도로", "노량진로", "사당로", "장승배기로", "흑석로"],
       ["노량진", "상도", "숭실대입구"], ["Noryangjin", "Sangdo", "Soongsil Univ."], (69, 71),
       [("노량진1동", "Noryangjin 1-dong", 37.51303, 126.94915), ("상도1동", "Sangdo 1-dong", 37.49833, 126.95347),
        ("상도3동", "Sangdo 3-dong", 37.49723, 126.93335), ("흑석동", "Heukseok-dong", 37.5063, 126.96376),
        ("사당2동", "Sadang 2-dong", 37.49823, 126.97519), ("사당4동", "Sadang 4-dong", 37.48059, 126.97077)]),
    _d("11620", "관악구", "Gwanak-gu", ["관악로", "남부순환로", "신림로", "봉천로", "낙성대로"],
       ["서울대입구", "신림", "봉천"], ["Seoul Nat'l Univ.", "Sillim", "Bongcheon"], (87, 88),
       [("보라매동", "Boramae-dong", 37.49036, 126.93259), ("행운동", "Haengun-dong", 37.4809, 126.96062),
        ("은천동", "Euncheon-dong", 37.48682, 126.94221), ("남현동", "Namhyeon-dong", 37.46247, 126.97664),
        ("서림동", "Seorim-dong", 37.47355, 126.93921), ("난향동", "Nanhyang-dong", 37.46159, 126.91827)]),
    _d("11650", "서초구", "Seocho-gu", ["서초대로", "반포대로", "방배로", "양재대로", "효령로"],
       ["교대", "양재", "방배"], ["Seoul Nat'l Univ. of Education", "Yangjae", "Bangbae"], (65, 68),
       [("서초1동", "Seocho 1-dong", 37.48696, 127.02014), ("서초4동", "Seocho 4-dong", 37.49899, 127.01996),
        ("반포1동", "Banpo 1-dong", 37.50551, 127.01663), ("반포4동", "Banpo 4-dong", 37.49958, 127.00329),
        ("방배2동", "Bangbae 2-dong", 37.47208, 126.98463), ("양재1동", "Yangjae 1-dong", 37.46956, 127.02253)]),
    _d("11680", "강남구", "Gangnam-gu", ["테헤란로", "도산대로", "선릉로", "삼성로", "압구정로"],
       ["선릉", "압구정", "대치"], ["Seolleung", "Apgujeong", "Daechi"], (60, 63),
       [("신사동", "Sinsa-dong", 37.52572, 127.0214), ("압구정동", "Apgujeong-dong", 37.53027, 127.03348),
        ("삼성2동", "Samseong 2-dong", 37.51184, 127.04876), ("대치4동", "Daechi 4-dong", 37.50166, 127.0549),
        ("도곡1동", "Dogok 1-dong", 37.48905, 127.04098), ("개포2동", "Gaepo 2-dong", 37.48648, 127.06763)]),
    _d("11710", "송파구", "Songpa-gu", ["올림픽로", "송파대로", "백제고분로", "오금로", "중대로"],
       ["잠실", "석촌", "문정"], ["Jamsil", "Seokchon", "Munjeong"], (54, 58),
       [("풍납1동", "Pungnap 1-dong", 37.53824, 127.1143), ("마천1동", "Macheon 1-dong", 37.49478, 127.15572),
        ("오륜동", "Oryun-dong", 37.51766, 127.12851), ("석촌동", "Seokchon-dong", 37.50272, 127.10246),
        ("가락2동", "Garak 2-dong", 37.49586, 127.13064), ("위례동", "Wirye-dong", 37.48166, 127.14124)]),
    _d("11740", "강동구", "Gangdong-gu", ["천호대로", "양재대로", "성내로", "고덕로", "상암로"],
       ["천호", "길동", "고덕"], ["Cheonho", "Gil-dong", "Godeok"], (52, 54),
       [("강일동", "Gangil-dong", 37.56296, 127.17538), ("명일1동", "Myeongil 1-dong", 37.55037, 127.14594),
        ("고덕2동", "Godeok 2-dong", 37.56586, 127.16164), ("암사3동", "Amsa 3-dong", 37.5615, 127.13851),
        ("천호3동", "Cheonho 3-dong", 37.53965, 127.1332), ("성내3동", "Seongnae 3-dong", 37.5284, 127.1338)]),
)

BY_CODE: dict[str, District] = {d.code: d for d in DISTRICTS}
CODES: tuple[str, ...] = tuple(d.code for d in DISTRICTS)


@dataclass(frozen=True)
class Spot:
    """One generated location: a real dong, a real road with an invented number, a point."""
    district: District
    dong: Dong
    road: str
    number: int
    postal_code: str
    lat: float
    lon: float
    station: str
    station_en: str

    @property
    def street_ko(self) -> str:
        return f"{self.road} {self.number}"

    @property
    def address_ko(self) -> str:
        return f"서울특별시 {self.district.name_ko} {self.road} {self.number}"

    @property
    def address_en(self) -> str:
        return f"{self.dong.name_en}, {self.district.name_en}, Seoul"


def spot(rng: random.Random, code: str) -> Spot:
    """A place in district `code` drawn with `rng` (deterministic for a seeded rng)."""
    district = BY_CODE[code]
    dong = rng.choice(district.dongs)
    which = rng.randrange(len(district.stations))
    low, high = district.postal
    return Spot(
        district=district, dong=dong, road=rng.choice(district.roads), number=rng.randint(3, 320),
        postal_code=f"{rng.randint(low, high):03d}{rng.randint(0, 99):02d}",
        lat=round(dong.lat + rng.uniform(-JITTER, JITTER), 5),
        lon=round(dong.lon + rng.uniform(-JITTER, JITTER), 5),
        station=district.stations[which], station_en=district.stations_en[which])


def districts_cycle(rng: random.Random, codes: tuple[str, ...] = CODES) -> list[str]:
    """The codes in a seeded order; generators walk it round-robin so every district gets a turn."""
    order = list(codes)
    rng.shuffle(order)
    return order
