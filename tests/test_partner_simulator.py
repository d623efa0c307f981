"""The partner simulator itself (tests/partners): real HTTP, real bytes, faults that really happen."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime

import feedparser
import pytest

from tests.partners import Partner, PartnerSimulator, etag_of


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
    assert [p.key for p in partners] == ["goods", "cars"]
    assert all(isinstance(p, Partner) and p.kind == "feed" for p in partners)
    goods, cars = simulator.partner("goods"), simulator.partner("cars")
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
                    assert item["title"].replace("&", "&amp;").replace('"', "&quot;") in body.decode(charset)
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


def test_robots_txt_allows_all_but_private(simulator):
    goods = simulator.partner("goods")
    status, headers, body = fetch(goods.base_url + "/robots.txt")
    assert status == 200 and headers["Content-Type"] == "text/plain"
    assert "User-agent: *" in body.decode() and "Disallow: /private/" in body.decode()
    # the disallowed mirror really serves the feed, so only robots.txt keeps a crawler out
    assert fetch(goods.base_url + "/private/feed.xml")[2] == simulator.feed_bytes("goods")


@pytest.mark.parametrize("key", ["goods", "cars"])
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
    started = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        fetch(simulator.partner("goods").feed_url, timeout=0.3)
    assert time.monotonic() - started < 2
    simulator.set_fault("goods", "delay", 0.2)
    started = time.monotonic()
    assert fetch(simulator.partner("goods").feed_url)[0] == 200
    assert time.monotonic() - started >= 0.2


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


def test_start_and_stop_are_quick_and_stop_cuts_delays_short():
    started = time.monotonic()
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
    assert not worker.is_alive()
    assert time.monotonic() - started < 3
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
