"""The report laid out: sections in NICE's order as headings, paragraphs, tables and images.

Sections the review's data cannot fill are the lead's text (the protocol's ``Sections``); one
not written yet prints a note saying so, so a reader never mistakes a gap for "nothing to say".

Every writer maps these blocks and nothing else, so Word, HTML and Markdown cannot drift apart in
content or order.
"""

from __future__ import annotations

from review.extraction.model import SECTION_ROWS
from review.report.model import (
    Block,
    Bullets,
    Heading,
    Image,
    Paragraph,
    Report,
    SearchedSource,
    Table,
)

SCREENING_STOP = "Screening prioritisation and stopping (automation tools, PRISMA 2020 item 8)"
UNWRITTEN = "This section has not been written yet (the lead writes it on the Protocol page)."


def _text(text: str, style: str = "") -> list[Block]:
    return [Paragraph(line.strip(), style) for line in text.splitlines() if line.strip()]


def _summary(heading: str, section, empty: str) -> list[Block]:
    out: list[Block] = [Heading(1, heading)]
    for title, text in section:
        out += [Heading(2, title), *_text(text)]
    return out if section else [*out, Paragraph(empty, "note")]


def _written(r: Report, key: str, level: int) -> list[Block]:
    """A section the lead writes: its heading, then the text line by line, or a note that it
    has not been written."""
    text = dict(r.written).get(key, "")
    return [
        Heading(level, dict(SECTION_ROWS)[key]),
        *(_text(text) or [Paragraph(UNWRITTEN, "note")]),
    ]


def blocks(r: Report) -> tuple[Block, ...]:
    """The report in NICE's section order, as far as the review's data goes."""
    out: list[Block] = [
        Heading(0, r.title),
        Paragraph(f"Interventional procedures overview. Rapid review: {r.date}", "subtitle"),
    ]
    out.append(Heading(1, "Description of the procedure"))
    out += _written(r, "indications", 2) + _written(r, "procedure", 2)
    out.append(Heading(2, "Outcome measures"))
    out += [Paragraph(f"{name}: {text}") for name, text in r.outcome_measures] or [
        Paragraph("No key outcome has a description in the protocol yet.", "note")
    ]
    none = "No findings have been extracted from the key studies yet."
    out += _summary("Efficacy summary", r.summaries.efficacy, none)
    out += _summary("Safety summary", r.summaries.safety, none)
    out += _written(r, "anecdotal_events", 2)
    out += [Heading(1, "The evidence assessed"), Heading(2, "Rapid review of literature")]
    out += [Paragraph(line) for line in r.method]
    if r.screening_stop:
        out.append(Heading(3, SCREENING_STOP))
        out += [Paragraph(line) for line in r.screening_stop]
    out += [r.criteria, Paragraph(r.evidence_base), Heading(2, "Study selection")]
    out.append(Image(r.prisma_png, "PRISMA 2020 flow diagram of study selection"))
    out.append(Heading(1, "Summary of key evidence", new_page=True))
    if not r.key_studies:
        out.append(Paragraph("No studies have been chosen as key evidence yet.", "note"))
    for k in r.key_studies:
        out.append(Heading(2, k.heading, new_page=k.number > 1))
        numbers = [f"[{n}] " for n in k.references] + [""] * len(k.citations)
        out += [Paragraph(n + c) for n, c in zip(numbers, k.citations, strict=False)]
        out += [Heading(3, "Study details"), k.details, Heading(3, "Key efficacy findings")]
        n = k.analysed if k.analysed is not None else "not recorded"
        out.append(Paragraph(f"Number of patients analysed: {n}"))
        out += list(k.efficacy) or [Paragraph("No efficacy findings extracted.", "note")]
        out.append(Heading(3, "Key safety findings"))
        out.append(k.safety or Paragraph("No safety findings extracted.", "note"))
    out += [Heading(1, "Validity and generalisability", new_page=True), Bullets(r.validity)]
    out += _written(r, "existing_assessments", 1) + _written(r, "related_guidance", 1)
    out.append(Heading(1, "Additional information considered by IPAC"))
    for key in ("expert_opinions", "patient_commentary", "company_engagement", "ongoing_trials"):
        out += _written(r, key, 2)
    out.append(Heading(1, "References"))
    out.append(
        Bullets(r.references, numbered=True)
        if r.references
        else Paragraph("No studies have been chosen as key evidence yet.", "note")
    )
    out += _literature_search(r)
    out += [Heading(1, "Appendix", new_page=True), r.appendix]
    if not r.appendix.rows:
        out.append(Paragraph("No studies have been listed in the appendix.", "note"))
    out += _prisma_s(r)
    return tuple(out)


# -- the literature search and its PRISMA-S appendix ----------------------------------------------

PRISMA_S = "Appendix: literature search (PRISMA-S)"
NOT_RECORDED = "not recorded"


def _literature_search(r: Report) -> list[Block]:
    out: list[Block] = [Heading(1, "Literature search"), r.sources]
    if not r.sources.rows:
        out.append(Paragraph("No searches or imported files are recorded.", "note"))
        return out
    out.append(
        Paragraph(
            "Dates searched are those the searches were run; where one was not recorded the "
            f"table says so. Each full strategy, its limits and every run are in {PRISMA_S}.",
            "note",
        )
    )
    for name, text in r.strategies:
        out += [Heading(3, name), *_text(text)]
    return out


def _prisma_s(r: Report) -> list[Block]:
    if not r.searched:
        return []
    out: list[Block] = [Heading(1, PRISMA_S, new_page=True)]
    for s in r.searched:
        where = s.database or "Database not recorded"
        out.append(Heading(2, f"{where}: {s.name}"))
        out.append(
            Bullets(
                (
                    f"Database: {s.database or NOT_RECORDED}",
                    f"Platform: {s.platform or NOT_RECORDED}",
                    f"Dates of coverage: {s.coverage or NOT_RECORDED}",
                    f"Date searched: {', '.join(s.searched) or NOT_RECORDED}",
                    f"Limits and filters: {s.limits or 'none recorded'}",
                    f"Records found: {s.records:,}",
                )
            )
        )
        label = "Query" if s.kind == "pubmed" else "Search strategy, line by line as run"
        out.append(Heading(3, label))
        if s.strategy:
            lines = tuple((str(i), text) for i, text in enumerate(s.strategy, 1))
            out.append(Table(("Line", "Search"), lines))
        else:
            out.append(Paragraph(f"Search strategy: {NOT_RECORDED}.", "note"))
        if s.kind == "pubmed":
            out += _pubmed_runs(s)
    return out


def _pubmed_runs(s: SearchedSource) -> list[Block]:
    out: list[Block] = [Heading(3, "PubMed's translation")]
    out.append(Paragraph(s.translation) if s.translation else Paragraph(NOT_RECORDED, "note"))
    out.append(Heading(3, "Runs"))
    if not s.runs:
        return [*out, Paragraph("The search has not been run.", "note")]
    out.append(
        Table(
            ("Run", "Date", "Outcome", "New records", "PubMed's total"),
            tuple(
                (
                    run.kind,
                    run.date,
                    run.status,
                    NOT_RECORDED if run.new_records is None else f"{run.new_records:,}",
                    NOT_RECORDED if run.total is None else f"{run.total:,}",
                )
                for run in s.runs
            ),
        )
    )
    notes = [f"{run.kind} {run.date}: {w}" for run in s.runs for w in run.warnings]
    out.append(Heading(3, "PubMed's warnings"))
    out.append(Bullets(tuple(notes)) if notes else Paragraph("None.", "note"))
    return out
