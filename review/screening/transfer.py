"""Decisions in and out as CSV, to and from other screening tools and spreadsheets.

An import is checked whole before anything is stored, and stored in one transaction, so a file
with one bad line changes nothing; the message names the line and the column. The file is read
like any other import (its encoding found, quotes checked, line numbers kept), and an export of
this review's history reads back without adding anything.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from review.errors import ImportFileError, PermissionDenied
from review.exports import neutralise
from review.imports.csvrows import csv_rows
from review.imports.encoding import decode
from review.imports.model import split_lines
from review.permissions import allowed
from review.screening.decisions import DecisionIsFinal, vote_is_final
from review.screening.model import DECISIONS, STAGES, Reviewer
from review.screening.state import current_state

if TYPE_CHECKING:
    from review.store import Store

REQUIRED = ("record_id", "reviewer", "stage", "decision")
COLUMNS = ("record_id", "reviewer", "stage", "decision", "reason", "note", "kind", "at", "source")
KINDS = ("screening", "resolution")
_STAGE_ALIASES = {"ta": "title_abstract", "abstract": "title_abstract", "ft": "full_text"}
_ADVICE = "Save the CSV as UTF-8 and import it again"


@dataclass(frozen=True)
class DecisionsImport:
    path: str
    added: int
    skipped: int  # events identical to ones already in the review (an earlier import of it)
    encoding: str
    warnings: tuple[str, ...] = ()

    @property
    def already_imported(self) -> bool:
        return self.added == 0 and self.skipped > 0

    def summary(self) -> str:
        if self.already_imported:
            return (
                f"{self.path}: already imported: all {self.skipped} decisions are already in "
                "the review; none added."
            )
        return f"{self.path}: {self.added} decisions added, {self.skipped} already present skipped."


def import_decisions(store: Store, path: str | Path, actor: Reviewer) -> DecisionsImport:
    """Add the decision events of a CSV file that the review does not already hold.

    An event identical to one already stored (record, reviewer, stage, kind, decision, reason,
    note) is skipped and counted, matched one for one, so importing a file twice, or two
    imports of it racing, adds it once, while a file that holds the same vote twice (decided,
    undone, decided again) keeps both. Anyone may import their own screening decisions; rows of
    other reviewers and resolutions need a lead (``resolve_conflict``), since they change what
    others decided.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror}). Check the path.") from exc
    text, encoding, warnings = decode(data, str(path), _ADVICE)
    lines = split_lines(text)
    rows_read = csv_rows(lines, str(path))
    header = [h.strip().lower() for h in next((row for _line, row in rows_read), [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            f"{path}, line 1: the columns {', '.join(missing)} are missing (found: "
            f"{', '.join(header) or 'none'}). Name them {', '.join(REQUIRED)}"
            "[, reason, note, kind]."
        )
    rows = []
    for line, cells in rows_read:
        if not any(c.strip() for c in cells):
            continue
        row = {k: (v or "").strip() for k, v in zip(header, cells, strict=False) if k}
        rows.append((line, _checked(path, line, row)))
    if not rows:
        raise ImportFileError(f"{path}: no decisions in the file.")
    _authorise(path, actor, rows)
    _refuse_changes_to_final_votes(store, path, actor, rows)
    ids = [r["record_id"] for _line, r in rows]
    unknown = set(ids) - store.existing_record_ids(ids)
    if unknown:
        line, first = next((line, r) for line, r in rows if r["record_id"] in unknown)
        raise ImportFileError(
            f"{path}, line {line}, column record_id: no record {first['record_id']} "
            f"in this review ({len(unknown)} unknown ids). Use the record_id of `review export`."
        )
    added, skipped = store.add_new_decisions([r for _line, r in rows])
    return DecisionsImport(str(path), added, skipped, encoding, tuple(warnings))


def _refuse_changes_to_final_votes(store: Store, path: Path, actor: Reviewer, rows) -> None:
    """A reviewer's file cannot walk around blinding either: under dual screening a vote that
    another reviewer has also cast on the record is final (see decisions.vote_is_final), so a row
    that would change or undo it is refused; the same vote again changes nothing and passes."""
    if allowed(actor, "resolve_conflict"):
        return
    states = {}
    for line, row in rows:
        if row["kind"] != "screening" or not vote_is_final(
            store, actor, row["record_id"], row["stage"]
        ):
            continue
        if row["stage"] not in states:
            states[row["stage"]] = current_state(store, row["stage"])
        unit = store.duplicate_of().get(row["record_id"], row["record_id"])
        standing = states[row["stage"]].of(unit, actor.name)
        same = standing is not None and (standing.decision, standing.reason, standing.note) == (
            row["decision"],
            row.get("reason", ""),
            row.get("note", ""),
        )
        if not same:
            raise DecisionIsFinal(
                f"{path}, line {line}: record {row['record_id']}: {actor.name}'s "
                f"{row['stage']} vote is final (another reviewer has also decided the record), "
                "so this file cannot change or undo it; a lead changes it on the Conflicts page. "
                "Nothing was imported."
            )


def _authorise(path: Path, actor: Reviewer, rows: list[tuple[int, dict]]) -> None:
    if allowed(actor, "resolve_conflict"):
        return
    for line, row in rows:
        if row["kind"] == "resolution" or row["reviewer"] != actor.name:
            what = (
                "a resolution" if row["kind"] == "resolution" else f"{row['reviewer']}'s decision"
            )
            raise PermissionDenied(
                f"{path}, line {line}: {what}. {actor.name} is a {actor.role} and may import only "
                "their own screening decisions; a lead imports other reviewers' decisions and "
                "resolutions. Nothing was imported."
            )


def _checked(path: Path, line: int, row: dict) -> dict:
    def bad(column: str, problem: str) -> ImportFileError:
        return ImportFileError(f"{path}, line {line}, column {column}: {problem}.")

    if not row.get("record_id", "").isdigit():
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
        "record_id": int(row["record_id"]),
        "reviewer": row["reviewer"],
        "stage": stage,
        "kind": kind,
        "decision": decision,
        "reason": row.get("reason", ""),
        "note": row.get("note", ""),
        "source": f"import:{path.name}",
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
