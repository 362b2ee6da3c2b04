"""A review in which every piece of user text is a Markdown/LaTeX/HTML payload.

Records (title, abstract, authors, journal), reviewer names, exclusion reasons, notes, the
protocol, study labels, findings, appendix entries, the imported file's name and source, a kept
PDF's file name and a duplicate pair's reasons all carry ``PAYLOAD``. Dual screening, one
conflict, one possible duplicate pair, two studies (one key with findings, one in the appendix)
and a stopping sample. Used by the AppTest sweep and by the browser test.
"""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

from review.extraction.model import (
    AppendixEntry,
    Criteria,
    EfficacyFinding,
    Outcome,
    Protocol,
    SafetyFinding,
    StudyDetails,
)
from review.extraction.protocol import save_protocol
from review.extraction.studies import (
    list_studies,
    save_details,
    save_findings,
    set_role,
    sync_studies,
)
from review.imports.load import import_file
from review.prioritise.progress import start_stopping_sample
from review.records import AbstractSection, Author, Record
from review.screening.decisions import decide, save_settings
from review.screening.full_text import keep_full_text
from review.screening.model import Reviewer, Settings
from review.screening.reviewers import add_reviewer
from review.store import open_store

PAYLOAD = (
    "**bold** _it_ [link](http://x.test) ![img](http://x.test/i.png) $x^2$ <b>html</b> # heading"
)
# Each piece of markup on its own: a page fails if any reaches a Markdown element unescaped.
MARKUP = ("**bold**", "_it_", "[link]", "![img]", "$x^2$", "<b>", "http://x.test")
# A file name cannot hold "/": the same markup without the addresses and the closing tag.
FILE_PAYLOAD = "**bold** _it_ [link](x) $x^2$ <b>html # heading"

LEAD = Reviewer(f"lee {PAYLOAD}", "lead")
ANN = Reviewer(f"ann {PAYLOAD}", "reviewer")
BOB = Reviewer(f"bob {PAYLOAD}", "reviewer")
PASSWORD = "a long password 123"
REASON = f"Wrong population {PAYLOAD}"
OUTCOME = f"Pain {PAYLOAD}"
EVENT = f"Bleeding {PAYLOAD}"
PDF = b"%PDF-1.7\n% a test file\n"


def payload(tag: str) -> str:
    return f"{tag} {PAYLOAD}"


def _record(i: int, title: str | None = None) -> Record:
    return Record(
        title=title or f"{i} cryoablation {PAYLOAD}",
        abstract_sections=(AbstractSection(payload(f"Abstract {i}"), payload("Label")),),
        authors=(Author(payload("Smith"), "Jane", "J"),),
        journal=payload("Journal"),
        year=2020,
        keywords=(payload("keyword"),),
        raw=str(i),
    )


def build_payload_review(path: Path, tmp: Path) -> Path:
    with open_store(path) as store:
        store.add_records("test", [(str(i), _record(i)) for i in range(1, 7)])
        same = _record(7, title=f"6 cryoablation {PAYLOAD}")
        store.add_records("test", [("7", same)])
        ris = tmp / f"{FILE_PAYLOAD}.ris"
        ris.write_text(
            f"TY  - JOUR\nTI  - {payload('Imported')}\nAU  - {payload('Doe')}, J\n"
            f"T2  - {payload('Journal')}\nPY  - 2021\nER  - \n",
            encoding="utf-8",
        )
        import_file(store, ris, source=payload("Embase"), actor=LEAD.name)
        Match = namedtuple("Match", "a b score verdict reasons")
        store.save_matches([Match(6, 7, 0.8, "possible", (payload("title 0.90"),))], LEAD.name)

        for who in (LEAD, ANN, BOB):
            add_reviewer(store, who.name, who.role, PASSWORD, by=LEAD)
        settings = Settings(
            question=payload("Question"),
            criteria=payload("Criteria"),
            exclusion_reasons=(REASON, payload("Wrong outcomes")),
            include_terms=("cryoablation",),
            exclude_terms=(payload("rat"),),
            dual=True,
        )
        save_settings(store, settings, LEAD)
        save_protocol(
            store,
            Protocol(
                title=payload("Protocol"),
                efficacy=(Outcome(OUTCOME, "efficacy", description=payload("VAS")),),
                safety=(Outcome(EVENT, "safety", "event", "lower"),),
                criteria=Criteria(*(payload(c) for c in ("Type", "Patients", "I", "O", "Lang"))),
                exclusion_reasons=settings.exclusion_reasons,
                appendix_reasons=(payload("Appendix reason"),),
            ),
            LEAD,
        )

        # Record 1: a conflict. Records 2 and 3: included by both, at both stages: studies.
        decide(store, ANN, 1, "title_abstract", "include", "", payload("Note"))
        decide(store, BOB, 1, "title_abstract", "exclude", REASON, payload("Note"))
        for record_id in (2, 3, 4):
            for who in (ANN, BOB):
                decide(store, who, record_id, "title_abstract", "include")
        for record_id in (2, 3):
            for who in (ANN, BOB):
                decide(store, who, record_id, "full_text", "include", "", payload("Note"))
        decide(store, LEAD, 5, "title_abstract", "exclude", REASON, payload("Note"))
        # Two versions of each full text, under payload names (record 4 waits at full text).
        for record_id in (2, 3, 4):
            keep_full_text(store, ANN, record_id, f"{FILE_PAYLOAD}.pdf", PDF)
            keep_full_text(store, BOB, record_id, f"v2 {FILE_PAYLOAD}.pdf", PDF + b"% 2\n")

        sync_studies(store, LEAD)
        key, appendix = (s.id for s in list_studies(store)[:2])
        details = StudyDetails(
            **{n: payload(n) for n in ("study_type", "country", "population", "technique")},
            follow_up=payload("12 months"),
            population_label=payload("patients"),
            patients=20,
        )
        save_details(store, key, details, LEAD, label=payload("Label"))
        save_findings(
            store,
            key,
            LEAD,
            efficacy=[
                EfficacyFinding(
                    OUTCOME, payload("Mean"), payload("6 months"), value="1.0", note=payload("n")
                )
            ],
            safety=[
                SafetyFinding(EVENT, n=1, total=20, severity=payload("minor"), note=payload("Note"))
            ],
        )
        set_role(store, key, "key", LEAD)
        entry = AppendixEntry(payload("n=3"), payload("Direction"), payload("Appendix reason"))
        set_role(store, appendix, "appendix", LEAD, entry)
        start_stopping_sample(store, LEAD, seed=1)  # its caption names who started it
    return path
