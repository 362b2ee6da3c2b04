"""Decisions in and out as CSV, to and from other screening tools and spreadsheets.

A file is checked whole before anything is stored, and stored in one transaction, so a file with
one bad line changes nothing; the message names the line and the column. The toolkit's own
format (``review decisions export``) has a line per decision event; ASReview LAB's and Rayyan's
exports are read by ``labels``. Either names its records by record_id, PMID, DOI or original
identifier (``identify``). An export of this review's history reads back without adding anything.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from review.errors import ImportFileError, PermissionDenied, ReviewError
from review.exports import neutralise
from review.permissions import allowed
from review.screening.decisions import DecisionIsFinal, is_final, settings
from review.screening.identify import ID_COLUMNS, named, resolve
from review.screening.labels import TOOLS, Labels, asreview_labels, rayyan_labels
from review.screening.model import DECISIONS, STAGES, Reviewer
from review.screening.sheet import Sheet, read_sheet
from review.screening.state import current_state

if TYPE_CHECKING:
    from review.store import Store

REQUIRED = ("reviewer", "stage", "decision")  # and one of identify.ID_COLUMNS
COLUMNS = ("record_id", "reviewer", "stage", "decision", "reason", "note", "kind", "at", "source")
KINDS = ("screening", "resolution")
_STAGE_ALIASES = {"ta": "title_abstract", "abstract": "title_abstract", "ft": "full_text"}


@dataclass(frozen=True)
class DecisionsImport:
    path: str
    added: int
    skipped: int  # events identical to ones already in the review (an earlier import of it)
    encoding: str
    warnings: tuple[str, ...] = ()
    unlabelled: int = 0  # lines of another tool's file without a label or decision: skipped

    @property
    def already_imported(self) -> bool:
        return self.added == 0 and self.skipped > 0

    def summary(self) -> str:
        unlabelled = (
            f" {self.unlabelled} records without a label or decision skipped."
            if self.unlabelled
            else ""
        )
        if self.already_imported:
            return (
                f"{self.path}: already imported: all {self.skipped} decisions are already in "
                "the review; none added." + unlabelled
            )
        return (
            f"{self.path}: {self.added} decisions added, {self.skipped} already present skipped."
            + unlabelled
        )


def import_decisions(
    store: Store,
    path: str | Path,
    actor: Reviewer,
    *,
    tool: str = "review",
    reviewer: str = "",
    stage: str = "title_abstract",
    names: Mapping[str, str] | None = None,
) -> DecisionsImport:
    """Add the decision events of a file that the review does not already hold.

    ``tool``: ``review`` (this toolkit's columns: record_id, reviewer, stage, decision, reason,
    note, kind), ``asreview`` (ASReview LAB's exported dataset: its labels are ``reviewer``'s,
    by default the actor's) or ``rayyan`` (Rayyan's export: each reviewer's decisions, under
    their Rayyan name or the reviewer ``names`` maps it to). For the other tools ``stage`` is
    the stage the labels were made at, and every reviewer must be one of this review.

    An event identical to one already stored (record, reviewer, stage, kind, decision, reason,
    note) is skipped and counted, matched one for one, so importing a file twice, or two
    imports of it racing, adds it once, while a file that holds the same vote twice (decided,
    undone, decided again) keeps both. Anyone may import their own screening decisions; rows of
    other reviewers and resolutions need a lead (``resolve_conflict``), since they change what
    others decided.
    """
    if tool != "review" and tool not in TOOLS:
        raise ReviewError(f"Unknown format {tool!r}: use review, {', '.join(TOOLS)}.")
    stage = _STAGE_ALIASES.get(stage, stage)
    if stage not in STAGES:
        raise ReviewError(f"Unknown stage {stage!r}: use {', '.join(STAGES)}.")
    sheet = read_sheet(path)
    if tool == "asreview":
        labels = asreview_labels(sheet, reviewer or actor.name, stage)
    elif tool == "rayyan":
        reasons = settings(store).exclusion_reasons
        labels = rayyan_labels(sheet, stage, names or {}, reasons)
    else:
        labels = _own_format(sheet)
    if not labels.decisions:
        without = f" ({labels.unlabelled} without a label or decision)" if labels.unlabelled else ""
        raise ImportFileError(f"{sheet.path}: no decisions in the file{without}.")
    if tool != "review":
        _known_reviewers(store, sheet, actor, labels, tool)
    records, warnings = resolve(store, sheet, labels.lines, check_record_ids=tool != "review")
    source = f"import:{sheet.path.name}" if tool == "review" else f"import:{tool}:{sheet.path.name}"
    rows = [
        (line, row | {"record_id": records[line], "source": source})
        for line, row in labels.decisions
    ]
    _authorise(sheet, actor, rows)
    _refuse_changes_to_final_votes(store, sheet, actor, rows)
    added, skipped = store.add_new_decisions([row for _line, row in rows])
    return DecisionsImport(
        str(sheet.path),
        added,
        skipped,
        sheet.encoding,
        (*sheet.warnings, *warnings),
        labels.unlabelled,
    )


def _own_format(sheet: Sheet) -> Labels:
    missing = [c for c in REQUIRED if c not in sheet.header]
    if not any(c in sheet.header for c in ID_COLUMNS):
        missing.insert(0, "record_id")
    if missing:
        raise ImportFileError(
            f"{sheet.at(1)}: the columns {', '.join(missing)} are missing (found: "
            f"{', '.join(sheet.header) or 'none'}). Name them record_id (or pmid, doi, "
            "original_id), reviewer, stage, decision[, reason, note, kind]."
        )
    found = Labels()
    for line, row in sheet.rows:
        found.decisions.append((line, _checked(sheet, line, row)))
        found.lines.append(named(sheet, line, row))
    return found


def _known_reviewers(store: Store, sheet: Sheet, actor: Reviewer, labels: Labels, tool: str):
    """Another tool's names must be reviewers of this review (or who imports), so that a
    display name or a typo does not become a reviewer nobody is."""
    known = {account.name for account in store.all_reviewer_rows()} | {actor.name}
    for line, row in labels.decisions:
        if row["reviewer"] not in known:
            advice = (
                "Say whose labels they are with --reviewer NAME"
                if tool == "asreview"
                else f"Map the name with --name '{row['reviewer']}=NAME'"
            )
            raise ImportFileError(
                f"{sheet.at(line)}: {row['reviewer']} is not a reviewer of this review. "
                f"{advice}, or add them (`review reviewer add`). Nothing was imported."
            )


def _refuse_changes_to_final_votes(
    store: Store, sheet: Sheet, actor: Reviewer, rows: list[tuple[int, dict]]
) -> None:
    """A reviewer's file cannot walk around blinding either: under dual screening a vote that
    another reviewer has also cast on the record is final (see decisions.vote_is_final), so a row
    that would change or undo it is refused; the same vote again changes nothing and passes."""
    if allowed(actor, "resolve_conflict") or not settings(store).dual:
        return
    primary = store.duplicate_of()
    states = {}
    for line, row in rows:
        if row["kind"] != "screening":
            continue
        if row["stage"] not in states:
            states[row["stage"]] = current_state(store, row["stage"])
        state = states[row["stage"]]
        unit = primary.get(row["record_id"], row["record_id"])
        if not is_final(state, unit, actor.name):
            continue
        standing = state.of(unit, actor.name)
        same = standing is not None and (standing.decision, standing.reason, standing.note) == (
            row["decision"],
            row.get("reason", ""),
            row.get("note", ""),
        )
        if not same:
            raise DecisionIsFinal(
                f"{sheet.at(line)}: record {row['record_id']}: {actor.name}'s "
                f"{row['stage']} vote is final (another reviewer has also decided the record), "
                "so this file cannot change or undo it; a lead changes it on the Conflicts page. "
                "Nothing was imported."
            )


def _authorise(sheet: Sheet, actor: Reviewer, rows: list[tuple[int, dict]]) -> None:
    if allowed(actor, "resolve_conflict"):
        return
    for line, row in rows:
        if row["kind"] == "resolution" or row["reviewer"] != actor.name:
            what = (
                "a resolution" if row["kind"] == "resolution" else f"{row['reviewer']}'s decision"
            )
            raise PermissionDenied(
                f"{sheet.at(line)}: {what}. {actor.name} is a {actor.role} and may import only "
                "their own screening decisions; a lead imports other reviewers' decisions and "
                "resolutions. Nothing was imported."
            )


def _checked(sheet: Sheet, line: int, row: dict) -> dict:
    def bad(column: str, problem: str) -> ImportFileError:
        return ImportFileError(f"{sheet.at(line, column)}: {problem}.")

    if row.get("record_id") and not row["record_id"].isdigit():
        raise bad("record_id", f"{row.get('record_id')!r} is not a record number")
    if not row.get("reviewer"):
        raise bad("reviewer", "empty")
    stage = _STAGE_ALIASES.get(row.get("stage", "").lower(), row.get("stage", "").lower())
    if stage not in STAGES:
        raise bad("stage", f"{row.get('stage')!r} is not one of {', '.join(STAGES)}")
    kind = row.get("kind", "").lower() or "screening"
    if kind not in KINDS:
        raise bad("kind", f"{row.get('kind')!r} is not one of {', '.join(KINDS)}")
    decision = row.get("decision", "").lower()
    decision = {"included": "include", "excluded": "exclude", "unsure": "maybe"}.get(
        decision, decision
    )
    known = DECISIONS if kind == "resolution" else (*DECISIONS, "undo")
    if decision not in known:
        raise bad("decision", f"{row.get('decision')!r} is not one of {', '.join(known)}")
    if stage == "full_text" and decision == "exclude" and not row.get("reason"):
        raise bad("reason", "a full-text exclusion needs a reason")
    return {
        "reviewer": row["reviewer"],
        "stage": stage,
        "kind": kind,
        "decision": decision,
        "reason": row.get("reason", ""),
        "note": row.get("note", ""),
    }


def export_decisions(store: Store, path: str | Path) -> int:
    """Every decision event, oldest first: the whole history, undos included."""
    rows = store.decision_rows()
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralise(str(getattr(row, k))) for k in COLUMNS})
    return len(rows)
