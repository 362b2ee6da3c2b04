"""Each record made ready for matching once: folded title, its sorted words, numbers, authors,
year, journals, volume, issue, first page, DOI, and what kind of item it is (a notice about
another article, a conference abstract, a Cochrane review version).

Blocking (``blocking``) and scoring (``match``) read only these prepared fields, never the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from review.dedupe import normalise as nz
from review.records import Author, Record

_NOTICE_TITLES = (
    (
        "erratum",
        re.compile(
            r"^\W*(?:erratum|errata|corrigend(?:um|a)|(?:author|publisher)?\s*corrections?\s*"
            r"(?:to\b|:|notice)|notice of correction)"
        ),
    ),
    ("erratum", re.compile(r"\(\s*vol\.?\s*\d+\s*,\s*pg?\.?\s*\w+")),  # WoS "(vol 23, pg 45, 2010)"
    (
        "retraction",
        re.compile(
            r"^\W*(?:retraction|retracted|notice of retraction|withdrawn|expression of concern)\b"
        ),
    ),
    (
        "comment",
        re.compile(
            r"^\W*(?:comments? on\b|commentary on\b|reply to\b|replies to\b|in reply\b|reply\s*:|"
            r"re\s*:|response\s*:|response to\s*:|letter in response\b|authors?\W{0,2} (?:reply|"
            r"response)\b|response from the authors\b|response to (?:the |a )?(?:letter|comment|"
            r"commentary|editorial|correspondence|critique|criticism))"
        ),
    ),
)
_NOTICE_TYPES = {
    "erratum": "erratum",
    "published erratum": "erratum",
    "correction": "erratum",
    "retraction notice": "retraction",
    "retraction of publication": "retraction",
    "expression of concern": "retraction",
    "comment": "comment",
    "commentary": "comment",
}
# What an erratum's title puts before the cited article's title, and WoS's citation after it.
_ERRATUM_PREFIX = re.compile(
    r"^\W*(?:erratum|errata|corrigend(?:um|a)|(?:author|publisher)?\s*corrections?|notice of "
    r"correction)(?:\s+(?:to|for|in|on|of)\b)?(?:\s+the\s+(?:article|paper))?\W*",
    re.IGNORECASE,
)
_WOS_CITE = re.compile(r"\(\s*vol\.?\s*(\w+)\s*,\s*pg?\.?\s*(\w+)[^)]*\)\s*\.?\s*$", re.IGNORECASE)
# Titles that recur issue after issue (editors' columns, news): a shared one says nothing.
_GENERIC = re.compile(
    r"^(?:editor\w*|editorial\w*|from the editors?|remarks? from the editors?|a word from the "
    r"editors?|editors? (?:comments?|notes?|introduction|remarks?|letter|corner)|in this issue|"
    r"introduction|foreword|preface|news|letters?(?: to the editor)?|correspondence|book reviews?|"
    r"commentary|announcements?|highlights|this month in \w+|president\w* (?:message|column|"
    r"address|report))(?: \d+)?$"
)
_ISSUE_MAX = 60  # issue numbers above this are usually an EndNote record number leaking in
_CONFERENCE = re.compile(r"conference|abstract|meeting|congress|proceedings|symposium|poster")
_CONFERENCE_JOURNAL = re.compile(
    r"\b(?:congress|conference|meeting|symposium|scientific sessions?)\b|\babstracts? (?:of|from)\b"
)
_COCHRANE_DOI = re.compile(r"^10\.1002/14651858\.([a-z]{2}\d+)(?:\.pub(\d+))?")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_ROMAN.update({"x": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6})
_NUMBERED = frozenset(
    [
        "part",
        "parts",
        "phase",
        "type",
        "stage",
        "grade",
        "class",
        "study",
        "trial",
        "series",
        "section",
    ]
)
_NUMBERED |= {"chapter", "volume", "no", "number", "paper", "report", "wave", "cohort"}
TITLE_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "and",
        "or",
        "for",
        "with",
        "to",
        "by",
        "at",
        "from",
        "as",
        "is",
        "are",
        "vs",
    ]
)


def notice_kind(record: Record) -> str:
    """ "erratum", "retraction", "comment" or "" for a record that is a notice about another."""
    folded = nz.fold(nz.strip_markup(record.title)).strip()
    for kind, pattern in _NOTICE_TITLES:
        if pattern.search(folded):
            return kind
    for ptype in record.publication_types:
        notice = _NOTICE_TYPES.get(ptype.strip().lower())
        if notice:
            return notice
    return ""


def is_conference(record: Record) -> bool:
    """A conference abstract, by publication type (PubMed, RIS "Conference Abstract") or by a
    journal name that announces abstracts or a congress."""
    if any(_CONFERENCE.search(p.lower()) for p in record.publication_types):
        return True
    return bool(_CONFERENCE_JOURNAL.search(nz.journal(record.journal or record.journal_abbrev)))


def title_numbers(normalised_title: str) -> frozenset[str]:
    """Numbers a title carries (digits anywhere; roman numerals and number words after "part",
    "phase", ...; "ii", "iii" anywhere), so "Part 1" and "Part II" tell two papers apart."""
    out = set()
    tokens = normalised_title.split()
    for i, tok in enumerate(tokens):
        if tok.isdigit():
            out.add(str(int(tok)))
        elif tok in ("ii", "iii") or (tok in _ROMAN and i and tokens[i - 1] in _NUMBERED):
            out.add(str(_ROMAN[tok]))
    return frozenset(out)


@dataclass(slots=True)
class Prep:
    """One record made ready for matching."""

    id: int
    pmid: str
    doi: str
    title: str
    sorted_title: str
    numbers: frozenset[str]
    information: float  # 0.2..1: how telling a shared title is, from its count of content words
    authors: tuple[str, ...]
    surnames: tuple[str, ...]
    year: int | None
    journals: tuple[str, ...]
    volume: str
    issue: str
    page: str
    abstract: str
    notice: str
    conference: bool
    cochrane: tuple[str, str] | None  # (review number, version) from a Cochrane DOI
    cochrane_journal: bool
    last_page: str = ""  # the range's last page, "" for one page; a typo'd range is kept as given
    translated: bool = False  # the title is PubMed's bracketed translation: "[English title]."
    generic: bool = False  # a title that recurs (editors' columns): it cannot identify an item
    target: str = ""  # an erratum's cited article title, folded
    cited: tuple[str, str] = ("", "")  # an erratum's cited (volume, first page), from WoS's form
    first_author: str = ""  # the first author's name words, every form, space-separated


def prepare(rid: int, r: Record) -> Prep:
    t = nz.title(r.title)
    notice = notice_kind(r)
    target, cited = erratum_target(r.title) if notice == "erratum" else ("", ("", ""))
    first, last = nz.page_range(r.pages)
    doi = nz.doi(r.doi)
    authors = nz.authors(r.authors)
    m = _COCHRANE_DOI.match(doi)
    journals = tuple(dict.fromkeys(j for j in (r.journal, r.journal_abbrev) if j.strip()))
    return Prep(
        id=rid,
        pmid=r.pmid.strip(),
        doi=doi,
        title=t,
        sorted_title=" ".join(sorted(t.split())),
        numbers=title_numbers(t),
        information=information(t),
        authors=authors,
        surnames=tuple(nz.surname(a) for a in authors),
        year=nz.year(r.year),
        journals=journals,
        volume=leading(nz.volume(r.volume)),
        issue=plausible_issue(leading(nz.volume(r.issue))),
        page=first,
        abstract=nz.words(" ".join(s.text for s in r.abstract_sections))[:2000],
        notice=notice,
        conference=is_conference(r),
        cochrane=(m.group(1), m.group(2) or "1") if m else None,
        cochrane_journal="cochrane" in " ".join(journals).lower(),
        last_page=last,
        translated=is_translated(r.title),
        generic=bool(_GENERIC.match(t)) or information(t) <= 0.34,
        target=target,
        cited=cited,
        first_author=name_words(r.authors[0]) if r.authors else "",
    )


def information(t: str) -> float:
    """0.2..1: how telling a shared title is, from its count of content words."""
    return min(1.0, max(0.2, len(set(t.split()) - TITLE_STOP) / 6))


def is_translated(raw_title: str) -> bool:
    """PubMed's and EndNote's bracketed translation of a title: "[Efficacy of ...]."."""
    s = nz.strip_markup(raw_title).strip().rstrip(". ")
    return s.startswith("[") and s.endswith("]") and len(s) > 12


def erratum_target(raw_title: str) -> tuple[str, tuple[str, str]]:
    """The title an erratum cites ("Erratum: Title" / "Correction to: Title" / WoS's
    "Title (vol 23, pg 45, 2010)"), folded, and the cited (volume, first page) when given."""
    s = nz.strip_markup(raw_title).strip()
    cited = ("", "")
    m = _WOS_CITE.search(s)
    if m:
        cited = (m.group(1).lower().lstrip("0"), m.group(2).lower().lstrip("0"))
        s = s[: m.start()]
    s = _ERRATUM_PREFIX.sub("", s, count=1)
    target = nz.title(s)
    return (target if len(target.split()) >= 3 else ""), cited


def plausible_issue(issue: str) -> str:
    """The issue, or "" when it is a number no journal issue has (a leaked record number)."""
    return "" if issue.isdigit() and int(issue) > _ISSUE_MAX else issue


def name_words(author: Author) -> str:
    """The first author's name words of three letters or more, wherever the database put them:
    "Goicoechea de, Jorge E." and "de Jorge, E. G." share "jorge"."""
    text = nz.words(" ".join((author.last_name, author.fore_name, author.collective)))
    return " ".join(sorted({w for w in text.split() if len(w) >= 3 and w not in nz.PARTICLES}))


def leading(v: str) -> str:
    """The first word of a volume or issue ("5 suppl 2" -> "5"): what databases agree on."""
    return v.split(" ", 1)[0] if v else ""
