"""How bench/labels/duplicate_pairs.jsonl was made: hand-written things, each listed by two platforms.

Each row of THINGS is one real-world thing (a drill at one tool library, one meeting room, one
class on one evening) as platform A titles it, as another platform B titles the same thing, and a
different thing at the same place that B lists (the saw beside the drill, the room next door).
From each row come labelled pairs whose truth is known by construction, never by the rules under
test:

- same: A and B's listing of the thing — B a few dozen metres off by its own geocoding, or, on odd
  rows, with no coordinates but the same district and dong;
- different (related): A's thing and B's different thing at the same place;
- different (elsewhere): A's thing and the same title on B at another dong's branch;
- different (another session, events only): the same class a week later.

    .venv/bin/python bench/labels/make_duplicate_pairs.py > bench/labels/duplicate_pairs.jsonl
"""

from __future__ import annotations

import csv
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KST = timezone(timedelta(hours=9))

# (category, dong, A's title, B's title of the same thing, B's title of a different thing there, start)
THINGS = [
    ("tools", "망원1동", "전동드릴 대여 (충전식 18V)", "충전식 전동드릴 18V 빌려드려요", "원형톱 대여", None),
    ("tools", "상계1동", "고압세척기", "고압 세척기 대여 (호스 10m)", "카펫 청소기", None),
    ("tools", "행당1동", "알루미늄 사다리 3단", "3단 알루미늄사다리", "알루미늄 사다리 5단", None),
    ("tools", "역삼1동", "Cordless drill 18V", "Cordless drill (18V) for loan", "Circular saw", None),
    ("tools", "잠실본동", "타일 커터 600mm", "수동 타일커터 600mm 대여", "타일 줄눈 보수 키트", None),
    ("tools", "연남동", "직소 (목재용)", "목재용 직소 대여", "전기 대패", None),
    ("tools", "불광1동", "글루건 세트", "글루건 세트 대여 (글루스틱 포함)", "인두기 세트", None),
    ("tools", "신림동", "Hedge trimmer", "Cordless hedge trimmer", "Lawn mower", None),
    ("tools", "응암1동", "전기 재봉틀", "전기재봉틀 대여", "오버로크 재봉틀", None),
    ("tools", "화곡1동", "줄자·수평계 세트", "줄자 수평계 세트 대여", "레이저 거리측정기", None),
    ("goods", "망원2동", "캠핑 텐트 (4인용)", "4인용 캠핑텐트 대여", "캠핑 텐트 (6인용)", None),
    ("goods", "서교동", "빔프로젝터", "빔 프로젝터 대여 (HDMI)", "프로젝터 스크린 100인치", None),
    ("goods", "성수1가1동", "제습기 20L", "제습기 (20L) 대여", "가습기", None),
    ("goods", "방배본동", "Camping stove", "Portable camping stove for rent", "Camping lantern", None),
    ("goods", "중계1동", "아이스박스 50L", "50L 아이스박스 빌려드립니다", "보냉 가방", None),
    ("goods", "목1동", "전기 그릴", "전기그릴 대여", "와플 메이커", None),
    ("goods", "길음1동", "여행용 캐리어 28인치", "28인치 여행 캐리어 대여", "여행용 캐리어 20인치", None),
    ("goods", "면목본동", "무선 청소기", "무선청소기 대여", "로봇 청소기", None),
    ("kids", "상도1동", "유모차 (절충형)", "절충형 유모차 대여", "아기띠 힙시트", None),
    ("kids", "반포1동", "카시트 (신생아용)", "신생아 카시트 대여", "주니어 카시트", None),
    ("kids", "공릉1동", "아기 보행기", "보행기 대여 (아기용)", "아기 의자 (범보)", None),
    ("kids", "창5동", "Baby stroller, lightweight", "Lightweight baby stroller", "Baby carrier", None),
    ("kids", "역촌동", "유아 자전거 (14인치)", "14인치 유아자전거", "유아 킥보드", None),
    ("clothes", "종로1·2·3·4가동", "한복 대여 (여성용)", "여성 한복 대여", "한복 대여 (남성용)", None),
    ("clothes", "이태원1동", "정장 대여 (면접용)", "면접용 정장 대여", "구두 대여 (면접용)", None),
    ("clothes", "아현동", "아동 한복 (5세)", "5세 아동한복 대여", "아동 한복 (7세)", None),
    ("books", "혜화동", "그림책 꾸러미 (10권)", "그림책 10권 꾸러미 대출", "영어 그림책 꾸러미 (10권)", None),
    ("books", "사직동", "Korean textbook set", "Korean language textbook set", "Korean dictionary", None),
    ("space", "망원1동", "망원 마을회관 대관", "망원마을회관 대관 안내", "망원 마을회관 옥상정원", None),
    ("space", "서교동", "세미나실 A (20인)", "20인 세미나실 A 대관", "세미나실 B (20인)", None),
    ("space", "역삼1동", "회의실 대관 (10인실)", "10인실 회의실", "회의실 대관 (4인실)", None),
    ("space", "성수2가3동", "공유주방 대관", "공유 주방 대여", "공유 작업실 대관", None),
    ("space", "신촌동", "Practice room for bands", "Band practice room", "Recording booth", None),
    ("space", "창신1동", "청년센터 다목적실", "청년센터 다목적실 대관", "청년센터 스터디룸", None),
    ("space", "공덕동", "주민센터 강당 대관", "주민센터 강당", "주민센터 체력단련실", None),
    ("space", "잠실3동", "체육관 대관 (배드민턴)", "배드민턴 체육관 대관", "탁구장 대관", None),
    ("parking", "대치1동", "거주자 우선주차 공유 (주간)", "주간 거주자우선주차 공유", "공영주차장 월정기", None),
    ("parking", "당산1동", "교회 주차장 개방 (평일)", "평일 교회 주차장 개방", "학교 주차장 개방 (주말)", None),
    ("car", "여의동", "나눔카 쏘나타 하이브리드", "쏘나타 하이브리드 카셰어링", "나눔카 아이오닉5", None),
    ("car", "서초1동", "카셰어링 레이 (경차)", "레이 경차 나눔카", "카셰어링 캐스퍼", None),
    ("bike", "성산1동", "공유 전기자전거", "전기자전거 공유", "공유 킥보드", None),
    ("bike", "암사1동", "Tandem bicycle", "Tandem bike rental", "Cargo bike", None),
    ("lodging", "종로1·2·3·4가동", "한옥 게스트하우스 2인실", "2인실 한옥게스트하우스", "한옥 게스트하우스 4인실", None),
    ("housing", "신림동", "청년 셰어하우스 1인실", "셰어하우스 1인실 (청년)", "청년 셰어하우스 2인실", None),
    ("talent", "연희동", "목공 원데이 클래스", "원데이 목공 클래스", "가죽공예 원데이 클래스",
     "2026-12-12T14:00"),
    ("talent", "망원2동", "시니어 스마트폰 교실", "어르신 스마트폰 교실", "시니어 키오스크 교실",
     "2026-12-09T10:00"),
    ("talent", "가회동", "Pottery workshop for beginners", "Beginners' pottery workshop",
     "Calligraphy workshop", "2026-12-13T15:00"),
    ("talent", "서교동", "우쿨렐레 기초반", "우쿨렐레 기초반 (4주)", "기타 기초반", "2026-12-10T19:30"),
    ("talent", "상계1동", "제로웨이스트 비누 만들기", "비누 만들기 (제로웨이스트)", "천연 샴푸바 만들기",
     "2026-12-14T11:00"),
    ("info", "청운효자동", "무료 법률 상담", "법률 상담 (무료)", "무료 세무 상담", "2026-12-11T14:00"),
    ("public_items", "사직동", "행사용 천막 대여", "행사 천막 대여 (3x3m)", "행사용 테이블 대여", None),
    ("public_items", "중계1동", "접이식 의자 50개", "접이식의자 50개 대여", "접이식 테이블 10개", None),
    ("time", "망원1동", "반찬 나눔 봉사 시간", "반찬나눔 봉사", "김장 나눔 봉사", "2026-12-15T09:00"),
    ("tools", "도봉1동", "공구세트 (가정용)", "가정용 공구 세트", "전동 공구 세트", None),
    ("goods", "응암2동", "보드게임 (카탄)", "카탄 보드게임 대여", "보드게임 (스플렌더)", None),
]


def _dongs() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    with (ROOT / "config/data/seoul_dongs.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["dong_name_ko"], []).append(row)
    return out


def _listing(platform: str, title: str, category: str | None, dong: dict, *, point: tuple | None,
             starts: datetime | None, key: str) -> dict:
    return {"id": key, "platform": platform, "title": title, "url": f"https://{platform}.example/{key}",
            "category": category, "district": dong["gu_code"], "dong": dong["dong_name_ko"],
            "lat": point[0] if point else None, "lon": point[1] if point else None,
            "starts_at": starts.isoformat() if starts else None}


def _near(rng: random.Random, lat: float, lon: float, metres: float) -> tuple[float, float]:
    # 1e-5 degrees is about a metre here, a little more in latitude.
    return (round(lat + rng.uniform(-metres, metres) * 0.9e-5, 6),
            round(lon + rng.uniform(-metres, metres) * 1.1e-5, 6))


def pairs() -> list[dict]:
    dongs = _dongs()
    out = []
    for n, (category, dong_name, title_a, title_b, related, start) in enumerate(THINGS):
        rng = random.Random(f"pairs-{n}")
        dong = dongs[dong_name][0]
        lat, lon = float(dong["lat"]), float(dong["lon"])
        here = _near(rng, lat, lon, 150)
        starts = datetime.fromisoformat(start).replace(tzinfo=KST) if start else None
        # Platform B often has no category of ours for the thing: it states none.
        category_b = None if n % 5 == 4 else category
        a = _listing("alpha", title_a, category, dong, point=here, starts=starts, key=f"a{n}")
        b_point = _near(rng, *here, 60) if n % 2 == 0 else None
        b = _listing("beta", title_b, category_b, dong, point=b_point, starts=starts, key=f"b{n}")
        out.append({"a": a, "b": b, "same": True, "kind": "same thing"})
        other = _listing("beta", related, category, dong, point=_near(rng, *here, 40), starts=starts, key=f"r{n}")
        out.append({"a": a, "b": other, "same": False, "kind": "different thing at the same place"})
        # The same title at a branch in the next dong of the district.
        siblings = [d for rows in dongs.values() for d in rows
                    if d["gu_code"] == dong["gu_code"] and d["dong_name_ko"] != dong_name]
        branch = min(siblings, key=lambda d: abs(float(d["lat"]) - lat) + abs(float(d["lon"]) - lon))
        elsewhere = _listing("beta", title_a, category, branch,
                             point=(float(branch["lat"]), float(branch["lon"])), starts=starts, key=f"e{n}")
        out.append({"a": a, "b": elsewhere, "same": False, "kind": "same title at another branch"})
        if starts:
            later = _listing("beta", title_b, category_b, dong, point=b_point, starts=starts + timedelta(days=7),
                             key=f"s{n}")
            out.append({"a": a, "b": later, "same": False, "kind": "another session"})
    return out


if __name__ == "__main__":
    for pair in pairs():
        print(json.dumps(pair, ensure_ascii=False))
