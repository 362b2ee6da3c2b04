"""Shared helpers: the sample exports in tests/data/imports, read once per test session."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from review.imports import ParsedFile, read_file

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
PUBMED = DATA.parent / "pubmed"  # the real efetch answers, kept once for all the tests


def sample(name: str) -> Path:
    """A sample export, or one of the real PubMed efetch answers the parser tests keep."""
    return DATA / name if (DATA / name).exists() else PUBMED / name


@cache
def parsed(name: str) -> ParsedFile:
    """Reading is pure, so each sample is parsed once however many tests look at it."""
    return read_file(sample(name))


def text_of(name: str) -> str:
    return sample(name).read_bytes().decode("utf-8-sig")
