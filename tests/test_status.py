"""Where a review stands (review.status): one object for `review status` and the Overview."""

from __future__ import annotations

import json
from collections import namedtuple
from dataclasses import asdict

import pytest

from review.extraction.studies import link_records, list_studies, sync_studies
from review.records import Record
from review.report.flow import review_counts
from review.screening.decisions import agreement, decide, progress, save_settings
from review.screening.model import STAGES, Reviewer, Settings
from review.status import review_status
from review.store import open_store

TA, FT = "title_abstract", "full_text"
ANN, BOB, LEE = Reviewer("ann"), Reviewer("bob"), Reviewer("lee", "lead")
Match = namedtuple("Match", "a b score verdict reasons")


def _review(store) -> None:
    """Six records; 1 and 2 included at both stages (one trial, two reports), 3 excluded at
    title/abstract, 4 included at title/abstract and waiting for full text; 5-6 a possible pair."""
    store.add_records("t", [(str(i), Record(title=f"Study {i}", raw=str(i))) for i in range(1, 7)])
    for record_id in (1, 2, 4):
        decide(store, LEE, record_id, TA, "include")
    decide(store, LEE, 3, TA, "exclude", "Wrong population")
    for record_id in (1, 2):
        decide(store, LEE, record_id, FT, "include")
    store.save_matches([Match(5, 6, 0.8, "possible", ("title 0.90",))], "review")


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "review.db") as store:
        _review(store)
        yield store


def test_the_review_as_a_whole_counts_records_duplicates_and_stages(store):
    status = review_status(store, None)
    assert (status.records, status.searches, status.search_runs) == (6, 0, 0)
    assert status.duplicates_removed == 0 and status.duplicates_pending == 1
    assert not status.blinded and status.prisma is None  # the flow only when asked for
    ta, ft = status.stages[TA].progress, status.stages[FT].progress
    assert (ta.total, ta.decided, ta.included, ta.excluded) == (6, 4, 3, 1)
    assert (ft.total, ft.decided, ft.included) == (3, 2, 2)
    assert status.stages[TA].agreement is not None and status.stages[TA].agreement.records == 0
    assert status.runs == () and status.imports == ()


def test_json_keeps_the_shape_review_status_has_always_printed(store):
    """The --json data as the command built it before the Status object, key order included;
    a run as the row it has always been, its JSON columns decoded."""
    run_id = store.start_run(store.save_search("s", "q"), "search", {"term": "q"})
    store.finish_run(run_id, "complete", ncbi_count=3, warnings=["w"], message="3 new")
    rows = store.query(
        "SELECT r.*, s.name AS search_name, s.query AS query FROM search_runs r "
        "JOIN searches s ON s.id = r.search_id ORDER BY r.id"
    )
    before = {
        **asdict(store.review_summary()),
        "duplicates": store.duplicate_summary(),
        "screening": {
            s: {**asdict(progress(store, None, s)), "agreement": asdict(agreement(store, s))}
            for s in STAGES
        },
        "runs": [
            {**r, **{k: json.loads(r[k]) for k in ("params", "warnings", "errors")}} for r in rows
        ],
    }
    now = review_status(store, None).as_json()
    assert json.dumps(now, indent=2, default=str) == json.dumps(before, indent=2, default=str)
    assert now["screening"][TA]["decided"] == 4 and now["duplicates"]["pending"] == 1


def test_the_flow_table_is_the_diagrams_counts_and_counts_studies_not_reports(store):
    sync_studies(store, LEE)
    first, second = list_studies(store)
    link_records(store, first.id, [r.record_id for r in second.records], LEE)  # one trial
    status = review_status(store, LEE, flow=True)
    assert status.prisma == review_counts(store)  # what the PRISMA diagram draws
    table = dict(status.flow_table())
    assert table["Reports included"] == 2 and table["Studies included"] == 1
    assert table["Records identified"] == status.prisma.records_identified == 6
    assert table["Records screened (title/abstract)"] == 4
    assert table["Records excluded (title/abstract)"] == 1
    assert table["Waiting for full-text screening"] == 1
    assert table["Conflicts waiting for a lead"] == 0


def test_a_blinded_reviewer_gets_no_flow_no_agreement_and_nothing_of_other_votes(tmp_path):
    """Under dual screening ann's status is the same in two reviews that differ only in bob's
    votes, and holds neither the PRISMA flow nor agreement; a lead gets both."""
    seen = []
    for name, vote in (("x", "include"), ("y", "exclude")):
        with open_store(tmp_path / f"{name}.db") as store:
            store.add_records("t", [(str(i), Record(title=f"S {i}", raw=str(i))) for i in range(4)])
            save_settings(store, Settings(dual=True), LEE)
            decide(store, ANN, 1, TA, "include")
            decide(store, ANN, 2, TA, "exclude", "Wrong population")
            for record_id in (1, 2, 3):
                decide(store, BOB, record_id, TA, vote, "Wrong population" * (vote == "exclude"))
            ann = review_status(store, ANN, flow=True)
            assert ann.blinded and ann.prisma is None and ann.flow_table() == ()
            assert all(s.agreement is None for s in ann.stages.values())
            lead = review_status(store, LEE, flow=True)
            assert not lead.blinded and lead.prisma is not None
            assert lead.stages[TA].agreement.records == 2
            seen.append({stage: s.progress for stage, s in ann.stages.items()})
    assert seen[0] == seen[1]
    assert seen[0][TA].mine == 2 and seen[0][FT].total == 1  # her own include goes on


def test_queued_for_screening_counts_a_duplicate_group_once(store):
    """Overview's "Queued for screening" is what there is to screen: once 5 and 6 are merged,
    six queued records are five to screen (it said six, beside five on the Screen page)."""
    from review.dedupe.pairs import decide_pair

    decide_pair(store, LEE, 5, 6, "confirm")
    status = review_status(store, None)
    assert status.duplicates_removed == 1
    assert status.queued == 5 == status.stages[TA].progress.total
    assert store.review_summary().queued_for_screening == 5
