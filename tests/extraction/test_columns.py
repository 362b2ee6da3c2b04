"""One definition of the extraction's columns: the Extraction page's editors and the workbook use
the same headers, and a finding goes to a row and back unchanged."""

from __future__ import annotations

from dataclasses import fields

from review.extraction.columns import COLUMNS, EFFICACY, SAFETY, finding_from_row, finding_row
from review.extraction.model import EfficacyFinding, SafetyFinding
from review.ui import extraction as page
from tests.extraction.ipg747 import STUDY1_SAFETY, STUDY2_PAIN


def test_the_page_edits_the_workbooks_findings_columns():
    workbook = {
        kind: tuple(c.header for c in COLUMNS[kind] if c.header not in ("study_id", "study"))
        for kind in ("efficacy", "safety")
    }
    assert workbook["efficacy"] == page.EFFICACY_COLUMNS
    assert workbook["safety"] == page.SAFETY_COLUMNS
    assert {"analysed", "n", "N"} == page.NUMBER_COLUMNS


def test_every_finding_field_has_a_column():
    for cls, columns in ((EfficacyFinding, EFFICACY), (SafetyFinding, SAFETY)):
        named = {"total" if c.header == "N" else c.header for c in columns}
        assert named == {f.name for f in fields(cls)}


def test_a_finding_goes_to_a_row_and_back():
    for kind, findings in (("efficacy", STUDY2_PAIN), ("safety", STUDY1_SAFETY)):
        for f in findings:
            row = finding_row(f)
            assert row["N"] == f.total
            assert finding_from_row(kind, row) == f
