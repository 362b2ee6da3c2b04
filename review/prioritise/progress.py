"""How far title/abstract screening has gone, and what the stopping test says about it.

Until the app offers a random-sample mode, every screened record counts as prioritised screening
and no random sample exists yet, so the advice says how many random records to screen next.
"""

from __future__ import annotations

from dataclasses import dataclass

from review.prioritise.stopping import StoppingAdvice, advise, recall_curve
from review.screening.decisions import settings, stage_units
from review.screening.state import current_state

STAGE = "title_abstract"


@dataclass(frozen=True)
class ScreeningProgress:
    total: int
    screened: int
    relevant_found: int
    curve: list[tuple[int, int]]
    advice: StoppingAdvice


def screening_progress(store, *, recall_target: float = 0.95, confidence: float = 0.95):
    dual = settings(store).dual
    state = current_state(store, STAGE)
    units = stage_units(store, STAGE, dual)
    decided = sorted(
        (
            (min(state.when[(u, r)] for r in state.mine[u]), state.final(u, dual))
            for u in units
            if state.final(u, dual) in ("include", "exclude", "maybe")
        ),
    )
    relevant = [1 if final in ("include", "maybe") else 0 for _, final in decided]
    found = sum(relevant)
    advice = advise(
        found,
        len(units) - len(decided),
        0,
        0,
        recall_target=recall_target,
        confidence=confidence,
    )
    return ScreeningProgress(len(units), len(decided), found, recall_curve(relevant), advice)
