"""The search page in a real headless Chromium (Debian's package), served over real HTTP."""

from __future__ import annotations

import shutil
import subprocess
import threading

import pytest
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def chromium(tmp_path, *args) -> subprocess.CompletedProcess:
    assert shutil.which(CHROMIUM), "Chromium is missing: `make browser` installs Debian's package"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=90)


def test_results_render_in_chromium(live_url, tmp_path):
    proc = chromium(tmp_path, "--dump-dom", f"{live_url}/?q=%EA%B3%B5%EA%B5%AC&lang=ko")
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert "<mark>공구</mark>세트 (가정용)" in dom  # the query word highlighted
    assert 'href="https://goods.example/items/toolset"' in dom
    assert "1건" in dom


def test_screenshot_of_the_search_page(live_url, tmp_path):
    shot = tmp_path / "search.png"
    proc = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,900", f"{live_url}/?lang=en")
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
