"""`sharehub demo` as a newcomer runs it: sample partners, crawl, index, a portal with both."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

from tests.partners import SPECS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_serves_results_from_both_partners(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAREHUB_")}
    env["SHAREHUB_DATA_DIR"] = str(tmp_path / "var")
    proc = subprocess.Popen([sys.executable, "-m", "search_ui.cli", "demo", "--port", str(port)], env=env,
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)
    reader.start()  # an unread pipe would block the demo once its buffer fills
    try:
        body, deadline = None, time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                # include_ended: the sample events are dated from 2026-12-01, some of them past by now.
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/listings?include_ended=true",
                                            timeout=5) as r:
                    body = json.load(r)
                if body["total"]:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert body is not None and body["total"] >= 300, "".join(output)[-3000:]
        assert len(body["facets"]["platform"]) == len(SPECS)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?q=%EA%B3%B5%EA%B5%AC", timeout=5) as r:
            page = r.read().decode("utf-8")
        assert "공구" in page and "rel=\"noopener\"" in page
        # The 18V drill that the lending centre and the tool library both list is one result.
        query = urllib.parse.urlencode({"q": "전동드릴 18V", "district": "11440"})
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/listings?{query}", timeout=5) as r:
            drills = json.load(r)
        assert [len(hit["also_on"]) for hit in drills["hits"]] == [1], drills
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    reader.join(10)
    log = "".join(output)
    assert "demo: source 1" in log and ": failed" not in log
