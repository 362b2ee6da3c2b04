"""How far a long step has gone, told to whoever asked; the library itself never draws anything.

A function whose work can take seconds (an import, a dedupe, a harvest, building the text
features, gathering a report) takes ``progress: Progress | None = None`` and calls it as it goes:
``progress(step, done, total)``. ``step`` says what it is doing in words a user reads ("Scoring
candidate pairs"); ``done`` counts what is finished and never goes down within a step; ``total``
is how many there will be, or None while that is unknown. A step ends with a call where ``done``
equals ``total`` (a step whose total was unknown ends with its count as the total); a new step
name starts the next. Calls may come from another thread (a harvest's writer thread).

The command line draws the calls as a bar on a terminal (``review.cli.bars``); the app and tests
pass nothing. Without a callback a function reports nothing and pays only a test of ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

__all__ = ["Progress", "Tally", "counted"]

Progress = Callable[[str, int, int | None], None]

T = TypeVar("T")


class Tally:
    """One step's count for code that is not a simple loop: ``tally.add(n)`` as work is done
    (told every ``every`` items, so a tight loop does not call the edge each time), ``end()``
    when the step is over. With ``progress`` None every method does nothing."""

    def __init__(self, progress: Progress | None, step: str, total: int | None, every: int = 1):
        self.progress, self.step, self.total, self.every = progress, step, total, max(1, every)
        self.done = self.told = 0
        if progress is not None:
            progress(step, 0, total)

    def add(self, count: int = 1) -> None:
        if self.progress is None:
            return
        self.done += count
        if self.done - self.told >= self.every:
            self.told = self.done
            # short of the total until end(): the step is not over while its last part is saved
            shown = self.done if self.total is None else min(self.done, max(self.total - 1, 0))
            self.progress(self.step, shown, self.total)

    def end(self) -> None:
        if self.progress is None:
            return
        final = max(self.done, self.total or 0)
        self.progress(self.step, final, final)


def counted(
    progress: Progress | None,
    step: str,
    items: Iterable[T],
    total: int | None = None,
    *,
    every: int = 1000,
) -> Iterable[T]:
    """``items`` as they are, told as step ``step`` every ``every`` items and ended when they
    run out; with ``progress`` None, ``items`` itself (nothing added to the loop)."""
    if progress is None:
        return items
    return _counting(Tally(progress, step, total, every), items)


def _counting(tally: Tally, items: Iterable[T]) -> Iterator[T]:
    for item in items:
        yield item
        tally.add()
    tally.end()
