"""A reviewer's unsaved extraction of a study, kept in the review file until saved or discarded.

Streamlit forgets a page's widgets when the reviewer opens another page, and a refresh forgets
the session: the Extraction page keeps each change here as it is made and draws the study from
it when the reviewer comes back. A draft is the reviewer's own (nobody else sees it) and never a
finding: only ``save_findings`` writes those, checked, with its event. Its parts:

- ``efficacy`` / ``safety``: a findings table as edited, ``{"was": findings, "rows": rows}``:
  the rows and the findings they were edited on, so that a save after someone else changed the
  study's findings is refused rather than applied to rows that now mean something else;
- ``efficacy_form`` / ``safety_form``: an add-a-finding form as filled (field -> value).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from review.extraction.model import EfficacyFinding, ExtractionDraft, SafetyFinding
from review.permissions import require

if TYPE_CHECKING:
    from review.screening.model import Reviewer
    from review.store import Store

PARTS = ("efficacy", "safety", "efficacy_form", "safety_form")
_FINDINGS = {"efficacy": EfficacyFinding, "safety": SafetyFinding}


def draft(store: Store, by: Reviewer, study_id: int) -> ExtractionDraft | None:
    """The reviewer's draft of the study, or None."""
    return store.extraction_draft(by.name, study_id)


def keep_draft(store: Store, by: Reviewer, study_id: int, part: str, value) -> None:
    """Keep one part of the draft (``value`` None drops that part)."""
    require(by, "extract")
    if part not in PARTS:
        raise ValueError(f"not a part of a draft: {part!r}")
    store.keep_extraction_draft(by.name, study_id, part, value)


def keep_table(store: Store, by: Reviewer, study_id: int, kind: str, was, rows: list[dict]) -> None:
    """Keep a findings table as edited: its rows and the findings they were edited on."""
    keep_draft(store, by, study_id, kind, {"was": [asdict(f) for f in was], "rows": rows})


def table(found: ExtractionDraft | None, kind: str) -> tuple[tuple, list[dict]] | None:
    """(the findings a kept table was edited on, its rows), or None when none is kept."""
    part = (found.parts if found else {}).get(kind)
    if not part:
        return None
    cls = _FINDINGS[kind]
    return tuple(cls(**f) for f in part["was"]), [dict(r) for r in part["rows"]]


def discard_draft(store: Store, by: Reviewer, study_id: int, part: str | None = None) -> None:
    """Drop the draft (or one part of it): saved, or thrown away by the reviewer."""
    if part is None:
        store.discard_extraction_draft(by.name, study_id)
    else:
        keep_draft(store, by, study_id, part, None)
