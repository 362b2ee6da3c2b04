"""Labelled hard cases for deduplication, made from real records (the Rathbone stroke set).

Issue 11 measured the matcher on labelled sets the project does not have; these sets rebuild
their hard classes from real citations, so the benchmark (``benchmarks/dedupe.py``) and the tests
(``tests/dedupe``) measure the same thing. Each set is positive pairs (one publication twice)
beside negative ones (two publications that look alike), labelled:

- ``bilingual``: "[English title]." beside a stand-in original-language title, citation agreeing;
  negatives: the same authors' other paper in the same issue, titled the same two ways.
- ``errata``: "Erratum: <title>" / "Correction to: <title>" / WoS's "<title> (vol V, pg P, Y)" in
  the article's journal on a later page, grouped with the article (as the issue's reference sets
  do); negatives: an erratum of the same title in another journal.
- ``noise``: page typos ("2297-2108"), pages three ways, abbreviated journal names, first authors
  in two name forms ("Goicoechea de, Jorge E." / "de Jorge, E. G."), record numbers in the issue.
- ``columns``: a recurring column ("Editor's Comments") by one editor in every issue of a volume:
  all different items; positives: one column from two databases.
- ``identifiers``: near-identical records with different DOIs or PMIDs (never merged unseen);
  positives: one record with and one without the DOI.
- ``cochrane``: Cochrane review versions (.pub2, .pub3), distinct; one version from two databases.
- ``published``: hard cases that bib-dedupe's and ASySD's papers describe (from the papers' text,
  not their data): DOIs written as URLs or with "doi:", HTML in titles, "Part I"/"Part II",
  retraction notices, conference abstracts of a later paper, author lists cut to "et al.".
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from review.records import Author, Record


@dataclass(frozen=True)
class LabelledSet:
    name: str
    records: list[tuple[int, Record]]
    groups: list[set[int]]  # the true duplicate groups (errata grouped with their article)


def base_records(records: list[tuple[int, Record]], groups: list[set[int]]) -> list[Record]:
    """Real records fit to make variants from: in no labelled group, with a full citation."""
    grouped = set().union(*groups) if groups else set()
    out = []
    for rid, r in records:
        if rid in grouped or len(r.title.split()) < 6 or "[" in r.title:
            continue
        if r.authors and r.year and r.journal and r.volume and re.fullmatch(r"\d+-\d+", r.pages):
            out.append(r)
    return out


def _foreign(title: str) -> str:
    """A stand-in for the title in another language: the same length, none of its words."""
    made = []
    for w in re.findall(r"\w+", title):
        h = sum(ord(c) * (i + 7) for i, c in enumerate(w))
        made.append(
            "".join("bdfgklmnprstvz"[(h >> k) % 14] + "aeiou"[(h >> k) % 5] for k in (0, 3))
        )
    return " ".join(made).capitalize()


def _abbreviate(journal: str) -> str:
    """An ISO-4-like abbreviation: "Archivos Argentinos de Pediatria" -> "Arch Argent Pediatr"."""
    skip = {"of", "the", "and", "&", "for", "in", "de", "on"}
    words = journal.split(":")[0].split()  # ISO 4 drops the subtitle
    return " ".join(w[:5] if len(w) > 6 else w for w in words if w.lower() not in skip)


def _last_pages(r: Record) -> tuple[int, int]:
    first, last = r.pages.split("-")
    return int(first), int(last)


def _renumber(name: str, items: list[tuple[str, Record]]) -> LabelledSet:
    """(label, record) pairs -> ids 1..n and groups of the labels shared by two or more."""
    by_label: dict[str, set[int]] = {}
    records = []
    for rid, (label, r) in enumerate(items, start=1):
        records.append((rid, r))
        by_label.setdefault(label, set()).add(rid)
    return LabelledSet(name, records, [g for g in by_label.values() if len(g) > 1])


def bilingual(base: list[Record], rng: random.Random, n: int = 40) -> LabelledSet:
    items = []
    for k, r in enumerate(rng.sample(base, min(n, len(base)))):
        items.append((f"b{k}", replace(r, title=f"[{r.title}].")))
        items.append((f"b{k}", replace(r, title=_foreign(r.title), issue=r.issue or "")))
        if k % 2 == 0:  # the same authors' other paper in the same issue, on later pages
            first, last = _last_pages(r)
            other_title = " ".join(reversed(r.title.split()[:4])) + " in a second cohort"
            pages = f"{last + 3}-{last + 9}"
            items.append((f"b{k}x", replace(r, title=f"[{other_title}].", pages=pages)))
    return _renumber("bilingual", items)


def errata(base: list[Record], rng: random.Random, n: int = 40) -> LabelledSet:
    items = []
    forms = ("Erratum: {t}", "Correction to: {t}", "{t} (vol {v}, pg {p}, {y})", "Corrigendum to "
             '"{t}"')  # fmt: skip
    for k, r in enumerate(rng.sample(base, min(n, len(base)))):
        first, _ = _last_pages(r)
        items.append((f"e{k}", r))
        title = forms[k % len(forms)].format(t=r.title, v=r.volume, p=first, y=r.year)
        later = replace(r, title=title, pages=str(first + 200 + k), issue="", year=r.year + k % 2)
        items.append((f"e{k}", later))
        if k % 3 == 0:  # an erratum of a namesake by others in another journal: not this one's
            other = base[(k * 7 + 3) % len(base)]
            namesake = replace(
                other, title=title, pages=str(first + 900), journal="Journal of Unrelated Studies"
            )
            items.append((f"e{k}x", namesake))
    return _renumber("errata", items)


def _author_forms(a: Author) -> Author:
    """ "Goicoechea de, Jorge E." -> "de Jorge, E. G.": the name split the other way."""
    fore = a.fore_name or a.initials
    first_word = fore.split()[0] if fore.split() else "Ana"
    return Author(last_name=f"de {first_word}", initials=(a.last_name[:1] + "G").upper())


def noise(base: list[Record], rng: random.Random, n: int = 60) -> LabelledSet:
    items = []
    for k, r in enumerate(rng.sample(base, min(n, len(base)))):
        first, last = _last_pages(r)
        changes: dict = {}
        kind = k % 6
        if kind == 0 and first >= 10:  # one digit wrong in the first page
            digits = str(first)
            wrong = digits[:-2] + str((int(digits[-2]) + 2) % 10) + digits[-1]
            changes["pages"] = f"{wrong}-{last}"
        elif kind == 1:
            changes["pages"] = str(first)
        elif kind == 2:
            short = str(last)[-(len(str(last)) - 1 or 1) :]
            changes["pages"] = f"{first}-{short}"
        elif kind == 3:
            changes["journal"] = _abbreviate(r.journal)
        elif kind == 4 and r.authors:
            changes["authors"] = (_author_forms(r.authors[0]),) + r.authors[1:]
            original = Author(
                last_name=f"{r.authors[0].last_name} de",
                fore_name=f"{(r.authors[0].fore_name or r.authors[0].initials).split()[0]} E.",
            )
            r = replace(r, authors=(original,) + r.authors[1:])
        else:
            changes["issue"] = str(rng.randint(2000, 40000))  # an EndNote record number
        if k % 2:  # and a second disagreement on top: journal abbreviated, issue a record number
            changes.setdefault("journal", _abbreviate(r.journal))
            changes.setdefault("issue", str(rng.randint(2000, 40000)))
        items.append((f"n{k}", r))
        items.append((f"n{k}", replace(r, **changes)))
    return _renumber("noise", items)


COLUMN_TITLES = ("Editor's Comments", "Remarks from the Editor", "In this issue", "Editorial")


def columns(base: list[Record], rng: random.Random, n: int = 12) -> LabelledSet:
    items = []
    for k, r in enumerate(rng.sample(base, min(n, len(base)))):
        title = COLUMN_TITLES[k % len(COLUMN_TITLES)]
        editor = r.authors[:1]
        for issue in range(1, 5):
            page = 100 * issue + k
            column = replace(
                r, title=title, authors=editor, issue=str(issue), pages=f"{page}-{page + 2}"
            )
            items.append((f"c{k}i{issue}", column))
            if issue == 2:  # the same column from a second database: abbreviated journal
                items.append((f"c{k}i{issue}", replace(column, journal=_abbreviate(r.journal))))
            if issue == 3 and k % 2:  # a copy without the issue, on other pages: still apart
                items.append((f"c{k}i3x", replace(column, issue="", pages=f"{page + 40}")))
    return _renumber("columns", items)


def identifiers(base: list[Record], rng: random.Random, n: int = 30) -> LabelledSet:
    items = []
    for k, r in enumerate(rng.sample(base, min(n, len(base)))):
        doi = f"10.1000/case.{k}"
        if k % 3 == 0:
            items.append((f"i{k}", replace(r, doi=doi)))
            items.append((f"i{k}x", replace(r, doi=doi + "x")))  # e.g. a reprint with its DOI
        elif k % 3 == 1:
            items.append((f"i{k}", replace(r, pmid=str(1000 + k))))
            items.append((f"i{k}x", replace(r, pmid=str(5000 + k))))
        else:
            items.append((f"i{k}", replace(r, doi=doi)))
            items.append((f"i{k}", replace(r, doi="", journal=_abbreviate(r.journal))))
    return _renumber("identifiers", items)


def cochrane(base: list[Record], rng: random.Random, n: int = 15) -> LabelledSet:
    items = []
    for k, r in enumerate(rng.sample(base, min(n, len(base)))):
        number = f"cd{10000 + k:06d}"
        for version in (1, 2, 3):
            doi = f"10.1002/14651858.{number}" + (f".pub{version}" if version > 1 else "")
            review = replace(
                r,
                journal="Cochrane Database of Systematic Reviews",
                year=r.year + 3 * version,
                volume="",
                issue=str(version),
                pages=number.upper(),
                doi=doi,
            )
            items.append((f"k{k}v{version}", review))
            if version == 2:  # the same version from a second database, without its DOI
                items.append((f"k{k}v{version}", replace(review, doi="")))
    return _renumber("cochrane", items)


def published(base: list[Record], rng: random.Random, n: int = 30) -> LabelledSet:
    items = []
    for k, r in enumerate(rng.sample(base, min(n, len(base)))):
        kind = k % 6
        doi = f"10.1000/pub.{k}"
        if kind == 0:  # one DOI written three ways
            items.append((f"p{k}", replace(r, doi=doi)))
            items.append((f"p{k}", replace(r, doi=f"https://doi.org/{doi.upper()}")))
        elif kind == 1:  # markup in one database's title
            words = r.title.split()
            marked = " ".join(words[:2] + [f"<i>{words[2]}</i>"] + words[3:])
            items.append((f"p{k}", r))
            items.append((f"p{k}", replace(r, title=marked)))
        elif kind == 2:  # two parts of one paper
            items.append((f"p{k}", replace(r, title=r.title + ": Part I")))
            items.append((f"p{k}x", replace(r, title=r.title + ": Part II", pages="1-9")))
        elif kind == 3:  # a retraction notice beside the article
            items.append((f"p{k}", r))
            items.append((f"p{k}x", replace(r, title="Retraction notice: " + r.title, pages="9")))
        elif kind == 4:  # a conference abstract of the later paper: not merged unseen
            items.append((f"p{k}", r))
            abstract = replace(
                r,
                year=r.year - 1,
                journal=r.journal + " Conference: Annual Meeting",
                volume="1",
                pages="S12",
                publication_types=("Conference Abstract",),
            )
            items.append((f"p{k}x", abstract))
        else:  # authors cut to three and "et al."
            items.append((f"p{k}", r))
            cut = r.authors[:3] + (Author(last_name="et al."),)
            items.append((f"p{k}", replace(r, authors=cut)))
    return _renumber("published", items)


CLASSES: dict[str, Callable[[list[Record], random.Random], LabelledSet]] = {
    "bilingual": bilingual,
    "errata": errata,
    "noise": noise,
    "columns": columns,
    "identifiers": identifiers,
    "cochrane": cochrane,
    "published": published,
}


def hard_sets(
    records: list[tuple[int, Record]], groups: list[set[int]], seed: int = 11
) -> list[LabelledSet]:
    """One labelled set per class, each from its own share of the real records, then all of them
    together with the rest of the real records ("mixed")."""
    base = base_records(records, groups)
    random.Random(seed).shuffle(base)
    share = len(base) // len(CLASSES)
    sets = [
        make(base[k * share : (k + 1) * share], random.Random(f"{seed}-{name}"))
        for k, (name, make) in enumerate(CLASSES.items())
    ]
    # each class has its own real records; in the mix, those records' originals are left out
    used = {id(r) for r in base}
    rest = [(rid, r) for rid, r in records if id(r) not in used]
    return sets + [mixed([LabelledSet("rathbone", rest, groups), *sets])]


def mixed(sets: list[LabelledSet]) -> LabelledSet:
    """The sets side by side, ids renumbered, so classes meet each other and the real records."""
    records, groups, offset = [], [], 0
    for s in sets:
        shift = {rid: offset + k for k, (rid, _) in enumerate(s.records, start=1)}
        records += [(shift[rid], r) for rid, r in s.records]
        groups += [{shift[i] for i in g} for g in s.groups]
        offset += len(s.records)
    return LabelledSet("mixed", records, groups)
