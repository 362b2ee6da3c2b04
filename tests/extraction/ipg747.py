"""The NICE IPG747 example (cryoablation of peripheral neuroma), as test data.

Numbers are those quoted in the shared NICE_OVERVIEW.md: study 1 (Cazzato 2016) details and
study 2 (Prologo 2017) pain scores. Text the overview only describes is illustrative (README).
"""

from __future__ import annotations

from pathlib import Path

from review.extraction.model import EfficacyFinding, SafetyFinding, StudyDetails
from review.extraction.protocol import read_protocol, save_protocol
from review.extraction.studies import list_studies, sync_studies
from review.imports.load import import_file
from review.screening.decisions import decide, stage_units
from review.screening.model import Reviewer
from review.store import open_store

DATA = Path(__file__).resolve().parents[1] / "data" / "extraction"
PROTOCOL = DATA / "ipg747_protocol.toml"
RIS = DATA / "ipg747.ris"

STUDY1 = StudyDetails(
    study_type="Case series (retrospective)",
    country="France",
    recruitment="2011 to 2015",
    population="n=20 (24 neuromas); patients with Morton's neuroma",
    age_sex="Mean 50.3 years; 75% (15/20) female",
    selection=(
        "Inclusion criteria: symptomatic Morton's neuroma confirmed on MRI, pain despite "
        "conservative treatment. Exclusion criteria: previous surgery on the same neuroma."
    ),
    technique=(
        "Local anaesthesia, outpatient setting, MRI guidance, cryoprobe, two freeze cycles "
        "separated by a passive thaw."
    ),
    follow_up="Mean 19.7 months",
    funding="Some authors reported links to the device manufacturer.",
    analysis_follow_up="Follow-up was by telephone for some patients.",
    analysis_design="Retrospective design; no control group.",
    analysis_population="Single centre; small sample.",
    analysis_other="Pain was self-reported.",
    design="case series",
    retrospective=True,
    patients=20,
    analysed=20,
    follow_up_months=19.7,
    population_label="Morton's neuroma",
)

STUDY2_PAIN = [
    EfficacyFinding("Reduction in pain", "Mean pain score (VAS 0 to 10)", "Baseline",
                    value="6.2", spread_kind="95% CI", spread="5.2 to 7.3", analysed=21),
    EfficacyFinding("Reduction in pain", "Mean pain score (VAS 0 to 10)", "7 days",
                    value="5.4", p_value="NS", analysed=21),
    EfficacyFinding("Reduction in pain", "Mean pain score (VAS 0 to 10)", "45 days",
                    value="2.3", p_value="<0.0001", analysed=21),
    EfficacyFinding("Reduction in pain", "Mean pain score (VAS 0 to 10)", "Last follow-up",
                    value="2.0", analysed=21),
]  # fmt: skip

STUDY1_SAFETY = [
    SafetyFinding("No major complications", unit="patient", note="No major complications"),
    SafetyFinding("Pain", n=2, total=20, unit="patient", severity="minor", timepoint="1 week"),
]


def build_review(path: Path, *, lead: str = "lead") -> list:
    """A review file with the IPG747 protocol and its records included at full text; returns its
    studies (one per record, as ``sync_studies`` makes them)."""
    with open_store(path) as store:
        save_protocol(store, read_protocol(PROTOCOL), by=Reviewer(lead, "lead"))
        import_file(store, RIS, source="MEDLINE", actor=lead)
        for record_id in stage_units(store, "title_abstract"):
            decide(store, Reviewer(lead), record_id, "title_abstract", "include")
            decide(store, Reviewer(lead), record_id, "full_text", "include")
        sync_studies(store, Reviewer(lead, "lead"))
        return list_studies(store)
