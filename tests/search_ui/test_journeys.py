"""A citizen's main journeys in headless Chromium, with JavaScript on and off: search in Korean,
filter by district from the map, switch to English, open a listing, follow to the partner,
subscribe to a feed. Every page type is checked with axe-core; partner text never runs.
Screenshots go to test-output/screenshots/."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlparse

import pytest

from indexer.listing import Listing, Price, listing_id
from tests.search_ui.conftest import KST, build_app, sample_listings

from .browser import axe_violations, collect_js_errors, format_violations, live_server, screenshot

pytestmark = pytest.mark.browser


def hostile(source_id: int) -> list[Listing]:
    return [*sample_listings(source_id), Listing(
        source_id, "hostile", "https://goods.example/items/hostile", "사다리 <img src=x onerror=\"window.pwned=1\">",
        summary="<script>window.pwned=2</script> 튼튼한 사다리", category="tools", district="11440",
        lat=37.5563, lon=126.9220, price=Price(2000, "KRW", "day", 1, False),
        published_at=datetime(2026, 11, 21, 9, 0, tzinfo=KST),
        description_html='<p onmouseover="window.pwned=3">사다리</p><script>window.pwned=4</script>'
                         '<a id="bad" href="javascript:window.pwned=5">누르기</a><img src="x" onerror="window.pwned=6">'
                         '<svg><script>window.pwned=7</script></svg><iframe srcdoc="<script>parent.pwned=8</script>"></iframe>')]


@pytest.fixture
def site(settings):
    with live_server(build_app(settings, hostile, {"rate_limit": ""})) as url:
        yield url


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_search_filter_by_map_switch_language_open_and_follow(js, new_page, site):
    page = new_page(java_script_enabled=js)
    errors = collect_js_errors(page)
    page.goto(site + "/")
    box = page.get_by_role("combobox" if js else "searchbox", name="검색어")
    box.fill("대여")
    if js:
        # Results arrive as one types, without a reload; the address follows.
        page.wait_for_function("() => location.search.includes('q=')")
        page.get_by_role("heading", name="2건").wait_for()
    else:
        box.press("Enter")
        page.wait_for_load_state()
    assert query_of(page.url)["q"] == ["대여"]
    assert page.get_by_role("heading", name="2건").is_visible()
    screenshot(page, f"journey-{'js' if js else 'nojs'}-1-search-ko")

    # The district map: Mapo-gu is a link that filters (with JavaScript, without a reload).
    if js:
        page.evaluate("() => { window.sameDocument = true; }")
    page.get_by_role("link", name=re.compile(r"^마포구: \d+건$")).click()
    page.wait_for_function("() => location.search.includes('district=11440')")
    page.get_by_role("heading", name="1건").wait_for()
    assert query_of(page.url)["district"] == ["11440"] and query_of(page.url)["q"] == ["대여"]
    assert page.locator("svg.district-map a[aria-current='true']").get_attribute("aria-label").startswith("마포구")
    if js:
        assert page.evaluate("() => window.sameDocument") is True
        assert page.evaluate("() => document.activeElement.id") == "results-heading"
        assert page.locator("#live-status").inner_text() == "1건"
    screenshot(page, f"journey-{'js' if js else 'nojs'}-2-map-filter")

    # Back returns to the unfiltered search (a real history entry either way).
    page.go_back()
    page.wait_for_function("() => !location.search.includes('district=')")
    page.get_by_role("heading", name="2건").wait_for()
    page.go_forward()
    page.wait_for_function("() => location.search.includes('district=11440')")

    # English keeps the search and names things in English.
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert query_of(page.url)["district"] == ["11440"]
    page.get_by_role("heading", name="1 result").wait_for()
    assert "Mapo-gu" in page.locator(".hits").inner_text()
    screenshot(page, f"journey-{'js' if js else 'nojs'}-3-english")

    # Open the listing, then follow to the partner.
    page.get_by_role("link", name="전동드릴 대여").click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == f"/listings/{listing_id(1, 'drill')}"
    page.get_by_role("heading", name="전동드릴 대여", level=1).wait_for()
    go = page.get_by_role("link", name=re.compile("^View on Neighbourhood Goods"))
    assert go.get_attribute("href") == "https://goods.example/items/drill"
    assert "noopener" in go.get_attribute("rel") and go.get_attribute("target") == "_blank"
    assert page.locator("svg.district-minimap path.here").count() == 1
    screenshot(page, f"journey-{'js' if js else 'nojs'}-4-listing")
    page.context.route("https://goods.example/**", lambda route: route.fulfill(
        content_type="text/html", body="<title>partner</title><h1>Neighbourhood Goods</h1>"))
    with page.context.expect_page() as opened:
        go.click()
    partner = opened.value
    partner.wait_for_load_state()
    assert partner.url == "https://goods.example/items/drill"
    if js:  # (evaluate needs JavaScript)
        assert partner.evaluate("() => window.opener") is None   # noopener: no way back into the hub
    assert errors == []


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_subscribe_to_a_search_feed(js, new_page, site):
    page = new_page(java_script_enabled=js)
    page.goto(site + "/?q=%EB%8C%80%EC%97%AC&district=11440&lang=en")   # q=대여
    atom = page.locator("link[rel=alternate][type='application/atom+xml']").get_attribute("href")
    assert query_of(atom) == {"q": ["대여"], "district": ["11440"], "lang": ["en"]}
    page.get_by_role("link", name="Atom").click()
    page.wait_for_load_state()
    assert "https://goods.example/items/drill" in page.content()     # the browser shows the feed
    response = page.request.get(site + atom)
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert response.text().count("<entry>") == 1 and "전동드릴 대여" in response.text()


def test_partner_text_never_runs(page, site):
    errors = collect_js_errors(page)
    for path in ("/?q=%EC%82%AC%EB%8B%A4%EB%A6%AC", f"/listings/{listing_id(1, 'hostile')}"):
        page.goto(site + path)
        page.mouse.move(10, 10)
        page.hover("main")
        assert page.evaluate("() => window.pwned") is None, path
    # The javascript: link lost its href; clicking what is left does nothing.
    assert page.locator("a#bad[href^='javascript']").count() == 0
    assert page.locator(".description script, .description iframe, .description img").count() == 0
    screenshot(page, "hostile-listing")
    assert [e for e in errors if "Content Security Policy" not in e] == [], errors


PAGES = {
    "search-ko": "/?q=%EA%B3%B5%EA%B5%AC&lang=ko",
    "search-en-filtered": "/?q=tools&category=tools&district=11440&lang=en",
    "zero-results": "/?q=%EC%97%86%EB%8A%94%EB%A7%90&category=kids&lang=ko",
    "listing": f"/listings/{listing_id(1, 'drill')}?lang=ko",
    "listing-en": f"/listings/{listing_id(1, 'hostile')}?lang=en",
    "platforms": "/platforms?lang=en",
    "privacy": "/privacy?lang=ko",
    "not-found": "/nowhere?lang=en",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_type_has_no_axe_violations(name, page, site):
    page.goto(site + PAGES[name])
    violations = axe_violations(page)
    screenshot(page, f"axe-{name}")
    assert violations == [], format_violations(violations)


def test_suggestions_by_keyboard(page, site):
    page.goto(site + "/")
    box = page.get_by_role("combobox", name="검색어")
    box.type("ㄱㄱ", delay=30)
    listbox = page.get_by_role("listbox")
    listbox.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    options = listbox.get_by_role("option")
    assert any(text.startswith("공구") for text in options.all_inner_texts())
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "suggestion-0"
    box.press("Enter")
    page.wait_for_function("() => location.search.length > 1")
    assert "공구" in page.locator("main").inner_text()
    screenshot(page, "suggestions")


def test_near_me_asks_on_click_and_sorts_by_distance(new_page, site):
    page = new_page(geolocation={"latitude": 37.5567, "longitude": 126.9227}, permissions=["geolocation"])
    page.goto(site + "/?lang=en")
    near = page.get_by_role("button", name="Near me")
    assert "near=" not in page.url     # nothing asked before the click
    near.click()
    page.wait_for_function("() => location.search.includes('near=')")
    near_arg = query_of(page.url)["near"][0]
    assert near_arg == "37.557,126.923"       # rounded: about 100 m is enough to search nearby
    assert query_of(page.url)["sort"] == ["distance"]
    page.get_by_role("heading", name="1 result").wait_for()
    assert "km away" in page.locator(".hits").inner_text()


def test_phone_width_has_no_horizontal_scroll(new_page, site):
    page = new_page(viewport={"width": 360, "height": 740})
    for name, path in (("listing", PAGES["listing-en"]), ("platforms", PAGES["platforms"])):
        page.goto(site + path)
        screenshot(page, f"360-{name}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360, name
