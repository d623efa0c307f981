"""The search page in a real headless Chromium (Debian's package, driven by Playwright), served over
real HTTP; accessibility checked with axe-core. Fixtures and helpers: browser.py."""

from __future__ import annotations

import pytest

from .browser import axe_violations, collect_js_errors, format_violations, screenshot

pytestmark = pytest.mark.browser

KO_RESULTS = "/?q=%EA%B3%B5%EA%B5%AC&lang=ko"  # q=공구
EN_HOME = "/?lang=en"


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_results_render_in_chromium(js, new_page, live_url):
    page = new_page(java_script_enabled=js)
    errors = collect_js_errors(page)
    page.goto(live_url + KO_RESULTS)
    title = page.get_by_role("link", name="공구세트 (가정용)")
    assert title.inner_html() == "<mark>공구</mark>세트 (가정용)"  # the query word highlighted
    assert page.locator('a[href="https://goods.example/items/toolset"]').count() >= 1  # to the platform
    assert "1건" in page.locator("main").inner_text()
    assert errors == []


def test_screenshot_of_the_search_page(page, live_url, js_errors):
    page.goto(live_url + EN_HOME)
    shot = screenshot(page, "search-en")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert js_errors == []


@pytest.mark.parametrize("path", [KO_RESULTS, EN_HOME], ids=["ko-results", "en-home"])
def test_search_page_has_no_axe_violations(path, page, live_url):
    page.goto(live_url + path)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("path", [KO_RESULTS, EN_HOME], ids=["ko-results", "en-home"])
def test_search_page_fits_a_360px_screen(path, new_page, live_url):
    page = new_page(viewport={"width": 360, "height": 740})
    page.goto(live_url + path)
    screenshot(page, f"search-360-{'ko-results' if path == KO_RESULTS else 'en-home'}")
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"horizontal scroll at 360px: scrollWidth={scroll_width}"


CSP = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'"


def test_axe_runs_under_a_strict_csp(page):
    """axe_violations must work in an ordinary page (CSP enforced, no bypass_csp), and JS errors
    (here the CSP blocking an inline script) must be collected."""
    errors = collect_js_errors(page)
    page.route("http://csp.test/", lambda route: route.fulfill(
        content_type="text/html", headers={"Content-Security-Policy": CSP},
        body='<!doctype html><html lang="en"><title>t</title><main><h1>t</h1>'
             '<script>document.title = "ran"</script><img src="/x.png"></main></html>'))
    page.route("http://csp.test/x.png", lambda route: route.fulfill(status=404))
    page.goto("http://csp.test/")
    assert page.title() == "t"  # the inline script was blocked: the CSP is in force
    violations = axe_violations(page)
    assert [v["id"] for v in violations] == ["image-alt"], format_violations(violations)
    assert violations[0]["nodes"][0]["target"] == "img"
    assert any("Content Security Policy" in e for e in errors), errors
    assert axe_violations(page, disable_rules=["image-alt"]) == []
