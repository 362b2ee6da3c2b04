"""Request spacing shared by every harvest on the machine.

NCBI counts requests per second at its end, per address (or per API key), so bursts are what get
an address blocked. One limiter per (endpoint, key) spaces request starts evenly, with a safety
margin. It is shared by the threads of a process, and through a small locked file by the
processes of the machine too: the app, a `review search` and a cron `review update` may all run
at once. The folder of those files is the caller's to give (the edges take it from
``review.config``: REVIEW_RATE_DIR, else the user's cache).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import struct
import threading
import time
from pathlib import Path

# NCBI allows 3 requests/s without a key and 10 with one. The margin absorbs jitter in the time
# a request takes to reach the server, so arrivals stay under the limit in any one-second window.
MARGIN = 1.12
_STALE = 30.0  # a slot booked further ahead than this is a leftover (clock change): ignore it


class RateLimiter:
    def __init__(self, per_second: float, shared_file: Path | None = None):
        self.interval = MARGIN / per_second
        self._lock = threading.Lock()
        self._next = 0.0
        self._file = None
        if shared_file is not None:
            with contextlib.suppress(OSError):  # unwritable: this process's spacing still holds
                shared_file.parent.mkdir(parents=True, exist_ok=True)
                self._file = open(shared_file, "a+b")  # noqa: SIM115  (held for the process)

    def wait(self) -> float:
        """Block until this caller may send; returns the seconds waited."""
        with self._lock:
            now = time.time()
            start = max(now, self._next)
            if self._file is not None:
                start = self._book_shared(now, start)
            self._next = start + self.interval
        delay = start - now
        if delay > 0:
            time.sleep(delay)
        return delay

    def _book_shared(self, now: float, start: float) -> float:
        """Take the next free slot from the file all processes share; returns its time."""
        file = self._file
        assert file is not None  # only called when the limiter shares a file
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            file.seek(0)
            data = file.read(8)
            booked = struct.unpack("d", data)[0] if len(data) == 8 else 0.0
            if booked > now + _STALE:
                booked = 0.0
            start = max(start, booked)
            file.seek(0)
            file.truncate()
            file.write(struct.pack("d", start + self.interval))
            file.flush()
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)
        return start


_limiters: dict[tuple[str, str, Path | None], RateLimiter] = {}
_registry_lock = threading.Lock()


def limiter_for(base_url: str, api_key: str, state_dir: Path | None = None) -> RateLimiter:
    """The limiter for an endpoint and key: every harvest using ``state_dir`` on the machine
    shares its budget (without one, the threads of this process share it)."""
    key = (base_url, api_key, state_dir)
    with _registry_lock:
        if key not in _limiters:
            digest = hashlib.sha256(f"{base_url}\n{api_key}".encode()).hexdigest()[:16]
            shared = state_dir / digest if state_dir is not None else None
            _limiters[key] = RateLimiter(10 if api_key else 3, shared)
        return _limiters[key]
