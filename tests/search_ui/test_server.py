"""`sharehub serve`: the portal under gunicorn, over real HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

SHAREHUB = Path(sys.executable).with_name("sharehub")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_serve_runs_gunicorn_workers_that_answer_and_stop_on_sigterm(tmp_path, app):
    # `app` built the catalog and index in the settings' data folder; serve the same folder.
    data_dir = app.extensions["sharehub.settings"].data_dir
    port = _free_port()
    env = dict(os.environ, SHAREHUB_DATA_DIR=data_dir, SHAREHUB_SECRET_KEY="test", SHAREHUB_RATE_LIMIT="2 per minute")
    proc = subprocess.Popen([str(SHAREHUB), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            try:
                status, headers, body = _get(f"http://127.0.0.1:{port}/?q=%EA%B3%B5%EA%B5%AC&lang=ko")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200, proc.stderr.read() if proc.poll() is not None else "no answer"
        assert "<mark>공구</mark>세트" in body
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        statuses = [_get(f"http://127.0.0.1:{port}/api/v1/listings")[0] for _ in range(6)]
        assert 429 in statuses          # the limit holds under the production server too
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err[-2000:]
    assert "Booting worker" in err
    assert "Using worker: sync" in err      # one request per process unless threads are asked for
    # No access log: neither the client's requests nor its search words are written anywhere.
    assert "GET /" not in out + err and "%EA%B3%B5" not in out + err


def test_threads_above_one_select_threaded_workers_and_the_default_is_two_per_core():
    from config import load_settings
    from search_ui.server import gunicorn_options

    default = gunicorn_options(load_settings(environ={}), "127.0.0.1", 8000)
    assert (default["worker_class"], default["threads"]) == ("sync", 1)
    assert default["workers"] == 2 * (os.cpu_count() or 1)
    threaded = gunicorn_options(load_settings(environ={"SHAREHUB_WEB_THREADS": "4", "SHAREHUB_WEB_WORKERS": "3"}),
                                "127.0.0.1", 8000)
    assert (threaded["worker_class"], threaded["threads"], threaded["workers"]) == ("gthread", 4, 3)
    assert gunicorn_options(load_settings(environ={}), "127.0.0.1", 8000, workers=7)["workers"] == 7
