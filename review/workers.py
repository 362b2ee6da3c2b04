"""Worker processes that end with the process that started them.

A process pool's workers wait on a queue whose write end they hold themselves, so when the parent
is stopped by a signal (a killed harvest, a server stopped with SIGKILL) and never shuts the pool
down, they would wait forever. Each worker therefore watches its parent's pid and leaves when it
is gone. A worker doing background work (the Screen page's ranking) lowers its own priority, so
that on a machine of two cores the app's page, which a reviewer waits on, always comes first.
"""

from __future__ import annotations

import os
import signal
import threading
import time


def start_worker(parent: int, ignore_interrupt: bool = False, niceness: int = 0) -> None:
    """A pool initializer: watch ``parent`` (and leave Ctrl-C to it when asked); ``niceness`` is
    added to the worker's own (a process may always lower its priority, never raise it)."""
    if ignore_interrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if niceness:
        os.nice(niceness)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent, 0)
            except (ProcessLookupError, PermissionError):  # gone, or its pid reused by another
                os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
