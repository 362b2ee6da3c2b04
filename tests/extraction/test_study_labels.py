"""Study labels, headings and citations (issue 12.3): the PubMed record of a duplicate pair is
cited, a record without authors is named by its title's start, a heading gives the year once."""

from __future__ import annotations

from pathlib import Path

from review.dedupe.run import dedupe
from review.extraction.model import Study
from review.extraction.studies import label_for, list_studies, sync_studies, title_start
from review.imports.load import import_file
from review.records import Author, Record, nice_citation
from review.screening.decisions import decide, stage_units
from review.screening.model import Reviewer
from review.store import open_store

LEAD = Reviewer("lead", "lead")
TITLE = "Percutaneous MR-guided cryoablation of Morton's neuroma: rationale and technical details"
EMBASE = f"""TY  - JOUR
AU  - Cazzato, Roberto Luigi
AU  - Garnon, Julien
TI  - {TITLE}
T2  - Cardiovascular and Interventional Radiology
PY  - 2016
AB  - Purpose: to describe MR-guided cryoablation of Morton's neuroma in 20 patients.
ER  -

TY  - JOUR
TI  - Safety and efficacy of percutaneous cryoablation of stump neuromas: a multicentre registry
T2  - Illustrative journal
PY  - 2024
ER  -
"""
PUBMED = Record(
    pmid="27230412",
    title=TITLE,
    authors=(
        Author("Cazzato", "Roberto Luigi", "RL"),
        Author("Garnon", "Julien", "J"),
    ),
    journal="Cardiovascular and Interventional Radiology",
    year=2016,
    volume="39",
    pages="1491-1498",
)


def included_review(path: Path, tmp: Path) -> Path:
    """The Embase export (kept as primary: it has the abstract) and the PubMed record of the same
    paper, merged by dedupe; then everything included."""
    ris = tmp / "embase.ris"
    ris.write_text(EMBASE, encoding="utf-8")
    with open_store(path) as store:
        import_file(store, ris, source="Embase", actor="lead")
        store.add_records("pubmed", [(PUBMED.pmid, PUBMED)])
        dedupe(store, actor="lead")
        for record_id in stage_units(store, "title_abstract"):
            decide(store, Reviewer("lead"), record_id, "title_abstract", "include")
            decide(store, Reviewer("lead"), record_id, "full_text", "include")
        sync_studies(store, LEAD)
    return path


def test_a_study_is_cited_from_the_pubmed_record_of_its_duplicate_pair(tmp_path):
    with open_store(included_review(tmp_path / "r.db", tmp_path)) as store:
        assert store.duplicate_summary()["removed"] == 1
        studies = list_studies(store)
        cazzato = next(s for s in studies if s.label.startswith("Cazzato"))
        main = cazzato.main_record
        assert main is not None
        assert store.record(main.record_id).pmid == ""  # the Embase copy is the one included
        assert main.citation == nice_citation(PUBMED)
        assert "39: 1491-8" in main.citation  # the PubMed copy's volume and pages
        assert cazzato.first_author == "Cazzato RL" and cazzato.year == 2016


def test_a_record_without_authors_is_named_by_its_title_start_and_year(tmp_path):
    with open_store(included_review(tmp_path / "r.db", tmp_path)) as store:
        labels = sorted(s.label for s in list_studies(store))
        assert labels == ["Cazzato 2016", "Safety and efficacy of percutaneous... 2024"]
        registry = next(s for s in list_studies(store) if s.label.startswith("Safety"))
        assert registry.heading_name == "Safety and efficacy of percutaneous... (2024)"


def test_title_start_never_cuts_a_word():
    assert title_start("Cryoablation") == "Cryoablation"
    assert title_start("Safety and efficacy of percutaneous cryoablation") == (
        "Safety and efficacy of percutaneous..."
    )
    assert title_start("") == "Study"
    assert label_for(Record(title="A short title", year=2020)) == "A short title 2020"


def test_a_heading_gives_the_year_once():
    assert Study(1, "Smith 2016", year=2016).heading_name == "Smith (2016)"
    assert Study(1, "Smith (2016)", year=2016).heading_name == "Smith (2016)"
    assert Study(1, "Smith 2016", year=2016, first_author="Smith J").heading_name == (
        "Smith J (2016)"
    )
    assert Study(1, "Smith", year=None).heading_name == "Smith"
