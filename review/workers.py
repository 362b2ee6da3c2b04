"""Worker processes that end with the process that started them.

A process pool's workers wait on a queue whose write end they hold themselves, so when the parent
is stopped by a signal (a killed harvest, a server stopped with SIGKILL) and never shuts the pool
down, they would wait forever. Each worker therefore watches its parent's pid and leaves when it
is gone.
"""

from __future__ import annotations

import os
import signal
import threading
import time


def start_worker(parent: int, ignore_interrupt: bool = False) -> None:
    """A pool initializer: watch ``parent`` (and leave Ctrl-C to it when asked)."""
    if ignore_interrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent, 0)
            except (ProcessLookupError, PermissionError):  # gone, or its pid reused by another
                os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
