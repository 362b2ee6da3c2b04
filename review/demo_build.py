"""The demo review written through the library, as its three people would have made it.

Lena leads; Ravi and Mia screen every record independently (dual screening). Their votes follow
the decisions Nagtegaal et al. published for each record, except where the script makes Ravi
disagree, which gives the lead conflicts to resolve (two are left open for the Conflicts page).
The last records wait to be screened. At full text the excluded records get a reason, the
included ones become studies; seven are key studies whose numbers (quoted from their abstracts,
``demo_data/studies.toml``) are extracted, the rest go to the appendix. The report's summaries are
saved from their draft, so the Report page has a report ready. Everything is deterministic: the
same version of the toolkit builds the same demo.
"""

from __future__ import annotations

import tomllib
from importlib.resources import as_file
from pathlib import Path
from typing import TYPE_CHECKING

from review.demo import (
    DEMO_ACCOUNTS,
    DEMO_CSV,
    DEMO_DATA,
    DEMO_PASSWORD,
    ORIGIN,
    VERSION_KEY,
    demo_labels,
    demo_records,
    origin_id,
)
from review.extraction import (
    list_studies,
    read_protocol_file,
    save_details,
    save_findings,
    save_protocol,
    set_role,
    sync_studies,
)
from review.extraction.model import AppendixEntry, EfficacyFinding, SafetyFinding, StudyDetails
from review.report.summary import draft_summaries, save_summaries
from review.screening.decisions import decide, resolve, stage_units
from review.screening.model import Reviewer
from review.screening.reviewers import add_reviewer
from review.store import open_store

if TYPE_CHECKING:
    from review.store import Store

# The records: the set's first 300 and two copies of one paper (found and merged by dedupe).
DEMO_IDS = frozenset({*(str(i) for i in range(1, 301)), "1961", "1962"})
UNSCREENED = 30  # records at the end of the queue nobody has screened yet
AHEAD = 6  # records Mia has screened and Ravi not yet
EVERY = 19  # Ravi disagrees with the published decision on every 19th record
OPEN = 2  # title/abstract conflicts the lead has not resolved yet
FULL_TEXT_REASONS = (
    "No behavioural outcome",
    "Not a nudge",
    "Not an empirical study",
    "Not aimed at professionals",
)


def build_demo(path: Path, version: int) -> None:
    """Write the demo review into a new file at ``path``, marked as demo ``version``."""
    lead, ravi, mia = (Reviewer(name, role) for name, role in DEMO_ACCOUNTS)
    with open_store(path) as store:
        store.add_records(ORIGIN, demo_records(ids=DEMO_IDS))
        store.audit(lead.name, "demo loaded", source=DEMO_CSV.name, version=version)
        from review.dedupe.run import dedupe  # numpy and rapidfuzz: only when a demo is built

        dedupe(store, actor=lead.name)
        with as_file(DEMO_DATA / "protocol.toml") as protocol_file:
            protocol, screening = read_protocol_file(protocol_file)
        save_protocol(store, protocol, lead, screening)
        for name, role in DEMO_ACCOUNTS:
            add_reviewer(store, name, role, DEMO_PASSWORD, by=lead)
        published = _published(store)
        _title_abstract(store, lead, ravi, mia, published)
        _full_text(store, lead, ravi, mia, published)
        _studies(store, lead, (ravi, mia))
        save_summaries(store, draft_summaries(store), lead)
        store.set_settings({VERSION_KEY: version}, lead.name)  # last: marks it whole


def _published(store: Store) -> dict[int, tuple[bool, bool]]:
    """Each screening unit's published decisions (a duplicate group: any member's)."""
    labels = demo_labels()
    units: dict[int, tuple[bool, bool]] = {}
    for origin, unit in _units(store).items():
        ta, ft = labels[origin]
        was = units.get(unit, (False, False))
        units[unit] = (was[0] or ta, was[1] or ft)
    return units


def _units(store: Store) -> dict[str, int]:
    """The screening unit (group primary) of each record, by its record_id in the file."""
    primary_of = store.duplicate_of()
    units = {}
    for record_id in range(1, store.max_record_id() + 1):
        record = store.record(record_id)  # with its raw row, which names the file's record_id
        if record is not None:
            units[origin_id(record)] = primary_of.get(record_id, record_id)
    return units


def _title_abstract(store, lead, ravi, mia, published) -> None:
    units = stage_units(store, "title_abstract")
    waiting = [u for u in units if not published[u][0]][-UNSCREENED:]
    screened = [u for u in units if u not in waiting]
    only_mia = [u for u in screened if not published[u][0]][-AHEAD:]
    conflicts = []
    for i, unit in enumerate(screened):
        truth = "include" if published[unit][0] else "exclude"
        decide(store, mia, unit, "title_abstract", truth, source="demo")
        if unit in only_mia:
            continue
        vote = truth
        if i % EVERY == EVERY - 1:
            vote = {"include": "maybe", "exclude": "include"}[truth]
            conflicts.append((unit, truth))
        decide(store, ravi, unit, "title_abstract", vote, source="demo")
    left_open = [u for u, truth in conflicts if truth == "exclude"][-OPEN:]
    for unit, truth in conflicts:
        if unit not in left_open:
            resolve(store, lead, unit, "title_abstract", truth)


def _full_text(store, lead, ravi, mia, published) -> None:
    for i, unit in enumerate(stage_units(store, "full_text")):
        included = published[unit][1]
        reason = "" if included else FULL_TEXT_REASONS[i % len(FULL_TEXT_REASONS)]
        truth = "include" if included else "exclude"
        decide(store, mia, unit, "full_text", truth, reason, source="demo")
        if i == 3 and not included:  # Ravi read this one as an include: the lead settles it
            decide(store, ravi, unit, "full_text", "include", source="demo")
            resolve(store, lead, unit, "full_text", "exclude", reason)
        else:
            decide(store, ravi, unit, "full_text", truth, reason, source="demo")


def _studies(store, lead, extractors) -> None:
    """A study for each included record, then the extraction of ``studies.toml`` (which must
    name each of them once: a demo whose data and decisions disagree is not built)."""
    sync_studies(store, lead)
    unit_of = _units(store)
    study_of = {r.record_id: s.id for s in list_studies(store) for r in s.records}
    tables = tomllib.loads((DEMO_DATA / "studies.toml").read_text(encoding="utf-8"))["study"]
    named = [study_of.get(unit_of[str(t["record"])]) for t in tables]
    if sorted(n for n in named if n is not None) != sorted(study_of.values()) or None in named:
        raise RuntimeError("demo_data/studies.toml does not name each included study once")
    for i, (table, study_id) in enumerate(zip(tables, named, strict=True)):
        assert study_id is not None
        by = extractors[i % len(extractors)]
        if "details" in table:
            details = StudyDetails(**table["details"])
            save_details(store, study_id, details, by, label=table.get("label", ""))
        if "efficacy" in table or "safety" in table:
            save_findings(
                store,
                study_id,
                by,
                efficacy=[EfficacyFinding(**f) for f in table.get("efficacy", [])],
                safety=[SafetyFinding(**f) for f in table.get("safety", [])],
            )
        appendix = AppendixEntry(**table["appendix"]) if "appendix" in table else None
        set_role(store, study_id, table["role"], lead, appendix)
