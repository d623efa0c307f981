"""Real-browser test support: the app over real HTTP, Debian's headless Chromium driven by Playwright,
axe-core accessibility checks, screenshots kept as CI evidence, and JavaScript error collection.

The fixtures are defined here and imported by ``tests/search_ui/conftest.py``:

- ``live_url`` -> str: the ``app`` fixture served on http://127.0.0.1:<free port> (see `live_server`).
- ``chromium_browser`` (session): one Chromium (``/usr/bin/chromium``, or $SHAREHUB_CHROMIUM) for the
  whole run; fails with "run `make browser`" when it is missing. Playwright's own browser builds are
  never used (``playwright install`` cannot download anything here).
- ``new_page(**context_options)`` -> Page: a page in a fresh context; options are Playwright's
  ``Browser.new_context`` ones over the defaults `CONTEXT_DEFAULTS` (1280x900, ko-KR), e.g.
  ``new_page(viewport={"width": 360, "height": 740})``, ``new_page(locale="en-US")`` or
  ``new_page(geolocation={"latitude": 37.55, "longitude": 126.91}, permissions=["geolocation"])``.
  Every context is closed after the test.
- ``page``: ``new_page()``; ``page_nojs``: ``new_page(java_script_enabled=False)``.
- ``js_errors`` -> `JsErrors`: the console errors and uncaught exceptions of ``page`` (for another page
  call `collect_js_errors` right after creating it).

Helpers: `axe_violations`, `format_violations`, `screenshot`, `collect_js_errors`, `live_server`.
"""

from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Browser, Page

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SHAREHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_JS = Path(os.environ.get("SHAREHUB_AXE_JS")
              or REPO_ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js")
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SCREENSHOTS = REPO_ROOT / "test-output" / "screenshots"
CONTEXT_DEFAULTS: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}, "locale": "ko-KR"}
TIMEOUT_MS = 20_000  # a hung page fails the test in seconds, well before pytest-timeout


# --- the app over real HTTP -------------------------------------------------------------------

@contextmanager
def live_server(app: Flask, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `app` with werkzeug (threaded) on a free port of `host`; yields the base URL."""
    server = make_server(host, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def live_url(app) -> Iterator[str]:
    with live_server(app) as url:
        yield url


# --- Chromium and pages -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make browser` (installs Debian's "
                    "chromium, fonts-nanum and axe-core)", pytrace=False)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def new_page(chromium_browser) -> Iterator[Callable[..., Page]]:
    """Factory: ``new_page(**context_options)`` opens a page in its own new browser context."""
    contexts = []

    def factory(**context_options: Any) -> Page:
        context = chromium_browser.new_context(**{**CONTEXT_DEFAULTS, **context_options})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    """1280x900, locale ko-KR, JavaScript on, the site's CSP enforced (no bypass_csp)."""
    return new_page()


@pytest.fixture
def page_nojs(new_page) -> Page:
    """As `page` with JavaScript disabled: what a no-JS visitor or a crawler sees. Playwright's
    ``evaluate`` hangs in such a context, so `axe_violations` can't run here."""
    return new_page(java_script_enabled=False)


# --- JavaScript errors ------------------------------------------------------------------------

class JsErrors(list):
    """``console.error`` messages (this includes CSP violations and failed loads: Chromium logs them
    as console errors) and uncaught exceptions (``pageerror``), as strings, in order.
    ``assert js_errors == []`` shows them in the failure."""


def _is_favicon_load(message: Any) -> bool:
    # Chromium asks for /favicon.ico by itself (once per browser); a 404 there is not the page's error.
    return urlsplit((message.location or {}).get("url") or "").path == "/favicon.ico"


def collect_js_errors(page: Page) -> JsErrors:
    """Start collecting `page`'s JavaScript errors; call before the first ``goto``."""
    errors = JsErrors()

    def on_console(message: Any) -> None:
        if message.type == "error" and not _is_favicon_load(message):
            where = (message.location or {}).get("url") or ""
            errors.append(f"console.error: {message.text}" + (f" ({where})" if where else ""))

    def on_pageerror(error: Any) -> None:
        errors.append(f"pageerror: {getattr(error, 'name', '') or 'Error'}: "
                      f"{getattr(error, 'message', None) or error}")

    page.on("console", on_console)
    page.on("pageerror", on_pageerror)
    return errors


@pytest.fixture
def js_errors(page) -> JsErrors:
    return collect_js_errors(page)


# --- axe-core ---------------------------------------------------------------------------------

_AXE_RUN = """async ([tags, disabled]) => {
  const rules = Object.fromEntries(disabled.map((id) => [id, {enabled: false}]));
  const result = await window.axe.run(document, {
    runOnly: {type: 'tag', values: tags}, rules, resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.flat(Infinity).join(' '), html: n.html,
                                failureSummary: n.failureSummary}))}));
}"""


def axe_violations(page: Page, *, disable_rules: Iterable[str] = ()) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page as it is now; returns its violations as
    ``{"id", "impact", "help", "helpUrl", "nodes": [{"target", "html", "failureSummary"}]}``.

    Why no ``bypass_csp``: the site sends a strict Content-Security-Policy (``script-src 'self'``),
    which blocks what ``page.add_script_tag`` injects (an inline ``<script>``). A context made with
    ``bypass_csp=True`` would let it in, but it also switches the CSP off for everything on that page,
    so axe would audit a page that real visitors never get (blocked scripts/styles applied) and a
    CSP violation could no longer show up in `collect_js_errors`. Instead the axe source is evaluated
    through Playwright's ``page.evaluate`` (the DevTools protocol), which the page's CSP does not
    govern, in the ordinary `page`/`new_page` contexts with the CSP enforced: no special fixture is
    needed and axe sees exactly what visitors get. (test_browser.py checks this under a strict CSP.)
    Not usable on `page_nojs`: with JavaScript disabled Playwright's evaluate never returns.

    ``disable_rules`` switches off axe rule ids (an unknown id makes axe raise).
    """
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is missing at {AXE_JS}: run `make browser` (or point SHAREHUB_AXE_JS "
                    "at an axe.min.js)", pytrace=False)
    if page.evaluate("() => typeof window.axe") != "object":
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(_AXE_RUN, [list(AXE_TAGS), list(disable_rules)])


def format_violations(violations: list[dict]) -> str:
    """A readable summary for assertion messages: one block per rule, one line per element."""
    if not violations:
        return "no axe violations"
    lines = [f"{len(violations)} axe violation(s):"]
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact') or '?'}]: {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", []):
            html = " ".join((node.get("html") or "").split())
            lines.append(f"    {node['target']}  {html[:160]}")
    return "\n".join(lines)


# --- screenshots ------------------------------------------------------------------------------

def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG as test-output/screenshots/<name>.png (kept by CI as evidence)."""
    name = name.removesuffix(".png")
    if not re.fullmatch(r"[\w.-]+", name):
        raise ValueError(f"screenshot name {name!r}: letters, digits, '.', '_' and '-' only")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
