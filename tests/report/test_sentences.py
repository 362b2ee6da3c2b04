"""Sentences, tables and files a reviewer would sign (issue 12.3): safety events filed under one
protocol outcome, efficacy outcomes outside the protocol, study labels and citations, the Word
file's properties and name."""

from __future__ import annotations

from dataclasses import replace

import pytest

from review.extraction.model import EfficacyFinding, SafetyFinding
from review.extraction.protocol import current_protocol, save_protocol
from review.extraction.studies import save_findings
from review.report.build import build_report
from review.report.summary import draft_summaries
from review.screening.model import Reviewer
from review.store import open_store
from tests.report.test_document import complete_review

LEAD = Reviewer("lead", "lead")
ADJACENT = "Damage to adjacent structures"


@pytest.fixture
def store(tmp_path):
    with open_store(complete_review(tmp_path / "ipg747.db")) as store:
        yield store


def test_several_safety_rows_of_one_study_go_under_their_protocol_outcome(store):
    save_findings(
        store,
        3,
        LEAD,
        safety=[
            SafetyFinding(f"{ADJACENT}: chilblains", n=1, total=7),
            SafetyFinding("Infection", n=0, total=7),
            SafetyFinding(f"{ADJACENT}: fracture of the fibula", n=1, total=7),
        ],
    )
    safety = dict(draft_summaries(store).safety)
    assert f"{ADJACENT}: chilblains" not in safety
    lines = safety[ADJACENT].split("\n")
    assert [line.split(" in 1/7")[0] for line in lines] == [
        "Chilblains were reported",
        "Fracture of the fibula was reported",
    ]
    assert list(safety).index("Infection") < list(safety).index(ADJACENT)  # protocol order
    table = build_report(store).key_studies[2].safety
    assert table is not None
    assert [row[0] for row in table.rows] == [
        f"{ADJACENT}: chilblains",
        f"{ADJACENT}: fracture of the fibula",
        "Infection",
    ]


def test_efficacy_outcomes_outside_the_protocol_are_other_outcomes(store):
    walking = EfficacyFinding("Improved mobility", "Walking without pain", "12 months", value="15")
    save_findings(store, 1, LEAD, efficacy=[walking])
    p = current_protocol(store)
    kept = tuple(o for o in p.efficacy if o.name != "Improved mobility")
    save_protocol(store, replace(p, efficacy=kept), LEAD)
    efficacy = dict(draft_summaries(store).efficacy)
    assert "Improved mobility" not in efficacy
    assert list(efficacy) == ["Reduction in pain", "Other outcomes"]
    assert efficacy["Other outcomes"].startswith("In a retrospective case series of 20 patients")
    captions = [t.caption for t in build_report(store).key_studies[0].efficacy]
    assert captions == ["Other outcomes: Improved mobility"]
