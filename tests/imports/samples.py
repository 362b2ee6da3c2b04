"""Shared helpers: the sample exports in tests/data/imports, read once per test session."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from review.imports import ParsedFile, read_file

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


@cache
def parsed(name: str) -> ParsedFile:
    """Reading is pure, so each sample is parsed once however many tests look at it."""
    return read_file(DATA / name)


def text_of(name: str) -> str:
    data = (DATA / name).read_bytes()
    return data.decode("utf-8-sig")
