"""The current screening decisions of a stage, folded from the events and kept up to date.

Folding every event again on each page view costs ~50 ms with 10,000 decisions, too slow for a
screen that must show the next record within a blink. The fold is therefore kept per review and
stage, and each call folds only the events appended since; it starts again from scratch when the
duplicate groups change, because they decide which record an event counts for. Readers share one
snapshot until new events arrive (a page view asks several times), so a view copies the state at
most once per new decision rather than once per question.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from review.screening.model import Decision, DecisionEvent

if TYPE_CHECKING:
    from review.store import Store


@dataclass
class StageState:
    """Each reviewer's standing decision per record (group primary), and leads' resolutions."""

    mine: dict[int, dict[str, Decision]] = field(default_factory=dict)  # unit -> reviewer -> dec
    resolved: dict[int, Decision] = field(default_factory=dict)
    order: list[tuple[str, int]] = field(default_factory=list)  # (reviewer, unit), as decided
    when: dict[tuple[int, str], int] = field(default_factory=dict)  # standing decision's event
    stacks: dict[tuple[int, str, str], list[tuple[int, Decision]]] = field(default_factory=dict)
    last_id: int = 0
    # what a snapshot's readers work out from it, once each: views for blinded reviewers,
    # the final decisions (see seen_by, finals); emptied whenever events are folded in
    _memo: dict[tuple, Any] = field(default_factory=dict, repr=False, compare=False)

    def add(self, rows: list[DecisionEvent]) -> None:
        """Fold events (oldest first): a decision goes on its reviewer's stack, an undo pops it."""
        self._memo.clear()
        for row in rows:
            self.last_id = max(self.last_id, row.id)
            key = (row.unit, row.reviewer, row.kind)
            stack = self.stacks.setdefault(key, [])
            if row.decision == "undo":
                if stack:
                    stack.pop()
            else:
                stack.append(
                    (
                        row.id,
                        Decision(
                            row.unit, row.reviewer, row.stage, row.decision,
                            row.reason, row.note, row.at, row.kind,
                        ),
                    )
                )  # fmt: skip
                self.order.append((row.reviewer, row.unit))
            self._settle(key)

    def _settle(self, key: tuple[int, str, str]) -> None:
        unit, reviewer, kind = key
        stack = self.stacks[key]
        if kind == "resolution":
            if stack:
                self.resolved[unit] = stack[-1][1]
            else:
                self.resolved.pop(unit, None)
            return
        decided = self.mine.setdefault(unit, {})
        if stack:
            decided[reviewer] = stack[-1][1]
            self.when[(unit, reviewer)] = stack[-1][0]
        else:
            decided.pop(reviewer, None)
            self.when.pop((unit, reviewer), None)
            if not decided:
                del self.mine[unit]

    def copy(self) -> StageState:
        """A snapshot for one reader, so the shared state can go on folding meanwhile."""
        return StageState(
            mine={unit: dict(decided) for unit, decided in self.mine.items()},
            resolved=dict(self.resolved),
            order=list(self.order),
            when=dict(self.when),
            last_id=self.last_id,
        )

    def seen_by(self, reviewer: str) -> StageState:
        """Only this reviewer's decisions and the leads' resolutions: what a reviewer under dual
        screening may see, so nothing shown depends on another reviewer's vote. Kept with the
        snapshot, which never changes (current_state), so a page view makes it once."""
        key = ("seen_by", reviewer)
        if key not in self._memo:
            self._memo[key] = self._only(reviewer)
        return self._memo[key]

    def _only(self, reviewer: str) -> StageState:
        return StageState(
            mine={u: {reviewer: d[reviewer]} for u, d in self.mine.items() if reviewer in d},
            resolved=dict(self.resolved),
            order=[(who, u) for who, u in self.order if who == reviewer],
            when={k: v for k, v in self.when.items() if k[1] == reviewer},
            last_id=self.last_id,
        )

    def others(self, unit: int, reviewer: str) -> int:
        """How many other reviewers have a standing decision on the record (never what)."""
        return sum(1 for who in self.mine.get(unit, {}) if who != reviewer)

    def of(self, unit: int, reviewer: str | None) -> Decision | None:
        return None if reviewer is None else self.mine.get(unit, {}).get(reviewer)

    def last_of(self, reviewer: str) -> int | None:
        for who, unit in reversed(self.order):
            if who == reviewer and self.of(unit, reviewer) is not None:
                return unit
        return None

    def finals(self, dual: bool) -> dict[int, str]:
        """Every record's final decision or "conflict" (those still missing one left out),
        worked out once per snapshot for the counts, the ranking's labels and the rest."""
        key = ("finals", dual)
        if key not in self._memo:
            decided = self.mine.keys() | self.resolved.keys()
            found = {u: self.final(u, dual) for u in decided}
            self._memo[key] = {u: f for u, f in found.items() if f is not None}
        return self._memo[key]

    def final(self, unit: int, dual: bool) -> str | None:
        """include / exclude / maybe, "conflict", or None while decisions are missing."""
        if unit in self.resolved:
            return self.resolved[unit].decision
        decided = self.mine.get(unit, {})
        if not decided:
            return None
        if not dual:  # the latest standing decision, whoever made it
            return max(decided.values(), key=lambda d: self.when[(unit, d.reviewer)]).decision
        if len(decided) < 2:
            return None
        kinds = {d.decision for d in decided.values()}
        return kinds.pop() if len(kinds) == 1 else "conflict"


# (review, stage) -> (groups signature, the shared fold, the readers' snapshot of it or None)
_cache: dict[tuple[str, str], tuple[str, StageState, StageState | None]] = {}
_lock = threading.Lock()


def current_state(store: Store, stage: str) -> StageState:
    """The stage's state, folding only the events appended since the last call. Readers must
    not change it: the same snapshot goes to every reader until the next event."""
    key = (str(store.path.resolve()), stage)
    groups = store.groups_signature()
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached[0] != groups:
            cached = (groups, StageState(), None)
        _, state, snapshot = cached
        rows = store.decision_rows(stage, after_id=state.last_id)
        if rows or snapshot is None:
            state.add(rows)
            snapshot = state.copy()
        _cache[key] = (groups, state, snapshot)
        return snapshot


@dataclass(frozen=True)
class Queue:
    """The records to screen (group primaries) in arrival order, and each one's place in it, so
    that whether a record is to be screened is a look-up, not a pass over the review."""

    units: list[int]
    position: dict[int, int]


_units: dict[str, tuple[tuple, Queue]] = {}


def current_queue(store: Store) -> Queue:
    """The screening queue, cached until the queue or the duplicate groups change."""
    key = str(store.path.resolve())
    signature = (store.groups_signature(), store.queue_signature())
    with _lock:
        cached = _units.get(key)
        if cached is None or cached[0] != signature:
            units = store.screening_units()
            cached = (signature, Queue(units, {u: i for i, u in enumerate(units)}))
            _units[key] = cached
        return cached[1]


def current_units(store: Store) -> list[int]:
    """The records to screen (group primaries, in arrival order); callers must not change it."""
    return current_queue(store).units
