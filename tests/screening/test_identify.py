"""A decisions file names its records by record_id, PMID, DOI or original identifier: each line
lands on one record (a duplicate's group primary), or the file is refused naming the line."""

import pytest

from review.dedupe.match import Match
from review.errors import ImportFileError
from review.records import Record
from review.screening.decisions import decide
from review.screening.model import Reviewer
from review.screening.transfer import import_decisions
from tests.screening.conftest import DATA, dump

LEAD = Reviewer("lee", "lead")


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_lines_find_their_records_by_pmid_doi_or_original_id(imported, tmp_path):
    source = write(
        tmp_path / "d.csv",
        "pmid,doi,original_id,reviewer,stage,decision\n"
        "15368318.0,,,ann,ta,include\n"  # a number column with gaps, as pandas writes it
        ",https://doi.org/10.1016/J.IJSCR.2018.11.060,,ann,ta,exclude\n"  # a link, upper case
        ",,L624782849,ann,ta,maybe\n"  # Embase's accession number in embase.ris
        "PMID: 16403221,,,ann,ta,include\n"
        ",doi:10.1016/j.psyneuen.2019.104501,,ann,ta,exclude\n"
        "14630660,10.9999/not-in-the-review,,ann,ta,include\n",  # the PMID finds it first
    )
    result = import_decisions(imported, source, LEAD)
    assert (result.added, result.skipped, result.warnings) == (6, 0, ())
    rows = imported.decision_rows()
    assert [(r.record_id, r.decision) for r in rows] == [
        (2, "include"), (3, "exclude"), (6, "maybe"), (7, "include"), (11, "exclude"),
        (10, "include"),
    ]  # fmt: skip
    assert {r.source for r in rows} == {"import:d.csv"}
    again = import_decisions(imported, source, LEAD)
    assert (again.added, again.skipped) == (0, 6)


def test_pubmed_id_and_a_doi_link_are_read_as_rayyan_writes_them(imported, tmp_path):
    source = write(
        tmp_path / "d.csv",
        "pubmed_id,url,reviewer,stage,decision\n"
        "30396417,,ann,ta,include\n"
        ",https://doi.org/10.1089/cren.2017.0016,ann,ta,exclude\n"
        ",https://pubmed.ncbi.nlm.nih.gov/31421429/,ann,ta,exclude\n",
    )
    import_decisions(imported, source, LEAD)
    assert [r.record_id for r in imported.decision_rows()] == [4, 6, 12]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("99999999,,,ann,ta,include", r"line 3: no record in this review has PMID 99999999 \(1 "),
        (",10.1000/nowhere,,ann,ta,include", "line 3: no record in this review has DOI 10.1000/"),
        (",,L1,ann,ta,include", "line 3: no record in this review has original identifier L1"),
        ("abc,,,ann,ta,include", "line 3, column pmid: 'abc' is not a PMID"),
        (",10.1000,,ann,ta,include", "line 3, column doi: '10.1000' is not a DOI"),
        (",,,ann,ta,include", "line 3: nothing names the record: no record_id, pmid, doi"),
    ],
    ids=["unknown pmid", "unknown doi", "unknown original id", "bad pmid", "bad doi", "none"],
)
def test_a_line_that_finds_no_record_refuses_the_whole_file(imported, tmp_path, line, message):
    before = dump(imported)
    text = f"pmid,doi,original_id,reviewer,stage,decision\n15368318,,,ann,ta,include\n{line}\n"
    with pytest.raises(ImportFileError, match=message):
        import_decisions(imported, write(tmp_path / "bad.csv", text), LEAD)
    assert dump(imported) == before


def test_a_file_needs_a_column_that_names_records(imported, tmp_path):
    with pytest.raises(ImportFileError, match=r"line 1: the columns record_id are missing"):
        import_decisions(
            imported,
            write(tmp_path / "d.csv", "title,reviewer,stage,decision\nX,a,ta,maybe\n"),
            LEAD,
        )


def test_an_identifier_of_a_record_and_its_duplicate_lands_on_the_primary(imported, tmp_path):
    """Record 17 repeats record 2's PMID and has a DOI of its own; marked its duplicate, a line
    naming either identifier lands on 2, the record the app screens, so a decision made in the
    app and read back from another tool is the same event and is skipped."""
    imported.add_records(
        "other", [("x", Record(title="Foregut cysts", pmid="15368318", doi="10.5555/dup", raw="x"))]
    )
    imported.save_matches([Match(2, 17, 0.99, "duplicate", ("pmid",))], "review")
    assert imported.duplicate_of() == {17: 2}
    decide(imported, Reviewer("ann"), 2, "title_abstract", "include")
    source = write(
        tmp_path / "d.csv",
        "pmid,doi,reviewer,stage,decision\n15368318,,ann,ta,include\n,10.5555/DUP,bob,ta,exclude\n",
    )
    result = import_decisions(imported, source, LEAD)
    assert (result.added, result.skipped) == (1, 1)  # ann's vote was the app's
    assert [(r.record_id, r.reviewer) for r in imported.decision_rows()] == [(2, "ann"), (2, "bob")]


def test_an_identifier_on_two_records_not_marked_duplicates_is_refused(imported, tmp_path):
    imported.add_records("other", [("x", Record(title="Another study", pmid="15368318", raw="x"))])
    before = dump(imported)
    source = write(tmp_path / "d.csv", "pmid,reviewer,stage,decision\n15368318,ann,ta,include\n")
    with pytest.raises(
        ImportFileError, match=r"line 2, column pmid: 15368318 names records 2, 17,"
    ):
        import_decisions(imported, source, LEAD)
    assert dump(imported) == before


def test_an_original_id_in_two_imported_files_needs_the_file(imported, tmp_path):
    """The same Embase export saved again (a byte changed, so another file) holds the same
    accession numbers: a line must say which file's record it means."""
    again = tmp_path / "embase_again.ris"
    again.write_bytes((DATA / "imports" / "embase.ris").read_bytes() + b"\n")
    from review.imports.load import import_file

    import_file(imported, again)  # records 17-22, not deduplicated
    line = "L39097156,ann,ta,include\n"
    with pytest.raises(ImportFileError, match=r"L39097156 names records 2 \(embase.ris\), 18 \("):
        import_decisions(
            imported,
            write(tmp_path / "a.csv", "original_id,reviewer,stage,decision\n" + line),
            LEAD,
        )
    header = "original_id,file,reviewer,stage,decision\n"
    source = write(
        tmp_path / "b.csv",
        header + "L39097156,embase_again.ris,ann,ta,include\nL39097156,EMBASE.ris,bob,ta,exclude\n",
    )
    import_decisions(imported, source, LEAD)
    assert [r.record_id for r in imported.decision_rows()] == [18, 2]
    with pytest.raises(ImportFileError, match="has original identifier L39097156 in other.ris"):
        import_decisions(
            imported,
            write(tmp_path / "c.csv", header + "L39097156,other.ris,ann,ta,include\n"),
            LEAD,
        )
