"""Gathering the report from the review: everything the overview prints, read once from the
store into the frozen dataclasses of ``review.report.model``.

Only facts are computed here (counts, tables, the validity points); how they are set out is
``review.report.layout``'s, and how they are written is each writer's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import fields
from datetime import date
from typing import TYPE_CHECKING

from review.extraction.model import (
    ANALYSIS_PARTS,
    CRITERIA_ROWS,
    DESIGNS,
    DETAIL_ROWS,
    Sections,
    Study,
)
from review.extraction.protocol import current_protocol
from review.extraction.studies import appendix_studies, key_studies, list_studies
from review.prioritise.certificate import stopping_certificate
from review.progress import Progress, Tally
from review.report.flow import review_counts
from review.report.model import Cell, KeyStudy, Report, Table
from review.report.prisma import prisma_png
from review.report.sources import searched_sources, sources_table
from review.report.summary import summaries
from review.screening.decisions import progress

if TYPE_CHECKING:
    from review.store import Store


def build_report(
    store: Store, *, today: date | None = None, progress: Progress | None = None
) -> Report:
    """Everything the overview prints, read from the review as it stands (``today`` dates it).
    ``progress`` is told the step "Gathering the report" (its parts, see review.progress)."""
    tally = Tally(progress, "Gathering the report", 7)
    p = current_protocol(store)
    keys = key_studies(store)
    day = today or date.today()
    papers = cited_papers(keys)
    tally.add()
    searched = searched_sources(store)
    strategies = _strategies(store)
    tally.add()
    first = [sum(len(c) for c in papers[:i]) + 1 for i in range(len(papers))]
    drafted = summaries(store)
    tally.add()
    method = _method(store, p, keys)
    tally.add()
    diagram = prisma_png(review_counts(store))
    tally.add()
    blocks = tuple(_key_study(i, s, p, papers[i - 1], first[i - 1]) for i, s in enumerate(keys, 1))
    tally.add()
    others = appendix_studies(store)
    tally.end()
    return Report(
        title=p.title or "Untitled review",
        date=f"{day.day} {day:%B %Y}",
        outcome_measures=tuple(
            (o.name, o.description) for o in (*p.efficacy, *p.safety) if o.description.strip()
        ),
        summaries=drafted,
        method=method,
        criteria=Table(
            ("Characteristic", "Criteria"),
            tuple((label, getattr(p.criteria, key)) for key, label in CRITERIA_ROWS),
            "Table 1 Inclusion criteria for identification of relevant studies",
        ),
        evidence_base=evidence_base(keys),
        prisma_png=diagram,
        key_studies=blocks,
        validity=validity(keys),
        sources=sources_table(searched),
        strategies=strategies,
        appendix=Table(
            (
                "Article",
                "Number of patients/follow up",
                "Direction of conclusions",
                "Reason for non-inclusion",
            ),
            tuple(
                (
                    "\n".join(r.citation for r in _records(s)) or s.label,
                    s.appendix.patients_follow_up,
                    s.appendix.direction,
                    s.appendix.reason,
                )
                for s in others
            ),
            "Additional papers identified",
        ),
        written=tuple((f.name, getattr(p.sections, f.name)) for f in fields(Sections)),
        references=tuple(c for cites in papers for c in cites),
        searched=searched,
        screening_stop=stopping_certificate(store).text,
    )


def cited_papers(keys: list[Study]) -> list[tuple[str, ...]]:
    """Each key study's papers (main record first) in NICE's citation style: numbered in this
    order, they are the References list, and each study's block cites them by number. A paper is
    cited from the PubMed copy of its record when one was merged with it (see list_studies)."""
    return [tuple(r.citation for r in _records(s)) for s in keys]


def _records(s: Study):
    main = s.main_record
    return [main, *(r for r in s.records if r is not main)] if main else []


def _method(store: Store, p, keys: list[Study]) -> tuple[str, ...]:
    first, full = progress(store, None, "title_abstract"), progress(store, None, "full_text")
    searches, files = len(store.searches()), len(store.imports())
    everything = list_studies(store)
    appendix = sum(1 for s in everything if s.role == "appendix")
    lines = [
        f"Records came from {_count(searches, 'saved PubMed search', 'saved PubMed searches')} and "
        f"{_count(files, 'imported file')} (see Literature search). "
        f"{_count(store.count_records(), 'record')} were identified; after duplicates were "
        f"removed, {first.total:,} were screened on title and abstract and "
        f"{first.excluded:,} excluded. {_count(full.total, 'full-text report')} were assessed "
        f"and {full.included:,} included, reporting {_count(len(everything), 'study', 'studies')}."
        f" {_count(len(keys), 'study', 'studies')} are summarised as key evidence and "
        f"{appendix:,} listed in the appendix.",
    ]
    for role, outcomes in (("efficacy", p.efficacy), ("safety", p.safety)):
        if outcomes:
            names = ", ".join(o.name.lower() for o in outcomes)
            lines.append(f"Key {role} outcomes: {names}.")
    return tuple(lines)


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def evidence_base(keys: list[Study]) -> str:
    """NICE's "based on N patients from M studies", naming studies whose size is not recorded
    rather than guessing it, then what designs they were (``designs_included``)."""
    if not keys:
        return "No studies have been chosen as key evidence yet."
    return f"{_based_on(keys)} {designs_included(keys)}"


# How each design is counted in a sentence: (one, many).
_DESIGN_NOUNS = {
    "randomised controlled trial": ("randomised controlled trial", "randomised controlled trials"),
    "non-randomised comparative study": (
        "non-randomised comparative study",
        "non-randomised comparative studies",
    ),
    "case series": ("case series", "case series"),
    "case report": ("case report", "case reports"),
    "review": ("review", "reviews"),
    "other": ("study of another design", "studies of another design"),
    "": ("study whose design is not recorded", "studies whose design is not recorded"),
}


def designs_included(keys: list[Study]) -> str:
    """NICE's guidance sentence on the key evidence's designs, best evidence first: "The
    evidence included 2 randomised controlled trials and 3 case series."."""
    counts = Counter(s.details.design if s.details.design in DESIGNS else "" for s in keys)
    parts = [_count(counts[d], *_DESIGN_NOUNS[d]) for d in (*DESIGNS, "") if counts[d]]
    return f"The evidence included {_names(parts)}." if parts else ""


def _based_on(keys: list[Study]) -> str:
    known = [s.details.patients for s in keys if s.details.patients is not None]
    missing = [s.label for s in keys if s.details.patients is None]
    studies_ = _count(len(keys), "study", "studies")
    if not missing:
        return f"This overview is based on {sum(known):,} patients from {studies_}."
    if not known:
        return (
            f"This overview is based on {studies_}; the number of patients is not recorded for "
            f"any of them."
        )
    return (
        f"This overview is based on at least {sum(known):,} patients from {studies_} (the "
        f"number of patients is not recorded for {_names(missing)})."
    )


def _key_study(number: int, s: Study, p, cites: tuple[str, ...], first: int) -> KeyStudy:
    d = s.details
    rows = []
    for key, label in DETAIL_ROWS:
        if key == "analysis":
            value: Cell = tuple(
                f"{part}: {getattr(d, k)}" for k, part in ANALYSIS_PARTS if getattr(d, k).strip()
            )
        else:
            value = getattr(d, key)
        rows.append((label, value))
    analysed = d.analysed
    if analysed is None:
        counts = [f.analysed for f in s.efficacy if f.analysed is not None]
        analysed = max(counts) if counts else None
    return KeyStudy(
        number=number,
        heading=f"Study {number} {s.heading_name}",
        citations=cites,
        details=Table(("Study component", "Description"), tuple(rows)),
        analysed=analysed,
        efficacy=_efficacy_tables(s, [o.name for o in p.efficacy]),
        safety=_safety_table(s),
        references=tuple(range(first, first + len(cites))),
    )


def _first_seen(values) -> list[str]:
    seen: dict[str, str] = {}
    for v in values:
        seen.setdefault(v.strip().casefold(), v.strip())
    return list(seen.values())


def _efficacy_tables(s: Study, protocol_order: list[str]) -> tuple[Table, ...]:
    found = _first_seen(f.outcome for f in s.efficacy)
    ordered = [o for o in protocol_order if o.casefold() in {f.casefold() for f in found}]
    ordered += [f for f in found if f.casefold() not in {o.casefold() for o in ordered}]
    tables = []
    for outcome in ordered:
        findings = [f for f in s.efficacy if f.outcome.strip().casefold() == outcome.casefold()]
        times = _first_seen(f.timepoint for f in findings)
        measures = _first_seen(f.measure for f in findings)
        cells = {
            (f.measure.strip().casefold(), f.timepoint.strip().casefold()): "\n".join(
                t for t in (f.cell, f.note.strip()) if t
            )
            for f in findings
        }
        rows = tuple(
            (m, *(cells.get((m.casefold(), t.casefold()), "") for t in times)) for m in measures
        )
        key = any(o.casefold() == outcome.casefold() for o in protocol_order)
        caption = outcome if key or not protocol_order else f"Other outcomes: {outcome}"
        tables.append(Table(("Measure", *times), rows, caption))
    return tuple(tables)


def _safety_table(s: Study) -> Table | None:
    if not s.safety:
        return None
    timed = any(f.timepoint.strip() for f in s.safety)
    header = ("Adverse event", "n (%)", "Unit", "Severity") + (("Time point",) if timed else ())
    rows = []
    # events filed under one outcome ("Damage to adjacent structures: chilblains", "...: fracture")
    # are listed together, where the outcome's first event is
    groups = [g.casefold() for g in _first_seen(f.event.partition(":")[0] for f in s.safety)]
    ordered = sorted(
        s.safety, key=lambda f: groups.index(f.event.partition(":")[0].strip().casefold())
    )
    for f in ordered:
        cell = f.cell if f.n is None or not f.note.strip() else f"{f.cell}\n{f.note.strip()}"
        row = (f.event, cell, f"per {f.unit}", f.severity)
        rows.append(row + ((f.timepoint,) if timed else ()))
    return Table(header, tuple(rows))


def validity(keys: list[Study]) -> tuple[str, ...]:
    """Facts about the key evidence that NICE's validity section weighs, computed, not judged."""
    if not keys:
        return ("No studies have been chosen as key evidence yet.",)
    points = []
    designs = Counter(s.details.design if s.details.design in DESIGNS else "" for s in keys)
    order = [*DESIGNS, ""]
    parts = [_design(d, n) for d, n in sorted(designs.items(), key=lambda x: order.index(x[0]))]
    points.append(f"The key evidence is {_count(len(keys), 'study', 'studies')}: {_names(parts)}.")
    if "randomised controlled trial" not in designs:
        points.append("There are no randomised controlled trials in the key evidence.")
    sized = [(s.details.patients, s.label) for s in keys if s.details.patients is not None]
    unsized = [s.label for s in keys if s.details.patients is None]
    if sized:
        low, high = min(sized), max(sized)
        text = (
            f"Sample sizes ranged from {low[0]} ({low[1]}) to {high[0]} patients ({high[1]})."
            if low[0] != high[0]
            else f"Each study with a recorded size had {low[0]} patients."
        )
        if unsized:
            text += f" Not recorded for {_names(unsized)}."
        points.append(text)
    retro = [s.label for s in keys if s.details.retrospective]
    unknown = [s.label for s in keys if s.details.retrospective is None]
    text = f"{len(retro)} of {len(keys)} studies were retrospective"
    text += f" ({_names(retro)})." if retro else "."
    if unknown:
        text += f" Not recorded for {_names(unknown)}."
    points.append(text)
    timed = [(s.details.follow_up_months, s.label) for s in keys if s.details.follow_up_months]
    if timed:
        months, label = max(timed)
        points.append(f"The longest follow-up was {months:g} months ({label}).")
    lost = [s for s in keys if s.details.lost_to_follow_up is not None]
    if lost:
        losses = [
            f"{s.details.lost_to_follow_up}"
            + (f" of {s.details.patients}" if s.details.patients is not None else "")
            + f" patients ({s.label})"
            for s in lost
        ]
        points.append(f"Losses to follow-up: {_names(losses)}.")
    else:
        points.append("No study's losses to follow-up have been extracted.")
    countries = _first_seen(c for s in keys for c in _split_countries(s.details.country))
    if countries:
        points.append(f"The studies were done in {_names(countries)}.")
    return tuple(points)


def _design(design: str, n: int) -> str:
    if not design:
        return f"{n} whose design is not recorded"
    if design == "other":
        return f"{n} of another design"
    if n == 1 or design.endswith("series"):
        return f"{n} {design}"
    return f"{n} {design[:-1]}ies" if design.endswith("y") else f"{n} {design}s"


def _split_countries(text: str) -> list[str]:
    parts = text.replace(";", ",").replace(" and ", ",").split(",")
    return [p.strip() for p in parts if p.strip()]


def _strategies(store: Store) -> tuple[tuple[str, str], ...]:
    result = []
    runs = store.runs()
    for search in store.searches():
        mine = [r for r in runs if r.search_id == search.id and r.query_translation]
        text = f"Query: {search.query}"
        if mine:
            text += f"\nPubMed searched: {mine[-1].query_translation}"
        result.append((f"PubMed search {search.name!r}", text))
    return tuple(result)
