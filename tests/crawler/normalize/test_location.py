import pytest

from crawler.normalize.location import district_at, find_address, locate


@pytest.mark.parametrize("lat, lon, district", [
    (37.5556, 126.9057, "11440"),   # 망원1동 주민센터, Mapo-gu
    (37.6542, 127.0568, "11350"),   # Nowon-gu office
    (37.5145, 127.1059, "11710"),   # Songpa, Jamsil
    (37.5172, 127.0473, "11680"),   # Gangnam-gu office
    (37.5730, 126.9794, "11110"),   # Gwanghwamun, Jongno-gu
])
def test_coordinates_fall_in_their_district(lat, lon, district):
    assert district_at(lat, lon) == district


@pytest.mark.parametrize("lat, lon", [(35.1796, 129.0756), (37.4563, 126.7052), (126.9057, 37.5556)])
def test_points_outside_seoul_have_no_district(lat, lon):
    assert district_at(lat, lon) is None


@pytest.mark.parametrize("text, district, dong", [
    ("서울특별시 마포구 망원로 45 망원1동 주민센터", "11440", "망원1동"),
    ("서울 노원구 상계로 70", "11350", None),
    ("Mapo-gu, Seoul", "11440", None),
    ("Seodaemun-gu, Seoul", "11410", None),
    ("장소: 서울시 성동구 왕십리로 83-21 (성수1가제1동)", "11200", "성수1가1동"),
])
def test_district_and_dong_from_text(text, district, dong):
    place, problems = locate(lat=None, lon=None, address=None, text=text)
    assert (place.district, place.dong, problems) == (district, dong, [])


def test_coordinates_win_over_text_with_a_warning():
    place, problems = locate(lat=37.5556, lon=126.9057, address="서울특별시 강남구 테헤란로 1", text="")
    assert place.district == "11440" and place.dong == "망원1동"
    assert problems == ["location_conflict"]


def test_outside_seoul_and_unknown_are_reported():
    assert locate(lat=35.18, lon=129.07, address=None, text="부산")[1] == ["outside_seoul"]
    place, problems = locate(lat=None, lon=None, address=None, text="drill for loan")
    assert place.district is None and problems == ["location_unknown"]


def test_address_phrase_is_found_in_free_text():
    assert find_address("주소: 서울특별시 마포구 망원로 45, 2층") == "서울특별시 마포구 망원로 45"
