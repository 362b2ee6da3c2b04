"""Studies: the records included at full text, grouped into studies, with their extracted data.

Every record included at full text reports a study; at first each gets a study of its own, and
the lead links a trial's follow-up paper into the trial's study. Each study is then marked key
evidence (in an order the lead may change; the app suggests NICE's: design, size, follow-up,
recency) or appendix, with the direction of its conclusions and the reason it was left out.
"""

from __future__ import annotations

import re
from dataclasses import asdict, replace
from typing import TYPE_CHECKING

from review.errors import ExtractionError, TargetChanged
from review.extraction.model import (
    DESIGNS,
    NOT_REPORTED,
    SAFETY_UNITS,
    SPREAD_KINDS,
    STUDY_ROLES,
    AppendixEntry,
    EfficacyFinding,
    Protocol,
    SafetyFinding,
    Study,
    StudyDetails,
    StudyLink,
    StudyRecord,
)
from review.extraction.protocol import current_protocol
from review.permissions import require
from review.records import nice_citation
from review.screening.decisions import settings, stage_units
from review.screening.model import Reviewer
from review.screening.state import current_state

if TYPE_CHECKING:
    from review.records import Record
    from review.store import Store

NUMBER = re.compile(r"^[<>≤≥~]?\s*-?\d+(\.\d+)?\s*%?$")
RANGE = re.compile(r"^-?\d+(\.\d+)?\s*(%\s*)?(to|-|–|,)\s*-?\d+(\.\d+)?\s*%?$")
P_VALUE = re.compile(r"^([<>=≤]\s*)?0?\.\d+$|^1(\.0+)?$|^(NS|not significant|n\.s\.)$", re.I)


def _first_author(record) -> str:
    for author in record.authors:
        if author.display:
            return author.display
    return ""


def label_for(record) -> str:
    """ "Cazzato 2016": the surname of the first author and the year, as reviewers say it. A
    record without authors is named by its title's first words, cut at a word ("Safety and
    efficacy of percutaneous... 2024")."""
    first = next((a for a in record.authors if a.last_name or a.collective), None)
    name = (first.last_name or first.collective) if first else title_start(record.title)
    return f"{name} {record.year}" if record.year else name


def title_start(title: str, limit: int = 40) -> str:
    """The title's first words, up to ``limit`` characters and never a cut word; "..." when
    shortened."""
    words = title.split()
    if not words:
        return "Study"
    text = words[0]
    for word in words[1:]:
        if len(text) + 1 + len(word) > limit:
            return text.rstrip(".,:;") + "..."
        text += " " + word
    return text


def _cited_records(store: Store, record_ids: list[int]) -> dict[int, Record]:
    """For each record, the record its citation is written from: the PubMed record of its
    duplicate group when it has one (an Embase copy kept as primary for its abstract, and the
    MEDLINE record of the same paper), else itself."""
    primary_of = store.duplicate_of()
    members: dict[int, list[int]] = {}
    for record_id, primary in primary_of.items():
        members.setdefault(primary, []).append(record_id)
    group = {}
    for rid in record_ids:
        primary = primary_of.get(rid, rid)
        group[rid] = [rid, *(m for m in (primary, *members.get(primary, [])) if m != rid)]
    records = store.records_by_id(sorted({m for ids in group.values() for m in ids}))
    cited = {}
    for rid, ids in group.items():
        found = [records[m] for m in ids if m in records]
        if found:
            cited[rid] = next((r for r in found if r.pmid), found[0])
    return cited


def included_records(store: Store) -> list[int]:
    """Records (duplicate-group primaries) whose full-text decision is include."""
    dual = settings(store).dual
    state = current_state(store, "full_text")
    return [u for u in stage_units(store, "full_text", dual) if state.final(u, dual) == "include"]


def sync_studies(store: Store, by: Reviewer) -> int:
    """Give each included record not yet in a study a study of its own; returns how many."""
    require(by, "manage_studies")
    linked = {link.record_id for link in store.study_record_rows()}
    new = []
    fresh = [r for r in included_records(store) if r not in linked]
    cited = _cited_records(store, fresh)
    for record_id in fresh:
        record = cited[record_id]
        new.append({"label": label_for(record), "record_ids": [record_id], "main": record_id})
    if new:
        store.create_studies(new, by.name)
    return len(new)


def list_studies(store: Store) -> list[Study]:
    """Every study with its records and findings: key studies in their order, then the rest."""
    by_study: dict[int, list[StudyLink]] = {}
    for link in store.study_record_rows():
        by_study.setdefault(link.study_id, []).append(link)
    efficacy: dict[int, list[EfficacyFinding]] = {}
    for study_id, finding in store.efficacy_rows():
        efficacy.setdefault(study_id, []).append(finding)
    safety: dict[int, list[SafetyFinding]] = {}
    for study_id, event in store.safety_rows():
        safety.setdefault(study_id, []).append(event)
    cited = _cited_records(store, [link.record_id for links in by_study.values() for link in links])
    result = []
    for bare in store.study_rows():
        records = []
        main_record = None
        for link in by_study.get(bare.id, []):
            record = cited[link.record_id]
            records.append(StudyRecord(link.record_id, nice_citation(record), link.main))
            if link.main or main_record is None:  # links come main first
                main_record = record
        result.append(
            replace(
                bare,
                records=tuple(records),
                efficacy=tuple(efficacy.get(bare.id, ())),
                safety=tuple(safety.get(bare.id, ())),
                year=main_record.year if main_record else None,
                first_author=_first_author(main_record) if main_record else "",
            )
        )
    return sorted(result, key=_display_order)


def _display_order(s: Study) -> tuple:
    role = {"key": 0, "undecided": 1, "appendix": 2}[s.role]
    return (role, s.position if s.position is not None else 10**6, s.id)


def study(store: Store, study_id: int) -> Study:
    for s in list_studies(store):
        if s.id == study_id:
            return s
    raise ExtractionError(f"There is no study {study_id}; see the Studies page for their numbers.")


def key_studies(store: Store) -> list[Study]:
    return [s for s in list_studies(store) if s.role == "key"]


def appendix_studies(store: Store) -> list[Study]:
    return [s for s in list_studies(store) if s.role == "appendix"]


def suggest_order(candidates: list[Study]) -> list[Study]:
    """NICE's usual order for key evidence: best design first, then larger, longer follow-up,
    more recent. Unknown values sort last within their rank."""

    def key(s: Study) -> tuple:
        d = s.details
        design = DESIGNS.index(d.design) if d.design in DESIGNS else len(DESIGNS)
        return (
            design,
            -(d.patients or 0),
            -(d.follow_up_months or 0.0),
            -(s.year or 0),
            s.id,
        )

    return sorted(candidates, key=key)


def link_records(
    store, study_id: int, record_ids: list[int], by: Reviewer, main: int | None = None
):
    """Make these records report ``study_id`` (a trial and its follow-up paper). A study left
    without records goes, unless it holds extracted data (move that first)."""
    require(by, "manage_studies")
    current = {s.id: s for s in list_studies(store)}
    if study_id not in current:
        study(store, study_id)  # raises the named error
    linked = {r.record_id: sid for sid, s in current.items() for r in s.records}
    for record_id in record_ids:
        other = linked.get(record_id)
        if other is None or other == study_id:
            continue
        left = [r for r in current[other].records if r.record_id not in record_ids]
        s = current[other]
        if not left and (s.efficacy or s.safety or s.details != StudyDetails()):
            raise ExtractionError(
                f"Study {other} ({s.label}) has extracted details or findings and would be "
                f"left without records. Move or delete them first."
            )
    store.move_records(study_id, record_ids, by.name, main=main)


def split_record(store: Store, record_id: int, by: Reviewer) -> int:
    """Take a record out of its study into a new study of its own; returns the new study."""
    require(by, "manage_studies")
    record = _cited_records(store, [record_id]).get(record_id)
    if record is None:
        raise ExtractionError(f"There is no record {record_id}.")
    for s in list_studies(store):
        if [r.record_id for r in s.records] == [record_id]:
            raise ExtractionError(
                f"Record {record_id} is the only record of study {s.id} ({s.label}); "
                "there is nothing to split."
            )
    return store.create_studies(
        [{"label": label_for(record), "record_ids": [record_id], "main": record_id}], by.name
    )[0]


def save_details(
    store: Store, study_id: int, details: StudyDetails, by: Reviewer, *, label: str = ""
):
    require(by, "extract")
    problems = check_details(details)
    if problems:
        raise ExtractionError(f"Study {study_id}: " + "; ".join(problems) + ". Nothing was saved.")
    study(store, study_id)
    fields_: dict[str, object] = {"details": asdict(details)}
    if label.strip():
        fields_["label"] = label.strip()
    store.save_extraction([{"study_id": study_id, "fields": fields_}], by.name)


def set_role(
    store: Store, study_id: int, role: str, by: Reviewer, appendix: AppendixEntry | None = None
):
    require(by, "manage_studies")
    if role not in STUDY_ROLES:
        raise ExtractionError(f"Unknown study role {role!r}: use {', '.join(STUDY_ROLES)}.")
    fields_: dict = {"role": role}
    current = study(store, study_id)
    if role == "key" and current.role == "key" and current.position is not None:
        fields_["position"] = current.position
    elif role == "key":
        keys = [s for s in list_studies(store) if s.role == "key" and s.id != study_id]
        fields_["position"] = max((s.position or 0 for s in keys), default=0) + 1
    else:
        fields_["position"] = None
    if appendix is not None:
        fields_["appendix"] = asdict(appendix)
    store.save_extraction([{"study_id": study_id, "fields": fields_}], by.name)


def set_key_order(store: Store, study_ids: list[int], by: Reviewer) -> None:
    """Number the key studies 1, 2, ... in this order (``study_ids`` are key studies)."""
    require(by, "manage_studies")
    keys = {s.id for s in list_studies(store) if s.role == "key"}
    if set(study_ids) != keys:
        raise ExtractionError(
            "The order must list every key study exactly once: "
            f"key studies are {sorted(keys)}, the order gave {list(study_ids)}."
        )
    store.save_extraction(
        [{"study_id": sid, "fields": {"position": i}} for i, sid in enumerate(study_ids, 1)],
        by.name,
    )


def check_details(d: StudyDetails) -> list[str]:
    problems = []
    if d.design and d.design not in DESIGNS:
        problems.append(f"design {d.design!r} is not one of {', '.join(DESIGNS)}")
    for name in ("patients", "analysed", "lost_to_follow_up"):
        value = getattr(d, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            problems.append(f"{name} must be a whole number of patients, not {value!r}")
    if d.follow_up_months is not None and d.follow_up_months < 0:
        problems.append("follow_up_months cannot be negative")
    if d.patients is not None and d.analysed is not None and d.analysed > d.patients:
        problems.append(f"{d.analysed} analysed is more than the {d.patients} patients enrolled")
    return problems


def check_efficacy(f: EfficacyFinding, p: Protocol) -> list[str]:
    """Problems with one efficacy result, each naming the field."""
    problems = []
    for name in ("outcome", "measure", "timepoint"):
        if not getattr(f, name).strip():
            problems.append(f"{name} is empty")
    efficacy = {o.name.casefold() for o in p.efficacy}
    if f.outcome.strip() and efficacy and f.outcome.strip().casefold() not in efficacy:
        names = ", ".join(o.name for o in p.efficacy)
        problems.append(f"outcome {f.outcome!r} is not a key efficacy outcome ({names})")
    if f.value and not_reported(f.value) != NOT_REPORTED and not NUMBER.match(f.value.strip()):
        problems.append(f"value {f.value!r} is not a number (write 6.2, 75%, <1 or {NOT_REPORTED})")
    if f.spread_kind not in SPREAD_KINDS:
        problems.append(
            f"spread_kind {f.spread_kind!r} is not one of {', '.join(SPREAD_KINDS[1:])}"
        )
    if f.spread and not (NUMBER.match(f.spread.strip()) or RANGE.match(f.spread.strip())):
        problems.append(f"spread {f.spread!r} is not a number or a range (write 1.4 or 5.2 to 7.3)")
    if f.spread and not f.spread_kind:
        problems.append("spread_kind is empty: say whether the spread is an SD, CI, range ...")
    if (
        f.p_value
        and not_reported(f.p_value) != NOT_REPORTED
        and not P_VALUE.match(f.p_value.strip())
    ):
        problems.append(f"p_value {f.p_value!r} is not a p-value (write 0.03, <0.0001 or NS)")
    problems.extend(_counts(f.n, f.total))
    if f.analysed is not None and f.analysed < 0:
        problems.append("analysed cannot be negative")
    if not (f.value or f.n is not None or f.note):
        problems.append("there is no value, n/N or note")
    return problems


def check_safety(f: SafetyFinding) -> list[str]:
    problems = []
    if not f.event.strip():
        problems.append("event is empty")
    if f.unit not in SAFETY_UNITS:
        problems.append(f"unit {f.unit!r} is not one of {', '.join(SAFETY_UNITS)}")
    problems.extend(_counts(f.n, f.total))
    if f.n is None and not f.note.strip():
        problems.append("give n (with N) or a note such as 'no major complications'")
    return problems


def _counts(n: int | None, total: int | None) -> list[str]:
    problems = []
    for name, value in (("n", n), ("N", total)):
        if value is not None and (not isinstance(value, int) or value < 0):
            problems.append(f"{name} must be a whole number, not {value!r}")
    if isinstance(n, int) and isinstance(total, int) and n > total:
        problems.append(f"n ({n}) is more than N ({total})")
    return problems


def save_findings(
    store: Store,
    study_id: int,
    by: Reviewer,
    *,
    efficacy: list[EfficacyFinding] | None = None,
    safety: list[SafetyFinding] | None = None,
    source: str = "app",
    efficacy_was: tuple[EfficacyFinding, ...] | None = None,
    safety_was: tuple[SafetyFinding, ...] | None = None,
) -> None:
    """Replace a study's efficacy and/or safety findings, all checked first, in one transaction.

    ``efficacy_was`` / ``safety_was`` are the findings an edit was made on (the app's table as
    drawn): if the study's findings are no longer those, someone changed them meanwhile and the
    edit, made on rows that now mean something else, is refused."""
    require(by, "extract")
    current = study(store, study_id)
    for kind, was, now_ in (
        ("efficacy", efficacy_was, current.efficacy),
        ("safety", safety_was, current.safety),
    ):
        if was is not None and tuple(was) != tuple(now_):
            raise TargetChanged(
                f"Study {study_id} ({current.label}): its {kind} findings were changed by someone "
                f"else since your table was drawn. Nothing was saved; the table now shows the "
                f"current findings, make your change again."
            )
    change = _finding_change(study_id, current_protocol(store), efficacy, safety)
    store.save_extraction([change], by.name, source)


def _finding_change(study_id, p, efficacy, safety) -> dict:
    change: dict = {"study_id": study_id}
    problems = []
    if efficacy is not None:
        efficacy = list(efficacy)
        seen = set()
        for i, f in enumerate(efficacy, 1):
            f = replace(
                f, outcome=_canonical(f.outcome, p), value=not_reported(f.value),
                p_value=not_reported(f.p_value),
            )  # fmt: skip
            key = (f.outcome.casefold(), f.measure.casefold(), f.timepoint.casefold())
            if key in seen:
                problems.append(
                    f"efficacy row {i}: {f.outcome} / {f.measure} / {f.timepoint} twice"
                )
            seen.add(key)
            problems += [f"efficacy row {i}: {m}" for m in check_efficacy(f, p)]
            efficacy[i - 1] = f
        change["efficacy"] = [{**asdict(f), "position": i} for i, f in enumerate(efficacy)]
    if safety is not None:
        events: set[tuple[str, str]] = set()
        for i, f in enumerate(safety, 1):
            event = (f.event.casefold(), f.timepoint.casefold())
            if event in events:
                problems.append(f"safety row {i}: {f.event} {f.timepoint} twice")
            events.add(event)
            problems += [f"safety row {i}: {m}" for m in check_safety(f)]
        change["safety"] = [{**asdict(f), "position": i} for i, f in enumerate(safety)]
    if problems:
        raise ExtractionError(f"Study {study_id}: " + "; ".join(problems) + ". Nothing was saved.")
    return change


def not_reported(text: str) -> str:
    """The one spelling of "not reported" ("NR", "Not reported" as typed); other text stripped."""
    text = text.strip()
    return NOT_REPORTED if text.casefold() in {NOT_REPORTED, "nr", "n/r"} else text


def _canonical(name: str, p: Protocol) -> str:
    """The protocol's spelling of an outcome typed in another case."""
    outcome = p.outcome(name.strip())
    return outcome.name if outcome else name.strip()
