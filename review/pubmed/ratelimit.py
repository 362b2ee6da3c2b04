"""Request spacing shared by every harvest in the process.

NCBI counts requests per second at its end, so bursts are what get an address blocked. One
limiter per (endpoint, key) spaces request starts evenly, with a safety margin, across threads.
"""

from __future__ import annotations

import threading
import time

# NCBI allows 3 requests/s without a key and 10 with one. The margin absorbs jitter in the time
# a request takes to reach the server, so arrivals stay under the limit in any one-second window.
MARGIN = 1.12


class RateLimiter:
    def __init__(self, per_second: float):
        self.interval = MARGIN / per_second
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> float:
        """Block until this caller may send; returns the seconds waited."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        delay = start - now
        if delay > 0:
            time.sleep(delay)
        return delay


_limiters: dict[tuple[str, bool], RateLimiter] = {}
_registry_lock = threading.Lock()


def limiter_for(base_url: str, has_key: bool) -> RateLimiter:
    """The process-wide limiter for an endpoint: several harvests share one budget."""
    key = (base_url, has_key)
    with _registry_lock:
        if key not in _limiters:
            _limiters[key] = RateLimiter(10 if has_key else 3)
        return _limiters[key]
