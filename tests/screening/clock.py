"""A clock the tests move by hand: no sleeping, no timing asserts."""

from __future__ import annotations


class Clock:
    def __init__(self, at: float = 1_000_000.0):
        self.at = at

    def __call__(self) -> float:
        return self.at
