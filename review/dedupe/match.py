"""Finding records that describe the same publication: prepare, block, score.

1. Prepare each record once (``prepare``).
2. Block (``blocking``): only pairs that share a key are compared.
3. Score (here): every field both records have adds evidence for or against, in log-odds style
   (a Fellegi-Sunter model with weights set from how often databases disagree on that field for
   the same article, not fitted to one data set). The sum becomes a 0..1 score; a high score
   merges automatically, a middle band goes to a reviewer. Hard rules come first: notices
   (retractions, comments) never match the article they concern, and an erratum is only linked
   to it (kind "erratum"), never merged; Cochrane review versions, titles whose part or other
   numbers differ, and a recurring title ("Editor's Comments") in another issue or on other pages
   are distinct; a conference abstract and a full paper, and records with different DOIs or
   PMIDs, are never merged without a reviewer. When titles are in two languages (one bracketed
   as translated), agreement of the full citation carries the match.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sized
from dataclasses import dataclass

from rapidfuzz import fuzz

from review.dedupe import normalise as nz
from review.dedupe.blocking import SHARED_DOI, TITLE_GATE, candidates
from review.dedupe.prepare import Prep, notice_kind, prepare
from review.progress import Progress, counted
from review.records import Record

__all__ = [
    "DUPLICATE_AT",
    "POSSIBLE_AT",
    "Match",
    "erratum_link",
    "find_matches",
    "notice_kind",
    "score_pair",
]

DUPLICATE_AT = 0.8  # score at or above which a pair is merged automatically
POSSIBLE_AT = 0.2  # score at or above which a reviewer is asked
_MIDPOINT, _SCALE = 7.0, 2.0  # log-odds total -> score: 0.8 at ~9.8, 0.2 at ~4.2
_AUTO_TITLE = 0.9  # an automatic merge also needs titles at least this similar


@dataclass(frozen=True)
class Match:
    a: int  # record ids (a < b)
    b: int
    score: float  # 0..1
    verdict: str  # "duplicate" (merge automatically) or "possible" (a reviewer decides)
    reasons: tuple[str, ...]
    kind: str = "duplicate"  # or "erratum": a correction notice linked to the article it corrects
    notice: int | None = None  # for an erratum link, the notice's record id


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


def title_similarity(a: Prep, b: Prep) -> tuple[float, str]:
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


def _same_journal(a: Prep, b: Prep) -> bool:
    return any(nz.journal_similar(x, y) for x in a.journals for y in b.journals)


def _rules(a: Prep, b: Prep) -> str:
    """A reason the pair is certainly not one publication, or ""."""
    if (a.generic or b.generic) and a.title == b.title:
        # "Editor's Comments" by one editor in every issue: only the citation tells them apart
        if a.volume and b.volume and a.volume != b.volume or a.year != b.year:
            return "a recurring title in different volumes or years"
        if a.issue and b.issue and a.issue != b.issue:
            return "a recurring title in different issues"
        if a.page and b.page and not pages_overlap(a, b):
            return "a recurring title on different pages"
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


def score_pair(a: Prep, b: Prep, doi_counts: dict[str, int]) -> Match | None:
    """The pair's match, or None when the evidence says two different publications."""
    ida, idb = sorted((a.id, b.id))
    if a.pmid and a.pmid == b.pmid:
        return Match(ida, idb, 1.0, "duplicate", ("same PMID",))
    if a.notice != b.notice:
        return erratum_link(a, b)
    if _rules(a, b):
        return None
    t, note = title_similarity(a, b)
    total = _interpolate(t, _TITLE_W)
    if total > 0:  # a short title ("Editorial", "Stroke rehabilitation") proves little when shared
        total *= min(a.information, b.information)
    reasons = [f"title {t:.2f}"] + ([note] if note else [])
    same_doi = bool(a.doi) and a.doi == b.doi and doi_counts.get(a.doi, 0) <= SHARED_DOI
    if same_doi:
        total = max(total, -2.0) + 10.0  # titles may differ by language; the DOI does not
        reasons.insert(0, "same DOI")
    elif a.doi and b.doi and a.doi != b.doi:
        total -= 5.0
        reasons.append("different DOIs")
    if a.pmid and b.pmid:
        total -= 8.0
        reasons.append("different PMIDs")
    auth = author_similarity(*_surnames(a, b))
    if auth >= 0:
        total += _interpolate(auth, _AUTHOR_W)
        reasons.append(f"authors {auth:.2f}")
    if a.year and b.year:
        gap = abs(a.year - b.year)
        total += 1.0 if gap == 0 else -1.5 if gap == 1 else -6.0
        reasons.append("year" if gap == 0 else f"years {gap} apart")
    pages = _pages(a, b)
    total += {"same": 3.0, "typo": 2.0, "different": -4.0}.get(pages, 0.0)
    if pages:
        reasons.append({"same": "pages", "typo": "pages (one range has a typo)"}.get(pages, ""))
        if pages == "different":
            reasons[-1] = "different pages"
    total += _field(a.volume, b.volume, 1.5, -3.0, "volume", reasons)
    total += _field(a.issue, b.issue, 0.5, -0.75, "issue", reasons)
    same_journal = False
    if a.journals and b.journals:
        same_journal = _same_journal(a, b)
        total += 1.0 if same_journal else -1.5
        reasons.append("journal" if same_journal else "different journals")
    if len(a.abstract) >= 100 and len(b.abstract) >= 100:
        n = min(len(a.abstract), len(b.abstract))  # one database may cut the abstract short
        s = fuzz.ratio(a.abstract[:n], b.abstract[:n]) / 100
        total += _interpolate(s, _ABSTRACT_W)
        reasons.append(f"abstract {s:.2f}")
    # the full citation (authors, year, journal, volume, first page) can carry a pair whose
    # titles are in two languages: PubMed's "[English title]" beside the original
    citation = (
        auth >= 0.75
        and a.year == b.year
        and same_journal
        and bool(a.volume)
        and a.volume == b.volume
        and pages in ("same", "typo")
        and not (a.issue and b.issue and a.issue != b.issue)
    )
    # two identifiers that disagree (DOIs, PMIDs) outweigh a shared citation: databases give one
    # article one DOI and PubMed one PMID, while a journal issue's items can share much else
    citation = citation and not _identifiers_differ(a, b)
    bilingual = citation and t < _AUTO_TITLE and (a.translated or b.translated)
    if bilingual:
        total = max(total, _MIDPOINT) + 3.0
        reasons.append("titles in two languages (one bracketed as translated); citation agrees")
    elif citation and t < _AUTO_TITLE and total < _MIDPOINT:
        total = _MIDPOINT
        reasons.append("titles differ but the full citation agrees")
    score = 1.0 / (1.0 + math.exp(-(total - _MIDPOINT) / _SCALE))
    if score < POSSIBLE_AT:
        return None
    verdict = "duplicate" if score >= DUPLICATE_AT else "possible"
    if verdict == "duplicate" and t < _AUTO_TITLE and not same_doi and not bilingual:
        verdict = "possible"
        reasons.append("titles differ too much to merge unseen")
    if a.conference != b.conference and not _same_item(a, b):
        verdict = "possible"
        reasons.append("one is a conference abstract")
    if verdict == "duplicate" and (a.doi and b.doi and not same_doi or a.pmid and b.pmid):
        verdict = "possible"
        reasons.append("different DOIs or PMIDs: never merged unseen")
    if verdict == "duplicate" and (a.generic or b.generic) and pages != "same" and not same_doi:
        verdict = "possible"
        reasons.append("a recurring title without a shared page: never merged unseen")
    return Match(ida, idb, round(score, 4), verdict, tuple(_tidy(reasons)))


def erratum_link(a: Prep, b: Prep) -> Match | None:
    """An erratum (or correction) linked to the article it corrects, or None.

    The notice must cite the article's title ("Erratum: <title>", "Correction to: <title>") and
    appear in its journal (or cite its volume and page); it stays a record of its own, linked
    to the article so the study is screened once. Other notices never match an article."""
    e, x = (a, b) if a.notice else (b, a)
    if e.notice != "erratum" or x.notice or not e.target or not x.title:
        return None
    sorted_target = " ".join(sorted(e.target.split()))
    t = max(fuzz.ratio(e.target, x.title), fuzz.ratio(sorted_target, x.sorted_title)) / 100
    if t < 0.9 or (e.year and x.year and not 0 <= e.year - x.year <= 3):
        return None
    reasons = [f"an erratum citing this article's title ({t:.2f})"]
    cited = e.cited != ("", "")
    if cited and (e.cited[0] != x.volume or e.cited[1] != x.page):
        return None
    if cited:
        reasons.append("cites its volume and page")
    same_journal = bool(e.journals and x.journals) and _same_journal(e, x)
    if e.journals and x.journals and not same_journal:
        return None
    if same_journal:
        reasons.append("same journal")
    sure = same_journal or cited
    ida, idb = sorted((a.id, b.id))
    return Match(
        ida,
        idb,
        0.95 if sure else 0.5,
        "duplicate" if sure else "possible",
        tuple(reasons) + (() if sure else ("journal unknown: a reviewer decides",)),
        kind="erratum",
        notice=e.id,
    )


def pages_overlap(a: Prep, b: Prep) -> bool:
    """Whether two page ranges share a page (non-numeric pages: whether they start alike)."""
    try:
        a0, b0 = int(a.page), int(b.page)
        a1, b1 = int(a.last_page or a.page), int(b.last_page or b.page)
    except ValueError:
        return a.page == b.page
    return max(a0, b0) <= min(max(a0, a1), max(b0, b1))


def _pages(a: Prep, b: Prep) -> str:
    """ "same" first page, "typo" (last pages agree, first pages one keystroke apart: "2297-2108"
    for "2097-2108"), "different", or "" when one has no pages."""
    if not a.page or not b.page:
        return ""
    if a.page == b.page:
        return "same"
    if (
        a.last_page
        and a.last_page == b.last_page
        and len(a.page) == len(b.page)
        and sum(x != y for x, y in zip(a.page, b.page, strict=True)) == 1
    ):
        return "typo"
    return "different"


def _surnames(a: Prep, b: Prep) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The two surname lists, the first authors made equal when their names share a word in
    any arrangement ("Goicoechea de, Jorge E." and "de Jorge, E. G.")."""
    sa, sb = a.surnames, b.surnames
    if sa and sb and sa[0] != sb[0] and set(a.first_author.split()) & set(b.first_author.split()):
        return sa, (sa[0],) + sb[1:]
    return sa, sb


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
    records: Iterable[tuple[int, Record]],
    *,
    new: Collection[int] | None = None,
    progress: Progress | None = None,
    total: int | None = None,
) -> list[Match]:
    """Pairs of records that are (or may be) the same publication, best first.

    With ``new``, only pairs with at least one record id in ``new`` are considered: an update or
    an import is checked against the whole review without re-comparing the old records.
    ``progress`` is told each step (loading and preparing, blocking, candidate pairs, scoring).
    ``records`` may be a stream (``total``: how many it holds): each record is prepared as it
    arrives and can be freed, so a million are never held whole beside their prepared forms.
    """
    count = len(records) if isinstance(records, Sized) else total
    told = counted(progress, "Loading and preparing records", records, count)
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
    pairs = candidates(preps, new_idx, progress)
    for i, j in counted(progress, "Scoring candidate pairs", pairs, len(pairs),
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


def _same_item(a: Prep, b: Prep) -> bool:
    """Same year, volume, issue and first page: one printed item, whatever one database calls it
    (an abstract printed in a journal supplement cannot share its page with a later full paper)."""
    if not (a.year and a.volume and a.page and a.year == b.year):
        return False
    return (
        a.volume == b.volume
        and a.page == b.page
        and (a.issue == b.issue or not a.issue or not b.issue)
    )


def _worth_scoring(a: Prep, b: Prep) -> bool:
    """A cheap filter before scoring: titles alike, or an identifier or citation shared."""
    if a.pmid and a.pmid == b.pmid or a.doi and a.doi == b.doi:
        return True
    if fuzz.ratio(a.sorted_title, b.sorted_title, score_cutoff=TITLE_GATE):
        return True
    if a.target or b.target:
        e, x = (a, b) if a.target else (b, a)
        if fuzz.ratio(e.target, x.title, score_cutoff=TITLE_GATE):
            return True
    return bool(fuzz.ratio(a.title, b.title, score_cutoff=TITLE_GATE)) or _bibliographic_twin(a, b)


def _bibliographic_twin(a: Prep, b: Prep) -> bool:
    """Same year, volume and first page: worth scoring even when titles differ (a title given in
    the original language by one database and translated by another)."""
    return bool(a.page and a.volume and a.year) and (a.year, a.volume, a.page) == (
        b.year,
        b.volume,
        b.page,
    )


def _identifiers_differ(a: Prep, b: Prep) -> bool:
    """Both records carry a DOI, or both a PMID, and they differ."""
    return bool(a.doi and b.doi and a.doi != b.doi) or bool(a.pmid and b.pmid and a.pmid != b.pmid)
