"""Finding records that describe the same publication.

Method, in three steps:

1. Prepare each record once (normalise.py): folded title, its sorted words, title numbers, author
   keys, year, journal, volume, issue, first page, DOI, notice and conference flags.
2. Block: a pair is compared only if the two records share a key. Several independent keys (title
   start, title end, the title's longest words, DOI, PMID, (year, first page), (volume, first
   page), (first author, year)) mean a duplicate with a typo, a translated title, a truncated
   author list, no DOI or an abbreviated journal still meets its twin under some key. Blocks too
   big to compare pair by pair (a common first page, a common surname) are searched with
   rapidfuzz's ``cdist`` for similar titles instead, so work grows far slower than n^2.
3. Score: every field both records have adds evidence for or against, in log-odds style (a
   Fellegi-Sunter model with weights set from how often databases disagree on that field for the
   same article, not fitted to one data set). The sum becomes a 0..1 score; a high score merges
   automatically, a middle band goes to a reviewer. Hard rules come first: notices (errata,
   retractions, comments) never match the article they concern; Cochrane review versions, and
   titles whose part or other numbers differ, are distinct; a conference abstract and a full
   paper are never merged without a reviewer.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from review.dedupe import normalise as nz
from review.progress import Progress, Tally, counted
from review.records import Record

DUPLICATE_AT = 0.8  # score at or above which a pair is merged automatically
POSSIBLE_AT = 0.2  # score at or above which a reviewer is asked
_MIDPOINT, _SCALE = 7.0, 2.0  # log-odds total -> score: 0.8 at ~9.8, 0.2 at ~4.2
_AUTO_TITLE = 0.9  # an automatic merge also needs titles at least this similar
_SMALL_BLOCK = 48  # blocks up to this size are compared pair by pair
_TITLE_GATE = 65  # title similarity (0-100) a pair needs to be scored at all
_SHARED_DOI = 20  # a DOI on more records than this names a supplement or issue, not an article
_ROW_CHUNK = 2000  # rows per cdist call, to bound memory
_CHUNK_CELLS = 4_000_000  # and at most this many similarities (4 MB; about a second of work)


@dataclass(frozen=True)
class Match:
    a: int  # record ids (a < b)
    b: int
    score: float  # 0..1
    verdict: str  # "duplicate" (merge automatically) or "possible" (a reviewer decides)
    reasons: tuple[str, ...]


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
_TITLE_STOP = frozenset(
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
class _Prep:
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


def prepare(rid: int, r: Record) -> _Prep:
    t = nz.title(r.title)
    doi = nz.doi(r.doi)
    authors = nz.authors(r.authors)
    m = _COCHRANE_DOI.match(doi)
    journals = tuple(dict.fromkeys(j for j in (r.journal, r.journal_abbrev) if j.strip()))
    return _Prep(
        id=rid,
        pmid=r.pmid.strip(),
        doi=doi,
        title=t,
        sorted_title=" ".join(sorted(t.split())),
        numbers=title_numbers(t),
        information=min(1.0, max(0.2, len(set(t.split()) - _TITLE_STOP) / 6)),
        authors=authors,
        surnames=tuple(nz.surname(a) for a in authors),
        year=nz.year(r.year),
        journals=journals,
        volume=_leading(nz.volume(r.volume)),
        issue=_leading(nz.volume(r.issue)),
        page=nz.first_page(r.pages),
        abstract=nz.words(" ".join(s.text for s in r.abstract_sections))[:2000],
        notice=notice_kind(r),
        conference=is_conference(r),
        cochrane=(m.group(1), m.group(2) or "1") if m else None,
        cochrane_journal="cochrane" in " ".join(journals).lower(),
    )


def _leading(v: str) -> str:
    """The first word of a volume or issue ("5 suppl 2" -> "5"): what databases agree on."""
    return v.split(" ", 1)[0] if v else ""


def _keys(p: _Prep) -> list[str]:
    """Blocking keys: a duplicate only needs to share one of them with its twin."""
    keys = []
    if p.pmid:
        keys.append("m" + p.pmid)
    if p.doi:
        keys.append("d" + p.doi)
    words = p.title.split()
    if len(words) >= 2:
        keys.append("s" + " ".join(words[:4]))
        keys.append("e" + " ".join(words[-4:]))
        content = [w for w in words if w not in _TITLE_STOP and not w.isdigit()]
        longest = sorted(sorted(set(content)), key=len, reverse=True)[:3]
        keys.append("l" + " ".join(sorted(longest)))
    if p.page and p.year:
        keys.append(f"p{p.year}|{p.page}")
    if p.page and p.volume:
        keys.append(f"v{p.volume}|{p.page}")
    if p.surnames and p.year:
        keys.append(f"a{p.surnames[0]}|{p.year}")
    return keys


def _candidates(
    preps: list[_Prep], new: set[int] | None, progress: Progress | None = None
) -> set[tuple[int, int]]:
    """Index pairs (i < j) that share a block, with at least one side new when ``new`` is given
    and, in blocks too big to enumerate, titles similar enough to be worth scoring.

    ``progress`` is told the step "Finding candidate pairs" in comparisons: a block's pairs
    enumerated, or its titles compared with ``cdist``, which is where the time goes."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(counted(progress, "Grouping records into blocks", preps, len(preps))):
        for k in _keys(p):
            blocks[k].append(i)
    for key in [k for k, v in blocks.items() if len(v) > _SMALL_BLOCK and k[0] in "se"]:
        # A common title opening ("A randomized controlled trial of"): look further into the title.
        members = blocks.pop(key)
        for i in members:
            words = preps[i].title.split()
            blocks[key[0] + " ".join(words[:8] if key[0] == "s" else words[-8:]) + "+"].append(i)
    pairs: set[tuple[int, int]] = set()
    total = _comparisons(blocks, new) if progress is not None else None
    tally = Tally(progress, "Finding candidate pairs", total, every=200_000)
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if key[0] == "d" and len(members) > _SHARED_DOI:
            continue  # a supplement's DOI: the other keys still see these records
        if len(members) <= _SMALL_BLOCK or key[0] == "m":
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    if new is None or i in new or j in new:
                        pairs.add((i, j))
            if progress is not None:
                tally.add(_work(key, members, new))
            continue
        rows = members if new is None else [i for i in members if i in new]
        choices = [preps[i].sorted_title for i in members]
        step = max(1, min(_ROW_CHUNK, _CHUNK_CELLS // len(members)))
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            queries = [preps[i].sorted_title for i in chunk]
            sims = cdist(
                queries,
                choices,
                scorer=fuzz.ratio,
                score_cutoff=_TITLE_GATE,
                dtype=np.uint8,
                workers=-1,
            )
            for r, c in zip(*np.nonzero(sims), strict=True):
                i, j = chunk[r], members[c]
                if i != j:
                    pairs.add((i, j) if i < j else (j, i))
            tally.add(len(chunk) * len(members))
    tally.end()
    return pairs


def _work(key: str, members: list[int], new: set[int] | None) -> int:
    """The comparisons a block costs: its pairs, or its rows times its members under cdist."""
    if len(members) <= _SMALL_BLOCK or key[0] == "m":
        return len(members) * (len(members) - 1) // 2
    rows = len(members) if new is None else sum(1 for i in members if i in new)
    return rows * len(members)


def _comparisons(blocks: dict[str, list[int]], new: set[int] | None) -> int:
    """Every block's work, the step's total (counted only when someone is told)."""
    return sum(
        _work(key, members, new)
        for key, members in blocks.items()
        if len(members) > 1 and not (key[0] == "d" and len(members) > _SHARED_DOI)
    )


def _interpolate(x: float, points: tuple[tuple[float, float], ...]) -> float:
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


# Evidence weights (natural-log likelihood ratios, rounded): how much likelier the observation is
# for two versions of one article than for two different articles.
_TITLE_W = ((0.6, -10.0), (0.75, -5.0), (0.85, -1.0), (0.9, 3.0), (0.95, 6.0), (1.0, 8.0))
_AUTHOR_W = ((0.0, -4.0), (0.5, -1.5), (0.75, 1.0), (1.0, 2.5))
_ABSTRACT_W = ((0.5, -3.0), (0.7, -1.0), (0.85, 1.0), (0.95, 3.0), (1.0, 4.0))


def title_similarity(a: _Prep, b: _Prep) -> tuple[float, str]:
    """0..1 title similarity (word order ignored) and a note when one title is a truncated or
    subtitle-less form of the other."""
    t = max(fuzz.ratio(a.title, b.title), fuzz.ratio(a.sorted_title, b.sorted_title)) / 100
    short, long_ = sorted((a.title, b.title), key=len)
    if t < 0.9 and len(short) >= 20 and long_.startswith(short + " "):
        return 0.9, "one title lacks the subtitle"
    if t < 0.9 and len(short.split()) >= 5 and len(short) < 0.85 * len(long_):
        part = fuzz.partial_ratio(short, long_) / 100
        if part >= 0.97 and (long_.startswith(short[:20]) or long_.endswith(short[-20:])):
            return 0.9, "one title is part of the other"
    return t, ""


def author_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Share of the shorter surname list found in the longer, so "et al." and lists cut to three
    names still agree; surnames match when nearly equal (typos, lost diacritics). Initials are
    left out: databases disagree on them more often than on surnames."""
    n = min(len(a), len(b), 12)
    if n == 0:
        return -1.0
    same = sum(1 for x, y in zip(a[:n], b[:n], strict=False) if fuzz.ratio(x, y) >= 85)
    if same < n:
        rest = set(b[:30])
        same = max(same, sum(1 for x in a[:n] if x in rest))
    return same / n


def _same_journal(a: _Prep, b: _Prep) -> bool:
    return any(nz.journal_similar(x, y) for x in a.journals for y in b.journals)


def _rules(a: _Prep, b: _Prep) -> str:
    """A reason the pair is certainly not one publication, or ""."""
    if a.notice != b.notice:
        kind = a.notice or b.notice
        return f"one is {'an' if kind == 'erratum' else 'a'} {kind} notice"
    if a.cochrane and b.cochrane and a.cochrane != b.cochrane:
        return "different Cochrane review versions"
    both_cochrane = (a.cochrane or a.cochrane_journal) and (b.cochrane or b.cochrane_journal)
    if both_cochrane and a.year and b.year and a.year != b.year and not (a.doi and a.doi == b.doi):
        return "Cochrane review versions from different years"
    if a.numbers and b.numbers and a.numbers != b.numbers:
        return "titles carry different numbers (part, phase, ...)"
    return ""


def score_pair(a: _Prep, b: _Prep, doi_counts: dict[str, int]) -> Match | None:
    """The pair's match, or None when the evidence says two different publications."""
    ida, idb = sorted((a.id, b.id))
    if a.pmid and a.pmid == b.pmid:
        return Match(ida, idb, 1.0, "duplicate", ("same PMID",))
    if _rules(a, b):
        return None
    t, note = title_similarity(a, b)
    total = _interpolate(t, _TITLE_W)
    if total > 0:  # a short title ("Editorial", "Stroke rehabilitation") proves little when shared
        total *= min(a.information, b.information)
    reasons = [f"title {t:.2f}"] + ([note] if note else [])
    same_doi = bool(a.doi) and a.doi == b.doi and doi_counts.get(a.doi, 0) <= _SHARED_DOI
    if same_doi:
        total = max(total, -2.0) + 10.0  # titles may differ by language; the DOI does not
        reasons.insert(0, "same DOI")
    elif a.doi and b.doi and a.doi != b.doi:
        total -= 5.0
        reasons.append("different DOIs")
    if a.pmid and b.pmid:
        total -= 8.0
        reasons.append("different PMIDs")
    auth = author_similarity(a.surnames, b.surnames)
    if auth >= 0:
        total += _interpolate(auth, _AUTHOR_W)
        reasons.append(f"authors {auth:.2f}")
    if a.year and b.year:
        gap = abs(a.year - b.year)
        total += 1.0 if gap == 0 else -1.5 if gap == 1 else -6.0
        reasons.append("year" if gap == 0 else f"years {gap} apart")
    total += _field(a.page, b.page, 3.0, -4.0, "pages", reasons)
    total += _field(a.volume, b.volume, 1.5, -3.0, "volume", reasons)
    total += _field(a.issue, b.issue, 0.5, -0.75, "issue", reasons)
    if a.journals and b.journals:
        same = _same_journal(a, b)
        total += 1.0 if same else -1.5
        reasons.append("journal" if same else "different journals")
    if len(a.abstract) >= 100 and len(b.abstract) >= 100:
        n = min(len(a.abstract), len(b.abstract))  # one database may cut the abstract short
        s = fuzz.ratio(a.abstract[:n], b.abstract[:n]) / 100
        total += _interpolate(s, _ABSTRACT_W)
        reasons.append(f"abstract {s:.2f}")
    score = 1.0 / (1.0 + math.exp(-(total - _MIDPOINT) / _SCALE))
    if score < POSSIBLE_AT:
        return None
    verdict = "duplicate" if score >= DUPLICATE_AT else "possible"
    if verdict == "duplicate" and t < _AUTO_TITLE and not same_doi:
        verdict = "possible"
        reasons.append("titles differ too much to merge unseen")
    if a.conference != b.conference and not _same_item(a, b):
        verdict = "possible"
        reasons.append("one is a conference abstract")
    return Match(ida, idb, round(score, 4), verdict, tuple(_tidy(reasons)))


def _field(x: str, y: str, agree: float, disagree: float, name: str, reasons: list[str]) -> float:
    if not x or not y:
        return 0.0
    if x == y:
        reasons.append(name)
        return agree
    reasons.append(f"different {name}")
    return disagree


def _tidy(reasons: list[str]) -> list[str]:
    """Join the agreeing fields into one phrase: "title 0.98, authors 1.00, year, pages"."""
    agree = [r for r in reasons if not r.startswith(("different", "one ", "titles ", "years "))]
    other = [r for r in reasons if r not in agree]
    return [", ".join(agree)] + other if agree else other


def find_matches(
    records: Sequence[tuple[int, Record]],
    *,
    new: Collection[int] | None = None,
    progress: Progress | None = None,
) -> list[Match]:
    """Pairs of records that are (or may be) the same publication, best first.

    With ``new``, only pairs with at least one record id in ``new`` are considered: an update or
    an import is checked against the whole review without re-comparing the old records.
    ``progress`` is told each step (preparing, blocking, candidate pairs, scoring).
    """
    told = counted(progress, "Preparing records", records, len(records))
    preps = [prepare(rid, r) for rid, r in told if r.kind != "deleted"]
    new_idx = None
    if new is not None:
        wanted = set(new)
        new_idx = {i for i, p in enumerate(preps) if p.id in wanted}
        if not new_idx:
            return []
    doi_counts: dict[str, int] = defaultdict(int)
    for p in preps:
        if p.doi:
            doi_counts[p.doi] += 1
    matches = []
    candidates = _candidates(preps, new_idx, progress)
    for i, j in counted(progress, "Scoring candidate pairs", candidates, len(candidates),
                        every=5000):  # fmt: skip
        a, b = preps[i], preps[j]
        if a.id == b.id:
            continue
        if not _worth_scoring(a, b):
            continue
        m = score_pair(a, b, doi_counts)
        if m is not None:
            matches.append(m)
    matches.sort(key=lambda m: (-m.score, m.a, m.b))
    return matches


def _same_item(a: _Prep, b: _Prep) -> bool:
    """Same year, volume, issue and first page: one printed item, whatever one database calls it
    (an abstract printed in a journal supplement cannot share its page with a later full paper)."""
    if not (a.year and a.volume and a.page and a.year == b.year):
        return False
    return (
        a.volume == b.volume
        and a.page == b.page
        and (a.issue == b.issue or not a.issue or not b.issue)
    )


def _worth_scoring(a: _Prep, b: _Prep) -> bool:
    """A cheap filter before scoring: titles alike, or an identifier or citation shared."""
    if a.pmid and a.pmid == b.pmid or a.doi and a.doi == b.doi:
        return True
    if fuzz.ratio(a.sorted_title, b.sorted_title, score_cutoff=_TITLE_GATE):
        return True
    return bool(fuzz.ratio(a.title, b.title, score_cutoff=_TITLE_GATE)) or _bibliographic_twin(a, b)


def _bibliographic_twin(a: _Prep, b: _Prep) -> bool:
    """Same year, volume and first page: worth scoring even when titles differ (a title given in
    the original language by one database and translated by another)."""
    return bool(a.page and a.volume and a.year) and (a.year, a.volume, a.page) == (
        b.year,
        b.volume,
        b.page,
    )
