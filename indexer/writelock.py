"""One writer at a time on an SQLite file, across processes, woken the moment the lock is free.

SQLite makes a second writer wait by sleeping and retrying (up to 100 ms a try), so two crawl
processes that take turns writing lose much of their time asleep. An exclusive flock on a file
beside the database queues them instead: the kernel wakes the waiter when the holder lets go.
SQLite's own locking stays in force underneath; this only decides who asks first.
"""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class WriteLock:
    def __init__(self, database: str | os.PathLike):
        self.path = Path(f"{database}.write-lock")
        self._fd: int | None = None
        # flock excludes other processes only; threads of this one queue on this lock first.
        self._threads = threading.RLock()
        self._depth = 0

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._threads:
            if self._depth == 0:
                if self._fd is None:
                    self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._threads:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
