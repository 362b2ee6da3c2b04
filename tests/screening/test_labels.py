"""Labels from ASReview LAB and Rayyan, read from their exports as those tools write them.

The fixtures in tests/data/screening/ (see the README there) are a review of the three real
exports in tests/conftest's ``imported`` (records 1-16) as the other tools export it:

- ``asreview_v1_export.csv``: ASReview LAB 1.x's "Export dataset" (CSV) of a project whose
  dataset was `review export`'s CSV. Made with pandas as ASReview 1.x does it: the CSV read by
  its CSVReader (``pd.read_csv(sep=None, engine="python")``), the input's record_id column made
  the index (asreview/io/utils.py ``paper_frame_reader``), labels written into ``included`` with
  the unlabelled left empty and the rows put in ranking order with ``asreview_ranking`` 1..n
  (asreview/data/base.py ``ASReviewData.to_dataframe``), then ``df.to_csv(index=True)``
  (asreview/io/csv_writer.py). A PMID column with gaps is a float column there: "15368318.0".
- ``asreview_v2_export.csv``: ASReview LAB 2's export of a dataset without record_id: the input
  data as read (its RangeIndex, written as an unnamed first column), joined with the results
  table (label, time, note) prefixed ``asreview_``, rows relevant, not seen, irrelevant
  (asreview/webapp/_api/projects.py ``api_export_dataset``; asreview/data/tabular.py
  ``CSVWriter``: ``to_csv(index=True, date_format="%Y-%m-%d %H:%M:%S")``).
- ``rayyan_articles.csv``: Rayyan's CSV export (articles.csv): its columns key, title, year,
  month, day, journal, issn, volume, issue, pages, authors (joined with " and "), url, language,
  publisher, location, abstract, notes, doi, keywords, pubmed_id, pmc_id, keys "rayyan-<id>",
  and the screening in notes as ``RAYYAN-INCLUSION: {"Name"=>"Included"} | RAYYAN-LABELS: ... |
  RAYYAN-EXCLUSION-REASONS: a,b | USER-NOTES: {"Name"=>["note"]}``, after the record's own
  notes (Rayyan's CSV plugin, rayyansys/rayyan-formats-plugins; parsers of real exports on
  GitHub, e.g. screening-conflict and Rayyan-import scripts, read the same sections).
"""

import csv

import pytest

from review.errors import ImportFileError, PermissionDenied
from review.screening.labels import rayyan_notes
from review.screening.model import Reviewer
from review.screening.transfer import import_decisions
from tests.screening.conftest import DATA, dump

LEAD = Reviewer("lee", "lead")
HERE = DATA / "screening"
V1, V2, RAYYAN = (
    HERE / "asreview_v1_export.csv",
    HERE / "asreview_v2_export.csv",
    HERE / "rayyan_articles.csv",
)
# the labels ASReview holds in both exports, as this review's record ids
ASREVIEW = {9: "include", 2: "exclude", 7: "include", 11: "exclude", 5: "exclude", 14: "include"}


@pytest.fixture
def store(imported):
    for name in ("ann", "bob"):
        imported.add_reviewer(name, "reviewer", "x", "lee")
    return imported


def votes(store):
    return {(r.record_id, r.reviewer): r.decision for r in store.decision_rows()}


# -- ASReview LAB -------------------------------------------------------------------------------


def test_asreview_1_export_of_review_export_lands_on_its_record_ids(store):
    result = import_decisions(store, V1, LEAD, tool="asreview")
    assert (result.added, result.skipped, result.unlabelled, result.warnings) == (8, 0, 8, ())
    assert votes(store) == {
        (k, "lee"): v for k, v in (ASREVIEW | {3: "exclude", 12: "exclude"}).items()
    }
    assert {(r.stage, r.kind, r.source) for r in store.decision_rows()} == {
        ("title_abstract", "screening", "import:asreview:asreview_v1_export.csv")
    }
    assert result.summary().endswith("8 records without a label or decision skipped.")
    again = import_decisions(store, V1, LEAD, tool="asreview")
    assert (again.added, again.skipped, again.already_imported) == (0, 8, True)


def test_asreview_2_export_is_found_by_doi_and_pmid_with_its_notes(store):
    result = import_decisions(store, V2, LEAD, tool="asreview", reviewer="ann")
    assert (result.added, result.unlabelled) == (6, 10)
    assert votes(store) == {(k, "ann"): v for k, v in ASREVIEW.items()}
    assert {r.record_id: r.note for r in store.decision_rows()}[7] == "uses Biopython"


def test_asreview_own_numbering_is_set_aside_and_said(store, tmp_path):
    """Given a dataset without record_id, ASReview 1.x numbers the records 0, 1, 2 ... itself
    (asreview/io/utils.py: ``df["record_id"] = np.arange(len(df.index))``) and writes that
    number as record_id: it must not be taken for this review's."""
    rows = list(csv.reader(V2.open(encoding="utf-8")))
    path = tmp_path / "numbered.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "title", "doi", "pmid", "included", "asreview_ranking"])
        for rank, row in enumerate(rows[1:], start=1):
            label = {"1.0": "1", "0.0": "0"}.get(row[7], "")
            writer.writerow([row[0], row[1], row[5], row[6], label, rank])
    result = import_decisions(store, path, LEAD, tool="asreview")
    assert votes(store) == {(k, "lee"): v for k, v in ASREVIEW.items()}
    assert (
        "record_id column is not this review's (line 2 has 8, titled 'Open source"
        in (result.warnings[0])
    )


def test_asreview_workbook_reads_like_its_csv(store, tmp_path):
    """ASReview LAB also exports .xlsx (pandas' to_excel, index included): numbers are numbers
    there, and messages name the sheet's rows."""
    from openpyxl import Workbook

    rows = list(csv.reader(V2.open(encoding="utf-8")))
    book = Workbook()
    sheet = book.active
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([float(c) if c.replace(".", "").isdigit() else (c or None) for c in row])
    book.save(tmp_path / "export.xlsx")
    result = import_decisions(store, tmp_path / "export.xlsx", LEAD, tool="asreview")
    assert (result.added, result.unlabelled, result.encoding) == (6, 10, "xlsx")
    assert votes(store) == {(k, "lee"): v for k, v in ASREVIEW.items()}
    sheet["H3"] = "yes"
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(ImportFileError, match=r"bad.xlsx, row 3, column asreview_label: 'yes'"):
        import_decisions(store, tmp_path / "bad.xlsx", LEAD, tool="asreview")


def test_asreview_file_with_a_bad_label_or_reviewer_changes_nothing(store, tmp_path):
    before = dump(store)
    text = V1.read_text(encoding="utf-8").replace(",0,7\n", ",no,7\n")
    assert text != V1.read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"line \d+, column included: 'no' is not a label"):
        import_decisions(store, bad, LEAD, tool="asreview")
    with pytest.raises(ImportFileError, match=r"line 2: cy is not a reviewer of this review"):
        import_decisions(store, V1, LEAD, tool="asreview", reviewer="cy")
    with pytest.raises(PermissionDenied, match="line 2: bob's decision. ann is a reviewer"):
        import_decisions(store, V1, Reviewer("ann"), tool="asreview", reviewer="bob")
    assert dump(store) == before
    assert import_decisions(store, V1, Reviewer("ann"), tool="asreview").added == 8


# -- Rayyan -------------------------------------------------------------------------------------


def test_rayyan_notes_are_read_as_rayyan_writes_them():
    notes = rayyan_notes(
        'Section: 12 p. | RAYYAN-INCLUSION: {"Ann Lee"=>"Included", "B. \\"Bo\\" O"=>"Maybe"} '
        "| RAYYAN-LABELS: RCT,adults | RAYYAN-EXCLUSION-REASONS: wrong population,foreign "
        'language | USER-NOTES: {"Ann Lee"=>["see table 2", "ask Bob"], "B. \\"Bo\\" O"=>[]}'
    )
    assert notes.votes == {"Ann Lee": "Included", 'B. "Bo" O': "Maybe"}
    assert notes.labels == ("RCT", "adults")
    assert notes.reasons == ("wrong population", "foreign language")
    assert notes.notes == {"Ann Lee": ("see table 2", "ask Bob"), 'B. "Bo" O': ()}
    assert rayyan_notes("RAYYAN-LABELS: microbiome").votes == {}
    assert rayyan_notes("").votes == {}
    with pytest.raises(ImportFileError, match="cannot be read as Rayyan writes it"):
        rayyan_notes("RAYYAN-INCLUSION: Ann=Included")


NAMES = {"Ann Lee": "ann", "Bob Okafor": "bob"}


def test_rayyan_export_gives_each_reviewer_their_decisions(store):
    result = import_decisions(store, RAYYAN, LEAD, tool="rayyan", names=NAMES)
    assert (result.added, result.skipped, result.unlabelled) == (7, 0, 2)
    assert [(r.record_id, r.reviewer, r.decision, r.reason, r.note) for r in
            store.decision_rows()] == [
        (2, "ann", "exclude", "Wrong population; background article", ""),
        (2, "bob", "exclude", "Wrong population; background article", ""),
        (9, "ann", "include", "", ""),
        (9, "bob", "maybe", "", "check the licence"),
        (11, "ann", "include", "", ""),  # found by its doi.org link: its doi cell is empty
        (11, "bob", "exclude", "wrong outcome", ""),  # the review's reason is "Wrong outcomes"
        (3, "ann", "exclude", "Wrong publication type", ""),  # DOI in upper case
    ]  # fmt: skip
    assert {r.source for r in store.decision_rows()} == {"import:rayyan:rayyan_articles.csv"}
    again = import_decisions(store, RAYYAN, LEAD, tool="rayyan", names=NAMES)
    assert (again.added, again.skipped) == (0, 7)


def test_rayyan_names_must_be_reviewers_of_the_review(store):
    before = dump(store)
    with pytest.raises(
        ImportFileError,
        match=r"rayyan_articles.csv, line 2: Ann Lee is not a reviewer of this review\. Map "
        r"the name with --name 'Ann Lee=NAME'",
    ):
        import_decisions(store, RAYYAN, LEAD, tool="rayyan")
    with pytest.raises(ImportFileError, match="line 2: Bob Okafor is not a reviewer"):
        import_decisions(store, RAYYAN, LEAD, tool="rayyan", names={"ann lee": "ann"})
    assert dump(store) == before


def test_a_reviewer_imports_only_their_own_rayyan_decisions(store, tmp_path):
    ann = Reviewer("ann")
    with pytest.raises(PermissionDenied, match="line 2: bob's decision. ann is a reviewer"):
        import_decisions(store, RAYYAN, ann, tool="rayyan", names=NAMES)
    assert store.decision_rows() == []
    own = tmp_path / "own.csv"
    own.write_text(
        'key,title,notes,pubmed_id\nrayyan-1,X,"RAYYAN-INCLUSION: {""Ann Lee""=>""Included""}",'
        "16403221\n",
        encoding="utf-8",
    )
    assert import_decisions(store, own, ann, tool="rayyan", names=NAMES).added == 1
    assert votes(store) == {(7, "ann"): "include"}


@pytest.mark.parametrize(
    ("notes", "stage", "message"),
    [
        ('{""Ann Lee""=>""Undecided""}', "title_abstract", "line 2, column notes: Ann Lee's "),
        ('{""Ann Lee""=>""Excluded""}', "full_text", "line 2: a full-text exclusion needs"),
    ],
)
def test_a_rayyan_line_that_cannot_be_a_decision_is_refused(store, tmp_path, notes, stage, message):
    path = tmp_path / "r.csv"
    path.write_text(
        f'key,title,notes,pubmed_id\nrayyan-1,X,"RAYYAN-INCLUSION: {notes}",16403221\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError, match=message):
        import_decisions(store, path, LEAD, tool="rayyan", stage=stage, names=NAMES)
    assert store.decision_rows() == []


def test_a_file_without_the_tools_columns_is_refused(store, tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("title,doi\nX,10.1002/cncr.20369\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="line 1: no label column"):
        import_decisions(store, path, LEAD, tool="asreview")
    with pytest.raises(ImportFileError, match="line 1: no notes column"):
        import_decisions(store, path, LEAD, tool="rayyan")
    path.write_text("title,included\nX,1\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="line 1: no column names the records"):
        import_decisions(store, path, LEAD, tool="asreview")
