"""Normalisers shared by the readers: names, years, DOIs, pages and identifiers.

Every database writes these a little differently ("Liu R.", "Parkes-Loach, PS", "2014///",
"http://dx.doi.org/10..."); one place to read them keeps records from different exports
comparable, which is what deduplication needs.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from review.records import Author

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(.+)$", re.IGNORECASE)
# OpenURL and database links carry the DOI as a parameter: id=doi:..., doi=..., rft_id=info:doi/...
_DOI_PARAM = re.compile(r"[?&;](?:id=doi:|doi=|rft_id=info:doi/|rft\.doi=)(10\.[^&#\s]+)", re.I)
_PMID_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d+)")
_PMCID = re.compile(r"\b(PMC\d+)\b")
_INITIALS = re.compile(r"^(?:[A-Z]\.?(?:\s*-\s*|\s+)?){1,4}$")
_GROUP_WORDS = re.compile(
    r"\b(group|consortium|collaboration|collaborative|committee|investigators|society|"
    r"association|network|team|trialists|council|organi[sz]ation|working|panel|institute|"
    r"foundation|study|authors|members|writing|programme|program|centre|center)\b",
    re.IGNORECASE,
)


def year_of(value: str) -> int | None:
    """The first plausible four-digit year in a date as exported ("2014///", "Dec 2018")."""
    m = _YEAR.search(value or "")
    return int(m.group(1)) if m else None


def bare_doi(value: str) -> str:
    """A DOI without its URL or "doi:" prefix, or "" if the value is not a DOI."""
    value = (value or "").strip()
    url = _DOI_URL.match(value)
    if url:
        value = unquote(url.group(1))
    value = _DOI_PREFIX.sub("", value).strip()
    value = re.sub(r"\s*\[doi\]$", "", value).rstrip(".,;")
    return value if _DOI.fullmatch(value) else ""


def doi_from_url(url: str) -> str:
    """The DOI in a doi.org link ("" for any other link)."""
    m = _DOI_URL.match((url or "").strip())
    return bare_doi(unquote(m.group(1))) if m else ""


def doi_from_link_param(url: str) -> str:
    """The DOI an OpenURL/database link carries as a parameter (id=doi:..., doi=...)."""
    m = _DOI_PARAM.search(url or "")
    return bare_doi(unquote(m.group(1))) if m else ""


def doi_in(text: str) -> str:
    """The first DOI-shaped string anywhere in a value."""
    m = _DOI.search(text or "")
    return bare_doi(m.group(0)) if m else ""


def pmid_from_url(url: str) -> str:
    m = _PMID_URL.search(url or "")
    return m.group(1) if m else ""


def pmcid_in(text: str) -> str:
    m = _PMCID.search(text or "")
    return m.group(1) if m else ""


def pages(start: str, end: str) -> str:
    """ "152-160" from a start and an end page; Ovid's "No"/"Specified" means no pages."""
    start, end = (start or "").strip(), (end or "").strip()
    if start.lower() == "no" and end.lower().startswith("specified"):
        return ""
    if start and end and end != start:
        return f"{start}-{end}"
    return start or end


def initials_of(fore_name: str) -> str:
    """Initials as PubMed writes them: "Jean-Pierre A." -> "JPA"."""
    parts = [p for p in re.split(r"[\s.\-]+", fore_name) if p]
    caps = [p[0] for p in parts if p[0].isupper()]
    return "".join(caps or [p[0].upper() for p in parts])


def _is_initials(token: str) -> bool:
    letters = re.sub(r"[\s.\-]", "", token)
    return bool(letters) and len(letters) <= 4 and bool(_INITIALS.match(token.strip()))


def is_group_name(name: str) -> bool:
    """A name that reads as a group's ("The XYZ Trial Group", "World Health Organization")."""
    return bool(_GROUP_WORDS.search(name))


def parse_author(text: str) -> Author | None:
    """One author from the ways exports write names.

    "Smith, John A", "Parkes-Loach, PS", "Zhai, Q. J.", "Liu R.", "Adler D.G.", "D. Pavlinac";
    names with group words ("The XYZ Trial Group") become collective authors.
    """
    name = " ".join((text or "").split()).strip(" ;,")
    if not name:
        return None
    if _GROUP_WORDS.search(name) and not re.search(r",\s*\S", name):
        return Author(collective=name)
    if "," in name:
        last, fore = (p.strip() for p in name.split(",", 1))
        if not fore:
            return Author(last_name=last)
        if _is_initials(fore):
            return Author(last_name=last, initials=re.sub(r"[\s.\-]", "", fore))
        return Author(last_name=last, fore_name=fore, initials=initials_of(fore))
    tokens = name.split(" ")
    if len(tokens) == 1:
        return Author(last_name=name)
    if _is_initials(tokens[-1]):  # "Liu R.", "Adler D.G.", "Mangalam H"
        return Author(last_name=" ".join(tokens[:-1]), initials=re.sub(r"[.\-]", "", tokens[-1]))
    lead = 0
    while lead < len(tokens) - 1 and _is_initials(tokens[lead]):
        lead += 1
    if lead:  # "D. Pavlinac", "R. L. Whistler"
        initials = "".join(re.sub(r"[.\-]", "", t) for t in tokens[:lead])
        return Author(last_name=" ".join(tokens[lead:]), initials=initials)
    if len(tokens) > 4:
        return Author(collective=name)
    fore = " ".join(tokens[:-1])
    return Author(last_name=tokens[-1], fore_name=fore, initials=initials_of(fore))


def split_author_list(text: str) -> list[str]:
    """Names from one cell: "A; B", "Zhai, Q. J. and Yue, X. Y.", "Liu R., Adler D.G."."""
    text = (text or "").strip()
    if not text:
        return []
    if ";" in text:
        return [p.strip() for p in text.split(";") if p.strip()]
    names: list[str] = []
    for part in re.split(r"\s+and\s+|\s*&\s*", text):
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if len(pieces) >= 2 and all(" " in p for p in pieces):
            names += pieces  # "Liu R., Adler D.G." or "D. Pavlinac, R. Langer"
        elif len(pieces) >= 4 and len(pieces) % 2 == 0:
            names += [f"{a}, {b}" for a, b in zip(pieces[::2], pieces[1::2], strict=True)]
        elif pieces:
            names.append(", ".join(pieces))
    return names


def split_terms(text: str) -> list[str]:
    """Terms from one cell: split on ";" if any, else on commas outside parentheses."""
    text = (text or "").strip()
    if not text:
        return []
    if ";" in text:
        return [t.strip() for t in text.split(";") if t.strip()]
    terms: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth <= 0:
            terms.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    terms.append("".join(cur).strip())
    return [t for t in terms if t]


def unique(values) -> tuple[str, ...]:
    """Non-empty values in first-seen order, without repeats."""
    seen: dict[str, None] = {}
    for v in values:
        v = (v or "").strip()
        if v and v not in seen:
            seen[v] = None
    return tuple(seen)
