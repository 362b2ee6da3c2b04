"""The stopping certificate: how title/abstract screening ended, in words a methods section and
PRISMA 2020 (item 8, automation tools; item 16a, the flow) can take as they are.

Screening has *stopped* when a lead's stopping sample is under way, the hypergeometric test
(review.prioritise.stopping) allows stopping, and records are left without a person's decision:
those records were removed from screening by an automation tool (the ranking and the stopping
rule). PRISMA 2020's flow diagram has one place for them, "Records marked as ineligible by
automation tools" among the records removed before screening; review.report.flow counts them
there (``left_by_stopping``), not as records awaiting screening, which would say the work is
unfinished. A review screened to the last record gets no certificate, only a sentence saying
every record was screened by a person.

Imports of the stopping test (scipy) wait until a stopping sample exists, so that `review status`
and the PRISMA counts of a review without one stay light.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from review.screening.decisions import stage_units, stage_view

if TYPE_CHECKING:
    from review.store import Store

STAGE = "title_abstract"
SAMPLE_KEY = "stopping_sample"  # review.prioritise.progress keeps the sample under this setting
DISTRIBUTION = "rapid-review"
CITATION = "Callaghan & Müller-Hansen 2020"


@dataclass(frozen=True)
class StoppingCertificate:
    """``status``: "stopped" (the test allowed stopping; ``not_screened`` records were left to
    the automation tool), "screening" (records still wait and the test does not allow stopping,
    or no test was run) or "complete" (a person screened every record)."""

    status: str
    total: int  # records (duplicate groups) to screen on title and abstract
    screened: int  # with a person's decision (include, exclude or maybe)
    not_screened: int  # without one (a conflict awaiting a lead is neither)
    relevant_found: int
    tool: str  # "review (rapid-review 0.1.0)"
    stopped_on: str = ""  # YYYY-MM-DD of the last title/abstract decision, when stopped
    method: str = ""
    recall_target: float | None = None
    confidence: float | None = None
    sample_started_on: str = ""
    sample_pool: int = 0  # records unscreened when the random sample began
    sample_size: int = 0  # of them screened so far, in the sample's random order
    sample_relevant: int = 0
    p_value: float | None = None
    recall_estimate: float | None = None
    recall_bound: float | None = None  # recall is at least this, at ``confidence``
    missed_estimate: float | None = None  # relevant records among those not screened
    missed_bound: int | None = None
    arrived_since_sample: int = 0  # queued after the sample began: outside the test
    text: tuple[str, ...] = ()  # the report's paragraphs


def tool_version() -> str:
    try:
        return f"review ({DISTRIBUTION} {version(DISTRIBUTION)})"
    except PackageNotFoundError:  # a checkout run without installing it
        return "review (version not installed)"


def _unscreened(store: Store) -> set[int]:
    view = stage_view(store, None, STAGE)
    return {u for u in stage_units(store, STAGE) if view.final(u) is None}


def stopping_certificate(
    store: Store, *, recall_target: float = 0.95, confidence: float = 0.95
) -> StoppingCertificate:
    """How title/abstract screening ended, as the review as a whole stands (a lead's view)."""
    from review.prioritise.progress import screening_progress
    from review.prioritise.question import protocol_query

    found = screening_progress(store, None, recall_target=recall_target, confidence=confidence)
    left = len(_unscreened(store))
    a = found.advice
    base: dict[str, Any] = dict(
        total=found.total,
        screened=found.screened,
        not_screened=left,
        relevant_found=found.relevant_found,
        tool=tool_version(),
    )
    if left == 0:
        status = "complete" if found.screened == found.total else "screening"
        return StoppingCertificate(status, **base, text=_unfinished_or_complete(found, left))
    if found.sample is None or not a.can_stop:
        return StoppingCertificate("screening", **base, text=_unfinished_or_complete(found, left))
    r_seen = a.relevant_found + a.sample_relevant
    estimate, bound = a.estimated_remaining_relevant, a.upper_bound_remaining_relevant
    cert = StoppingCertificate(
        "stopped",
        **base,
        stopped_on=_last_decision(store),
        method=a.method,
        recall_target=a.recall_target,
        confidence=a.confidence,
        sample_started_on=found.sample.started_at[:10],
        sample_pool=found.sample.pool,
        sample_size=a.sample_size,
        sample_relevant=a.sample_relevant,
        p_value=a.p_value,
        recall_estimate=r_seen / (r_seen + estimate) if estimate is not None and r_seen else None,
        recall_bound=r_seen / (r_seen + bound) if bound is not None and r_seen else None,
        missed_estimate=estimate,
        missed_bound=bound,
        arrived_since_sample=found.arrived_since_sample,
    )
    return _with_text(cert, question=not protocol_query(store).empty)


def left_by_stopping(store: Store) -> set[int]:
    """The records screening left to the automation tool (empty unless it has stopped): the
    PRISMA flow's "marked as ineligible by automation tools"."""
    if not store.settings_values().get(SAMPLE_KEY):
        return set()  # no stopping sample, no stop: nothing heavy is imported
    if stopping_certificate(store).status != "stopped":
        return set()
    return _unscreened(store)


def _last_decision(store: Store) -> str:
    state = stage_view(store, None, STAGE).state
    dates = [d.at for decided in state.mine.values() for d in decided.values()]
    dates += [d.at for d in state.resolved.values()]
    return max(dates)[:10] if dates else ""


def _unfinished_or_complete(found, left: int) -> tuple[str, ...]:
    if left == 0 and found.screened == found.total:
        return (
            f"All {found.total:,} records were screened on title and abstract by a person. No "
            "automation tool excluded records and screening was not stopped early; where the "
            "records were offered in a prioritised order, the order decided nothing.",
        )
    waiting = found.total - found.screened - left
    lines = [
        f"Title and abstract screening is not finished: {found.screened:,} of {found.total:,} "
        f"records have been screened, {left:,} have not"
        + (f" and {waiting:,} conflicts await a lead." if waiting else ".")
    ]
    if found.sample is None:
        lines.append("No stopping test has been run, so no record is excluded by automation.")
    else:
        lines.append(
            f"A stopping sample began on {found.sample.started_at[:10]}; the stopping test does "
            f"not yet allow stopping ({found.advice.message})"
        )
    return tuple(lines)


def _with_text(c: StoppingCertificate, *, question: bool) -> StoppingCertificate:
    from dataclasses import replace

    assert c.confidence is not None and c.recall_target is not None
    start = " (before the first include, by their similarity to the review question)"
    lines = [
        "Records were screened on title and abstract in an order set by an automation tool: "
        f"an active-learning model, {c.tool}, retrained on the reviewers' decisions, offered "
        f"the records most likely to be relevant first{start if question else ''}. The model "
        "excluded nothing by itself; every decision in the screened records is a person's."
    ]
    level, target = f"{c.confidence:.0%}", f"{c.recall_target:.0%}"
    if c.sample_size:
        p = f"p = {c.p_value:.3g}; " if c.p_value is not None else ""
        test = (
            f"a hypergeometric test on a random sample of {c.sample_size:,} of the "
            f"{c.sample_pool:,} records unscreened when the sample began ({c.sample_started_on}; "
            f"{c.sample_relevant:,} relevant in the sample) rejected, at the {level} level, the "
            f"hypothesis that recall was below {target} ({p}{CITATION})"
        )
    else:
        test = (
            f"a hypergeometric stopping test ({CITATION}) showed that recall would be at least "
            f"{target} even if every unscreened record were relevant"
        )
    lines.append(
        f"Screening stopped on {c.stopped_on} after {c.screened:,} of {c.total:,} records had "
        f"been screened by a person ({c.relevant_found:,} relevant), when {test}."
    )
    if c.recall_estimate is not None and c.recall_bound is not None:
        lines.append(
            f"Estimated recall: {c.recall_estimate:.1%} (at least {c.recall_bound:.1%} with "
            f"{level} confidence); about {c.missed_estimate:.0f} and at most {c.missed_bound:,} "
            "relevant records are among those not screened."
        )
    arrived = (
        f" {c.arrived_since_sample:,} of them arrived after the random sample began and are "
        "outside the test."
        if c.arrived_since_sample
        else ""
    )
    lines.append(
        f"The remaining {c.not_screened:,} records were not screened by a person; the PRISMA "
        f"flow diagram reports them as records marked as ineligible by automation tools.{arrived}"
    )
    return replace(c, text=tuple(lines))
