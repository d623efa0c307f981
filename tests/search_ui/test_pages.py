"""The portal's pages through Flask's test client: listing, platforms, privacy, feeds, OpenSearch,
language choice, headers, rate limiting, the way out of zero results."""

from __future__ import annotations

import json
from html.parser import HTMLParser
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import feedparser
import pytest

from indexer.listing import Listing, Price, listing_id
from tests.search_ui.conftest import KST, build_app, mark_gone, sample_listings

ATOM = "{http://www.w3.org/2005/Atom}"


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def hostile_listings(source_id: int) -> list[Listing]:
    return [*sample_listings(source_id), Listing(
        source_id, "hostile", "https://goods.example/items/hostile", "Ladder <img src=x onerror=alert(1)>",
        summary="<script>alert('summary')</script> sturdy ladder", category="tools", district="11440",
        price=Price(2000, "KRW", "day", 1, False), published_at=datetime(2026, 11, 21, 9, 0, tzinfo=KST),
        description_html='<p onclick="alert(2)">A ladder</p><script>alert(3)</script>'
                         '<a href="javascript:alert(4)">click</a><img src="x" onerror="alert(5)">'
                         '<a href="https://goods.example/terms">terms</a><iframe src="https://evil.example"></iframe>')]


@pytest.fixture
def hostile_client(settings):
    return build_app(settings, hostile_listings).test_client()


def _id(source_id: int, key: str) -> str:
    return listing_id(source_id, key)


def test_listing_page_shows_every_field_and_links_to_the_partner(client):
    drill = _id(1, "drill")
    response = client.get(f"/listings/{drill}?lang=ko")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1 id=\"listing-title\">전동드릴 대여</h1>" in page
    assert 'href="https://goods.example/items/drill" rel="noopener" target="_blank"' in page
    assert "3,000원 / 일" in page and "마포구 망원1동" in page and "공구" in page
    assert "<b>전동드릴</b>" in page                     # the partner's markup kept, sanitized
    assert 'class="district-minimap"' in page and "<circle" not in page  # no coordinates: outline only
    assert client.get("/listings/doesnotexist").status_code == 404
    assert client.get("/listings/..%2f..%2fetc").status_code == 404


def test_partner_html_is_sanitized_on_the_listing_page(hostile_client):
    page = hostile_client.get(f"/listings/{_id(1, 'hostile')}").get_data(as_text=True)
    body = page[page.index("<main"):page.index("</main>")]
    tags = Tags()
    tags.feed(body)
    assert not {"script", "iframe", "img"} & {tag for tag, _ in tags.found}
    attributes = {name for _, attrs in tags.found for name, _ in attrs}
    assert not {a for a in attributes if a.startswith("on")}
    assert not [v for _, attrs in tags.found for _, v in attrs if v and v.strip().lower().startswith("javascript:")]
    assert 'href="https://goods.example/terms"' in body
    assert "Ladder &lt;img src=x onerror=alert(1)&gt;" in body   # the title escaped, shown as text


def test_gone_listing_page_says_so_with_410(settings):
    app = build_app(settings)
    mark_gone(settings, _id(1, "drill"))
    response = app.test_client().get(f"/listings/{_id(1, 'drill')}?lang=en")
    assert response.status_code == 410
    assert "no longer offered on Neighbourhood Goods" in response.get_data(as_text=True)


def test_platforms_page_lists_what_each_shares_and_its_last_crawl(client):
    page = client.get("/platforms?lang=en").get_data(as_text=True)
    assert "Neighbourhood Goods" in page and 'href="https://goods.example/"' in page
    assert "Tools</a> (2)" in page and "Kids" in page
    assert ">3</a>" in page                              # active listings, linking to their search
    assert "just now" in page or "ago" in page
    api = client.get("/api/v1/platforms").get_json()
    assert api["platforms"][0]["active_listings"] == 3
    assert api["platforms"][0]["categories"] == {"tools": 2, "kids": 1}


def test_privacy_page_in_both_languages(client):
    assert "개인정보 보호법" in client.get("/privacy?lang=ko").get_data(as_text=True)
    english = client.get("/privacy?lang=en").get_data(as_text=True)
    assert "Personal Information Protection Act" in english and "never stored" in english


def test_language_from_switch_is_remembered_else_accept_language(client):
    assert 'lang="ko"' in client.get("/").get_data(as_text=True)          # no preference: Korean
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Search" in page
    response = client.get("/?lang=en")
    assert "lang=en" in response.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/platforms").get_data(as_text=True)   # remembered
    switched = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in switched
    client.get("/?lang=ko")
    assert '<html lang="ko">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_language_switch_links_keep_the_search(client):
    page = client.get("/?q=공구&category=tools&lang=ko").get_data(as_text=True)
    assert 'href="?q=%EA%B3%B5%EA%B5%AC&amp;category=tools&amp;lang=en"' in page


def test_search_page_has_a_district_map_whose_links_filter(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert page.count('<a href="/?district=') == 25
    assert 'aria-label="Mapo-gu: 2 listings"' in page
    filtered = client.get("/?lang=en&district=11440").get_data(as_text=True)
    assert 'aria-current="true"' in filtered and "2 results" in filtered
    # the other districts keep their counts on the map, so the citizen sees where else to look
    assert 'aria-label="Nowon-gu: 1 listings"' in filtered


def test_partial_results_for_scripts_and_vary_header(client):
    full = client.get("/?q=공구")
    partial = client.get("/?q=공구", headers={"X-Sharehub-Partial": "1"})
    assert "X-Sharehub-Partial" in full.headers["Vary"]
    text = partial.get_data(as_text=True)
    assert "<html" not in text and 'class="results-region"' in text and "<mark>공구</mark>" in text


def test_zero_results_offer_a_way_out(client):
    page = client.get("/?q=공구&category=kids&district=11440&lang=en").get_data(as_text=True)
    assert "No results." in page
    assert "The same search in all categories" in page and "The same search in all of Seoul" in page
    assert 'href="/?q=%EA%B3%B5%EA%B5%AC&amp;district=11440"' in page   # the category dropped


def test_did_you_mean_for_a_misspelled_word(client):
    page = client.get("/?q=strolller&lang=en").get_data(as_text=True)
    assert "Did you mean" in page and 'href="/?q=stroller"' in page


def test_security_headers_and_no_inline_script(client):
    response = client.get("/?q=공구")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    page = response.get_data(as_text=True)
    assert "<script>" not in page and " onclick=" not in page and "style=" not in page


def test_search_words_with_markup_stay_text(hostile_client):
    page = hostile_client.get("/?q=ladder&lang=en").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page


def test_api_and_feeds_carry_etags_and_answer_304(client):
    for url in ("/api/v1/listings?q=공구", "/feeds/search.atom?q=공구", "/feeds/search.json?category=tools"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers["ETag"]
        assert "max-age=" in first.headers["Cache-Control"]
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""


def test_rate_limit_answers_a_clear_429(settings):
    client = build_app(settings, test_config={"rate_limit": "3 per minute"}).test_client()
    assert [client.get("/api/v1/listings").status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get("/api/v1/listings?q=x")
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert "too many requests" in limited.get_json()["error"]
    page = client.get("/?lang=en")
    assert page.status_code == 429 and "Please wait a moment" in page.get_data(as_text=True)
    assert client.get("/static/site.css").status_code == 200      # assets are not counted


def test_rate_limit_off_by_setting(settings):
    client = build_app(settings, test_config={"rate_limit": ""}).test_client()
    assert all(client.get("/api/v1/listings").status_code == 200 for _ in range(200))


def test_atom_feed_of_a_search_parses_and_links_to_partners(client):
    response = client.get("/feeds/search.atom?category=tools&lang=en")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Tools — Seoul Sharing Hub"
    assert [e.link for e in feed.entries] == ["https://goods.example/items/toolset", "https://goods.example/items/drill"]
    assert feed.entries[0].author == "Neighbourhood Goods"
    root = ET.fromstring(response.data)
    assert root.find(f"{ATOM}link[@rel='self']") is not None


def test_json_feed_of_a_search(client):
    response = client.get("/feeds/search.json?q=stroller&lang=en")
    assert response.headers["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.data)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["url"] for item in feed["items"]] == ["https://goods.example/items/stroller"]
    assert feed["items"][0]["id"].endswith(f"/listings/{_id(1, 'stroller')}")
    assert "₩10,000 / week" in feed["items"][0]["content_text"]
    assert client.get("/feeds/search.json?free=maybe").status_code == 400


def test_search_page_links_its_feeds_and_opensearch(client):
    page = client.get("/?q=공구&district=11350&page=1").get_data(as_text=True)
    assert 'href="/feeds/search.atom?q=%EA%B3%B5%EA%B5%AC&amp;district=11350&amp;lang=ko"' in page
    assert 'type="application/feed+json"' in page
    assert 'rel="search" type="application/opensearchdescription+xml"' in page
    description = client.get("/opensearch.xml?lang=en")
    root = ET.fromstring(description.data)
    ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    templates = {u.get("type"): u.get("template") for u in root.findall(f"{ns}Url")}
    assert templates["text/html"] == "http://localhost/?q={searchTerms}&lang=en"
    assert templates["application/x-suggestions+json"].startswith("http://localhost/api/v1/suggest?q={searchTerms}")


def test_suggest_api_and_its_opensearch_shape(client):
    body = client.get("/api/v1/suggest?q=ㄱㄱ&lang=ko").get_json()
    assert any(s["label"].startswith("공구") for s in body["suggestions"])
    shape = client.get("/api/v1/suggest?q=baby&format=opensearch&lang=en").get_json()
    assert shape[0] == "baby" and "Baby stroller" in shape[1]


def test_errors_are_pages_or_json_never_tracebacks(client):
    assert "Page not found" in client.get("/nowhere?lang=en").get_data(as_text=True)
    missing = client.get("/api/v1/nowhere")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    assert client.get("/api/v1/listings/nope").status_code == 404


def test_dates_and_freshness_are_shown_per_locale(settings):
    def with_event(source_id):
        start = datetime.now(KST) + timedelta(days=3)
        return [Listing(source_id, "class", "https://goods.example/items/class", "Woodworking class",
                        category="talent", district="11440", price=Price(0, "KRW", None, None, True),
                        starts_at=start, ends_at=start + timedelta(hours=2),
                        updated_at=datetime.now(KST) - timedelta(hours=2))]
    client = build_app(settings, with_event).test_client()
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "updated 2 hours ago" in english and "<time datetime=" in english
    korean = client.get("/?lang=ko").get_data(as_text=True)
    assert "2시간 전 업데이트" in korean and "무료" in korean


def test_platform_named_in_the_page_language(client):
    korean = client.get("/?q=공구&lang=ko").get_data(as_text=True)
    assert "동네물품에서 보기" in korean and 'href="/?q=%EA%B3%B5%EA%B5%AC&amp;platform=Neighbourhood+Goods"' in korean
    english = client.get("/?q=공구&lang=en").get_data(as_text=True)
    assert "View on Neighbourhood Goods" in english and "동네물품" not in english


def test_language_links_stay_on_the_site(client):
    page = client.get("/%5Cevil.example/login?lang=ko").get_data(as_text=True)
    assert 'href="?lang=en"' in page and "evil.example/login?" not in page


def test_a_gone_listing_no_longer_shows_its_contact(settings):
    def with_contact(source_id):
        return [Listing(source_id, "room", "https://goods.example/items/room", "Study room", category="space",
                        district="11440", contact={"phones": ["010-1234-5678"], "emails": ["host@example.com"]})]
    app = build_app(settings, with_contact)
    client = app.test_client()
    room = _id(1, "room")
    assert "010-1234-5678" in client.get(f"/listings/{room}").get_data(as_text=True)
    mark_gone(settings, room)
    page = client.get(f"/listings/{room}")
    assert page.status_code == 410 and "010-1234-5678" not in page.get_data(as_text=True)
    api = client.get(f"/api/v1/listings/{room}").get_json()
    assert api["status"] == "gone" and api["contact"] is None


def test_retry_after_only_on_429(settings):
    client = build_app(settings, test_config={"rate_limit": "2 per minute"}).test_client()
    assert "Retry-After" not in client.get("/api/v1/listings").headers
    client.get("/api/v1/listings")
    assert "Retry-After" in client.get("/api/v1/listings").headers


def test_nearest_is_offered_only_with_a_place(client):
    assert 'value="distance"' not in client.get("/?q=공구").get_data(as_text=True)
    near = client.get("/?q=공구&near=37.55,126.92").get_data(as_text=True)
    assert 'value="distance"' in near
    clear = client.get("/?near=37.55,126.92&sort=distance&lang=en").get_data(as_text=True)
    assert "Clear filters" in clear and 'href="/">Clear filters' in clear   # no sort=distance left alone


def test_method_not_allowed_says_which_are(client):
    response = client.post("/api/v1/listings")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    page = client.post("/?lang=ko")
    assert "이 주소는 그런 요청을 받지 않습니다." in page.get_data(as_text=True)


def test_opensearch_suggestions_in_the_type_browsers_read(client):
    response = client.get("/opensearch.xml")
    assert 'type="application/x-suggestions+json" rel="suggestions"' in response.get_data(as_text=True)
    assert "Accept-Language" in response.headers["Vary"]


def test_a_search_that_cannot_be_read_says_so_in_the_page_language(client):
    page = client.get("/?page=0&lang=ko")
    assert page.status_code == 400 and "검색 조건을 읽을 수 없습니다: page" in page.get_data(as_text=True)


def test_a_huge_query_gets_a_short_clear_error(client):
    huge = "가" * 100_000
    page = client.get(f"/?q={huge}&lang=en")
    assert page.status_code == 400
    body = page.get_data(as_text=True)
    assert "q must be at most 500 characters" in body and len(body) < 60_000   # not echoed back whole
    api = client.get("/api/v1/listings", query_string={"q": huge})
    assert api.status_code == 400 and "at most 500" in api.get_json()["error"]
    assert client.get("/feeds/search.atom", query_string={"q": huge}).status_code == 400
