"""Screening decisions: appended as events, folded into the current state when asked.

A reviewer's current decision on a record is their latest event for it; an "undo" event takes the
one before it back, so the whole history stays and nothing is overwritten. Decisions count for a
record's duplicate group (made on any member, they stand for its primary). Under dual screening a
record is decided when two reviewers agree; when they differ it is a conflict until a lead
resolves it.

Blinding (dual screening). What a reviewer who is not a lead is shown is computed from their own
decisions and the leads' resolutions only (``stage_view``): counts, the full-text queue, the
ranking, the stopping figures. Which records they are offered may depend on *how many* others
have voted (a record two others decided needs no third vote) but never on *what* they voted. Once
another reviewer has also decided a record, a reviewer's vote on it is final: changing or undoing
it is refused (``DecisionIsFinal``) and a lead changes it on Conflicts. A lead (the permission
``see_all_decisions``) sees everything; under single screening nothing is blinded.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.errors import ReviewError
from review.permissions import allowed, require
from review.screening.model import (
    DECISIONS,
    STAGE_LABELS,
    STAGES,
    Agreement,
    Conflict,
    Decision,
    Progress,
    Reviewer,
    Settings,
)
from review.screening.state import StageState, current_queue, current_state

if TYPE_CHECKING:
    from review.store import Store

SETTING_KEYS = ("question", "criteria", "exclusion_reasons", "include_terms", "exclude_terms")
# A record moves to full-text screening when its title/abstract decision is one of these: a
# "maybe" is read in full rather than lost.
TO_FULL_TEXT = ("include", "maybe")


class DecisionIsFinal(ReviewError):
    """A change to a vote on a record another reviewer has also decided (dual screening)."""


def settings(store: Store) -> Settings:
    values = store.settings_values()
    known = {k: values[k] for k in (*SETTING_KEYS, "dual") if k in values}
    for key in ("exclusion_reasons", "include_terms", "exclude_terms"):
        if key in known:
            known[key] = tuple(known[key])
    return Settings(**known)


def save_settings(store: Store, new: Settings, actor: Reviewer) -> None:
    require(actor, "edit_protocol")
    store.set_settings(setting_values(new), actor.name)


def setting_values(new: Settings) -> dict:
    """The settings as the store keeps them (lists stripped of blank lines), for one write that
    also holds the protocol (review.extraction.protocol.save_review_setup)."""
    values = {k: getattr(new, k) for k in (*SETTING_KEYS, "dual")}
    for key in ("exclusion_reasons", "include_terms", "exclude_terms"):
        values[key] = [v.strip() for v in values[key] if v.strip()]
    return values


def _check(stage: str, decision: str, reason: str) -> None:
    if stage not in STAGES:
        raise ReviewError(f"Unknown stage {stage!r}: use {' or '.join(STAGES)}.")
    if decision not in DECISIONS:
        raise ReviewError(f"Unknown decision {decision!r}: use {', '.join(DECISIONS)}.")
    if stage == "full_text" and decision == "exclude" and not reason.strip():
        raise ReviewError("A full-text exclusion needs a reason (PRISMA reports them).")


def sees_all(viewer: Reviewer | None) -> bool:
    """A lead sees every decision; ``None`` is the review as a whole (the report, the command
    line's status), never a page a reviewer reads."""
    return viewer is None or allowed(viewer, "see_all_decisions")


@dataclass(frozen=True)
class StageView:
    """A stage's decisions as one viewer may see them. ``final`` is the consensus of two for
    those who see everything under dual screening; for a blinded reviewer it is a lead's
    resolution, else their own decision: all they may know of a record."""

    state: StageState
    dual: bool  # how final() folds: two agreeing decisions, or the latest standing one
    blinded: bool

    def final(self, unit: int) -> str | None:
        return self.state.final(unit, self.dual)

    def finals(self) -> dict[int, str]:
        """unit -> final for every record that has one (see StageState.finals)."""
        return self.state.finals(self.dual)


def stage_view(
    store: Store, viewer: Reviewer | None, stage: str, dual: bool | None = None
) -> StageView:
    dual = settings(store).dual if dual is None else dual
    state = current_state(store, stage)
    if dual and viewer is not None and not sees_all(viewer):  # sees_all(None) is True
        return StageView(state.seen_by(viewer.name), dual=False, blinded=True)
    return StageView(state, dual, blinded=False)


def _final_message(record_id: int, stage: str) -> str:
    return (
        f"Your {STAGE_LABELS[stage]} decision on record {record_id} is final: under dual "
        "screening a vote stands once another reviewer has also decided the record. A lead "
        "changes it on the Conflicts page."
    )


def vote_is_final(store: Store, actor: Reviewer, record_id: int, stage: str) -> bool:
    """Under dual screening: the actor has decided the record and so has someone else (another
    reviewer, or a lead's resolution), so the actor may no longer change or undo it."""
    if not settings(store).dual:
        return False
    unit = store.primary_of(record_id)
    return is_final(current_state(store, stage), unit, actor.name)


def is_final(state: StageState, unit: int, name: str) -> bool:
    """vote_is_final on a stage's state already folded, for checking many votes at once (a
    decisions file): the reviewer has a standing vote on the unit and so has someone else."""
    if state.of(unit, name) is None:
        return False
    return unit in state.resolved or state.others(unit, name) > 0


def _refuse_final(store: Store, actor: Reviewer, record_id: int, stage: str) -> None:
    if vote_is_final(store, actor, record_id, stage):
        raise DecisionIsFinal(_final_message(int(record_id), stage))


def decide(
    store: Store,
    actor: Reviewer,
    record_id: int,
    stage: str,
    decision: str,
    reason: str = "",
    note: str = "",
    *,
    source: str = "app",
) -> Decision:
    """The actor's decision on a record. Under dual screening a decision on a record the actor
    already decided is a change: refused once another reviewer has also decided it."""
    require(actor, "screen")
    _check(stage, decision, reason)
    _refuse_final(store, actor, record_id, stage)
    reason, note = reason.strip(), note.strip()
    row = {
        "record_id": int(record_id),
        "reviewer": actor.name,
        "stage": stage,
        "decision": decision,
        "reason": reason,
        "note": note,
        "source": source,
    }
    store.add_decisions([row])
    return Decision(int(record_id), actor.name, stage, decision, reason, note)


def undo_last(store: Store, actor: Reviewer, stage: str) -> int | None:
    """Withdraw the actor's latest standing decision at a stage; returns its record. Under dual
    screening only while nobody else has decided that record (``DecisionIsFinal``)."""
    require(actor, "screen")
    record_id = current_state(store, stage).last_of(actor.name)
    if record_id is None:
        return None
    _refuse_final(store, actor, record_id, stage)
    store.add_decisions(
        [{"record_id": record_id, "reviewer": actor.name, "stage": stage, "decision": "undo"}]
    )
    return record_id


def resolve(
    store: Store, lead: Reviewer, record_id: int, stage: str, decision: str, reason: str = ""
):
    """A lead's decision on a conflict; it stands over the reviewers' own."""
    require(lead, "resolve_conflict")
    _check(stage, decision, reason)
    store.add_decisions(
        [
            {
                "record_id": int(record_id),
                "reviewer": lead.name,
                "stage": stage,
                "kind": "resolution",
                "decision": decision,
                "reason": reason.strip(),
            }
        ]
    )


def stage_units(
    store, stage: str, dual: bool | None = None, *, viewer: Reviewer | None = None
) -> list[int]:
    """The records (group primaries) to screen at a stage, in arrival order. At full text: those
    going on from title/abstract as the viewer sees it (for a blinded reviewer, their own include
    or maybe unless a lead resolved otherwise; for a lead and the review, the final decision)."""
    queue = current_queue(store)
    if stage == "title_abstract":
        return queue.units
    first = stage_view(store, viewer, "title_abstract", dual)
    finals = first.finals()  # records without a decision stay behind
    on = [u for u, f in finals.items() if f in TO_FULL_TEXT and u in queue.position]
    return sorted(on, key=queue.position.__getitem__)


def _members(store: Store, stage: str, units: Iterable[int]) -> Container[int]:
    """The stage's records for membership tests: at title/abstract the cached queue's positions
    (no set of the whole review built per view), at full text the few that went on."""
    return current_queue(store).position if stage == "title_abstract" else set(units)


def next_record(
    store: Store,
    actor: Reviewer,
    stage: str,
    *,
    skip: tuple[int, ...] = (),
    order: Sequence[int] | None = None,
) -> int | None:
    """The next record this reviewer should decide, or None when they are done.

    Single screening: records nobody has decided. Dual: records the reviewer has not decided that
    fewer than two reviewers have (how many, never what they decided). ``order`` (a ranking, a
    random order) comes first; records it does not list follow in arrival order, so a stale
    ranking never hides a record.
    """
    dual = settings(store).dual
    state = current_state(store, stage)
    units: Iterable[int] = stage_units(store, stage, dual, viewer=actor)
    if order is not None:
        known = _members(store, stage, units)
        units = itertools.chain((u for u in order if u in known), units)
    for unit in units:
        if unit in skip or unit in state.resolved:
            continue
        decided = state.mine.get(unit, {})
        if actor.name in decided:
            continue
        if (not dual and decided) or (dual and len(decided) >= 2):
            continue
        return unit
    return None


def conflicts(store: Store, stage: str) -> list[Conflict]:
    """Records two reviewers decided differently: for leads (the Conflicts page)."""
    state = current_state(store, stage)
    return [
        Conflict(unit, stage, tuple(sorted(state.mine[unit].values(), key=lambda d: d.reviewer)))
        for unit in stage_units(store, stage)
        if state.final(unit, True) == "conflict"
    ]


def agreement(store: Store, stage: str) -> Agreement:
    """Percentage agreement and Cohen's kappa over records two reviewers both decided."""
    state = current_state(store, stage)
    pairs = []
    names: set[str] = set()
    for decided in state.mine.values():
        if len(decided) >= 2:
            first, second = sorted(decided)[:2]
            names.update((first, second))
            pairs.append((decided[first].decision, decided[second].decision))
    if not pairs:
        return Agreement(0, 0, None)
    agreed = sum(a == b for a, b in pairs)
    observed = agreed / len(pairs)
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[c] * right[c] for c in DECISIONS) / len(pairs) ** 2
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return Agreement(len(pairs), agreed, kappa, tuple(sorted(names)))


def progress(store: Store, viewer: Reviewer | None, stage: str) -> Progress:
    """A stage's counts as the viewer may see them (``None``: the review as a whole). Only the
    records with a decision are read (the rest have none to count), so a page view's counts cost
    the same for 2,000 records or 200,000."""
    dual = settings(store).dual
    view = stage_view(store, viewer, stage, dual)
    units = stage_units(store, stage, dual, viewer=viewer)
    members = _members(store, stage, units)
    finals = Counter(f for u, f in view.finals().items() if u in members)
    name = viewer.name if viewer is not None else None
    mine = sum(1 for u, d in view.state.mine.items() if name in d and u in members)
    return Progress(
        stage=stage,
        total=len(units),
        decided=sum(n for k, n in finals.items() if k in DECISIONS),
        included=finals["include"],
        excluded=finals["exclude"],
        conflicts=finals["conflict"],
        mine=mine,
        blinded=view.blinded,
    )


def recent_decisions(store: Store, actor: Reviewer, stage: str, limit: int = 20) -> list[Decision]:
    """The actor's own standing decisions at a stage, latest first: what the Screen page offers
    to look at again (never another reviewer's, so it is blind under dual screening)."""
    state = current_state(store, stage)
    found: list[Decision] = []
    seen: set[int] = set()
    for who, unit in reversed(state.order):
        if who != actor.name or unit in seen:
            continue
        seen.add(unit)
        mine = state.of(unit, actor.name)
        if mine is not None:
            found.append(mine)
            if len(found) >= limit:
                break
    return found
