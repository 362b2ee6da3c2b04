"""Findings read from abstracts: the issue's examples, IPG747's numbers and real abstracts.

The real abstracts are PubMed records from the screening sets in tests/data: three from
Nagtegaal 2019 (CC0, copied into nagtegaal_abstracts.json) and two from Bannach-Brown 2019
(tests/data/prioritise). Each expectation is what a reviewer would type from that sentence.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from review.extraction.model import EfficacyFinding, SafetyFinding
from review.extraction.protocol import read_protocol
from review.extraction.suggest import suggestions
from tests.extraction.ipg747 import PROTOCOL

DATA = Path(__file__).resolve().parents[1] / "data"
PAIN = "Reduction in pain"


@pytest.fixture(scope="module")
def protocol():
    return read_protocol(PROTOCOL)


def _abstract(record_id: int) -> str:
    for r in json.loads((DATA / "extraction" / "nagtegaal_abstracts.json").read_text()):
        if r["record_id"] == record_id:
            return r["abstract"]
    csv.field_size_limit(10**8)
    with open(DATA / "prioritise" / "Bannach-Brown_2019.csv", encoding="utf-8") as f:
        return next(r["abstract"] for r in csv.DictReader(f) if r["record_id"] == str(record_id))


def _findings(text: str, protocol=None) -> list:
    return [s.finding for s in suggestions(text, protocol)]


def test_the_issue_example_proposes_a_baseline_and_a_45_day_row(protocol):
    found = suggestions("VAS 6.2 → 2.3 at 45 days, p<0.0001", protocol)
    assert [s.finding for s in found] == [
        EfficacyFinding(PAIN, "VAS", "Baseline", value="6.2"),
        EfficacyFinding(PAIN, "VAS", "45 days", value="2.3", p_value="<0.0001"),
    ]
    assert all(s.kind == "efficacy" and s.quote.startswith("VAS 6.2 → 2.3") for s in found)


def test_a_complication_count_is_a_safety_row():
    assert _findings("Complications occurred in 3 of 40 patients (7.5%).") == [
        SafetyFinding("Complications", n=3, total=40, unit="patient")
    ]
    assert _findings("Frostbite was seen in 2 of 24 neuromas.") == [
        SafetyFinding("Frostbite", n=2, total=24, unit="lesion")
    ]


def test_ipg747_study_2_pain_scores_as_the_overview_quotes_them(protocol):
    text = (
        "Mean pain score was 6.2 (95% CI 5.2 to 7.3) at baseline, 5.4 at 7 days (not "
        "significant), 2.3 at 45 days (p<0.0001) and 2.0 at last follow-up."
    )
    measure = "Mean pain score"
    assert _findings(text, protocol) == [
        EfficacyFinding(PAIN, measure, "Baseline", value="6.2", spread_kind="95% CI",
                        spread="5.2 to 7.3"),
        EfficacyFinding(PAIN, measure, "7 days", value="5.4", p_value="NS"),
        EfficacyFinding(PAIN, measure, "45 days", value="2.3", p_value="<0.0001"),
        EfficacyFinding(PAIN, measure, "Last follow-up", value="2.0"),
    ]  # fmt: skip


def test_a_mean_with_its_sd_and_a_p_value_in_words():
    assert _findings("Pain decreased from 7.1 ± 1.2 to 2.3 ± 1.5 at 6 months (p < 0.001).") == [
        EfficacyFinding("", "Pain", "Baseline", value="7.1", spread_kind="SD", spread="1.2"),
        EfficacyFinding("", "Pain", "6 months", value="2.3", spread_kind="SD", spread="1.5",
                        p_value="<0.001"),
    ]  # fmt: skip


def test_real_abstract_percentages_with_counts_before_and_after():
    measure = "Management consistent with the practice guideline"
    found = _findings(_abstract(412))
    assert found[:2] == [
        EfficacyFinding("", measure, "Baseline", value="32%", n=51, total=157),
        EfficacyFinding("", measure, "Follow-up", value="45%", n=56, total=123, p_value="<.01"),
    ]


def test_real_abstract_a_change_and_no_row_from_a_range_of_years():
    assert _findings(_abstract(205)) == [
        EfficacyFinding("", "Number of chest X-rays obtained", "Baseline", value="72.9%"),
        EfficacyFinding("", "Number of chest X-rays obtained", "Follow-up", value="66.7%",
                        p_value="0.02"),
    ]  # fmt: skip


def test_real_abstract_responders_and_a_change_with_words_between():
    measure = "Proportion of patients complaining of chest pain"
    assert _findings(_abstract(1484)) == [
        EfficacyFinding("", "Working", "one year", n=65, total=89),
        EfficacyFinding("", measure, "Baseline", value="90%", n=88, total=98),
        EfficacyFinding("", measure, "one year", value="19%", n=17, total=89),
    ]


def test_real_abstracts_harm_is_safety_and_response_is_efficacy():
    assert _findings(_abstract(1698)) == [
        SafetyFinding("Pulmonary capillary leak syndrome", n=3, total=5, unit="patient")
    ]
    found = _findings(_abstract(1609))
    assert EfficacyFinding("", "Tumour volume", "17 days", value="88%") in found
    assert (
        EfficacyFinding(
            "", "Decline of half or more in prostate-specific antigen level", "Follow-up",
            n=18, total=20,
        )
        in found
    )  # fmt: skip


def test_text_without_results_proposes_nothing():
    assert suggestions("") == []
    assert suggestions("We describe the technique in 2011 to 2015 and its rationale.") == []
    assert suggestions("Knowledge scores ranged from 22 to 55; patients aged from 20 to 70.") == []
