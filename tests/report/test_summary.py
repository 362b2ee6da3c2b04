"""The efficacy and safety summaries: drafted in NICE's sentence pattern, then edited and kept."""

from __future__ import annotations

from dataclasses import replace

import pytest

from review.errors import ReviewError
from review.extraction.model import EfficacyFinding, SafetyFinding, StudyDetails
from review.extraction.studies import save_details, save_findings, set_key_order
from review.report.summary import Summaries, draft_summaries, save_summaries, summaries
from review.screening.model import Reviewer
from review.store import open_store
from tests.extraction.ipg747 import STUDY2_PAIN
from tests.report.test_document import complete_review

LEAD = Reviewer("lead", "lead")

STUDY2 = StudyDetails(
    study_type="Case series",
    country="USA",
    design="case series",
    retrospective=False,
    patients=21,
    analysed=21,
    population_label="phantom limb pain",
)
MOBILITY = EfficacyFinding(
    "Improved mobility", "Walking without pain", "12 months", n=15, total=20, analysed=20
)


@pytest.fixture
def store(tmp_path):
    with open_store(complete_review(tmp_path / "ipg747.db")) as store:
        yield store


def paragraph(section, heading: str) -> str:
    found = dict(section)
    assert heading in found, f"no section {heading!r} in {[h for h, _ in section]}"
    return found[heading]


def test_efficacy_sentence_quotes_the_study_and_its_numbers(store):
    save_details(store, 2, STUDY2, LEAD)
    text = paragraph(draft_summaries(store).efficacy, "Reduction in pain")
    assert text.startswith("In a case series of 21 patients with phantom limb pain, ")
    assert "mean pain score (VAS 0 to 10) decreased from 6.2 (95% CI 5.2 to 7.3) at" in text
    assert "2.3 at 45 days (p<0.0001)" in text
    assert text.endswith("2.0 at last follow-up (Prologo 2017).")


def test_retrospective_design_and_population_come_from_the_details(store):
    save_findings(store, 1, LEAD, efficacy=[MOBILITY])
    text = paragraph(draft_summaries(store).efficacy, "Improved mobility")
    assert text == (
        "In a retrospective case series of 20 patients with Morton's neuroma, walking without "
        "pain was 15/20 (75%) at 12 months (Cazzato 2016)."
    )


def test_a_study_without_details_is_still_cited(store):
    text = paragraph(draft_summaries(store).efficacy, "Reduction in pain")
    assert text.startswith("In a study, mean pain score")
    assert text.endswith("(Prologo 2017).")


def test_outcomes_in_protocol_order_and_studies_in_key_order(store):
    pain_1 = [replace(f, analysed=20) for f in STUDY2_PAIN[:3:2]]  # baseline and 45 days
    save_findings(store, 1, LEAD, efficacy=[*pain_1, MOBILITY])
    draft = draft_summaries(store)
    # the protocol lists quality of life, mobility, pain; nobody reported quality of life
    assert [h for h, _ in draft.efficacy] == ["Improved mobility", "Reduction in pain"]
    lines = paragraph(draft.efficacy, "Reduction in pain").split("\n")
    assert [line[-15:] for line in lines] == ["(Cazzato 2016).", "(Prologo 2017)."]
    set_key_order(store, [2, 1, 3, 4, 5], LEAD)
    lines = paragraph(draft_summaries(store).efficacy, "Reduction in pain").split("\n")
    assert [line[-15:] for line in lines] == ["(Prologo 2017).", "(Cazzato 2016)."]


def test_only_key_studies_are_summarised(store):
    finding = EfficacyFinding("Improved quality of life", "SF-36", "6 months", value="60")
    save_findings(store, 7, LEAD, efficacy=[finding])  # study 7 is undecided
    assert "Improved quality of life" not in dict(draft_summaries(store).efficacy)


def test_safety_sentences_grouped_by_event(store):
    save_findings(
        store,
        2,
        LEAD,
        safety=[
            SafetyFinding("Pain", n=3, total=21, unit="procedure"),
            SafetyFinding("Infection", n=0, total=21),
        ],
    )
    safety = draft_summaries(store).safety
    # protocol order: pain, ..., infection; then events the protocol does not name
    assert [h for h, _ in safety] == ["Pain", "Infection", "No major complications"]
    pain = paragraph(safety, "Pain").split("\n")
    assert pain == [
        "Pain (minor) was reported in 2/20 (10%) patients at 1 week in a retrospective case "
        "series of 20 patients (Cazzato 2016).",
        "Pain was reported in 3/21 (14.3%) procedures in a study (Prologo 2017).",
    ]
    assert paragraph(safety, "Infection").startswith("No cases of infection were reported (0/21")
    assert paragraph(safety, "No major complications") == (
        "There were no major complications in a retrospective case series of 20 patients "
        "(Cazzato 2016)."
    )


def test_edited_text_survives_and_new_outcomes_get_their_draft(store):
    draft = draft_summaries(store)
    assert not draft.edited and summaries(store) == draft
    edited = Summaries(
        efficacy=(("Reduction in pain", "Pain fell (Prologo 2017)."),),
        safety=(("Pain", "Two patients had pain for a week (Cazzato 2016)."),),
    )  # "No major complications" was deleted by the reviewer
    save_summaries(store, edited, LEAD)
    kept = summaries(store)
    assert kept.edited
    assert kept.efficacy == edited.efficacy and kept.safety == edited.safety
    save_findings(store, 1, LEAD, efficacy=[MOBILITY])  # an outcome new since saving
    kept = summaries(store)
    assert [h for h, _ in kept.efficacy] == ["Improved mobility", "Reduction in pain"]
    assert paragraph(kept.efficacy, "Improved mobility").startswith("In a retrospective case")
    assert paragraph(kept.efficacy, "Reduction in pain") == "Pain fell (Prologo 2017)."
    assert "No major complications" not in dict(kept.safety)  # deleted stays deleted


def test_summaries_with_duplicate_or_empty_headings_are_refused(store):
    twice = Summaries(efficacy=(("Pain", "a"), ("pain", "b")))
    with pytest.raises(ReviewError, match="used twice"):
        save_summaries(store, twice, LEAD)
    with pytest.raises(ReviewError, match="heading"):
        save_summaries(store, Summaries(safety=(("  ", "text"),)), LEAD)
    assert not summaries(store).edited


# -- sentences a reviewer would sign (issue 12.3) ----------------------------------------------


def test_a_population_that_names_people_is_not_made_patients_with_them(store):
    save_details(
        store, 2, replace(STUDY2, population_label="Amputees with phantom limb pain"), LEAD
    )
    text = paragraph(draft_summaries(store).efficacy, "Reduction in pain")
    assert text.startswith("In a case series of 21 amputees with phantom limb pain, ")
    save_details(
        store, 2, replace(STUDY2, population_label="patients with phantom limb pain"), LEAD
    )
    text = paragraph(draft_summaries(store).efficacy, "Reduction in pain")
    assert text.startswith("In a case series of 21 patients with phantom limb pain, ")


def test_safety_sentences_agree_keep_notes_and_never_repeat_severity(store):
    save_findings(
        store,
        2,
        LEAD,
        safety=[
            SafetyFinding("Minor complications", n=3, total=21, severity="minor"),
            SafetyFinding("infection", n=1, total=24, note="superficial cellulitis."),
            SafetyFinding("Bruising", n=2, total=21, severity="minor", note="Minor, at the probe"),
        ],
    )
    safety = draft_summaries(store).safety
    assert paragraph(safety, "Bruising") == (
        "Bruising (Minor, at the probe) was reported in 2/21 (9.5%) patients in a study "
        "(Prologo 2017)."
    )
    assert paragraph(safety, "Minor complications") == (
        "Minor complications were reported in 3/21 (14.3%) patients in a study (Prologo 2017)."
    )
    # protocol "Infection" and the typed "infection" are one heading; the note is kept
    assert paragraph(safety, "Infection") == (
        "Infection (superficial cellulitis) was reported in 1/24 (4.2%) patients in a study "
        "(Prologo 2017)."
    )


def test_percentages_have_one_decimal_unless_whole():
    from review.extraction.model import percent

    assert [percent(1, 24), percent(2, 20), percent(15, 20), percent(1, 3)] == [
        "4.2%", "10%", "75%", "33.3%",
    ]  # fmt: skip
    assert EfficacyFinding("o", "m", "t", n=1, total=24).cell == "1/24 (4.2%)"


def test_an_empty_baseline_never_prints_from_at_baseline(store):
    findings = [
        EfficacyFinding("Reduction in pain", "Mean pain score", "Baseline", note="not reported"),
        EfficacyFinding("Reduction in pain", "Mean pain score", "12 months", value="2.0"),
    ]
    save_findings(store, 2, LEAD, efficacy=findings)
    text = paragraph(draft_summaries(store).efficacy, "Reduction in pain")
    assert "from" not in text  # no "from  at baseline"; the baseline's note is kept
    assert text == (
        "In a study, mean pain score was 2.0 at 12 months (at baseline: not reported) "
        "(Prologo 2017)."
    )


def test_every_sentence_starts_with_a_capital(store):
    save_findings(
        store, 2, LEAD, safety=[SafetyFinding("pain", note="transient pain at the probe site")]
    )
    text = paragraph(draft_summaries(store).safety, "Pain").split("\n")
    assert text[-1] == "Transient pain at the probe site in a study (Prologo 2017)."
    assert all(line[:1].isupper() for line in text)
