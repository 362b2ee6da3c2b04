"""The library's progress (``review.progress``) drawn as bars on a terminal, with click's bar.

A command hands the library ``drawn(silent)``: bars on standard error when that is a terminal
and neither ``--quiet`` nor ``--json`` was given, else None, so a pipe, a log file or a cron job
gets nothing and the library pays nothing. A step is drawn only once the terminal has been silent
for ``REVIEW_PROGRESS_DELAY`` seconds (2 by default): a step that ends sooner is never shown, and
a run of short steps cannot keep the terminal silent for longer than that either. A drawn bar is
redrawn at most ten times a second, and finished (a new line) when its step ends, another step
starts or the command ends, so what the command prints next starts on a line of its own.
"""

from __future__ import annotations

import contextlib
import itertools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

import click

from review.cli.options import settings

INTERVAL = 0.1  # seconds between two redraws of a bar
STARTED = time.monotonic()  # about when the command started: the terminal is silent since
WIDTH = 24  # the bar's own width in characters


class Bars:
    """A ``review.progress.Progress`` that draws each step as a click progress bar on
    ``stream``; safe to call from several threads (a harvest stores pages on its own)."""

    def __init__(
        self,
        stream: TextIO,
        delay: float,
        clock: Callable[[], float] = time.monotonic,
        since: float | None = None,
    ) -> None:
        self.stream = stream
        self.delay = delay
        self.clock = clock
        self._lock = threading.Lock()
        self._step: str | None = None
        self._bar: Any = None  # click's ProgressBar of the step being drawn
        self._ended = False  # the step reached its total: later calls for it change nothing
        # when the terminal last showed something of ours (``since``: the command's start)
        self._quiet_since = clock() if since is None else since
        self._drawn = 0.0

    def __call__(self, step: str, done: int, total: int | None) -> None:
        with self._lock:
            now = self.clock()
            if step != self._step:
                self._finish()
                self._step, self._ended = step, False
            if self._ended:
                return
            end = total is not None and done >= total
            if self._bar is None:
                if end or now - self._quiet_since < self.delay:
                    self._ended = end  # over before it was worth showing
                    return
                self._bar = self._open(step, total)
            elif not end and now - self._drawn < INTERVAL:
                return
            self._draw(done, total)
            self._drawn = self._quiet_since = now
            if end:
                self._finish()
                self._ended = True

    def close(self) -> None:
        """End the line of a bar still drawn (its step was cut short or never said its end);
        called before the command prints, which the terminal then shows."""
        with self._lock:
            self._finish()
            self._quiet_since = self.clock()

    def _open(self, step: str, total: int | None) -> Any:
        endless = itertools.count()  # no length: click draws a bar that moves to and fro
        return click.progressbar(
            endless if total is None else None,
            length=total,
            label=step,
            file=self.stream,
            width=WIDTH,
            show_eta=True,
            show_percent=total is not None,
            item_show_func=lambda item: item,
        )

    def _draw(self, done: int, total: int | None) -> None:
        bar = self._bar
        bar.length, bar.show_percent = total, total is not None
        count = f"{done:,}" if total is None else f"{done:,}/{total:,}"
        if done > bar.pos:
            bar.update(done - bar.pos, count)
        else:
            bar.current_item = count
            bar.render_progress()

    def _finish(self) -> None:
        if self._bar is not None:
            self._bar.render_finish()
            self._bar = None
            self._quiet_since = self.clock()


@contextlib.contextmanager
def drawn(silent: bool) -> Iterator[Bars | None]:
    """The progress a command hands the library: bars on a terminal, else None (``silent``:
    ``--quiet`` or ``--json``). Whatever the command ends with, a bar's line is ended first."""
    stream = sys.stderr
    if silent or not stream.isatty():
        yield None
        return
    bars = Bars(stream, settings().progress_delay, since=STARTED)
    try:
        yield bars
    finally:
        bars.close()
