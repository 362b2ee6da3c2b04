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


# An illustrative abstract for Prologo 2017 (the RIS records have none): the overview's pain
# numbers in the shapes abstracts print them, and a complication count.
PROLOGO_ABSTRACT = (
    "Twenty-one amputees with phantom limb pain were treated with percutaneous CT-guided "
    "cryoablation. VAS 6.2 → 2.3 at 45 days, p<0.0001. Complications occurred in 2 of 21 "
    "patients (9.5%)."
)


def with_abstracts(folder: Path, abstracts: dict[str, str]) -> Path:
    """The IPG747 RIS file with an abstract added to each record whose title starts with a key."""
    lines = []
    for line in RIS.read_text(encoding="utf-8").splitlines():
        lines.append(line)
        for start, abstract in abstracts.items():
            if line.startswith("TI  - " + start):
                lines.append(f"AB  - {abstract}")
    out = folder / "ipg747_abstracts.ris"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def build_review(path: Path, *, lead: str = "lead", ris: Path = RIS) -> list:
    """A review file with the IPG747 protocol and its records included at full text; returns its
    studies (one per record, as ``sync_studies`` makes them)."""
    with open_store(path) as store:
        save_protocol(store, read_protocol(PROTOCOL), by=Reviewer(lead, "lead"))
        import_file(store, ris, source="MEDLINE", actor=lead)
        for record_id in stage_units(store, "title_abstract"):
            decide(store, Reviewer(lead), record_id, "title_abstract", "include")
            decide(store, Reviewer(lead), record_id, "full_text", "include")
        sync_studies(store, Reviewer(lead, "lead"))
        return list_studies(store)
