"""Normalising bibliographic fields so that two databases' versions of one citation compare equal.

Databases differ in case, punctuation, diacritics, HTML markup, abbreviated journal names, page
ranges ("1491-8" vs "1491-1498"), author name forms ("Zhai, Qiang" vs "Zhai Q") and PubMed's
convention of bracketing translated titles. Everything here is pure and cheap, so the matcher can
prepare 50,000 records in a few seconds, and the results are readable enough to show a reviewer.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from review.records import Author

# Letters NFKD leaves alone but which readers treat as plain Latin letters.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i", "ð": "d"})
_FOLD.update(str.maketrans({"þ": "th", "&": " and "}))
# Greek letters are spelt out by some databases ("beta-amyloid") and kept by others ("β-amyloid").
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "π": "pi", "σ": "sigma", "τ": "tau", "ω": "omega",
}  # fmt: skip
_FOLD.update(str.maketrans({k: f" {v} " for k, v in _GREEK.items()}))

_TAG = re.compile(r"<[^>]{0,200}>")
_APOSTROPHE = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_LANGUAGES = (
    "chinese|german|french|spanish|japanese|russian|italian|portuguese|polish|dutch|czech|"
    "korean|turkish|hungarian|danish|swedish|norwegian|finnish|hebrew|greek|persian|croatian|"
    "serbian|slovak|slovenian|romanian|bulgarian|ukrainian|lithuanian|estonian|latvian|arabic|"
    "icelandic|catalan|afrikaans|thai|vietnamese|indonesian|malay|multiple languages"
)
# "[Chinese]", "[Article in German]", "[In French]", "(German)" at the end of a title.
_LANGUAGE_MARK = re.compile(
    rf"[\[(]\s*(?:article\s+)?(?:in\s+)?(?:{_LANGUAGES})(?:\s+with\s+\w+\s+abstract)?\s*[\])]"
    r"\s*\.?\s*$",
    re.IGNORECASE,
)
_DOI_PREFIX = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi\.org/|doi\s*:\s*|doi\s+)", re.IGNORECASE
)
_YEAR = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d|21\d\d)(?!\d)")
_PAGE = re.compile(r"^([a-z]*)(\d+)([a-z]*)$", re.IGNORECASE)
_PAGE_COUNT = re.compile(r"^\s*\d+\s*p{1,2}\.?\s*$", re.IGNORECASE)
_ET_AL = re.compile(r"^(?:et\.?\s*al\.?|and others|\.\.\.)$", re.IGNORECASE)


def fold(s: str) -> str:
    """Lower case with diacritics and ligatures folded to plain letters ("Püllen" -> "pullen")."""
    s = s.casefold().translate(_FOLD)
    if s.isascii():
        return s
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def words(s: str) -> str:
    """Folded text with apostrophes dropped and every other non-alphanumeric run made a space."""
    return _NON_WORD.sub(" ", _APOSTROPHE.sub("", fold(s))).strip()


def doi(s: str) -> str:
    """The DOI in lower case without a resolver or "doi:" prefix or trailing punctuation."""
    s = html.unescape((s or "").strip())
    for _ in range(2):  # "doi: https://doi.org/10..." occurs
        s = _DOI_PREFIX.sub("", s).strip()
    return s.rstrip(".,;:)]}>").lower()


def strip_markup(s: str) -> str:
    """Text without HTML entities or tags (PubMed keeps <i>, <sup> inside titles)."""
    return _TAG.sub("", html.unescape(html.unescape(s or "")))


def title(s: str) -> str:
    """A title reduced to lower-case words: markup, translated-title brackets, language markers,
    diacritics and punctuation gone, so databases' versions of one title compare equal."""
    s = strip_markup(s).strip()
    s = _LANGUAGE_MARK.sub("", s).strip()
    # PubMed gives a translated title in square brackets: "[Efficacy of ...]."
    if s.startswith("[") and s.rstrip(".").endswith("]"):
        inner = s.rstrip(".")[1:-1]
        if "[" not in inner and "]" not in inner:
            s = inner
    return words(s)


PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "das",
        "dos",
        "du",
        "le",
        "la",
        "ten",
        "ter",
        "vander",
    ]
)


def surname(key: str) -> str:
    """The surname of an ``author_key`` without particles or spaces, for matching: "van kessel
    m" -> "kessel", since databases disagree on where "van" goes."""
    parts = key.split()
    if len(parts) > 1 and len(parts[-1]) == 1:
        parts = parts[:-1]
    kept = [p for p in parts if p not in PARTICLES] or parts
    return "".join(kept)


def author_key(author: Author) -> str:
    """One author as "last-name first-initial" ("zhai q"), or a group author's folded name."""
    if author.collective and not author.last_name:
        return words(author.collective)
    last = words(author.last_name)
    initial = words(author.initials or author.fore_name)[:1]
    return f"{last} {initial}".strip()


def authors(items: Iterable[Author]) -> tuple[str, ...]:
    """Each author as ``author_key``; "et al." placeholders and empty names dropped."""
    out = []
    for a in items:
        name = a.collective or a.last_name
        if not name.strip() or _ET_AL.match(name.strip()):
            continue
        key = author_key(a)
        if key:
            out.append(key)
    return tuple(out)


# Words journal abbreviations leave out (ISO 4 drops articles, prepositions and conjunctions).
_JOURNAL_STOP = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "in",
        "on",
        "de",
        "der",
        "die",
        "des",
        "la",
        "le",
        "du",
        "et",
        "fur",
        "an",
        "und",
        "with",
        "official",
    ]
)


@lru_cache(maxsize=65536)
def journal(s: str) -> str:
    """A journal name folded, with parenthetical or bracketed notes ("(Basel, Switzerland)",
    "[Chinese acupuncture]"), a subtitle after ";", "/" or ":" and a leading "The" removed."""
    s = strip_markup(s)
    s = re.sub(r"\.?\s*\bconference\s*:.*$", "", s, flags=re.IGNORECASE)  # Embase's form
    s = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", s)
    s = re.split(r"\s*[;/:=]\s*", s, maxsplit=1)[0] if re.search(r"\w", s) else s
    s = words(s)
    return s[4:] if s.startswith("the ") else s


def _journal_tokens(s: str) -> tuple[str, ...]:
    return tuple(t for t in journal(s).split() if t not in _JOURNAL_STOP)


def _abbreviates(short: str, full: str) -> bool:
    """True if ``short`` could abbreviate ``full``: same first letter and its letters appear in
    order in ``full`` ("natl" -> "national", "rehabil" -> "rehabilitation", "j" -> "journal")."""
    if not short or not full or short[0] != full[0] or len(short) > len(full):
        return False
    pos = 0
    for ch in short:
        pos = full.find(ch, pos) + 1
        if pos == 0:
            return False
    return True


@lru_cache(maxsize=262144)
def journal_similar(a: str, b: str) -> bool:
    """Whether two journal names (full or abbreviated) plausibly name the same journal.

    Word by word, after dropping the words abbreviations omit, each word of one must abbreviate
    the other's ("J Am Coll Cardiol" ~ "Journal of the American College of Cardiology"); names
    that differ only in spacing ("Zhongguo Zhenjiu" ~ "Zhongguo zhen jiu") also count.
    """
    ta, tb = _journal_tokens(a), _journal_tokens(b)
    if not ta or not tb:
        return False
    if "".join(ta) == "".join(tb):
        return True
    if len(ta) != len(tb):
        return False
    return all(_abbreviates(x, y) or _abbreviates(y, x) for x, y in zip(ta, tb, strict=True))


def _expand_end(first: str, last: str) -> str:
    """The full last page of a range written short: ("1491", "8") -> "1498", ("998", "12") ->
    "1012"."""
    k = len(last)
    if k >= len(first):
        return last
    end = int(first[:-k] + last)
    if end < int(first):
        end += 10**k
    return str(end)


def pages(s: str) -> str:
    """A page range in full: "1491-8" -> "1491-1498", "S12-14" -> "S12-S14", "e123" unchanged.

    Roman-numeral and other odd ranges are returned tidied but otherwise as given.
    """
    s = strip_markup(str(s or "")).strip().rstrip(".")
    s = re.sub(r"^(?:pp?\.?\s*)", "", s, flags=re.IGNORECASE)
    s = re.sub(r"\s*[-‐‑‒–—−]+\s*", "-", s)
    s = re.sub(r"\s+", "", s)
    if not s:
        return ""
    parts = s.split("-")
    if len(parts) != 2:
        return parts[0] if parts and all(p == parts[0] for p in parts) else s
    m1, m2 = _PAGE.match(parts[0]), _PAGE.match(parts[1])
    if not m1 or not m2:
        return s
    prefix, num1, suffix = m1.groups()
    prefix2, num2, suffix2 = m2.groups()
    if prefix2 and prefix and prefix2.lower() != prefix.lower():
        return s
    num2 = _expand_end(num1, num2)
    start = f"{prefix}{num1}{suffix}"
    end = f"{prefix2 or prefix}{num2}{suffix2}"
    return start if start == end else f"{start}-{end}"


def first_page(s: str) -> str:
    """The first page in lower case without leading zeros ("S012-S014" -> "s12"), for matching."""
    if _PAGE_COUNT.match(str(s or "")):
        return ""  # "215 p.": a thesis's length, not where it starts
    p = pages(s).split("-", 1)[0].lower()
    m = _PAGE.match(p)
    if m:
        return f"{m.group(1)}{int(m.group(2))}{m.group(3)}"
    return p


def page_range(s: str) -> tuple[str, str]:
    """(first page, last page) for matching, as ``first_page`` folds them; the last page is ""
    for a single page. A range written backwards ("2297-2108", a typo for "2097-2108") is kept as
    given, so its last page can still agree."""
    first = first_page(s)
    if not first:
        return "", ""
    full = pages(s)
    if "-" not in full:
        return first, ""
    last = first_page(full.split("-", 1)[1])
    return first, "" if last == first else last


def year(x: object) -> int | None:
    """The publication year from an int, float or text ("2010", "2010 Jan", "2010.0")."""
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, int):
        return x if 1600 <= x <= 2199 else None
    if isinstance(x, float):
        return year(int(x)) if x == x else None
    m = _YEAR.search(str(x))
    return int(m.group(1)) if m else None


def volume(s: object) -> str:
    """A volume or issue reduced to its words ("Vol. 12" -> "12", "5 Suppl 2" -> "5 suppl 2")."""
    v = words(str(s or ""))
    v = re.sub(r"^(?:vol(?:ume)?|no|issue|number)\s+", "", v)
    if not any(c.isdigit() for c in v):
        return ""  # "Ph.D.", "(Jul)": not a volume
    return v.lstrip("0") or "0"
