"""The extraction workbook: a real IPG747 review out to .xlsx, edited with openpyxl, and back."""

from __future__ import annotations

import csv
import datetime
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from review.errors import ExtractionError
from review.extraction.columns import COLUMNS
from review.extraction.model import AppendixEntry, EfficacyFinding, SafetyFinding, StudyDetails
from review.extraction.sheet_export import (
    export_extraction,
    extraction_table,
    write_extraction_csv,
)
from review.extraction.sheet_import import import_extraction
from review.extraction.studies import (
    list_studies,
    save_details,
    save_findings,
    set_role,
    study,
)
from review.screening.model import Reviewer
from review.store import open_store
from tests.extraction.ipg747 import STUDY1, STUDY1_SAFETY, STUDY2_PAIN, build_review

ASSISTANT = Reviewer("assistant", "reviewer")
LEAD = Reviewer("lead", "lead")

HYPERLINK = '=HYPERLINK("http://evil.example/x","click")'
# Text a spreadsheet would turn into a number, a formula or a date if it were not kept as text.
TRICKY = [
    EfficacyFinding("Reduction in pain", "Mean change in pain score", "12 months", value="-3.10",
                    spread_kind="SD", spread="1.40", p_value="<0.0001", analysed=20,
                    note=HYPERLINK),
    EfficacyFinding("Improved mobility", "Walking without aids", "Last follow-up", value="6.20",
                    n=15, total=20, p_value="0.050", note="'quoted' + kept"),
    EfficacyFinding("Improved quality of life", "SF-36 physical", "1-2 years", value="4",
                    spread_kind="range", spread="-2 to 10", note="@SUM(A1)"),
]  # fmt: skip
APPENDIX = AppendixEntry("Review", "Cryoablation relieved pain", "Review: cited studies included")


def filled_review(path: Path) -> list:
    """IPG747 with study 1's details and safety, study 2's pain scores and the tricky rows,
    studies 1-2 key, study 6 in the appendix."""
    build_review(path)
    with open_store(path) as store:
        save_details(store, 1, STUDY1, LEAD)
        save_details(store, 2, replace(STUDY1, retrospective=False, follow_up_months=12.0,
                                       lost_to_follow_up=1, country="=1+1"), LEAD)  # fmt: skip
        save_findings(store, 1, LEAD, safety=STUDY1_SAFETY)
        save_findings(store, 2, LEAD, efficacy=STUDY2_PAIN + TRICKY)
        set_role(store, 1, "key", LEAD)
        set_role(store, 2, "key", LEAD)
        set_role(store, 6, "appendix", LEAD, APPENDIX)
        return list_studies(store)


def cells(path: Path) -> dict[str, list[list]]:
    book = load_workbook(path)
    return {s.title: [[c.value for c in row] for row in s.iter_rows()] for s in book.worksheets}


def snapshot(db: Path) -> tuple:
    with open_store(db) as store:
        return list_studies(store), store.extraction_event_rows()


@pytest.fixture
def reviews(tmp_path):
    """(a filled review, a fresh copy of the same review without the extraction)."""
    filled, fresh = tmp_path / "filled.db", tmp_path / "fresh.db"
    build_review(fresh)
    filled_review(filled)
    return filled, fresh


@pytest.fixture
def workbook(reviews, tmp_path):
    filled, _ = reviews
    path = tmp_path / "extraction.xlsx"
    with open_store(filled) as store:
        export_extraction(store, path)
    return path


def test_round_trip_into_a_fresh_review_is_exact(reviews, workbook, tmp_path):
    filled, fresh = reviews
    expected = snapshot(filled)[0]
    before = snapshot(fresh)[0]
    with open_store(fresh) as store:
        summary = import_extraction(store, workbook, by=ASSISTANT)
        after = list_studies(store)
        events = store.extraction_event_rows()
        again = tmp_path / "again.xlsx"
        export_extraction(store, again)
    assert after == expected  # every Study dataclass, details, findings, roles and records
    assert summary.studies == len(expected)
    was = {s.id: s for s in before}
    assert summary.changed == sum(s != was[s.id] for s in expected) > 0
    assert summary.efficacy == sum(len(s.efficacy) for s in expected)
    assert summary.safety == sum(len(s.safety) for s in expected)
    imported = [e for e in events if e.source == "import:extraction.xlsx"]
    assert len(imported) == summary.changed and {e.actor for e in imported} == {"assistant"}
    assert cells(again) == cells(workbook)


def test_importing_the_same_file_twice_changes_nothing(reviews, workbook):
    filled, _ = reviews
    before = snapshot(filled)
    with open_store(filled) as store:
        summary = import_extraction(store, workbook, by=LEAD)
    assert summary.changed == 0
    assert snapshot(filled) == before  # not even a history event


def test_text_stays_text_and_formulas_are_neutralised(workbook):
    book = load_workbook(workbook)
    sheet = book["Efficacy"]
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("measure")].value: r for r in sheet.iter_rows(min_row=2)}
    change = {header[i]: c for i, c in enumerate(rows["Mean change in pain score"])}
    mobility = {header[i]: c for i, c in enumerate(rows["Walking without aids"])}
    assert change["value"].value == "-3.10" and change["value"].number_format == "@"
    assert change["spread"].value == "1.40" and change["p_value"].value == "<0.0001"
    assert change["note"].value == "'" + HYPERLINK and change["note"].data_type == "s"
    assert mobility["value"].value == "6.20" and mobility["p_value"].value == "0.050"
    assert mobility["n"].value == 15 and mobility["N"].value == 20  # whole numbers as numbers
    assert mobility["note"].value == "''quoted' + kept"  # so that the import can undo it
    assert isinstance(change["analysed"].value, int)
    studies_sheet = book["Studies"]
    header = [c.value for c in studies_sheet[1]]
    second = {header[i]: c.value for i, c in enumerate(studies_sheet[3])}
    assert second["country"] == "'=1+1" and second["retrospective"] == "no"
    assert second["follow_up_months"] == 12 and second["lost_to_follow_up"] == 1
    assert not any(c.data_type == "f" for s in book.worksheets for r in s.iter_rows() for c in r)


def test_dropdowns_offer_the_protocol_and_the_allowed_values(workbook):
    book = load_workbook(workbook)
    lists = book["Lists"]
    assert lists.protection.sheet
    columns = {c[0].value: [x.value for x in c[1:] if x.value] for c in lists.iter_cols()}
    assert columns["outcome"] == ["Improved quality of life", "Improved mobility",
                                  "Reduction in pain"]  # fmt: skip
    assert "case series" in columns["design"] and columns["unit"] == ["patient", "lesion",
                                                                      "procedure"]  # fmt: skip
    rules = {
        (sheet, str(rule.sqref).split(":")[0]): rule.formula1
        for sheet in ("Studies", "Efficacy", "Safety")
        for rule in book[sheet].data_validations.dataValidation
    }
    assert rules[("Efficacy", "C2")] == "Lists!$A$2:$A$4"  # outcome
    assert rules[("Studies", "C2")].startswith("Lists!$D$")  # role
    assert {("Efficacy", "H2"), ("Safety", "G2")} <= set(rules)  # spread_kind, unit
    assert [s.title for s in book.worksheets] == ["Studies", "Efficacy", "Safety", "Lists"]


def edit(path: Path, change) -> Path:
    """Apply ``change(book)`` to the workbook and save it, as a reviewer in Excel would."""
    book = load_workbook(path)
    change(book)
    book.save(path)
    return path


def column(sheet, header: str) -> int:
    return [c.value for c in sheet[1]].index(header) + 1


def row_of(sheet, study_id: int, header: str, value) -> int:
    for r in range(2, sheet.max_row + 1):
        if (
            sheet.cell(r, 1).value == study_id
            and sheet.cell(r, column(sheet, header)).value == value
        ):
            return r
    raise AssertionError(f"no row for study {study_id} with {header} {value!r}")


def test_reviewer_edits_are_stored(reviews, workbook):
    filled, _ = reviews

    def change(book):
        eff, saf, stu = book["Efficacy"], book["Safety"], book["Studies"]
        r = row_of(eff, 2, "timepoint", "Baseline")
        eff.cell(r, column(eff, "value")).value = "6.25"
        eff.cell(r, column(eff, "p_value")).value = 0.03  # typed into a cell not kept as text
        eff.delete_rows(row_of(eff, 2, "timepoint", "7 days"))
        new = eff.max_row + 1
        for header, value in (("study_id", 3), ("outcome", "reduction in PAIN"),
                              ("measure", "Mean VAS"), ("timepoint", "6 months"),
                              ("value", "3.0"), ("analysed", "7")):  # fmt: skip
            eff.cell(new, column(eff, header)).value = value
        saf.delete_rows(2, saf.max_row)  # study 1 now reports no safety findings
        r = row_of(stu, 3, "study_id", 3)
        stu.cell(r, column(stu, "role")).value = "key"
        stu.cell(r, column(stu, "position")).value = 3
        stu.cell(r, column(stu, "retrospective")).value = "Yes"
        stu.cell(r, column(stu, "patients")).value = 7.0
        stu.cell(r, column(stu, "label")).value = "von Falck 2022 (stump neuroma)"

    edit(workbook, change)
    with open_store(filled) as store:
        summary = import_extraction(store, workbook, by=LEAD)
        one, two, three = study(store, 1), study(store, 2), study(store, 3)
    assert summary.changed == 3
    assert [f.timepoint for f in two.efficacy][:3] == ["Baseline", "45 days", "Last follow-up"]
    assert (two.efficacy[0].value, two.efficacy[0].p_value) == ("6.25", "0.03")
    assert three.efficacy == (
        EfficacyFinding("Reduction in pain", "Mean VAS", "6 months", value="3.0", analysed=7),
    )
    assert one.safety == () and one.details == STUDY1
    assert (three.role, three.position, three.label) == ("key", 3, "von Falck 2022 (stump neuroma)")
    assert three.details == StudyDetails(retrospective=True, patients=7)


def test_studies_not_in_the_file_are_left_alone(reviews, workbook):
    filled, _ = reviews
    before = {s.id: s for s in snapshot(filled)[0]}

    def change(book):
        for name in ("Studies", "Efficacy"):
            sheet = book[name]
            for r in reversed(range(2, sheet.max_row + 1)):
                if sheet.cell(r, 1).value == 2:
                    sheet.delete_rows(r)
        stu = book["Studies"]
        stu.cell(
            row_of(stu, 1, "study_id", 1), column(stu, "country")
        ).value = "France (Strasbourg)"

    edit(workbook, change)
    with open_store(filled) as store:
        summary = import_extraction(store, workbook, by=LEAD)
        after = {s.id: s for s in list_studies(store)}
    assert summary.studies == len(before) - 1 and summary.changed == 1
    assert after[2] == before[2]  # its findings survive although the file has none of them
    assert after[1].details == replace(STUDY1, country="France (Strasbourg)")


BAD_EDITS = {
    "value is not a number": (
        lambda b: b["Efficacy"].__setitem__("G2", "abc"),
        "extraction.xlsx, sheet Efficacy, row 2, column G (value): 'abc' is not a number",
    ),
    "a letter in N": (
        lambda b: b["Safety"].__setitem__("F3", "x"),
        "extraction.xlsx, sheet Safety, row 3, column F (N): 'x' is not a whole number",
    ),
    "an unknown outcome": (
        lambda b: b["Efficacy"].__setitem__("C3", "Happiness"),
        "sheet Efficacy, row 3, column C (outcome): 'Happiness' is not a key efficacy outcome",
    ),
    "a safety outcome as efficacy": (
        lambda b: b["Efficacy"].__setitem__("C3", "Pain"),
        "sheet Efficacy, row 3, column C (outcome): 'Pain' is not a key efficacy outcome",
    ),
    "a deleted column": (
        lambda b: b["Efficacy"].delete_cols(9),
        "extraction.xlsx, sheet Efficacy, row 1: column spread is missing",
    ),
    "a renamed sheet": (
        lambda b: setattr(b["Safety"], "title", "Harms"),
        "extraction.xlsx: sheet Safety is missing (the workbook has Studies, Efficacy, Harms, "
        "Lists)",
    ),
    "an unknown column": (
        lambda b: b["Safety"].__setitem__("J1", "comment"),
        "sheet Safety, row 1, column J (comment): unknown column",
    ),
    "an unknown study": (
        lambda b: b["Efficacy"].__setitem__("A2", 99),
        "sheet Efficacy, row 2, column A (study_id): there is no study 99",
    ),
    "a bad role": (
        lambda b: b["Studies"].__setitem__("C2", "main"),
        "sheet Studies, row 2, column C (role): 'main' is not one of undecided, key, appendix",
    ),
    "a bad design": (
        lambda b: b["Studies"].__setitem__("R2", "cohort"),
        "sheet Studies, row 2, column R (design): 'cohort' is not one of",
    ),
    "n more than N": (
        lambda b: b["Safety"].__setitem__("E3", 30),
        "sheet Safety, row 3, column E (n): n (30) is more than N (20)",
    ),
    "a duplicate row": (
        lambda b: b["Efficacy"].__setitem__("E3", "baseline"),
        "sheet Efficacy, row 3, column C (outcome): study 2 has Reduction in pain / Mean pain "
        "score (VAS 0 to 10) / baseline on row 2 too",
    ),
    "a formula typed in Excel": (
        lambda b: b["Efficacy"].__setitem__("M2", "=1+1"),
        "sheet Efficacy, row 2, column M (note): the cell holds a formula (=1+1)",
    ),
    "a value Excel made a date": (
        lambda b: b["Efficacy"].__setitem__("I2", datetime.datetime(2024, 5, 7)),
        "sheet Efficacy, row 2, column I (spread): the spreadsheet turned this into a date",
    ),
    "findings of a study not on the Studies sheet": (
        lambda b: b["Studies"].delete_rows(3),  # study 2, whose pain scores stay on Efficacy
        "sheet Efficacy, row 2, column A (study_id): study 2 is not on the Studies sheet",
    ),
    "a position of a non-key study": (
        lambda b: b["Studies"].__setitem__("D5", 4),
        "sheet Studies, row 5, column D (position): only key studies have a position",
    ),
    "analysed more than patients": (
        lambda b: b["Studies"].__setitem__("U2", 25),
        "sheet Studies, row 2, column U (analysed): 25 analysed is more than the 20 patients",
    ),
}


@pytest.mark.parametrize("name", BAD_EDITS)
def test_a_malformed_workbook_is_rejected_and_nothing_changes(reviews, workbook, name):
    filled, _ = reviews
    change, expected = BAD_EDITS[name]
    edit(workbook, change)
    before = snapshot(filled)
    with open_store(filled) as store, pytest.raises(ExtractionError) as caught:
        import_extraction(store, workbook, by=LEAD)
    assert expected in str(caught.value)
    assert "nothing was changed" in str(caught.value)
    assert snapshot(filled) == before


def test_every_problem_is_named_at_once(reviews, workbook):
    _, fresh = reviews

    def change(book):
        for name, (edit_, _) in BAD_EDITS.items():
            if name in ("value is not a number", "a letter in N", "a bad role", "a bad design"):
                edit_(book)

    edit(workbook, change)
    before = snapshot(fresh)
    with open_store(fresh) as store, pytest.raises(ExtractionError) as caught:
        import_extraction(store, workbook, by=LEAD)
    message = str(caught.value)
    assert "these 4 problems" in message
    for name in ("value is not a number", "a letter in N", "a bad role", "a bad design"):
        assert BAD_EDITS[name][1] in message
    assert snapshot(fresh) == before


@pytest.mark.parametrize("content", [b"study_id,value\n1,2\n", b"PK\x03\x04 cut short", b""])
def test_a_file_that_is_not_a_workbook_is_rejected_by_name(reviews, tmp_path, content):
    filled, _ = reviews
    before = snapshot(filled)
    path = tmp_path / "my extraction.xlsx"
    path.write_bytes(content)
    with open_store(filled) as store, pytest.raises(ExtractionError, match="my extraction.xlsx"):
        import_extraction(store, path, by=LEAD)
    with open_store(filled) as store, pytest.raises(ExtractionError, match="no such file"):
        import_extraction(store, tmp_path / "missing.xlsx", by=LEAD)
    csv_file = shutil.copy(path, tmp_path / "extraction.csv")
    with open_store(filled) as store, pytest.raises(ExtractionError, match="extraction.csv"):
        import_extraction(store, csv_file, by=LEAD)
    assert snapshot(filled) == before


def test_csv_export_neutralises_formulas(reviews, tmp_path):
    filled, _ = reviews
    with open_store(filled) as store:
        save_findings(store, 3, LEAD, safety=[
            SafetyFinding("=cmd|' /C calc'!A0", n=1, total=7, note="+1 call"),
            SafetyFinding("Infection", n=0, total=7, severity="-", note="-2"),
        ])  # fmt: skip
        counts = {kind: write_extraction_csv(store, tmp_path / f"{kind}.csv", kind)
                  for kind in ("studies", "efficacy", "safety")}  # fmt: skip
        tables = {kind: extraction_table(store, kind) for kind in counts}
    for kind, count in counts.items():
        with (tmp_path / f"{kind}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == [c.header for c in COLUMNS[kind]] and len(rows) - 1 == count
        assert count == len(tables[kind].rows)
    with (tmp_path / "safety.csv").open(encoding="utf-8", newline="") as handle:
        safety = {r["event"]: r for r in csv.DictReader(handle)}
    assert "'=cmd|' /C calc'!A0" in safety and safety["'=cmd|' /C calc'!A0"]["note"] == "'+1 call"
    assert safety["Infection"]["severity"] == "'-" and safety["Infection"]["note"] == "-2"
    with (tmp_path / "efficacy.csv").open(encoding="utf-8", newline="") as handle:
        notes = [r["note"] for r in csv.DictReader(handle)]
    assert "'" + HYPERLINK in notes and HYPERLINK not in notes


def test_unknown_table_kind_is_an_error(reviews):
    with open_store(reviews[0]) as store, pytest.raises(ExtractionError, match="use studies"):
        extraction_table(store, "harms")
