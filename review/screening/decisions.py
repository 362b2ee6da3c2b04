"""Screening decisions: appended as events, folded into the current state when asked.

A reviewer's current decision on a record is their latest event for it; an "undo" event takes the
one before it back, so the whole history stays and nothing is overwritten. Decisions count for a
record's duplicate group (made on any member, they stand for its primary). Under dual screening a
record is decided when two reviewers agree; when they differ it is a conflict until a lead
resolves it. A reviewer is never shown another's decision before making their own.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

from review.errors import ReviewError
from review.screening.model import (
    DECISIONS,
    STAGES,
    Agreement,
    Conflict,
    Decision,
    Progress,
    Reviewer,
    Settings,
)
from review.screening.state import current_state, current_units

SETTING_KEYS = ("question", "criteria", "exclusion_reasons", "include_terms", "exclude_terms")
# A record moves to full-text screening when its title/abstract decision is one of these: a
# "maybe" is read in full rather than lost.
TO_FULL_TEXT = ("include", "maybe")


def settings(store) -> Settings:
    values = store.settings_values()
    known = {k: values[k] for k in (*SETTING_KEYS, "dual") if k in values}
    for key in ("exclusion_reasons", "include_terms", "exclude_terms"):
        if key in known:
            known[key] = tuple(known[key])
    return Settings(**known)


def save_settings(store, new: Settings, by: str) -> None:
    values = {k: getattr(new, k) for k in (*SETTING_KEYS, "dual")}
    for key in ("exclusion_reasons", "include_terms", "exclude_terms"):
        values[key] = [v.strip() for v in values[key] if v.strip()]
    store.set_settings(values, by)


def _check(stage: str, decision: str, reason: str) -> None:
    if stage not in STAGES:
        raise ReviewError(f"Unknown stage {stage!r}: use {' or '.join(STAGES)}.")
    if decision not in DECISIONS:
        raise ReviewError(f"Unknown decision {decision!r}: use {', '.join(DECISIONS)}.")
    if stage == "full_text" and decision == "exclude" and not reason.strip():
        raise ReviewError("A full-text exclusion needs a reason (PRISMA reports them).")


def decide(
    store,
    reviewer: str,
    record_id: int,
    stage: str,
    decision: str,
    reason: str = "",
    note: str = "",
    *,
    source: str = "app",
) -> Decision:
    _check(stage, decision, reason)
    row = {
        "record_id": int(record_id),
        "reviewer": reviewer,
        "stage": stage,
        "decision": decision,
        "reason": reason.strip(),
        "note": note.strip(),
        "source": source,
    }
    store.add_decisions([row])
    return Decision(int(record_id), reviewer, stage, decision, row["reason"], row["note"])


def undo_last(store, reviewer: str, stage: str) -> int | None:
    """Withdraw the reviewer's latest standing decision at a stage; returns its record."""
    current = current_state(store, stage)
    record_id = current.last_of(reviewer)
    if record_id is None:
        return None
    store.add_decisions(
        [{"record_id": record_id, "reviewer": reviewer, "stage": stage, "decision": "undo"}]
    )
    return record_id


def resolve(store, lead: Reviewer, record_id: int, stage: str, decision: str, reason: str = ""):
    """A lead's decision on a conflict; it stands over the reviewers' own."""
    if not lead.is_lead:
        raise ReviewError(f"{lead.name} is not a lead: only leads resolve conflicts.")
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


def stage_units(store, stage: str, dual: bool | None = None) -> list[int]:
    """The records (group primaries) to screen at a stage, in arrival order."""
    units = current_units(store)
    if stage == "title_abstract":
        return units
    dual = settings(store).dual if dual is None else dual
    first = current_state(store, "title_abstract")
    return [u for u in units if first.final(u, dual) in TO_FULL_TEXT]


def next_record(
    store,
    reviewer: str,
    stage: str,
    *,
    skip: tuple[int, ...] = (),
    order: Sequence[int] | None = None,
) -> int | None:
    """The next record this reviewer should decide, or None when they are done.

    Single screening: records nobody has decided. Dual: records the reviewer has not decided that
    fewer than two reviewers have. ``order`` (a ranking, a random order) comes first; records it
    does not list follow in arrival order, so a stale ranking never hides a record.
    """
    dual = settings(store).dual
    state = current_state(store, stage)
    units = stage_units(store, stage, dual)
    if order is not None:
        known = set(units)
        units = itertools.chain((u for u in order if u in known), units)
    for unit in units:
        if unit in skip or unit in state.resolved:
            continue
        decided = state.mine.get(unit, {})
        if reviewer in decided:
            continue
        if (not dual and decided) or (dual and len(decided) >= 2):
            continue
        return unit
    return None


def conflicts(store, stage: str) -> list[Conflict]:
    state = current_state(store, stage)
    return [
        Conflict(unit, stage, tuple(sorted(state.mine[unit].values(), key=lambda d: d.reviewer)))
        for unit in stage_units(store, stage)
        if state.final(unit, True) == "conflict"
    ]


def agreement(store, stage: str) -> Agreement:
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


def progress(store, reviewer: str, stage: str) -> Progress:
    dual = settings(store).dual
    state = current_state(store, stage)
    units = stage_units(store, stage, dual)
    finals = Counter(state.final(u, dual) for u in units)
    return Progress(
        stage=stage,
        total=len(units),
        decided=sum(n for k, n in finals.items() if k in DECISIONS),
        included=finals["include"],
        excluded=finals["exclude"],
        conflicts=finals["conflict"],
        mine=sum(1 for u in units if state.of(u, reviewer) is not None),
    )
