"""Each record's screening at each stage as an export shows it.

The decision is the one the screening pages and `review status` fold (``stage_view``,
``stage_units``): for a lead, or the review as a whole, two agreeing votes under dual screening,
"conflict" when they differ, a lead's resolution over both, the latest vote under single
screening. A reviewer who is not a lead, under dual screening, gets what they may see on the
pages: their own vote and the leads' resolutions, never another reviewer's vote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.errors import ReviewError
from review.screening.decisions import settings, stage_units, stage_view
from review.screening.model import DECISIONS, STAGE_LABELS, STAGES, Decision, Reviewer

if TYPE_CHECKING:
    from review.screening.decisions import StageView
    from review.store import Store

# What --decision may ask for: a final decision, a conflict, or a record at the stage that has
# no final decision yet (votes missing).
DECISION_FILTERS = (*DECISIONS, "conflict", "undecided")


@dataclass(frozen=True)
class StageDecision:
    """One record's screening at one stage. ``decision`` is "" when the record is not on the
    stage's list (a full-text stage for a record excluded on its title and abstract)."""

    stage: str
    decision: str = ""  # include, exclude, maybe, conflict, undecided
    reasons: tuple[str, ...] = ()  # the resolution's, else those of the votes that agree
    notes: tuple[str, ...] = ()  # "reviewer: note", each vote's and the resolution's
    votes: tuple[Decision, ...] = ()  # each reviewer's standing vote, by name
    resolution: Decision | None = None

    def votes_text(self) -> str:
        return "; ".join(_vote(v) for v in self.votes)

    def resolved_by(self) -> str:
        return "" if self.resolution is None else _vote(self.resolution)

    def summary(self) -> str:
        """The stage, decision and reasons in a line, for RIS's N1 and BibTeX's annote."""
        if not self.decision:
            return ""
        text = f"Screening, {STAGE_LABELS[self.stage]}: {self.decision}"
        if self.reasons:
            text += f" ({'; '.join(self.reasons)})"
        if self.resolution is not None:
            text += f", resolved by {self.resolution.reviewer}"
        return text


def _vote(decision: Decision) -> str:
    reason = f" ({decision.reason})" if decision.reason else ""
    return f"{decision.reviewer}: {decision.decision}{reason}"


def check_filters(stage: str | None, decision: str | None) -> None:
    if stage is not None and stage not in STAGES:
        raise ReviewError(f"Unknown stage {stage!r}: use {' or '.join(STAGES)}.")
    if decision is not None:
        if decision not in DECISION_FILTERS:
            raise ReviewError(f"Unknown decision {decision!r}: use {', '.join(DECISION_FILTERS)}.")
        if stage is None:
            raise ReviewError(
                f"--decision {decision} needs a stage: add --stage {' or --stage '.join(STAGES)}."
            )


def stage_decisions(store: Store, viewer: Reviewer | None) -> dict[str, dict[int, StageDecision]]:
    """Stage -> group primary -> its screening there, for the records on each stage's list."""
    dual = settings(store).dual
    found: dict[str, dict[int, StageDecision]] = {}
    for stage in STAGES:
        view = stage_view(store, viewer, stage, dual)
        units = stage_units(store, stage, dual, viewer=viewer)
        found[stage] = {unit: _summarise(stage, view, unit) for unit in units}
    return found


def _summarise(stage: str, view: StageView, unit: int) -> StageDecision:
    votes = tuple(sorted(view.state.mine.get(unit, {}).values(), key=lambda d: d.reviewer))
    resolution = view.state.resolved.get(unit)
    final = view.final(unit) or "undecided"
    if resolution is not None:
        reasons = [resolution.reason]
    elif final in DECISIONS:
        reasons = [v.reason for v in votes if v.decision == final]
    else:
        reasons = [v.reason for v in votes]
    notes = [f"{d.reviewer}: {d.note}" for d in (*votes, resolution) if d is not None and d.note]
    return StageDecision(
        stage=stage,
        decision=final,
        reasons=tuple(dict.fromkeys(r for r in reasons if r)),
        notes=tuple(notes),
        votes=votes,
        resolution=resolution,
    )
