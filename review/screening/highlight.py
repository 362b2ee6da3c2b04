"""Where the reviewer's keywords occur in a record's text, for the screening card to mark them.

A keyword matches whole words as the reviewer wrote it, so ``rat`` marks "rat", "rats" and
"rat's" but never "rate" or "ratio". Plain keywords also take the regular plural ("trial" marks
"trials", "study" marks "studies"); a ``*`` stands for any letters, so ``random*`` is a stem that
marks "randomised" and "randomly", and ``wom*n`` marks "woman" and "women". Several words match
as a phrase across any spacing. Case and accents are ignored (``muller`` marks "Müller"); the
positions returned are those of the text as given, so the card marks the original characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_PLURAL = r"(?:'s|s|es)?"


@dataclass(frozen=True)
class Mark:
    """A keyword found in a text: ``text[start:end]``, of kind "include" or "exclude"."""

    start: int
    end: int
    kind: str


def fold(text: str) -> str:
    """``text`` lower-cased with accents dropped, character for character (same length), so a
    match in the folded text is a match at the same place in the original."""
    return "".join(_fold_char(c) for c in text)


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c.isascii():
        return c.lower()
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


def _word(piece: str, last: bool) -> str:
    """One word of a keyword as a regular expression over folded text."""
    if "*" in piece:
        return r"\w*".join(re.escape(part) for part in piece.split("*"))
    if not last:
        return re.escape(piece)
    if piece.endswith("y") and len(piece) > 2 and piece[-2] not in "aeiou":
        return re.escape(piece[:-1]) + r"(?:y|ies|y's)"  # study, studies
    return re.escape(piece) + _PLURAL


@lru_cache(maxsize=512)
def keyword_pattern(keyword: str) -> re.Pattern[str] | None:
    """The pattern (over ``fold``-ed text) that finds ``keyword``; None for a blank keyword."""
    pieces = fold(keyword).split()
    if not pieces or not any(p.strip("*") for p in pieces):
        return None
    body = r"\s+".join(_word(p, i == len(pieces) - 1) for i, p in enumerate(pieces))
    return re.compile(r"(?<!\w)" + body + r"(?!\w)")


def find_marks(
    text: str, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> list[Mark]:
    """The keywords' places in ``text``, in order and never overlapping: where two overlap the
    one starting first wins, then the longer, then an include keyword over an exclude one."""
    folded = fold(text)
    found: list[tuple[int, int, int, str]] = []
    for rank, (kind, keywords) in enumerate((("include", include), ("exclude", exclude))):
        for keyword in keywords:
            pattern = keyword_pattern(keyword.strip())
            if pattern is None:
                continue
            for m in pattern.finditer(folded):
                if m.end() > m.start():
                    found.append((m.start(), -(m.end() - m.start()), rank, kind))
    marks: list[Mark] = []
    for start, negative_length, _rank, kind in sorted(found):
        if marks and start < marks[-1].end:
            continue
        marks.append(Mark(start, start - negative_length, kind))
    return marks
