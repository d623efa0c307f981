"""The partner simulator itself (tests/partners): real HTTP, real bytes, faults that really happen.

The seven partners' documents are checked with independent tools (ElementTree/lxml, feedparser,
json, BeautifulSoup, urllib.robotparser), not with the crawler's parsers; only the district
check uses the product's ``district_at``, the reference the hub places listings with."""

from __future__ import annotations

import csv
import gzip
import html
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.robotparser import RobotFileParser

import feedparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree as lxml_etree

from crawler.normalize.location import district_at
from tests.partners import Partner, PartnerSimulator, etag_of, places


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_plain = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET", timeout: float = 5):
    """(status, headers, body) without following redirects or raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with _plain.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


@pytest.fixture(scope="module")
def simulator():
    with PartnerSimulator() as sim:
        yield sim


@pytest.fixture(autouse=True)
def clean(simulator):
    simulator.reset()
    yield
    simulator.reset()


def test_partners_have_their_own_servers_and_names(simulator):
    partners = simulator.partners
    assert [p.key for p in partners] == ["goods", "cars", "spaces", "events", "homes", "tools", "kids"]
    assert {p.key: p.kind for p in partners} == {"goods": "feed", "cars": "feed", "spaces": "json_api",
                                                 "events": "feed", "homes": "sitemap", "tools": "html",
                                                 "kids": "sitemap"}
    assert all(isinstance(p, Partner) for p in partners)
    assert len({p.base_url for p in partners}) == len(partners)
    assert all(p.name and any("가" <= ch <= "힣" for ch in p.name_ko) for p in partners)
    assert {p.key for p in partners if p.config is not None} == {"spaces", "tools"}
    assert {p.key for p in partners if p.sitemap_url} == {"homes", "kids"}
    goods, cars = simulator.partner("goods"), simulator.partner("cars")
    assert goods.config is None and goods.sitemap_url is None and goods.api_key is None
    assert goods.base_url != cars.base_url and goods.base_url.startswith("http://127.0.0.1:")
    assert goods.feed_url == goods.base_url + "/rss.xml" and cars.feed_url == cars.base_url + "/feed.json"
    assert goods.homepage_url == goods.base_url + "/"
    assert goods.name == "Neighbourhood Sharing Center" and goods.name_ko == "동네물품공유센터"
    assert cars.name == "Nanum Car Sharing" and cars.name_ko == "나눔카 셰어링"
    with pytest.raises(KeyError):
        simulator.partner("bikes")


def test_goods_feed_is_rss_really_in_euc_kr_and_mislabelled(simulator):
    status, headers, body = fetch(simulator.partner("goods").feed_url)
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert body.startswith(b'<?xml version="1.0" encoding="EUC-KR"?>')
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("euc_kr")
    assert "전동드릴 대여" in text and "<script>" in text and "onclick=" in text

    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20" and parsed.encoding.lower() in ("euc-kr", "euc_kr")
    assert len(parsed.entries) == 13 == len(simulator.item_ids("goods"))
    titles = [e.get("title", "") for e in parsed.entries]
    assert sum(1 for t in titles if any("가" <= ch <= "힣" for ch in t)) >= 8
    assert "Cordless drill for loan" in titles and '접이식 사다리 "2단" AND (높이 조절' in titles
    assert titles.count("") == 1  # the item that must become a "missing_title" diagnostic
    drill = parsed.entries[0]
    assert drill.id == "NSC-ITEM-0412" and drill.guidislink is False
    assert drill.link == simulator.partner("goods").base_url + "/share/view.do?itemNo=412&menuId=21"
    assert drill.where["coordinates"] == (126.9057, 37.5556)
    assert "1일 3,000원" in drill.summary and "망원1동 주민센터" in drill.summary
    assert drill.published_parsed[:5] == (2026, 11, 23, 0, 30)  # 09:30 KST
    with_points = [e for e in parsed.entries if e.get("where")]
    assert len(with_points) == 5
    assert {t.term for e in parsed.entries for t in e.tags} >= {"공구", "유아용품", "캠핑용품", "생활용품", "tools"}


def test_cars_feed_is_json_feed_1_1(simulator):
    cars = simulator.partner("cars")
    status, headers, body = fetch(cars.feed_url)
    assert status == 200 and headers["Content-Type"] == "application/octet-stream"
    feed = json.loads(body.decode("utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == cars.feed_url and feed["home_page_url"] == cars.homepage_url
    items = feed["items"]
    assert len(items) == 12 and all(isinstance(i["id"], str) and i["id"] for i in items)
    assert len({i["id"] for i in items}) == len(items)
    with_url = [i for i in items if "url" in i]
    assert len(with_url) == 11 and all(i["url"].startswith(cars.base_url + "/vehicles/") for i in with_url)
    broken = [i for i in items if "url" not in i]
    assert len(broken) == 1 and broken[0]["id"].startswith("urn:") and "external_url" not in broken[0]
    sonata = items[0]
    assert sonata["title"] == "쏘나타 하이브리드 — 강남역 2번 출구"
    assert "10분당 1,200원" in sonata["summary"] and "서울특별시 강남구 강남대로 396" in sonata["content_html"]
    assert sonata["date_published"].endswith("+09:00") and sonata["date_modified"] > sonata["date_published"]
    assert sonata["tags"][:2] == ["카셰어링", "나눔카"] and sonata["image"].startswith(cars.base_url)
    assert any(i["title"] == "Ioniq 5 EV at Hongdae" for i in items)
    assert any("전기차" in i["tags"] for i in items)


def test_every_link_resolves(simulator):
    for partner in simulator.partners:
        for item in simulator.items(partner.key):
            if item["path"]:
                status, headers, body = fetch(partner.base_url + item["path"])
                assert status == 200 and headers["Content-Type"].startswith("text/html")
                charset = "euc_kr" if partner.key == "goods" else "utf-8"
                if item["title"]:
                    assert item["title"] in html.unescape(body.decode(charset)), (partner.key, item["id"])
    cars = json.loads(fetch(simulator.partner("cars").feed_url)[2])
    status, headers, body = fetch(cars["items"][0]["image"])
    assert status == 200 and headers["Content-Type"] == "image/png" and body.startswith(b"\x89PNG")
    assert fetch(simulator.partner("goods").base_url + "/no-such-feed.xml")[0] == 404


def test_homepages_announce_their_feeds(simulator):
    goods, cars = simulator.partner("goods"), simulator.partner("cars")
    page = fetch(goods.homepage_url)[2].decode("euc_kr")
    assert '<meta charset="euc-kr">' in page
    assert '<link rel="alternate" type="application/rss+xml" title="동네물품공유센터" href="/rss.xml">' in page
    page = fetch(cars.homepage_url)[2].decode("utf-8")
    assert f'<link rel="alternate" type="application/feed+json" title="나눔카 셰어링" href="{cars.feed_url}">' in page
    page = fetch(simulator.partner("events").homepage_url)[2].decode("utf-8")
    assert '<link rel="alternate" type="application/atom+xml" title="서울 재능나눔" href="/events.atom">' in page
    for key in ("spaces", "homes", "tools", "kids"):  # no feed, so nothing to announce
        page = fetch(simulator.partner(key).homepage_url)[2].decode("utf-8")
        assert 'rel="alternate"' not in page and "/host-only/" not in page, key


def test_robots_txt_allows_all_but_private(simulator):
    goods = simulator.partner("goods")
    status, headers, body = fetch(goods.base_url + "/robots.txt")
    assert status == 200 and headers["Content-Type"] == "text/plain"
    assert "User-agent: *" in body.decode() and "Disallow: /private/" in body.decode()
    # the disallowed mirror really serves the feed, so only robots.txt keeps a crawler out
    assert fetch(goods.base_url + "/private/feed.xml")[2] == simulator.feed_bytes("goods")


@pytest.mark.parametrize("key", ["goods", "cars", "spaces", "events", "homes", "tools", "kids"])
def test_conditional_get(simulator, key):
    url = simulator.partner(key).feed_url
    status, headers, body = fetch(url)
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert etag == etag_of(body) and parsedate_to_datetime(last_modified).tzinfo is not None

    status, headers, body = fetch(url, {"If-None-Match": etag})
    assert status == 304 and body == b"" and headers["ETag"] == etag
    assert fetch(url, {"If-None-Match": f'"other", W/{etag}'})[0] == 304
    assert fetch(url, {"If-None-Match": '"other"'})[0] == 200
    assert fetch(url, {"If-Modified-Since": last_modified})[0] == 304
    assert fetch(url, {"If-Modified-Since": "Mon, 02 Nov 2026 00:00:00 GMT"})[0] == 200
    # If-None-Match wins over If-Modified-Since
    assert fetch(url, {"If-None-Match": '"other"', "If-Modified-Since": last_modified})[0] == 200
    assert fetch(url, {"If-Modified-Since": "not a date"})[0] == 200
    head = fetch(url, method="HEAD")
    assert head[0] == 200 and head[2] == b"" and head[1]["ETag"] == etag


def test_status_fault_until_cleared_or_for_n_requests(simulator):
    url = simulator.partner("goods").feed_url
    simulator.set_fault("goods", "status", 500)
    assert [fetch(url)[0] for _ in range(2)] == [500, 500]
    assert fetch(simulator.partner("goods").base_url + "/robots.txt")[0] == 200  # feed scope only
    simulator.clear_faults("goods")
    assert fetch(url)[0] == 200

    simulator.set_fault("goods", "status", 503, times=1, scope="all")
    assert fetch(simulator.partner("goods").base_url + "/robots.txt")[0] == 503
    assert fetch(url)[0] == 200
    assert fetch(simulator.partner("cars").feed_url)[0] == 200  # other partners are unaffected


def test_retry_after_fault(simulator):
    simulator.set_fault("cars", "retry_after", 2)
    status, headers, _ = fetch(simulator.partner("cars").feed_url)
    assert status == 429 and headers["Retry-After"] == "2"


def test_delay_fault_makes_a_client_time_out(simulator):
    simulator.set_fault("goods", "delay", 5.0)
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        fetch(simulator.partner("goods").feed_url, timeout=0.3)
    simulator.set_fault("goods", "delay", 0.5)
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        fetch(simulator.partner("goods").feed_url, timeout=0.05)
    assert fetch(simulator.partner("goods").feed_url, timeout=5)[0] == 200


def test_redirect_fault(simulator):
    simulator.set_fault("goods", "redirect", "http://10.0.0.1/feed")
    status, headers, _ = fetch(simulator.partner("goods").feed_url)
    assert status == 302 and headers["Location"] == "http://10.0.0.1/feed"
    simulator.set_fault("goods", "redirect", (301, simulator.partner("cars").feed_url))
    status, headers, _ = fetch(simulator.partner("goods").feed_url)
    assert status == 301 and headers["Location"] == simulator.partner("cars").feed_url


def test_body_and_content_type_faults(simulator):
    simulator.set_fault("goods", "body", b"<html><body>maintenance</body></html>")
    simulator.set_fault("goods", "content_type", "text/html; charset=utf-8")
    status, headers, body = fetch(simulator.partner("goods").feed_url)
    assert status == 200 and body == b"<html><body>maintenance</body></html>"
    assert headers["ETag"] == etag_of(body) and headers["Content-Type"] == "text/html; charset=utf-8"


def test_drop_fault_closes_without_answer(simulator):
    simulator.set_fault("cars", "drop", True, times=1)
    with pytest.raises((ConnectionError, urllib.error.URLError)) as caught:
        fetch(simulator.partner("cars").feed_url)
    assert not isinstance(caught.value, urllib.error.HTTPError)
    assert fetch(simulator.partner("cars").feed_url)[0] == 200


def test_unknown_faults_are_refused(simulator):
    with pytest.raises(ValueError):
        simulator.set_fault("goods", "explode", True)
    with pytest.raises(ValueError):
        simulator.set_fault("goods", "status", "500")
    with pytest.raises(KeyError):
        simulator.set_fault("nobody", "status", 500)


def test_removing_an_item_changes_feed_and_validators(simulator):
    goods = simulator.partner("goods")
    _, headers, before = fetch(goods.feed_url)
    first = simulator.item_ids("goods")[0]
    assert first == "NSC-ITEM-0412" and first in simulator.item_ids("goods", valid=True)
    item_page = goods.base_url + simulator.items("goods")[0]["path"]

    simulator.remove_item("goods", first)
    status, after_headers, after = fetch(goods.feed_url, {"If-None-Match": headers["ETag"],
                                                          "If-Modified-Since": headers["Last-Modified"]})
    assert status == 200 and after_headers["ETag"] != headers["ETag"]
    assert parsedate_to_datetime(after_headers["Last-Modified"]) > parsedate_to_datetime(headers["Last-Modified"])
    assert fetch(goods.feed_url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 200
    assert b"NSC-ITEM-0412" in before and b"NSC-ITEM-0412" not in after
    assert len(feedparser.parse(after).entries) == 12
    assert fetch(item_page)[0] == 404
    with pytest.raises(KeyError):
        simulator.remove_item("goods", first)

    simulator.restore_items("goods")
    assert simulator.item_ids("goods")[0] == first and fetch(item_page)[0] == 200
    assert fetch(goods.feed_url)[2].count(b"<item>") == 13


def test_updating_an_item(simulator):
    cars_id = simulator.item_ids("cars")[1]
    simulator.update_item("cars", cars_id, title="Ioniq 5 EV at Hongdae (new tyres)")
    feed = json.loads(fetch(simulator.partner("cars").feed_url)[2])
    assert feed["items"][1]["title"] == "Ioniq 5 EV at Hongdae (new tyres)"
    simulator.restore_items("cars")
    assert json.loads(simulator.feed_bytes("cars"))["items"][1]["title"] == "Ioniq 5 EV at Hongdae"


def test_invalid_items_are_marked(simulator):
    assert simulator.item_ids("goods", valid=False) == ["NSC-ITEM-0359"]
    assert simulator.item_ids("cars", valid=False) == ["urn:nanumcar:vehicle:10299"]
    goods = simulator.items("goods")
    assert len({i["district"] for i in goods if i["district"]}) == 6
    assert sum(1 for i in goods if i["point"]) == 5


def test_requests_are_recorded_with_headers(simulator):
    goods = simulator.partner("goods")
    fetch(goods.feed_url, {"User-Agent": "SharingHubBot/0.1 (+http://hub.example/bot)", "If-None-Match": '"x"'})
    fetch(goods.base_url + "/robots.txt?probe=1")
    seen = simulator.requests("goods")
    assert [(m, p) for m, p, _ in seen] == [("GET", "/rss.xml"), ("GET", "/robots.txt?probe=1")]
    headers = seen[0][2]
    assert headers["User-Agent"].startswith("SharingHubBot/") and headers["If-None-Match"] == '"x"'
    assert simulator.requests("cars") == []
    simulator.clear_requests("goods")
    assert simulator.requests("goods") == []


def test_other_methods_are_refused(simulator):
    status, headers, _ = fetch(simulator.partner("goods").feed_url, method="POST")
    assert status == 405 and headers["Allow"] == "GET, HEAD"


def test_stop_cuts_delays_short():
    sim = PartnerSimulator(partners=["cars"]).start()
    try:
        assert [p.key for p in sim.partners] == ["cars"]
        url = sim.partner("cars").feed_url
        assert fetch(url)[0] == 200
        sim.set_fault("cars", "delay", 30)
        errors = []
        worker = threading.Thread(target=lambda: errors.append(_swallow(url)))
        worker.start()
        deadline = time.monotonic() + 2
        while not sim.requests("cars")[1:] and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        sim.stop()
    worker.join(timeout=5)
    # The delayed answer was 30 s away: a stop that waited for it would leave the client hanging.
    assert not worker.is_alive()
    assert not sim.running
    with pytest.raises(RuntimeError):
        sim.partner("cars")
    with pytest.raises(OSError):
        fetch(url, timeout=1)


def _swallow(url):
    try:
        return fetch(url, timeout=10)
    except OSError as exc:
        return exc


def test_fixed_ports_and_restart():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    sim = PartnerSimulator(port=free, partners=["goods"])
    with sim:
        assert sim.partner("goods").base_url == f"http://127.0.0.1:{free}"
        sim.remove_item("goods", "NSC-ITEM-0415")
        with pytest.raises(RuntimeError):
            sim.start()
    with sim:  # state survives a restart
        assert "NSC-ITEM-0415" not in sim.item_ids("goods")
        assert fetch(sim.partner("goods").feed_url)[0] == 200


# --- the partners that are not a single feed ---------------------------------------------------------

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
RESERVATION_FIELDS = {"GUBUN", "SVCID", "MAXCLASSNM", "MINCLASSNM", "SVCSTATNM", "SVCNM", "PAYATNM", "PLACENM",
                      "USETGTINFO", "SVCURL", "X", "Y", "SVCOPNBGNDT", "SVCOPNENDDT", "RCPTBGNDT", "RCPTENDDT",
                      "AREANM", "IMGURL", "DTLCONT", "TELNO", "V_MIN", "V_MAX", "REVSTDDAYNM", "REVSTDDAY"}
GU_NAMES = {row["code"]: row["name_ko"]
            for row in csv.DictReader(open(Path(__file__).parents[1] / "config/data/seoul_districts.csv",
                                           encoding="utf-8"))}


def api_url(partner, start, end, key=None, kind="json", service="ListPublicReservationInstitution", extra=""):
    return f"{partner.base_url}/{key or partner.api_key}/{kind}/{service}/{start}/{end}/{extra}"


def jsonld_blocks(page: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)


def test_place_table_is_real_and_every_generated_point_is_in_its_district(simulator):
    assert {d.code: d.name_ko for d in places.DISTRICTS} == GU_NAMES
    for district in places.DISTRICTS:
        for dong in district.dongs:
            assert district_at(dong.lat, dong.lon) == district.code, (district.name_ko, dong.name_ko)
    spread = {}
    for partner in simulator.partners:
        for item in simulator.items(partner.key):
            if item.get("point") and item["district"]:
                assert district_at(*item["point"]) == item["district"], (partner.key, item["id"])
        spread[partner.key] = {i["district"] for i in simulator.items(partner.key) if i["district"]}
    assert len(spread["spaces"]) == 25 and len(spread["tools"]) == 25
    assert len(spread["events"]) == 20 and len(spread["homes"]) == 16 and len(spread["kids"]) == 15
    assert len(set().union(*spread.values())) == 25


def test_item_counts_and_invalid_items(simulator):
    counts = {p.key: len(simulator.item_ids(p.key)) for p in simulator.partners}
    assert counts == {"goods": 13, "cars": 12, "spaces": 120, "events": 40, "homes": 60, "tools": 45, "kids": 30}
    invalid = {p.key: sorted(i["invalid"] for i in simulator.items(p.key) if i["invalid"]) for p in simulator.partners}
    assert invalid == {"goods": ["missing_title"], "cars": ["invalid_link"],
                       "spaces": ["invalid_link", "missing_title"], "events": ["invalid_link", "missing_title"],
                       "homes": ["missing_title", "no_structured_data", "no_structured_data", "robots_disallowed"],
                       "tools": ["invalid_link", "missing_title"], "kids": ["missing_title"]}
    for partner in simulator.partners:
        items = simulator.items(partner.key)
        assert items[0]["invalid"] is None and items[0]["title"]
        assert len({i["id"] for i in items}) == len(items)
        listings = [i for i in items if i["invalid"] is None]
        assert all(i["district"] and i["title"] and isinstance(i["is_free"], bool) for i in listings)
        if partner.key not in ("cars",):
            assert any(i["is_free"] for i in listings) and not all(i["is_free"] for i in listings), partner.key
        titles = [i["title"] for i in listings]
        assert any(any("가" <= ch <= "힣" for ch in t) for t in titles), partner.key
        assert any(re.search(r"[A-Za-z]{4,}", t) for t in titles), partner.key  # English text too


# --- spaces: the Seoul Open Data API shape -------------------------------------------------------------

def test_spaces_api_pages_like_the_seoul_open_api(simulator):
    spaces = simulator.partner("spaces")
    assert spaces.kind == "json_api" and spaces.api_key
    assert spaces.config == {"preset": "seoul_reservation", "service": "ListPublicReservationInstitution",
                             "key": spaces.api_key}
    assert spaces.feed_url == api_url(spaces, 1, 100)
    status, headers, body = fetch(spaces.feed_url)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    root = json.loads(body)["ListPublicReservationInstitution"]
    assert root["list_total_count"] == 120
    assert root["RESULT"] == {"CODE": "INFO-000", "MESSAGE": "정상 처리되었습니다"}
    rows = root["row"]
    assert len(rows) == 100 and all(set(r) == RESERVATION_FIELDS for r in rows)
    assert all(isinstance(v, str) for r in rows for v in r.values())
    second = json.loads(fetch(api_url(spaces, 101, 200))[2])["ListPublicReservationInstitution"]
    assert len(second["row"]) == 20 and second["list_total_count"] == 120
    ids = [r["SVCID"] for r in rows + second["row"]]
    assert ids == simulator.item_ids("spaces")
    everything = json.loads(fetch(api_url(spaces, 1, 1000))[2])["ListPublicReservationInstitution"]["row"]
    assert [r["SVCID"] for r in everything] == ids

    assert json.loads(fetch(api_url(spaces, 121, 220))[2]) == {
        "RESULT": {"CODE": "INFO-200", "MESSAGE": "해당하는 데이터가 없습니다."}}
    assert json.loads(fetch(api_url(spaces, 1, 5, key="wrong-key"))[2])["RESULT"]["CODE"] == "INFO-100"
    assert json.loads(fetch(api_url(spaces, 1, 1001))[2])["RESULT"]["CODE"] == "ERROR-336"
    assert json.loads(fetch(api_url(spaces, 5, 1))[2])["RESULT"]["CODE"] == "ERROR-334"
    assert json.loads(fetch(api_url(spaces, "a", 10))[2])["RESULT"]["CODE"] == "ERROR-333"
    assert json.loads(fetch(api_url(spaces, 1, 5, service="NoSuchService"))[2])["RESULT"]["CODE"] == "ERROR-310"
    assert json.loads(fetch(api_url(spaces, 1, 5, kind="csv"))[2])["RESULT"]["CODE"] == "ERROR-301"
    sample = json.loads(fetch(api_url(spaces, 1, 100, key="sample"))[2])["ListPublicReservationInstitution"]
    assert len(sample["row"]) == 5 and sample["list_total_count"] == 120
    halls = json.loads(fetch(api_url(spaces, 1, 100, extra="%EA%B0%95%EB%8B%B9/"))[2])  # /강당/
    hall_rows = halls["ListPublicReservationInstitution"]["row"]
    assert hall_rows and {r["MINCLASSNM"] for r in hall_rows} == {"강당"}
    detail = json.loads(fetch(api_url(spaces, 1, 1, service="ListPublicReservationDetail", extra=ids[3] + "/"))[2])
    assert [r["SVCID"] for r in detail["ListPublicReservationDetail"]["row"]] == [ids[3]]

    status, headers, body = fetch(api_url(spaces, 1, 100, kind="xml"))
    tree = ET.fromstring(body)
    assert tree.tag == "ListPublicReservationInstitution" and tree.findtext("list_total_count") == "120"
    assert tree.findtext("RESULT/CODE") == "INFO-000" and len(tree.findall("row")) == 100
    assert tree.find("row/DTLCONT").text.startswith("<p>")


def test_spaces_rows_look_like_yeyak_data(simulator):
    spaces = simulator.partner("spaces")
    rows = json.loads(fetch(api_url(spaces, 1, 1000))[2])["ListPublicReservationInstitution"]["row"]
    items = {i["id"]: i for i in simulator.items("spaces")}
    swapped = blank = 0
    for r in rows:
        item = items[r["SVCID"]]
        assert re.fullmatch(r"S\d{18}", r["SVCID"]) and r["MAXCLASSNM"] == "시설대관"
        assert r["PAYATNM"] in ("유료", "무료") and r["GUBUN"] in ("자체", "연계")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.0", r["RCPTBGNDT"])
        assert re.fullmatch(r"\d\d:\d\d", r["V_MIN"]) and r["REVSTDDAYNM"] in ("이용일", "접수종료일", "이용기간시작일")
        assert "&middot;" in r["DTLCONT"] and "&#39;" in r["DTLCONT"]
        assert r["IMGURL"].startswith(spaces.base_url + "/upload/")
        if item["invalid"] == "invalid_link":
            assert r["SVCURL"].startswith("javascript:")
            continue
        assert r["SVCURL"].startswith(spaces.base_url + "/web/reservation/selectReservView.do?rsv_svc_id=")
        if item["invalid"] == "missing_title":
            assert r["SVCNM"] == ""
            continue
        assert GU_NAMES[item["district"]] == r["AREANM"]
        assert html.unescape(r["SVCNM"]) == item["title"]
        assert (r["PAYATNM"] == "무료") == item["is_free"]
        if not r["X"]:
            blank += 1
            continue
        x, y = float(r["X"]), float(r["Y"])
        lat, lon = (y, x) if x > 100 else (x, y)
        swapped += x > 100
        assert district_at(lat, lon) == item["district"]
    assert blank == 1 and 10 <= swapped <= 16
    assert sum("&middot;" in r["SVCNM"] for r in rows) >= 10
    page = fetch(rows[0]["SVCURL"])
    assert page[0] == 200 and html.unescape(rows[0]["SVCNM"]) in html.unescape(page[2].decode())


# --- events: Atom --------------------------------------------------------------------------------------

def test_events_feed_is_atom_with_georss(simulator):
    events = simulator.partner("events")
    status, headers, body = fetch(events.feed_url)
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    tree = ET.fromstring(body)
    assert tree.tag == ATOM_NS + "feed" and tree.findtext(ATOM_NS + "id")
    assert len(tree.findall(ATOM_NS + "entry")) == 40
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and len(parsed.entries) == 40
    assert all(e.get("where") for e in parsed.entries)
    assert sum(1 for e in parsed.entries if not e.get("title")) == 1
    assert sum(1 for e in parsed.entries if e.link.startswith("javascript:")) == 1
    contents = [e.content[0].value for e in parsed.entries]
    assert sum("일시: 2026년 12월" in c or "일시: 2027년 1월" in c for c in contents) >= 10
    assert sum("When:" in c for c in contents) >= 5
    dateless = [e for e, c in zip(parsed.entries, contents) if "일시:" not in c and "When:" not in c]
    assert len(dateless) == 10 and all(e.published_parsed[:2] in ((2026, 12), (2027, 1)) for e in dateless)
    assert {e.content[0].type for e in parsed.entries} == {"text/html", "application/xhtml+xml"}
    assert any("무료" in c for c in contents) and any("원" in c for c in contents)
    first = parsed.entries[0]
    assert first.link == events.base_url + "/events/1040" and first.id.startswith("tag:")
    lat, lon = simulator.items("events")[0]["point"]
    assert first.where["coordinates"] == (lon, lat)


# --- homes: robots.txt -> sitemap index -> sitemaps (one gzipped) -> JSON-LD pages ------------------------

def test_homes_robots_names_the_sitemap_and_keeps_out_of_host_only(simulator):
    homes = simulator.partner("homes")
    assert homes.kind == "sitemap" and homes.feed_url == homes.homepage_url
    assert homes.sitemap_url == homes.base_url + "/sitemap_index.xml"
    status, headers, body = fetch(homes.base_url + "/robots.txt")
    text = body.decode("ascii")
    assert status == 200 and headers["Content-Type"] == "text/plain"
    assert f"Sitemap: {homes.sitemap_url}" in text.splitlines()
    assert "Disallow: /host-only/" in text.splitlines()
    robots = RobotFileParser()
    robots.parse(text.splitlines())
    hidden = [i for i in simulator.items("homes") if i["invalid"] == "robots_disallowed"]
    assert len(hidden) == 1 and hidden[0]["path"].startswith("/host-only/")
    assert not robots.can_fetch("SharingHubBot/0.1", homes.base_url + hidden[0]["path"])
    assert robots.can_fetch("SharingHubBot/0.1", homes.base_url + "/rooms/1001")
    assert not robots.can_fetch("GPTBot", homes.base_url + "/rooms/1001")
    assert robots.site_maps() == [homes.sitemap_url]
    assert fetch(homes.base_url + hidden[0]["path"])[0] == 200  # only robots.txt keeps a crawler out


def test_homes_sitemaps_list_every_page_with_lastmod_one_of_them_gzipped(simulator):
    homes = simulator.partner("homes")
    index = ET.fromstring(fetch(homes.sitemap_url)[2])
    assert index.tag == SITEMAP_NS + "sitemapindex"
    entries = index.findall(SITEMAP_NS + "sitemap")
    locs = [e.findtext(SITEMAP_NS + "loc") for e in entries]
    assert locs == [homes.base_url + "/sitemap-rooms.xml.gz", homes.base_url + "/sitemap-stays.xml"]
    assert all(e.findtext(SITEMAP_NS + "lastmod") for e in entries)
    listed = []
    for loc in locs:
        status, headers, body = fetch(loc)
        assert status == 200
        if loc.endswith(".gz"):
            assert body[:2] == b"\x1f\x8b" and headers["Content-Type"] == "application/x-gzip"
            assert "Content-Encoding" not in headers
            body = gzip.decompress(body)
        urlset = ET.fromstring(body)
        assert urlset.tag == SITEMAP_NS + "urlset"
        for url in urlset.findall(SITEMAP_NS + "url"):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", url.findtext(SITEMAP_NS + "lastmod"))
            listed.append(url.findtext(SITEMAP_NS + "loc"))
    assert sorted(listed) == sorted(homes.base_url + i["path"] for i in simulator.items("homes"))


def test_homes_room_pages_carry_json_ld_except_the_broken_and_the_bare_one(simulator):
    homes = simulator.partner("homes")
    seen_types, problems = set(), {}
    for item in simulator.items("homes"):
        page = fetch(homes.base_url + item["path"])[2].decode("utf-8")
        blocks = jsonld_blocks(page)
        if item["page_problem"] == "no_structured_data":
            assert blocks == [] and "itemscope" not in page
            problems["none"] = item["id"]
            continue
        assert len(blocks) == 1
        if item["page_problem"] == "broken_jsonld":
            with pytest.raises(json.JSONDecodeError):
                json.loads(blocks[0])
            assert re.search(r",\s*}\s*$", blocks[0])
            problems["broken"] = item["id"]
            continue
        data = json.loads(blocks[0])
        listing = next(n for n in data["@graph"] if n["@type"] != "BreadcrumbList") if "@graph" in data else data
        seen_types.add(listing["@type"])
        url = homes.base_url + item["path"]
        assert listing["@id"] == url + "#listing" and listing["url"] == url
        assert listing["name"] == (item["title"] or "") and listing["description"]
        address = listing["address"]
        assert address["@type"] == "PostalAddress" and address["addressRegion"] == "서울특별시"
        assert address["addressLocality"] == GU_NAMES[district_at(listing["geo"]["latitude"], listing["geo"]["longitude"])]
        assert re.fullmatch(r"0\d{4}", address["postalCode"]) and address["addressCountry"] == "KR"
        offer = listing["offers"]
        assert offer["priceCurrency"] == "KRW" and offer["priceSpecification"]["unitText"] == "NIGHT"
        assert int(offer["price"]) == item["price"] and (item["price"] == 0) == bool(item["is_free"])
        assert listing["image"] and all(i.startswith(homes.base_url + "/images/") for i in listing["image"])
    assert seen_types == {"Room", "Accommodation", "LodgingBusiness"} and set(problems) == {"none", "broken"}


# --- tools: plain HTML listing pages ---------------------------------------------------------------------

TOOLS_CONFIG = {"item": "li.tool", "title": "h3", "link": "a.detail@href", "price": ".fee", "location": ".addr",
                "image": "img@src", "date": "time@datetime", "next": "a.next@href"}


def test_tools_listing_pages_follow_next_to_the_end(simulator):
    tools = simulator.partner("tools")
    assert tools.kind == "html" and tools.config == TOOLS_CONFIG
    assert tools.feed_url == tools.base_url + "/tools?page=1"
    url, pages, titles = tools.feed_url, 0, []
    while url:
        status, headers, body = fetch(url)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        soup = BeautifulSoup(body.decode("utf-8"), "html.parser")
        found = soup.select(TOOLS_CONFIG["item"])
        assert 1 <= len(found) <= 10
        for li in found:
            assert li.select_one("h3") is not None and li.select_one("a.detail")["href"]
            assert li.select_one(".fee").get_text() and li.select_one(".addr").get_text().strip()
            assert li.select_one("img")["src"].startswith("/images/tools/")
            assert re.match(r"\d{4}-\d\d-\d\d", li.select_one("time")["datetime"])
            titles.append(li.select_one("h3").get_text())
        pages += 1
        after = soup.select_one("a.next")
        assert (after is None) == (pages == 5) and (after is None or after.get_text() == "다음")
        url = tools.base_url + after["href"] if after else None
    assert pages == 5 and len(titles) == 45 and titles.count("") == 1
    empty = BeautifulSoup(fetch(tools.base_url + "/tools?page=6")[2], "html.parser")
    assert empty.select("li.tool") == [] and empty.select_one("a.next") is None
    assert fetch(tools.base_url + "/tools?page=0")[0] == 404
    assert fetch(tools.base_url + "/tools?page=x")[0] == 404
    page1 = fetch(tools.feed_url)[2].decode("utf-8")
    assert re.search(r'<span class="fee">1일 \d,000원</span>', page1) and '<span class="fee">무료</span>' in page1
    broken = [i for i in simulator.items("tools") if i["invalid"] == "invalid_link"]
    assert len(broken) == 1 and broken[0]["path"] is None
    listing_page = fetch(tools.base_url + f"/tools?page={simulator.item_ids('tools').index(broken[0]['id']) // 10 + 1}")
    assert 'href="javascript:void(0)"' in listing_page[2].decode("utf-8")


def test_tools_legacy_listing_is_euc_kr(simulator):
    tools = simulator.partner("tools")
    status, headers, body = fetch(tools.base_url + "/legacy/tools.asp?page=1")
    assert status == 200 and headers["Content-Type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("euc_kr")
    assert 'charset=euc-kr' in text and '<a class="next" href="tools.asp?page=2">다음</a>' in text
    utf8 = BeautifulSoup(fetch(tools.feed_url)[2].decode("utf-8"), "html.parser")
    legacy = BeautifulSoup(text, "html.parser")
    assert [h.get_text() for h in legacy.select("li.tool h3")] == [h.get_text() for h in utf8.select("li.tool h3")]
    last = fetch(tools.base_url + "/legacy/tools.asp?page=5")[2].decode("euc_kr")
    assert 'class="next disabled"' in last and '<a class="next"' not in last


# --- kids: sitemap.xml -> microdata product pages ----------------------------------------------------------

def test_kids_sitemap_and_microdata(simulator):
    kids = simulator.partner("kids")
    assert kids.kind == "sitemap" and kids.feed_url == kids.sitemap_url == kids.base_url + "/sitemap.xml"
    robots = fetch(kids.base_url + "/robots.txt")[2].decode("ascii")
    assert f"Sitemap: {kids.sitemap_url}" in robots.splitlines()
    urlset = ET.fromstring(fetch(kids.sitemap_url)[2])
    urls = urlset.findall(SITEMAP_NS + "url")
    assert len(urls) == 30 and all(u.findtext(SITEMAP_NS + "lastmod") for u in urls)
    names = []
    for url in urls:
        soup = BeautifulSoup(fetch(url.findtext(SITEMAP_NS + "loc"))[2].decode("utf-8"), "html.parser")
        product = soup.select_one('[itemscope][itemtype="http://schema.org/Product"]')
        assert product is not None
        own = [e for e in product.select("[itemprop]") if e.find_parent(attrs={"itemscope": True}) is product]
        props = {e["itemprop"]: e for e in own}
        assert set(props) >= {"name", "description", "image", "offers", "sku", "brand"}
        names.append(props["name"].get_text())
        assert props["description"].get_text().strip() and props["image"]["src"].startswith("/images/kids/")
        offer = props["offers"]
        assert offer["itemtype"] == "http://schema.org/Offer"
        assert offer.select_one('[itemprop="price"]')["content"].isdigit()
        assert offer.select_one('[itemprop="priceCurrency"]')["content"] == "KRW"
        geo = offer.select_one('[itemprop="geo"]')
        lat, lon = (float(geo.select_one(f'[itemprop="{k}"]')["content"]) for k in ("latitude", "longitude"))
        assert offer.select_one('[itemprop="addressLocality"]').get_text() == GU_NAMES[district_at(lat, lon)]
    assert names.count("") == 1 and sum(1 for n in names if n.isascii() and n) >= 3


# --- conditional GET on every kind of document ---------------------------------------------------------------

@pytest.mark.parametrize("key,target", [
    ("goods", "/robots.txt"), ("goods", "/share/view.do?itemNo=412&menuId=21"), ("cars", "/"),
    ("cars", "/images/cars/ioniq5.png"), ("spaces", "/sample/json/ListPublicReservationInstitution/101/105/"),
    ("events", "/events/1040"), ("homes", "/sitemap_index.xml"), ("homes", "/sitemap-rooms.xml.gz"),
    ("homes", "/rooms/1001"), ("tools", "/tools?page=3"), ("tools", "/legacy/tools.asp?page=2"),
    ("kids", "/products/5002"), ("kids", "/robots.txt"),
])
def test_every_document_answers_conditional_gets(simulator, key, target):
    url = simulator.partner(key).base_url + target
    status, headers, body = fetch(url)
    assert status == 200 and headers["ETag"] == etag_of(body)
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200


def test_item_pages_keep_their_own_last_modified_and_the_sitemap_lastmod_moves(simulator):
    homes = simulator.partner("homes")
    _, headers, _ = fetch(homes.base_url + "/rooms/1001")
    _, other_headers, _ = fetch(homes.base_url + "/rooms/1002")
    assert headers["Last-Modified"] != other_headers["Last-Modified"]
    before = gzip.decompress(fetch(homes.base_url + "/sitemap-rooms.xml.gz")[2]).decode()
    simulator.update_item("homes", "room-1001", title="Sunny private room (renovated)")
    after = gzip.decompress(fetch(homes.base_url + "/sitemap-rooms.xml.gz")[2]).decode()
    lastmods = [re.search(r"/rooms/1001</loc>\s*<lastmod>([^<]+)", t).group(1) for t in (before, after)]
    assert lastmods[1] > lastmods[0]
    status, new_headers, page = fetch(homes.base_url + "/rooms/1001", {"If-Modified-Since": headers["Last-Modified"]})
    assert status == 200 and b"Sunny private room (renovated)" in page
    # unchanged rooms stay 304 for a crawler that kept their validators
    assert fetch(homes.base_url + "/rooms/1002", {"If-None-Match": other_headers["ETag"]})[0] == 304


def test_removed_items_vanish_from_every_document_and_their_pages_404(simulator):
    spaces, homes, tools = (simulator.partner(k) for k in ("spaces", "homes", "tools"))
    svcid = simulator.item_ids("spaces")[0]
    page = spaces.base_url + simulator.items("spaces")[0]["path"]
    simulator.remove_item("spaces", svcid)
    root = json.loads(fetch(spaces.feed_url)[2])["ListPublicReservationInstitution"]
    assert root["list_total_count"] == 119 and svcid not in {r["SVCID"] for r in root["row"]}
    assert fetch(page)[0] == 404
    assert json.loads(fetch(api_url(spaces, 101, 200))[2])["ListPublicReservationInstitution"]["row"][-1]
    simulator.remove_item("homes", "room-1001")
    assert b"/rooms/1001<" not in gzip.decompress(fetch(homes.base_url + "/sitemap-rooms.xml.gz")[2])
    assert fetch(homes.base_url + "/rooms/1001")[0] == 404
    for tool_id in simulator.item_ids("tools")[:5]:
        simulator.remove_item("tools", tool_id)
    assert fetch(tools.base_url + "/tools?page=4")[2].count(b'<li class="tool"') == 10
    assert b'<a class="next"' not in fetch(tools.base_url + "/tools?page=4")[2]
    simulator.restore_items()
    assert fetch(page)[0] == 200 and fetch(homes.base_url + "/rooms/1001")[0] == 200


# --- the new switches ------------------------------------------------------------------------------------------

def test_faults_by_path(simulator):
    homes = simulator.partner("homes")
    simulator.set_fault("homes", "status", 404, path="/rooms/1003")
    assert fetch(homes.base_url + "/rooms/1003")[0] == 404
    assert fetch(homes.base_url + "/rooms/1003?ref=sitemap")[0] == 404
    assert fetch(homes.base_url + "/rooms/1004")[0] == 200 and fetch(homes.sitemap_url)[0] == 200
    assert simulator.faults("homes") == {"status@/rooms/1003": 404}
    simulator.set_fault("homes", "status", 500)  # scope "feed": the sitemaps, not the pages
    assert fetch(homes.sitemap_url)[0] == 500 and fetch(homes.base_url + "/sitemap-stays.xml")[0] == 500
    assert fetch(homes.base_url + "/rooms/1004")[0] == 200 and fetch(homes.homepage_url)[0] == 200
    simulator.clear_fault("homes", "status")
    assert fetch(homes.sitemap_url)[0] == 200 and fetch(homes.base_url + "/rooms/1003")[0] == 404
    simulator.clear_faults("homes")

    tools = simulator.partner("tools")
    simulator.set_fault("tools", "status", 503, path="/tools?page=3", times=1)
    assert fetch(tools.base_url + "/tools?page=2")[0] == 200
    assert fetch(tools.base_url + "/tools?page=3")[0] == 503
    assert fetch(tools.base_url + "/tools?page=3")[0] == 200  # times=1 used up
    simulator.set_fault("tools", "delay", 30, path="/tools/*")
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        fetch(tools.base_url + "/tools/101", timeout=0.3)
    assert fetch(tools.feed_url, timeout=5)[0] == 200  # the listing page is outside the path
    simulator.clear_faults("tools")
    # a path fault wins over a scope fault of the same kind
    simulator.set_fault("tools", "status", 500, scope="all")
    simulator.set_fault("tools", "status", 418, path="/robots.txt")
    assert fetch(tools.base_url + "/robots.txt")[0] == 418 and fetch(tools.feed_url)[0] == 500
    with pytest.raises(ValueError):
        simulator.set_fault("tools", "status", 500, path="tools")


def test_malformed_serves_the_main_document_cut_off(simulator):
    goods, cars, spaces, homes = (simulator.partner(k) for k in ("goods", "cars", "spaces", "homes"))
    simulator.set_fault("goods", "malformed", True)
    status, headers, body = fetch(goods.feed_url)
    whole = simulator.feed_bytes("goods")
    assert status == 200 and body == whole[:len(whole) // 2] and headers["ETag"] == etag_of(body)
    lxml_etree.fromstring(whole)
    with pytest.raises(lxml_etree.XMLSyntaxError):
        lxml_etree.fromstring(body)
    assert feedparser.parse(body).bozo
    assert fetch(goods.base_url + "/robots.txt")[2].endswith(b"Allow: /\n")  # scope "feed" only

    simulator.set_fault("cars", "malformed", 0.9)
    body = fetch(cars.feed_url)[2]
    assert len(body) == int(len(simulator.feed_bytes("cars")) * 0.9)
    with pytest.raises(ValueError):  # JSONDecodeError, or UnicodeDecodeError when cut inside a character
        json.loads(body)
    simulator.set_fault("spaces", "malformed", 300)
    body = fetch(spaces.feed_url)[2]
    assert len(body) == 300 and body.startswith(b'{"ListPublicReservationInstitution"')
    with pytest.raises(ValueError):
        json.loads(body)
    simulator.set_fault("homes", "malformed", True, path="/sitemap-rooms.xml.gz")
    body = gzip.decompress(fetch(homes.base_url + "/sitemap-rooms.xml.gz")[2])  # still a good gzip file
    assert body.startswith(b"<?xml")
    with pytest.raises(ET.ParseError):
        ET.fromstring(body)
    ET.fromstring(fetch(homes.base_url + "/sitemap-stays.xml")[2])
    for bad in (0, 1.5, "half", -3):
        with pytest.raises(ValueError):
            simulator.set_fault("goods", "malformed", bad)


def test_huge_streams_a_big_valid_looking_document(simulator):
    goods, cars, spaces, homes = (simulator.partner(k) for k in ("goods", "cars", "spaces", "homes"))
    simulator.set_fault("cars", "huge", 3)
    status, headers, body = fetch(cars.feed_url, timeout=20)
    assert status == 200 and int(headers["Content-Length"]) == len(body) >= 3 * 1024 * 1024
    feed = json.loads(body)
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and len(feed["items"]) > 1000
    head = fetch(cars.feed_url, method="HEAD")
    assert head[2] == b"" and head[1]["Content-Length"] == headers["Content-Length"]
    assert fetch(cars.feed_url, {"If-None-Match": headers["ETag"]})[0] == 304

    simulator.set_fault("goods", "huge", 1.5)
    body = fetch(goods.feed_url, timeout=20)[2]
    assert len(body) >= 1.5 * 1024 * 1024
    assert len(lxml_etree.fromstring(body).findall("channel/item")) > 100
    simulator.set_fault("spaces", "huge", 1)
    root = json.loads(fetch(spaces.feed_url, timeout=20)[2])["ListPublicReservationInstitution"]
    assert len(root["row"]) > 100 and root["RESULT"]["CODE"] == "INFO-000"
    simulator.set_fault("homes", "huge", 4, path="/sitemap-rooms.xml.gz")
    status, headers, packed = fetch(homes.base_url + "/sitemap-rooms.xml.gz", timeout=20)
    assert "Content-Length" not in headers and len(packed) < 1024 * 1024  # a decompression bomb
    inner = gzip.decompress(packed)
    assert len(inner) >= 4 * 1024 * 1024 and len(ET.fromstring(inner).findall(SITEMAP_NS + "url")) > 1000
    simulator.set_fault("homes", "huge", 0.5, path="/rooms/1001")
    page = fetch(homes.base_url + "/rooms/1001")[2]
    assert len(page) >= 512 * 1024 and page.rstrip().endswith(b"</html>")
    with pytest.raises(ValueError):
        simulator.set_fault("cars", "huge", 0)


def test_broken_jsonld_switch(simulator):
    homes = simulator.partner("homes")
    good = [i for i in simulator.items("homes") if i["invalid"] is None][:3]
    simulator.set_fault("homes", "broken_jsonld", True, path=good[0]["path"])
    broken = jsonld_blocks(fetch(homes.base_url + good[0]["path"])[2].decode())[0]
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken)
    json.loads(jsonld_blocks(fetch(homes.base_url + good[1]["path"])[2].decode())[0])
    simulator.set_fault("homes", "broken_jsonld", True)  # every room page, whatever the scope
    for item in good[1:]:
        with pytest.raises(json.JSONDecodeError):
            json.loads(jsonld_blocks(fetch(homes.base_url + item["path"])[2].decode())[0])
    ET.fromstring(fetch(homes.sitemap_url)[2])
    simulator.clear_faults("homes")
    json.loads(jsonld_blocks(fetch(homes.base_url + good[0]["path"])[2].decode())[0])
    with pytest.raises(ValueError):
        simulator.set_fault("goods", "broken_jsonld", True)


def test_scope_feed_covers_every_main_document(simulator):
    for key, main, other in (("spaces", "/sample/json/ListPublicReservationInstitution/1/5/", "/robots.txt"),
                             ("tools", "/tools?page=4", "/tools/101"), ("tools", "/legacy/tools.asp?page=1", "/"),
                             ("kids", "/sitemap.xml", "/products/5001"), ("events", "/events.atom", "/events/1040"),
                             ("homes", "/sitemap-rooms.xml.gz", "/rooms/1004"), ("homes", "/private/x", "/")):
        base = simulator.partner(key).base_url
        simulator.set_fault(key, "retry_after", 7)
        assert fetch(base + main)[0] == 429 and fetch(base + other)[0] == 200, (key, main)
        simulator.clear_faults(key)


def test_document_bytes_and_feed_bytes(simulator):
    assert simulator.feed_bytes("homes").startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex')
    assert simulator.feed_bytes("spaces") == fetch(simulator.partner("spaces").feed_url)[2]
    assert simulator.feed_bytes("tools") == fetch(simulator.partner("tools").feed_url)[2]
    assert simulator.document_bytes("kids", "/products/5001").startswith(b"<!DOCTYPE html>")
    assert simulator.document_bytes("kids", "/products/1") is None
    assert fetch(simulator.partner("homes").base_url + "/private/sitemap.xml")[2] == simulator.feed_bytes("homes")


# --- scale -------------------------------------------------------------------------------------------------------

def test_scale_multiplies_items():
    sim = PartnerSimulator(scale=10)
    with sim:
        counts = {p.key: len(sim.item_ids(p.key)) for p in sim.partners}
        assert counts == {"goods": 130, "cars": 120, "spaces": 1200, "events": 400, "homes": 600, "tools": 450,
                          "kids": 300}
        spaces = sim.partner("spaces")
        assert len(json.loads(fetch(api_url(spaces, 1001, 2000))[2])["ListPublicReservationInstitution"]["row"]) == 200
        tools = sim.partner("tools")
        assert b'<a class="next"' not in fetch(tools.base_url + "/tools?page=45")[2]
        homes = sim.partner("homes")
        rooms = sum(1 for i in sim.items("homes") if i["sitemap"] == "rooms")
        assert 190 <= rooms <= 200
        assert gzip.decompress(fetch(homes.base_url + "/sitemap-rooms.xml.gz")[2]).count(b"<url>") == rooms
        # the first items are the same as at scale 1
        assert sim.item_ids("spaces")[:5] == PartnerSimulator().item_ids("spaces")[:5]
        assert sum(1 for i in sim.items("homes") if i["invalid"]) == 4
        assert sim.items("goods")[13]["title"].endswith("(#1)")
        assert fetch(sim.partner("goods").feed_url)[2].count(b"<item>") == 130
        assert len({i["id"] for i in sim.items("cars")}) == 120
    small = PartnerSimulator(scale=0.1, partners=["spaces", "kids"])
    assert len(small.item_ids("spaces")) == 12 and len(small.item_ids("spaces", valid=False)) == 2
    assert len(small.item_ids("kids")) == 8 and len(small.item_ids("kids", valid=False)) == 1
    for bad in (0, -1, "10"):
        with pytest.raises(ValueError):
            PartnerSimulator(scale=bad)
