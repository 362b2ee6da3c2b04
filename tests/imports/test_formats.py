"""MEDLINE/nbib, Web of Science tagged, CSV and PubMed XML files (tests/data/imports)."""

from __future__ import annotations

import time

import pytest

from review.errors import ImportFileError
from review.imports import csvfile, medline, read_file, wos
from review.pubmed.parse import parse_record as parse_xml_record
from review.records import Author, MeshHeading
from tests.imports.samples import parsed, sample, text_of


def _exact(name: str, item) -> None:
    """raw is the file's own text from the record's first line on."""
    text = text_of(name)
    lines = text.split("\n")
    offset = sum(len(line) + 1 for line in lines[: item.line - 1])
    assert text[offset : offset + len(item.record.raw)] == item.record.raw


@pytest.mark.parametrize(
    "name,count", [("pubmed_result1.txt", 1), ("pubmed_result2.txt", 4), ("pubmed_result3.txt", 1)]
)
def test_medline_samples(name, count):
    result = parsed(name)
    assert (result.format, len(result.records)) == ("nbib", count)
    for item in result.records:
        assert item.record.raw.startswith("PMID- ") and item.record.raw_format == "nbib"
        assert item.original_id == item.record.pmid
        assert not item.record.raw.endswith("\n\n")
        _exact(name, item)
        assert medline.parse_record(item.record.raw) == item.record


def test_medline_fields():
    one = parsed("pubmed_result1.txt").records[0]
    r = one.record
    assert (one.line, r.pmid, r.title) == (2, "12230038", "The Bio* toolkits--a brief overview.")
    assert r.authors == (Author("Mangalam", "Harry", "H"),)
    assert (r.journal, r.journal_abbrev) == ("Briefings in bioinformatics", "Brief Bioinform")
    assert (r.year, r.volume, r.issue, r.pages) == (2002, "3", "3", "296-302")
    assert r.abstract.startswith("Bioinformatics research is often difficult to do with ")
    assert "commercial software. The Open Source BioPerl" in r.abstract  # wrapped lines joined
    assert r.mesh_headings[0] == MeshHeading("Computational Biology", True)
    assert r.publication_types == ("Journal Article",) and r.languages == ("eng",)

    records = parsed("pubmed_result2.txt").records
    assert [x.line for x in records] == [2, 67, 127, 192]
    scop = records[0].record
    assert (scop.doi, scop.pmcid) == ("10.1186/1471-2105-7-10", "PMC1373603")
    assert scop.authors[2] == Author("Saqi", "Mansoor A S", "MA")  # initials from AU
    assert scop.publication_types == ("Evaluation Studies", "Journal Article")
    assert MeshHeading("Information Storage and Retrieval", False, ("methods",)) in (
        scop.mesh_headings
    )
    assert records[1].record.title == (
        "GenomeDiagram: a python package for the visualization of large-scale genomic data."
    )
    assert parsed("pubmed_result3.txt").records[0].record.doi == "10.1118/1.4748329"


def test_wos_tagged_file_with_ris_extension():
    result = parsed("example_wos.ris")
    assert (result.format, len(result.records)) == ("wos", 2)
    assert any("extension .ris" in w and "Web of Science" in w for w in result.warnings)
    first = result.records[0]
    assert (first.line, first.original_id) == (3, "WOS:000221807500019")
    r = first.record
    assert r.title == (
        "Interactions stabilizing the structure of the core light-harvesting complex (LHl) of "
        "photosynthetic bacteria and its subunit (B820)"
    )
    assert r.authors[0] == Author("Parkes-Loach", "", "PS")
    assert len(r.authors) == 4
    assert (r.journal, r.journal_abbrev) == ("BIOCHEMISTRY", "Biochemistry")
    assert (r.year, r.volume, r.issue, r.pages) == (2004, "43", "22", "7003-7016")
    assert (r.doi, r.pmid) == ("10.1021/bi049798f", "15170338")
    assert r.publication_types == ("Article",) and r.languages == ("English",)
    assert r.keywords[:2] == ("CHEMICALLY SYNTHESIZED POLYPEPTIDES", "IN-VITRO RECONSTITUTION")
    assert r.raw.startswith("PT J\n") and r.raw.endswith("\nER\n") and r.raw_format == "wos"
    for item in result.records:
        _exact("example_wos.ris", item)
        assert wos.parse_record(item.record.raw) == (item.record, item.original_id)


def test_wos_truncated(tmp_path):
    text = text_of("example_wos.ris")
    path = tmp_path / "savedrecs.txt"
    path.write_text(text[: text.rindex("\nER")], encoding="utf-8")
    second = parsed("example_wos.ris").records[1].line
    with pytest.raises(ImportFileError, match=f"savedrecs.txt: .*starts at line {second}"):
        read_file(path)


@pytest.mark.parametrize("name", ["embase.csv", "embase_newpage.csv"])
def test_embase_csv(name):
    result = parsed(name)
    assert (result.format, result.encoding, len(result.records)) == ("csv", "utf-8", 6)
    first = result.records[0].record
    assert first.title == (
        "Duplication cysts: Diagnosis, management, and the role of endoscopic ultrasound"
    )
    assert first.authors == (Author("Liu", "", "R"), Author("Adler", "", "DG"))
    assert (first.journal, first.year, first.volume, first.issue, first.pages) == (
        "Endoscopic Ultrasound",
        2014,
        "3",
        "3",
        "152-160",
    )
    assert first.doi == "10.4103/2303-9027.138783"  # from the Open URL Link
    third = result.records[2].record
    assert (third.volume, third.issue, third.pages) == ("54", "", "83-86")
    assert [x.record.year for x in result.records] == [2014, 2004, 2019, 2018, 2011, 2017]
    kw = result.records[1].record.keywords
    assert kw[:2] == ("cyst fluid", "endoscopic ultrasonography")
    assert "foregut duplication cyst (diagnosis)" in kw  # commas inside brackets kept
    assert first.raw_format.startswith("csv:Title,Original Title,Author Names,")
    for item in result.records:
        assert item.original_id == ""
        _exact(name, item)
        assert csvfile.parse_record(item.record.raw, item.record.raw_format) == (
            item.record,
            item.original_id,
        )


def test_embase_newpage_rows_span_lines():
    records = parsed("embase_newpage.csv").records
    assert [x.line for x in records] == [2, 5, 8, 11, 14, 17]
    first = records[0].record
    assert first.abstract.startswith("TEST\n\nGastrointestinal tract duplication cysts")
    assert first.raw.count("\n") == 3 and first.raw.startswith('"Duplication cysts:')


def test_generic_csv_columns(tmp_path):
    path = tmp_path / "records.csv"
    path.write_text(
        "record_id;Title;Authors;Year;Journal;Volume;Number;Pages;DOI;PMID\n"
        '7;"A trial; of things";Zhai, Q. J. and Yue, X. Y.;2010;Stroke;7;2;73-76;'
        "https://doi.org/10.1000/xyz;123\n"
        "\n"
        "8;Second;Smith, John A;Dec 2018;;;;;;\n",
        encoding="utf-8",
    )
    result = read_file(path)
    assert result.format == "csv" and len(result.records) == 2
    first = result.records[0]
    assert (first.original_id, first.line) == ("7", 2)
    r = first.record
    assert r.title == "A trial; of things"
    assert r.authors == (Author("Zhai", "", "QJ"), Author("Yue", "", "XY"))
    assert (r.year, r.journal, r.volume, r.issue, r.pages) == (2010, "Stroke", "7", "2", "73-76")
    assert (r.doi, r.pmid) == ("10.1000/xyz", "123")
    second = result.records[1]
    assert second.line == 4 and second.record.year == 2018
    assert second.record.authors == (Author("Smith", "John A", "JA"),)

    tab = tmp_path / "records.tsv"
    tab.write_text("ID\ttitle\tauthor\nx1\tTabbed\tD. Pavlinac, R. Langer\n", encoding="utf-8")
    rec = read_file(tab).records[0]
    assert rec.original_id == "x1"
    assert rec.record.authors == (Author("Pavlinac", "", "D"), Author("Langer", "", "R"))


def test_csv_without_title_column(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("id,name,score\n1,a,2\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        read_file(path)
    message = str(err.value)
    assert "scores.csv" in message and "line 1" in message
    assert "'id', 'name', 'score'" in message and "title" in message


def test_csv_header_only(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("title,abstract\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="empty.csv: no CSV records"):
        read_file(path)


@pytest.mark.parametrize(
    "name,pmids,kinds",
    [
        ("pubmed1.xml", ["12091962", "9997"], ["article", "article"]),
        ("efetch.pubmedexample.xml", ["17284678", "20301295"], ["article", "book"]),
    ],
)
def test_pubmed_xml(name, pmids, kinds):
    result = parsed(name)
    assert result.format == "pubmed-xml"
    assert [x.original_id for x in result.records] == pmids
    assert [x.record.kind for x in result.records] == kinds
    data = sample(name).read_bytes()
    for item in result.records:
        assert item.record.raw_format == "pubmed-xml"
        assert item.record.raw.encode() in data
        line = data.split(b"\n")[item.line - 1]
        assert b"<PubmedArticle>" in line or b"<PubmedBookArticle>" in line
        assert parse_xml_record(item.record.raw) == item.record
    first = parsed("pubmed1.xml").records[0].record
    assert first.title.startswith("The treatment of AIDS behind the walls of correctional")


def test_a_big_pubmed_xml_file_is_read_in_linear_time(tmp_path):
    """Each record's line used to be counted from the start of the file: 3,000 records took
    16 s to read, 20,000 would take minutes. Counted on from the record before, 4,000 take a
    couple of seconds; the bound is loose so a busy machine does not fail it."""
    from tests.fake_eutils import make_corpus

    body = b"\n".join(r.xml for r in make_corpus(4000, seed=5))
    data = b"<?xml version='1.0'?>\n<PubmedArticleSet>\n" + body + b"\n</PubmedArticleSet>\n"
    path = tmp_path / "big.xml"
    path.write_bytes(data)
    started = time.perf_counter()
    records = read_file(path).records
    assert time.perf_counter() - started < 12
    lines = data.split(b"\n")
    assert len(records) == 4000
    for item in (records[0], records[1], records[-1]):
        assert lines[item.line - 1].lstrip().startswith(b"<PubmedArticle")
        assert item.record.raw.encode() in data


def test_pubmed_xml_cut_off(tmp_path):
    data = sample("pubmed1.xml").read_bytes()
    path = tmp_path / "pubmed.xml"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFileError) as err:
        read_file(path)
    message = str(err.value)
    assert "pubmed.xml" in message and "line 4" in message and "Download" in message


def test_not_pubmed_xml(tmp_path):
    path = tmp_path / "page.xml"
    path.write_bytes(sample("pubmed3.html").read_bytes())
    with pytest.raises(ImportFileError, match="page.xml"):
        read_file(path)
