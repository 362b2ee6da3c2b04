"""Decisions in and out as CSV, to and from other screening tools and spreadsheets.

An import is checked whole before anything is stored, and stored in one transaction, so a file
with one bad line changes nothing; the message names the line and the column.
"""

from __future__ import annotations

import csv
from pathlib import Path

from review.errors import ImportFileError
from review.exports import neutralise
from review.screening.model import DECISIONS, STAGES

REQUIRED = ("record_id", "reviewer", "stage", "decision")
COLUMNS = ("record_id", "reviewer", "stage", "decision", "reason", "note", "kind", "at", "source")
_STAGE_ALIASES = {"ta": "title_abstract", "abstract": "title_abstract", "ft": "full_text"}


def import_decisions(store, path: str | Path) -> int:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text. Save the CSV as UTF-8.") from exc
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror}).") from exc
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            f"{path}, line 1: the columns {', '.join(missing)} are missing (found: "
            f"{', '.join(header) or 'none'}). Name them {', '.join(REQUIRED)}[, reason, note]."
        )
    rows = []
    for line, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        rows.append(_checked(path, line, row))
    if not rows:
        raise ImportFileError(f"{path}: no decisions in the file.")
    unknown = {r["record_id"] for r in rows} - store.existing_record_ids(
        [r["record_id"] for r in rows]
    )
    if unknown:
        first = next(i for i, r in enumerate(rows, start=2) if r["record_id"] in unknown)
        raise ImportFileError(
            f"{path}, line {first}, column record_id: no record {rows[first - 2]['record_id']} "
            f"in this review ({len(unknown)} unknown ids). Use the record_id of `review export`."
        )
    return store.add_decisions(rows)


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
    decision = row.get("decision", "").lower()
    decision = {"included": "include", "excluded": "exclude", "unsure": "maybe"}.get(
        decision, decision
    )
    if decision not in DECISIONS:
        raise bad("decision", f"{row.get('decision')!r} is not one of {', '.join(DECISIONS)}")
    if stage == "full_text" and decision == "exclude" and not row.get("reason"):
        raise bad("reason", "a full-text exclusion needs a reason")
    return {
        "record_id": int(row["record_id"]),
        "reviewer": row["reviewer"],
        "stage": stage,
        "decision": decision,
        "reason": row.get("reason", ""),
        "note": row.get("note", ""),
        "source": f"import:{path.name}",
    }


def export_decisions(store, path: str | Path) -> int:
    """Every decision event, oldest first: the whole history, undos included."""
    rows = store.decision_rows()
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralise(str(row[k])) for k in COLUMNS})
    return len(rows)
