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
    return settings.web_workers or 2 * (os.cpu_count() or 1)


def gunicorn_options(settings: Settings, host: str, port: int, *, workers: int | None = None) -> dict:
    threads = max(1, settings.web_threads)
    return {
        "bind": f"{host}:{port}",
        "workers": workers or worker_count(settings),
        # One request per process by default: a sync worker accepts a connection only when it is
        # idle, so the kernel hands each request to a free process. Threaded workers keep the
        # keep-alive connections they accepted, and a process holding more of them than its
        # threads, all under one GIL, made the slow tail (wrk, 2 cores: p99 157 ms against 45 ms).
        # Threads pay off when requests wait on a remote search node rather than on the CPU.
        "worker_class": "sync" if threads == 1 else "gthread",
        "threads": threads,
        "preload_app": False,
        "accesslog": None,   # no access log: it would keep every client's address and search words
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "timeout": 60,
        "graceful_timeout": 10,
        "proc_name": "sharehub-web",
    }


def serve_production(settings: Settings, host: str, port: int, *, workers: int | None = None) -> None:
    PortalServer(settings, gunicorn_options(settings, host, port, workers=workers)).run()
