"""`sharehub serve`: the portal under gunicorn, threaded workers, one app per worker process.

Each worker builds its own app after the fork (no preloading), so that no SQLite connection or
search-index handle is shared between processes.
"""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication

from config import Settings


class PortalServer(BaseApplication):
    def __init__(self, settings: Settings, options: dict):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from search_ui import create_app
        return create_app(settings=self.settings)


def worker_count(settings: Settings) -> int:
    # Python renders pages under one lock per process: with too few processes, the connections a
    # process happens to hold keep it busy while a core idles (measured: 3 workers left 15–20 % of
    # 2 cores idle under wrk, 5 none).
    return settings.web_workers or 2 * (os.cpu_count() or 1) + 1


def serve_production(settings: Settings, host: str, port: int, *, workers: int | None = None) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or worker_count(settings),
        "worker_class": "gthread",
        "threads": settings.web_threads,
        "preload_app": False,
        "accesslog": None,   # no access log: it would keep every client's address and search words
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "timeout": 60,
        "graceful_timeout": 10,
        "proc_name": "sharehub-web",
    }
    PortalServer(settings, options).run()
