"""Sentences, tables and files a reviewer would sign (issue 12.3): safety events filed under one
protocol outcome, efficacy outcomes outside the protocol, study labels and citations, the Word
file's properties and name."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import docx
import pytest

from review.extraction.model import EfficacyFinding, SafetyFinding
from review.extraction.protocol import current_protocol, save_protocol
from review.extraction.studies import save_findings
from review.report.build import build_report
from review.report.export import export_report, report_file_name
from review.report.summary import draft_summaries
from review.screening.model import Reviewer
from review.store import open_store
from review.ui.report import report_file
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


TITLE = "Percutaneous image-guided cryoablation of peripheral neuroma for chronic pain"
FILE = "percutaneous-image-guided-cryoablation-of-peripheral-neuroma-for-chronic-pain"


def test_the_word_file_names_the_review_its_lead_and_today(store, tmp_path):
    out = export_report(store, Reviewer("Dr Jane Lead", "lead"), tmp_path / "overview.docx")
    props = docx.Document(str(out)).core_properties
    assert props.title == TITLE
    assert props.author == props.last_modified_by == "Dr Jane Lead"
    assert props.created is not None and props.modified is not None
    assert props.created.date() == props.modified.date() == datetime.now(UTC).date()
    assert "python-docx" not in (props.comments + props.author)


def test_a_report_file_is_named_after_the_review(store):
    assert report_file_name(TITLE, ".docx") == f"{FILE}.docx"
    assert report_file_name("Cryoablation of Morton’s neuroma: café/ü", ".md") == (
        "cryoablation-of-mortons-neuroma-cafe-u.md"
    )
    assert report_file_name("  ", ".html") == "report.html"
    assert len(report_file_name("word " * 40, ".docx")) <= 80 + len(".docx")
    name, data = report_file(store, LEAD, "docx")
    assert name == f"{FILE}.docx" and data[:2] == b"PK"
    name, data = report_file(store, LEAD, "md")
    assert name == f"{FILE}-md.zip"
    assert f"{FILE}.md" in zipfile.ZipFile(io.BytesIO(data)).namelist()
