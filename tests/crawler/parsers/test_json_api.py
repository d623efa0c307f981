"""The json_api source kind: Seoul open API presets with their quirks, 공유누리, explicit mappings."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from crawler.parsers import json_api
from crawler.parsers.base import Link, ParseError

KST = timezone(timedelta(hours=9))
SEOUL = "http://openapi.seoul.go.kr:8088/sample-KEY/json"
RESERVATION_URL = f"{SEOUL}/ListPublicReservationInstitution/1/3/"
RESERVATION = {"preset": "seoul_reservation"}


def _body(document) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _envelope(root: str, rows: list[dict], total: int, code: str = "INFO-000",
              message: str = "정상 처리되었습니다") -> bytes:
    return _body({root: {"list_total_count": total, "RESULT": {"CODE": code, "MESSAGE": message}, "row": rows}})


# Three 시설대관 rows as the API writes them: entities in text, escaped HTML in DTLCONT, X holding
# the latitude in one row and the longitude in the next, and a row with coordinates nowhere near Seoul.
HALL = {
    "GUBUN": "자체", "SVCID": "S230301101010455555", "MAXCLASSNM": "시설대관", "MINCLASSNM": "강당",
    "SVCSTATNM": "접수중", "SVCNM": "망원2동 주민센터 강당 &middot; 다목적실 대관", "PAYATNM": "무료",
    "PLACENM": "망원2동 주민센터", "USETGTINFO": " 마포구민 ",
    "SVCURL": "https://yeyak.seoul.go.kr/web/reservation/selectReservView.do?rsv_svc_id=S230301101010455555",
    "X": "37.5563", "Y": "126.9015",
    "SVCOPNBGNDT": "2026-01-01 00:00:00.0", "SVCOPNENDDT": "2026-12-31 00:00:00.0",
    "RCPTBGNDT": "2026-11-01 09:00:00.0", "RCPTENDDT": "2026-11-30 18:00:00.0",
    "AREANM": "마포구", "IMGURL": "https://yeyak.seoul.go.kr/web/common/file/FileDown.do?file_id=1",
    "DTLCONT": "&lt;p&gt;강당 &amp;amp; 회의실&lt;/p&gt;&lt;p&gt;문의: 02-3153-0000&lt;/p&gt;",
    "TELNO": "02-3153-0000", "V_MIN": "09:00", "V_MAX": "18:00", "REVSTDDAYNM": "이용일", "REVSTDDAY": "1",
}
ROOM = dict(HALL, SVCID="S230301101010466666", MINCLASSNM="회의실", SVCNM="어린이&#39;s 꿈터 회의실",
            PAYATNM="유료", PLACENM="성산1동 주민센터", X="126.9102", Y="37.5651", DTLCONT="<p>회의실</p>",
            IMGURL="/web/upload/room.jpg",
            SVCURL="/web/reservation/selectReservView.do?rsv_svc_id=S230301101010466666")
FAR = dict(HALL, SVCID="S230301101010477777", X="0", Y="0", AREANM="", PLACENM="서울대공원 캠핑장")


def _reservation(rows=(HALL, ROOM, FAR), total=5, url=RESERVATION_URL, **envelope):
    return json_api.parse(url, _envelope("ListPublicReservationInstitution", list(rows), total, **envelope),
                          RESERVATION)


# --- seoul_reservation -----------------------------------------------------------------------------

def test_reservation_row_field_by_field():
    result = _reservation()
    assert result.format == "json_api:seoul_reservation"
    hall = result.items[0]
    assert hall.key == "S230301101010455555"
    assert hall.link == HALL["SVCURL"]
    assert hall.title == "망원2동 주민센터 강당 · 다목적실 대관"
    assert hall.categories == ["시설대관", "강당"]
    assert hall.price_text == "무료"
    assert hall.address == "서울특별시 마포구 망원2동 주민센터"
    assert hall.images == [HALL["IMGURL"]]
    assert hall.content_html == "<p>강당 &amp; 회의실</p><p>문의: 02-3153-0000</p>"
    assert (hall.lat, hall.lon) == (37.5563, 126.9015)
    assert hall.summary is None and hall.published is None


def test_reservation_booking_window_and_service_period():
    extra = _reservation().items[0].extra
    assert extra["starts_at"] == datetime(2026, 11, 1, 9, 0, tzinfo=KST)
    assert extra["ends_at"] == datetime(2026, 11, 30, 18, 0, tzinfo=KST)
    assert extra["starts_at"].utcoffset() == timedelta(hours=9)
    assert extra["service_starts_at"] == datetime(2026, 1, 1, tzinfo=KST)
    assert extra["service_ends_at"] == datetime(2026, 12, 31, 23, 59, 59, tzinfo=KST)  # a date alone ends with its day
    assert extra["status"] == "접수중"
    assert extra["target"] == "마포구민"
    assert extra["phone"] == "02-3153-0000"
    assert (extra["daily_from"], extra["daily_to"]) == ("09:00", "18:00")
    assert (extra["cancel_basis"], extra["cancel_days"]) == ("이용일", "1")
    assert extra["service"] == "ListPublicReservationInstitution"


def test_reservation_swapped_x_y_is_put_right_per_row():
    room = _reservation().items[1]
    assert (room.lat, room.lon) == (37.5651, 126.9102)


def test_reservation_second_row_entities_relative_urls_plain_html():
    room = _reservation().items[1]
    assert room.title == "어린이's 꿈터 회의실"
    assert room.link == ("https://yeyak.seoul.go.kr/web/reservation/selectReservView.do"
                         "?rsv_svc_id=S230301101010466666")
    assert room.content_html == "<p>회의실</p>"
    assert room.images == ["https://yeyak.seoul.go.kr/web/upload/room.jpg"]
    assert room.price_text == "유료"


def test_reservation_coordinates_outside_seoul_in_either_order_are_dropped():
    result = _reservation()
    far = result.items[2]
    assert (far.lat, far.lon) == (None, None)
    assert far.address == "서울대공원 캠핑장"
    assert far.images == [HALL["IMGURL"]]
    assert ("json_api: 1 row(s) have coordinates outside Seoul in either order "
            "(e.g. S230301101010477777: X=0, Y=0); coordinates dropped") in result.warnings


def test_reservation_next_page_from_total():
    assert _reservation().links == [Link(f"{SEOUL}/ListPublicReservationInstitution/4/6/", "next")]


def test_reservation_last_page_has_no_next():
    result = _reservation(rows=(HALL, ROOM), total=5, url=f"{SEOUL}/ListPublicReservationInstitution/4/6/")
    assert len(result.items) == 2
    assert result.links == []


def test_reservation_empty_row_list_ends_paging_even_if_the_total_says_more():
    result = _reservation(rows=(), total=100)
    assert result.items == [] and result.links == []


def test_reservation_empty_image_url_gives_no_image():
    assert _reservation(rows=(dict(HALL, IMGURL=""),)).items[0].images == []

def test_reservation_page_size_is_capped_at_1000_for_the_next_request():
    rows = [dict(HALL, SVCID=f"S{n}") for n in range(1000)]
    result = json_api.parse(f"{SEOUL}/ListPublicReservationSport/1/1500/",
                            _envelope("ListPublicReservationSport", rows, 4000), RESERVATION)
    assert result.links == [Link(f"{SEOUL}/ListPublicReservationSport/1501/2500/", "next")]


def test_info_200_past_the_first_page_is_the_quiet_end_of_the_crawl():
    body = _body({"RESULT": {"CODE": "INFO-200", "MESSAGE": "해당하는 데이터가 없습니다."}})
    result = json_api.parse(f"{SEOUL}/ListPublicReservationInstitution/4/6/", body, RESERVATION)
    assert result.items == [] and result.links == [] and result.warnings == []


def test_info_200_on_the_first_page_is_reported():
    body = _body({"RESULT": {"CODE": "INFO-200", "MESSAGE": "해당하는 데이터가 없습니다."}})
    result = json_api.parse(RESERVATION_URL, body, RESERVATION)
    assert result.items == [] and result.links == []
    assert result.warnings == ["json_api: Seoul open API answered INFO-200: 해당하는 데이터가 없습니다."]


def test_info_100_bad_key_is_a_parse_error_with_the_message():
    body = _body({"RESULT": {"CODE": "INFO-100", "MESSAGE": "인증키가 유효하지 않습니다"}})
    with pytest.raises(ParseError) as error:
        json_api.parse(RESERVATION_URL, body, RESERVATION)
    assert str(error.value) == "json_api: Seoul open API answered INFO-100: 인증키가 유효하지 않습니다"


def test_error_code_inside_the_service_root_is_a_parse_error():
    body = _envelope("ListPublicReservationInstitution", [], 0, code="ERROR-336",
                     message="데이터요청은 한번에 최대 1000건을 넘을 수 없습니다.")
    with pytest.raises(ParseError, match=r"^json_api: Seoul open API answered ERROR-336: 데이터요청은"):
        json_api.parse(RESERVATION_URL, body, RESERVATION)


def test_xml_answer_is_refused_with_advice():
    body = ('<?xml version="1.0" encoding="UTF-8"?><ListPublicReservationInstitution><list_total_count>5'
            '</list_total_count></ListPublicReservationInstitution>').encode()
    with pytest.raises(ParseError, match=r"^json_api: the body is XML or HTML, not JSON.*/json/"):
        json_api.parse(RESERVATION_URL.replace("/json/", "/xml/"), body, RESERVATION)


def test_broken_json():
    with pytest.raises(ParseError, match=r"^json_api: unable to parse JSON: "):
        json_api.parse(RESERVATION_URL, b'{"ListPublicReservationInstitution": {"row": [', RESERVATION)


def test_answer_without_the_service_root():
    with pytest.raises(ParseError, match=r"^json_api: Seoul open API answer has no "
                                         r"ListPublicReservationInstitution root \(top-level keys: a, b\)"):
        json_api.parse(RESERVATION_URL, _body({"a": 1, "b": 2}), RESERVATION)


def test_service_can_be_named_in_config_when_the_url_does_not_say():
    body = _envelope("ListPublicReservationCulture", [HALL], 1)
    result = json_api.parse("https://proxy.example/seoul?svc=culture", body,
                            {"preset": "seoul_reservation", "service": "ListPublicReservationCulture"})
    assert [i.key for i in result.items] == [HALL["SVCID"]]
    assert result.links == []
    assert any("lacks Seoul's /{KEY}/json/{SERVICE}/{START}/{END}/ shape" in w for w in result.warnings)


# --- seoul_bike ------------------------------------------------------------------------------------

BIKE_URL = f"{SEOUL}/bikeList/1/3/"
STATIONS = [
    {"rackTotCnt": "15", "stationName": "102. 망원역 1번출구 앞", "parkingBikeTotCnt": "12", "shared": "80",
     "stationLatitude": "37.55564880", "stationLongitude": "126.91062927", "stationId": "ST-4"},
    {"rackTotCnt": "10", "stationName": "103. 망원역 2번출구 앞", "parkingBikeTotCnt": "3", "shared": "30",
     "stationLatitude": "126.91083527", "stationLongitude": "37.55495071", "stationId": "ST-5"},
    {"rackTotCnt": "", "stationName": "104. 합정역 1번출구 앞", "parkingBikeTotCnt": "0", "shared": "0",
     "stationLatitude": "0.00000000", "stationLongitude": "0.00000000", "stationId": "ST-6"},
]


def test_bike_station_field_by_field():
    result = json_api.parse(BIKE_URL, _envelope("rentBikeStatus", STATIONS, 3), {"preset": "seoul_bike"})
    assert result.format == "json_api:seoul_bike"
    station = result.items[0]
    assert station.key == "ST-4"
    assert station.title == "따릉이 102. 망원역 1번출구 앞"
    assert station.link == "https://www.bikeseoul.com/app/station/moveStationSearchView.do?stationId=ST-4"
    assert (station.lat, station.lon) == (37.5556488, 126.91062927)
    assert station.categories == ["bike", "따릉이"]
    assert station.extra == {"bikes_parked": 12, "racks": 15, "shared_pct": 80}
    assert station.price_text is None


def test_bike_swapped_and_zero_coordinates():
    result = json_api.parse(BIKE_URL, _envelope("rentBikeStatus", STATIONS, 3), {"preset": "seoul_bike"})
    assert (result.items[1].lat, result.items[1].lon) == (37.55495071, 126.91083527)
    assert (result.items[2].lat, result.items[2].lon) == (None, None)
    assert result.items[2].extra == {"bikes_parked": 0, "shared_pct": 0}
    assert any(w.startswith("json_api: 1 row(s) have coordinates outside Seoul") for w in result.warnings)


def test_bike_total_equal_to_a_full_page_still_asks_for_the_next_page():
    # bikeList's list_total_count can be the page's own row count; a full page is never taken as the end.
    result = json_api.parse(BIKE_URL, _envelope("rentBikeStatus", STATIONS, 3), {"preset": "seoul_bike"})
    assert result.links == [Link(f"{SEOUL}/bikeList/4/6/", "next")]


def test_bike_partial_page_is_the_last():
    result = json_api.parse(f"{SEOUL}/bikeList/4/6/", _envelope("rentBikeStatus", STATIONS[:2], 2),
                            {"preset": "seoul_bike"})
    assert len(result.items) == 2 and result.links == []


def test_bike_options_link_template_and_price():
    config = {"preset": "seoul_bike", "link_template": "https://bike.example/s/{key}", "price_text": "1시간 1,000원"}
    station = json_api.parse(BIKE_URL, _envelope("rentBikeStatus", STATIONS[:1], 1), config).items[0]
    assert station.link == "https://bike.example/s/ST-4"
    assert station.price_text == "1시간 1,000원"


# --- eshare ----------------------------------------------------------------------------------------

ESHARE_URL = "https://www.eshare.go.kr/eshare-openapi/rsrc/list/010500/KEY123?pageNo=1&numOfRows=2"
RESOURCES = [
    {"rsrcNo": "BA10A0001104", "rsrcNm": "마포구청 대회의실", "zip": "03937", "addr": "서울특별시 마포구 월드컵로 212",
     "daddr": "마포구청 3층", "lot": "126.9015", "lat": "37.5663", "freeYn": "N", "amt1": 30000,
     "rsrcClsNm": "회의실", "instUrlAddr": "https://www.mapo.go.kr", "imgFileUrlAddr": "/upload/rsrc/1.jpg",
     "rsrcInstNm": "마포구청", "updYmd": "20261115", "rsrcIntr": "최대 50명 &amp; 빔프로젝터"},
    {"rsrcNo": "BA10A0001105", "rsrcNm": "망원 공영주차장", "addr": "서울특별시 마포구 망원로 1", "daddr": "",
     "lot": "37.5550", "lat": "126.9050", "freeYn": "Y", "dtlUrlAddr": "https://parking.example/55"},
]


def test_eshare_resource_field_by_field():
    result = json_api.parse(ESHARE_URL, _body({"resultCode": "00", "resultMsg": "OK", "data": RESOURCES}),
                            {"preset": "eshare"})
    assert result.format == "json_api:eshare"
    hall = result.items[0]
    assert hall.key == "BA10A0001104"
    assert hall.link == "https://www.eshare.go.kr/UserPortal/Upv/UprResrcFacl/index.do?rsrc_no=BA10A0001104"
    assert hall.title == "마포구청 대회의실"
    assert hall.address == "서울특별시 마포구 월드컵로 212 마포구청 3층"
    assert (hall.lat, hall.lon) == (37.5663, 126.9015)
    assert hall.price_text == "30,000원"
    assert hall.categories == ["회의실"]
    assert hall.images == ["https://www.eshare.go.kr/upload/rsrc/1.jpg"]
    assert hall.summary == "최대 50명 & 빔프로젝터"
    assert hall.updated == datetime(2026, 11, 15, tzinfo=KST)
    assert hall.extra["institution"] == "마포구청"
    assert hall.extra["institution_url"] == "https://www.mapo.go.kr"
    assert hall.extra["zip"] == "03937"


def test_eshare_free_flag_detail_url_swapped_coordinates_and_class_from_the_url():
    lot = json_api.parse(ESHARE_URL, _body({"data": RESOURCES}), {"preset": "eshare"}).items[1]
    assert lot.price_text == "무료"
    assert lot.link == "https://parking.example/55"
    assert (lot.lat, lot.lon) == (37.555, 126.905)
    assert lot.address == "서울특별시 마포구 망원로 1"
    assert lot.categories == ["010500"]


def test_eshare_full_page_asks_for_the_next_page_number():
    result = json_api.parse(ESHARE_URL, _body({"data": RESOURCES}), {"preset": "eshare"})
    assert result.links == [Link(ESHARE_URL.replace("pageNo=1", "pageNo=2"), "next")]


def test_eshare_short_page_is_the_last():
    result = json_api.parse(ESHARE_URL.replace("pageNo=1", "pageNo=3"), _body({"data": RESOURCES[:1]}),
                            {"preset": "eshare"})
    assert result.links == []


def test_eshare_without_page_number_never_loops_on_the_same_rows():
    url = "https://www.eshare.go.kr/eshare-openapi/rsrc/list/010700/KEY123"
    result = json_api.parse(url, _body({"data": RESOURCES}), {"preset": "eshare", "size": 2})
    assert result.links == []
    assert any("full page of 2 rows but the URL has no pageNo" in w for w in result.warnings)


def test_eshare_deleted_rows_are_skipped():
    rows = [RESOURCES[0], dict(RESOURCES[1], delYn="Y")]
    result = json_api.parse(ESHARE_URL, _body({"data": rows}), {"preset": "eshare"})
    assert [i.key for i in result.items] == ["BA10A0001104"]
    assert "json_api: 1 row(s) are marked deleted (delYn=Y); skipped" in result.warnings


def test_eshare_error_answer():
    body = _body({"resultCode": "99", "resultMsg": "등록되지 않은 인증키입니다."})
    with pytest.raises(ParseError, match=r"^json_api: eshare answered 99: 등록되지 않은 인증키입니다\.$"):
        json_api.parse(ESHARE_URL, body, {"preset": "eshare"})


# --- explicit mapping ------------------------------------------------------------------------------

API_URL = "https://api.share.example/v1/items?page=1&size=2&serviceKey=ab%2Bcd%3D%3D"
MAPPING = {
    "items": "response.body.items",
    "fields": {"key": "id", "title": "name", "link": "url", "summary": "desc", "content_html": "detail",
               "lat": "geo.coords[0]", "lon": "geo.coords[1]", "address": "addr", "price": "fee",
               "category": "type", "image": "img", "published": "created", "starts_at": "from",
               "ends_at": "to", "phone": "contact.tel"},
    "link_template": "https://share.example/items/{id}",
    "paging": {"style": "page", "param": "page", "start": 1, "size_param": "size", "size": 100},
    "total": "response.body.totalCount",
}
ROWS = [
    {"id": 101, "name": "캠핑 텐트 4인용", "url": "/items/101", "desc": "주말 대여", "detail": "<p>텐트</p>",
     "geo": {"coords": [37.5665, 126.978]}, "addr": "서울 중구 세종대로 110", "fee": "1일 5,000원",
     "type": ["캠핑", "레저"], "img": "https://cdn.share.example/101.jpg", "created": "2026-11-20T10:00:00+09:00",
     "from": "2026.12.01", "to": "2026년 12월 3일", "contact": {"tel": "02-120"}},
    {"id": 102, "name": "유아 카시트"},
]


def _mapped(rows=ROWS, total=5, url=API_URL, config=MAPPING):
    return json_api.parse(url, _body({"response": {"body": {"items": rows, "totalCount": total}}}), config)


def test_mapped_row_field_by_field():
    result = _mapped()
    assert result.format == "json_api"
    tent = result.items[0]
    assert tent.key == "101"
    assert tent.link == "https://api.share.example/items/101"
    assert tent.title == "캠핑 텐트 4인용"
    assert tent.summary == "주말 대여"
    assert tent.content_html == "<p>텐트</p>"
    assert (tent.lat, tent.lon) == (37.5665, 126.978)
    assert tent.address == "서울 중구 세종대로 110"
    assert tent.price_text == "1일 5,000원"
    assert tent.categories == ["캠핑", "레저"]
    assert tent.images == ["https://cdn.share.example/101.jpg"]
    assert tent.published == datetime(2026, 11, 20, 10, tzinfo=KST)
    assert tent.extra == {"starts_at": datetime(2026, 12, 1, tzinfo=KST),
                          "ends_at": datetime(2026, 12, 3, 23, 59, 59, tzinfo=KST), "phone": "02-120"}


def test_mapped_row_missing_fields_stays_an_item_with_nones_and_a_template_link():
    seat = _mapped().items[1]
    assert seat.key == "102" and seat.title == "유아 카시트"
    assert seat.link == "https://share.example/items/102"
    assert seat.summary is None and seat.lat is None and seat.price_text is None and seat.published is None
    assert seat.categories == [] and seat.images == [] and seat.extra == {}


def test_mapped_page_paging_keeps_the_encoded_key_intact():
    assert _mapped().links == [
        Link("https://api.share.example/v1/items?page=2&size=2&serviceKey=ab%2Bcd%3D%3D", "next")]


def test_mapped_page_paging_stops_at_the_total():
    assert _mapped(total=4, url=API_URL.replace("page=1", "page=2")).links == []


def test_mapped_page_paging_without_total_stops_on_a_short_page():
    config = {k: v for k, v in MAPPING.items() if k != "total"}
    assert _mapped(rows=ROWS[:1], config=config).links == []
    assert _mapped(rows=ROWS, config=config).links != []


def test_mapped_start_end_paging():
    config = dict(MAPPING, paging={"style": "start_end", "start_param": "startIdx", "end_param": "endIdx"})
    result = _mapped(url="https://api.share.example/list?startIdx=1&endIdx=2", config=config)
    assert result.links == [Link("https://api.share.example/list?startIdx=3&endIdx=4", "next")]
    last = _mapped(url="https://api.share.example/list?startIdx=5&endIdx=6", config=config, rows=ROWS[:1])
    assert last.links == []


def test_mapped_offset_paging():
    config = dict(MAPPING, paging={"style": "offset", "param": "offset", "size_param": "limit"})
    result = _mapped(url="https://api.share.example/list?limit=2", config=config)
    assert result.links == [Link("https://api.share.example/list?limit=2&offset=2", "next")]


def test_mapped_no_paging_has_no_next():
    config = {k: v for k, v in MAPPING.items() if k != "paging"}
    assert _mapped(config=config).links == []


def test_mapped_seoul_path_paging_for_any_seoul_service():
    config = {"items": "SearchParkInfoService.row", "fields": {"key": "P_IDX", "title": "P_PARK"},
              "link_template": "https://parks.seoul.go.kr/{P_IDX}", "paging": {"style": "seoul_path"},
              "total": "SearchParkInfoService.list_total_count"}
    url = f"{SEOUL}/SearchParkInfoService/1/2/"
    parks = [{"P_IDX": "1", "P_PARK": "남산공원"}, {"P_IDX": "2", "P_PARK": "보라매공원"}]
    body = _envelope("SearchParkInfoService", parks, 130)
    result = json_api.parse(url, body, config)
    assert [i.title for i in result.items] == ["남산공원", "보라매공원"]
    assert result.items[0].link == "https://parks.seoul.go.kr/1"
    assert result.links == [Link(f"{SEOUL}/SearchParkInfoService/3/4/", "next")]
    no_data = _body({"RESULT": {"CODE": "INFO-200", "MESSAGE": "해당하는 데이터가 없습니다."}})
    assert json_api.parse(f"{SEOUL}/SearchParkInfoService/131/132/", no_data, config).items == []


def test_items_path_that_resolves_to_nothing_names_the_path():
    with pytest.raises(ParseError, match=r"^json_api: the items path 'response\.body\.items' is not in the document "
                                         r"\(top-level keys: header\)"):
        json_api.parse(API_URL, _body({"header": {"resultCode": "00"}}), MAPPING)


def test_empty_items_string_from_xml_converted_apis_is_zero_rows():
    result = json_api.parse(API_URL, _body({"response": {"body": {"items": "", "totalCount": 0}}}), MAPPING)
    assert result.items == [] and result.links == []
    assert result.warnings == ["json_api: the items path 'response.body.items' holds no rows"]


def test_lone_row_object_is_one_row():
    result = json_api.parse(API_URL, _body({"response": {"body": {"items": ROWS[1], "totalCount": 1}}}), MAPPING)
    assert [i.key for i in result.items] == ["102"]


def test_root_list_and_non_object_rows():
    config = {"items": "", "fields": {"key": "id", "title": "name"}}
    result = json_api.parse(API_URL, _body([{"id": "a", "name": "공구"}, "junk", 3]), config)
    assert [i.key for i in result.items] == ["a"]
    assert "json_api: 2 row(s) are not JSON objects; skipped" in result.warnings


@pytest.mark.parametrize("config, message", [
    (None, r"^json_api: source config lacks a field mapping or a preset"),
    ({"preset": "seoul_subway"}, r"^json_api: unknown preset 'seoul_subway'"),
    ({"fields": {"title": "name"}}, r"^json_api: source config lacks \"items\""),
    ({"items": "data"}, r"^json_api: source config lacks \"fields\""),
    ({"items": "data", "fields": {"title": "a..b"}}, r"^json_api: invalid path 'a\.\.b'"),
    ({"items": "data", "fields": {"title": "name"}, "paging": {"style": "cursor"}},
     r"^json_api: paging style must be one of"),
])
def test_config_errors(config, message):
    with pytest.raises(ParseError, match=message):
        json_api.parse(API_URL, _body({"data": []}), config)


@pytest.mark.parametrize("path, expected", [
    ("a.b[1].c", ["a", "b", 1, "c"]),
    ("[0].id", [0, "id"]),
    ("row", ["row"]),
])
def test_parse_path(path, expected):
    assert json_api.parse_path(path) == expected


def test_ordered_coordinates():
    assert json_api.ordered_coordinates("37.5", "127.0") == (37.5, 127.0)
    assert json_api.ordered_coordinates("127.0", "37.5") == (37.5, 127.0)
    assert json_api.ordered_coordinates("35.1", "129.0") is None
    assert json_api.ordered_coordinates("", "37.5") is None


def test_url_builders():
    assert json_api.seoul_open_api_url("K", "bikeList") == "http://openapi.seoul.go.kr:8088/K/json/bikeList/1/1000/"
    assert json_api.eshare_list_url("K", "010500", page=1, size=100) == (
        "https://www.eshare.go.kr/eshare-openapi/rsrc/list/010500/K?pageNo=1&numOfRows=100")

