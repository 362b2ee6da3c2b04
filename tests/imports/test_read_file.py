"""read_file as a whole: format detection, encodings, bad files; and the shared normalisers."""

from __future__ import annotations

import gzip

import pytest

from review.errors import ImportFileError
from review.imports import FORMATS, ImportedRecord, ParsedFile, detect_format, fields, read_file
from review.records import Author
from tests.imports.samples import DATA, parsed, sample, text_of


def test_public_api():
    assert FORMATS == ("ris", "nbib", "pubmed-xml", "csv", "wos", "bibtex")
    result = parsed("example_basic.ris")
    assert isinstance(result, ParsedFile) and isinstance(result.records[0], ImportedRecord)
    assert result.path == str(DATA / "example_basic.ris")
    assert isinstance(result.records, tuple) and isinstance(result.warnings, tuple)


@pytest.mark.parametrize(
    "name,expected",
    [
        ("embase.ris", "ris"),
        ("pubmed_endnote.txt", "ris"),  # .txt: content decides, no warning
        ("web_of_science.txt", "ris"),
        ("example_wos.ris", "wos"),
        ("pubmed_result2.txt", "nbib"),
        ("embase.csv", "csv"),
        ("pubmed1.xml", "pubmed-xml"),
        ("zotero_style.bib", "bibtex"),
        ("jabref_style.bib", "bibtex"),
    ],
)
def test_detect_by_content(name, expected):
    assert detect_format(text_of(name), DATA / name) == expected
    assert detect_format(text_of(name), None) == expected


def test_content_wins_over_extension(tmp_path):
    for source, fake, fmt in [
        ("pubmed_result1.txt", "pubmed.ris", "nbib"),
        ("embase.ris", "embase.csv", "ris"),
        ("embase.csv", "embase.txt", "csv"),
        ("example_basic.ris", "basic.nbib", "ris"),
    ]:
        path = tmp_path / fake
        path.write_bytes(sample(source).read_bytes())
        result = read_file(path)
        assert result.format == fmt
        if fake.endswith(".txt"):
            assert result.warnings == ()
        else:
            assert any(f"{fake} has the extension" in w for w in result.warnings)
        assert len(result.records) == len(parsed(source).records)


def test_explicit_format(tmp_path):
    assert read_file(DATA / "example_basic.ris", format="ris").format == "ris"
    with pytest.raises(ImportFileError, match="unknown import format 'endnote'"):
        read_file(DATA / "example_basic.ris", format="endnote")
    with pytest.raises(ImportFileError, match="no BibTeX records"):
        read_file(DATA / "example_basic.ris", format="bibtex")
    with pytest.raises(ImportFileError, match="no PubMed MEDLINE text"):
        read_file(DATA / "example_basic.ris", format="nbib")


def test_unknown_format(tmp_path):
    path = tmp_path / "refs.enw"  # EndNote's tagged format: not one we read
    path.write_text("%0 Journal Article\n%T A title\n%D 2020\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        read_file(path)
    assert "refs.enw" in str(err.value) and "line 1" in str(err.value)
    assert "not recognised" in str(err.value) and "RIS" in str(err.value)
    assert "BibTeX" in str(err.value)
    bib = tmp_path / "refs.bib"  # once refused; BibTeX is read now
    bib.write_text("@article{key,\n  title={A title}\n}\n", encoding="utf-8")
    assert read_file(bib).records[0].record.title == "A title"


def test_encodings(tmp_path):
    assert parsed("_baseline.ris").encoding == "utf-8-sig"
    assert parsed("baseline_zotero.ris").encoding == "utf-8"
    text = text_of("example_full.ris").replace("Lindgren", "Lindgrén")
    path = tmp_path / "latin.ris"
    path.write_bytes(text.encode("latin-1"))
    result = read_file(path)
    assert result.encoding == "latin-1"
    assert result.warnings == ("read as Latin-1 (ISO-8859-1): not valid UTF-8 at line 6",)
    assert result.records[0].record.authors[1] == Author("Lindgrén", "Astrid", "A")
    assert result.records[0].record.raw in text

    csv_path = tmp_path / "latin.csv"
    csv_path.write_bytes("title,authors\nCafé au lait,Müller K.\n".encode("latin-1"))
    result = read_file(csv_path)
    assert result.encoding == "latin-1" and "line 2" in result.warnings[0]
    assert result.records[0].record.authors == (Author("Müller", "", "K"),)


def test_bad_files(tmp_path):
    cases = {
        "empty.ris": (b"", "empty"),
        "blank.ris": (b"\xef\xbb\xbf\n\n  \n", "empty"),
        "nul.ris": (b"TY  - JOUR\nTI  - x\x00y\nER  -\n", "binary data at line 2"),
        "image.ris": (bytes(range(256)) * 4, "binary"),
        "controls.ris": (b"TY  - JOUR\n" + bytes(range(1, 32)) * 20, "binary data at line 2"),
        "fakebom.ris": (b"\xff\xfeT\x00Y\x00\x00\xd8", "byte-order mark but is not UTF-16"),
        "refs.ris.gz": (gzip.compress(b"TY  - JOUR\nER  -\n"), "gzip"),
    }
    for name, (data, problem) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ImportFileError) as err:
            read_file(path)
        message = str(err.value)
        assert name in message and problem in message, message
    with pytest.raises(ImportFileError, match="missing.ris: no such file"):
        read_file(tmp_path / "missing.ris")
    with pytest.raises(ImportFileError, match="cannot be read"):
        read_file(tmp_path)


@pytest.mark.parametrize(
    "text,author",
    [
        ("Liu R.", Author("Liu", "", "R")),
        ("Adler D.G.", Author("Adler", "", "DG")),
        ("Parkes-Loach, PS", Author("Parkes-Loach", "", "PS")),
        ("Zhai, Q. J.", Author("Zhai", "", "QJ")),
        ("Smith, John A", Author("Smith", "John A", "JA")),
        ("Shannon,Claude E.", Author("Shannon", "Claude E.", "CE")),
        ("Dupont, Jean-Pierre", Author("Dupont", "Jean-Pierre", "JP")),
        ("Saqi MA", Author("Saqi", "", "MA")),
        ("R. L. Whistler", Author("Whistler", "", "RL")),
        ("van Acker B.", Author("van Acker", "", "B")),
        ("John Smith", Author("Smith", "John", "J")),
        ("Cochrane", Author("Cochrane")),
        ("The XYZ Trial Group", Author(collective="The XYZ Trial Group")),
        (
            "ASReview LAB developers and the Utrecht Network",
            Author(collective=("ASReview LAB developers and the Utrecht Network")),
        ),
    ],
)
def test_parse_author(text, author):
    assert fields.parse_author(text) == author


def test_author_lists_years_dois_pages():
    assert fields.split_author_list("Liu R., Adler D.G.") == ["Liu R.", "Adler D.G."]
    assert fields.split_author_list("Zhai, Q. J. and Yue, X. Y.") == ["Zhai, Q. J.", "Yue, X. Y."]
    assert fields.split_author_list("Smith, J; Doe, A") == ["Smith, J", "Doe, A"]
    assert fields.split_author_list("W. Lake and R. L. Whistler") == ["W. Lake", "R. L. Whistler"]
    for value, year in [
        ("2014///", 2014),
        ("2014/08/29", 2014),
        ("Dec 2018", 2018),
        ("10 15", None),
        ("", None),
        ("25 Aug 2004", 2004),
    ]:
        assert fields.year_of(value) == year
    assert fields.bare_doi("http://dx.doi.org/10.1002/cpp.2398") == "10.1002/cpp.2398"
    assert fields.bare_doi("https://doi.org/10.1007%2Fs11307-012-0572-0") == (
        "10.1007/s11307-012-0572-0"
    )
    assert fields.bare_doi("10.1186/1471-2105-7-10 [doi]") == "10.1186/1471-2105-7-10"
    assert fields.bare_doi("doi:10.1000/x.") == "10.1000/x"
    assert fields.bare_doi("1471-2105-7-10 [pii]") == ""
    assert fields.doi_from_url("https://rd.springer.com/article/10.1007/s1") == ""
    link = "http://sfx.example/utrecht?sid=EMBASE&id=doi:10.1002%2Fcncr.20369&atitle=x"
    assert fields.doi_from_link_param(link) == "10.1002/cncr.20369"
    assert fields.pages("152", "160") == "152-160"
    assert fields.pages("1-5", "") == "1-5"
    assert fields.pages("No", "Specified") == ""
    assert fields.split_terms("a (b, c), d") == ["a (b, c)", "d"]
