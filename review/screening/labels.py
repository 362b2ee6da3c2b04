"""Labels from other screening tools: ASReview LAB's exported dataset and Rayyan's CSV export.

ASReview LAB exports the dataset it was given, every column kept, with its labels added: version
1 in an ``included`` column (1 relevant, 0 irrelevant, empty while unlabelled; the column keeps
the input's name for it, such as ``label_included``) beside ``asreview_ranking``, version 2 in
``asreview_label`` beside ``asreview_time`` and ``asreview_note``. The first column,
``record_id``, is this review's only when ASReview was given `review export`'s CSV; otherwise it
is ASReview's own numbering (see identify.resolve). A label is the project's one label for the
record, not a reviewer's, so all of them go to one reviewer.

Rayyan keeps each record's screening in the ``notes`` cell of its export, after any notes the
record came with:

    RAYYAN-INCLUSION: {"Ann"=>"Included", "Bob"=>"Excluded"} | RAYYAN-LABELS: RCT |
    RAYYAN-EXCLUSION-REASONS: wrong population,foreign language | USER-NOTES: {"Ann"=>["p. 4"]}

Each reviewer's Included, Excluded or Maybe is their decision, under their Rayyan display name;
the exclusion reasons (kept for the record, not per reviewer) are the reason of each exclusion,
in the review's own spelling when it has that reason; a reviewer's notes are their note. Labels
are not decisions and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from review.errors import ImportFileError
from review.screening.identify import ID_COLUMNS, Named, named

if TYPE_CHECKING:
    from review.screening.sheet import Sheet

TOOLS = ("asreview", "rayyan")
# ASReview's names for its label column: version 2's, then version 1's (asreview.config)
ASREVIEW_LABELS = (
    "asreview_label", "included", "label_included", "final_included", "included_label",
    "included_final", "included_flag", "include", "label",
)  # fmt: skip
_RAYYAN = {"included": "include", "excluded": "exclude", "maybe": "maybe"}
_SECTION = re.compile(r"(RAYYAN-[A-Z-]+|USER-NOTES)\s*:\s*")
_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|(=>|[\[\]{},]))')


@dataclass
class Labels:
    """A file's decisions, each with its line, before their records are found."""

    decisions: list[tuple[int, dict]] = field(default_factory=list)
    lines: list[Named] = field(default_factory=list)  # each line with a decision, once
    unlabelled: int = 0  # lines without a label or a decision: skipped and counted


def asreview_labels(sheet: Sheet, reviewer: str, stage: str) -> Labels:
    column = next((c for c in ASREVIEW_LABELS if c in sheet.header), None)
    if column is None:
        raise ImportFileError(
            f"{sheet.at(1)}: no label column (ASReview LAB writes its labels in asreview_label "
            f"or included; found: {', '.join(sheet.header) or 'none'}). Export the dataset "
            "from ASReview LAB again, or import this file without --from."
        )
    _need_an_identifier(sheet, "ASReview")
    found = Labels()
    for line, row in sheet.rows:
        label = row.get(column, "").lower()
        if label in ("", "-1", "-1.0", "nan"):
            found.unlabelled += 1
            continue
        decision = {"1": "include", "1.0": "include", "0": "exclude", "0.0": "exclude"}.get(label)
        if decision is None:
            raise ImportFileError(
                f"{sheet.at(line, column)}: {row[column]!r} is not a label (1 relevant, "
                "0 irrelevant, empty when not screened)."
            )
        found.lines.append(named(sheet, line, row))
        note = row.get("asreview_note", "")
        found.decisions.append((line, _decision(sheet, line, reviewer, stage, decision, "", note)))
    return found


def rayyan_labels(
    sheet: Sheet, stage: str, names: Mapping[str, str], reasons: Sequence[str]
) -> Labels:
    """``names``: Rayyan display name -> reviewer, for names that are not the reviewer's own;
    ``reasons``: the review's exclusion reasons, whose spelling a Rayyan reason takes."""
    if "notes" not in sheet.header:
        raise ImportFileError(
            f"{sheet.at(1)}: no notes column, where Rayyan's export keeps the decisions "
            f"(found: {', '.join(sheet.header) or 'none'}). Export the review from Rayyan as "
            "CSV with its decisions and exclusion reasons."
        )
    _need_an_identifier(sheet, "Rayyan")
    spelling = {r.casefold(): r for r in reasons}
    folded = {k.casefold(): v for k, v in names.items()}
    found = Labels()
    for line, row in sheet.rows:
        notes = rayyan_notes(row.get("notes", ""), sheet.at(line, "notes"))
        if not notes.votes:
            found.unlabelled += 1
            continue
        found.lines.append(named(sheet, line, row))
        reason = "; ".join(spelling.get(r.casefold(), r) for r in notes.reasons)
        for name, vote in notes.votes.items():
            decision = _RAYYAN.get(vote.casefold())
            if decision is None:
                raise ImportFileError(
                    f"{sheet.at(line, 'notes')}: {name}'s {vote!r} is not a Rayyan decision "
                    "(Included, Excluded or Maybe)."
                )
            reviewer = names.get(name) or folded.get(name.casefold()) or name
            note = "; ".join(notes.notes.get(name, ()))
            why = reason if decision == "exclude" else ""
            found.decisions.append(
                (line, _decision(sheet, line, reviewer, stage, decision, why, note))
            )
    return found


@dataclass(frozen=True)
class RayyanNotes:
    votes: dict[str, str]  # display name -> Included, Excluded or Maybe
    reasons: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # display name -> notes


def rayyan_notes(text: str, where: str = "notes") -> RayyanNotes:
    """The screening Rayyan wrote into a notes cell (see the module docstring)."""
    marks = list(_SECTION.finditer(text))
    sections = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        sections[m.group(1)] = re.sub(r"\s*\|\s*$", "", text[m.end() : end]).strip()
    votes = _hash(sections.get("RAYYAN-INCLUSION", ""), where)
    notes = _hash(sections.get("USER-NOTES", ""), where)
    return RayyanNotes(
        votes={k: v for k, v in votes.items() if isinstance(v, str)},
        reasons=_listed(sections.get("RAYYAN-EXCLUSION-REASONS", "")),
        labels=_listed(sections.get("RAYYAN-LABELS", "")),
        notes={k: tuple(v) if isinstance(v, list) else (v,) for k, v in notes.items()},
    )


def _hash(text: str, where: str) -> dict[str, str | list[str]]:
    """Ruby's printed hash, as Rayyan writes it: {"Ann"=>"Included"} or {"Ann"=>["a", "b"]}."""
    if not text:
        return {}
    tokens, pos = [], 0
    while pos < len(text.rstrip()):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ImportFileError(f"{where}: {text!r} cannot be read as Rayyan writes it.")
        tokens.append(("s", _unescape(m.group(1))) if m.group(1) is not None else ("p", m[2]))
        pos = m.end()
    found: dict[str, str | list[str]] = {}
    i = 1 if tokens[:1] == [("p", "{")] else 0
    while i + 2 < len(tokens) and tokens[i][0] == "s" and tokens[i + 1] == ("p", "=>"):
        key, i = tokens[i][1], i + 2
        if tokens[i] == ("p", "["):
            items, i = [], i + 1
            while i < len(tokens) and tokens[i] != ("p", "]"):
                if tokens[i][0] == "s":
                    items.append(tokens[i][1])
                i += 1
            found[key], i = items, i + 1
        elif tokens[i][0] == "s":
            found[key], i = tokens[i][1], i + 1
        else:
            break
        if i < len(tokens) and tokens[i] == ("p", ","):
            i += 1
    if tokens and not found:
        raise ImportFileError(f"{where}: {text!r} cannot be read as Rayyan writes it.")
    return found


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _listed(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))


def _need_an_identifier(sheet: Sheet, tool: str) -> None:
    if not any(c in sheet.header for c in ID_COLUMNS):
        raise ImportFileError(
            f"{sheet.at(1)}: no column names the records ({', '.join(ID_COLUMNS)}); found: "
            f"{', '.join(sheet.header) or 'none'}. Give {tool} records with a PMID or DOI, or "
            "the CSV of `review export`, so that its export can be matched back."
        )


def _decision(
    sheet: Sheet, line: int, reviewer: str, stage: str, decision: str, reason: str, note: str
) -> dict:
    if stage == "full_text" and decision == "exclude" and not reason:
        raise ImportFileError(
            f"{sheet.at(line)}: a full-text exclusion needs a reason, and this line gives none."
        )
    return {
        "reviewer": reviewer,
        "stage": stage,
        "kind": "screening",
        "decision": decision,
        "reason": reason,
        "note": note,
    }
