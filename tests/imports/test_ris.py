"""The RIS reader on real exports (tests/data/imports, see its README for origins)."""

from __future__ import annotations

import re

import pytest

from review.errors import ImportFileError
from review.imports import read_file
from review.imports.ris import TYPE_NAMES, parse_record
from review.records import AbstractSection, Author
from tests.imports.samples import DATA, parsed, text_of

# Counts checked by hand against the ER lines (the BOM hides the first TY from grep).
COUNTS = {
    "embase.ris": 6,
    "ovid_psycinfo.ris": 6,
    "ovid_zotero.ris": 6,
    "proquest.ris": 6,
    "pubmed_endnote.txt": 6,
    "pubmed_zotero.ris": 6,
    "scopus.ris": 6,
    "web_of_science.txt": 10,
    "ris_issue_992.txt": 19,
    "ris_issue_1099.txt": 7,
    "_baseline.ris": 100,
    "baseline_zotero.ris": 100,
    "baseline_reference_types.ris": 61,
    "baseline_empty_values.ris": 4,
    "faulty_year.ris": 1,
    "baseline_tag-notes.ris": 12,
    "baseline_tag-notes_labels.ris": 32,
    "example_basic.ris": 1,
    "example_bom.ris": 1,
    "example_custom_list_tags.ris": 1,
    "example_empty_tag.ris": 1,
    "example_extraneous_data.ris": 2,
    "example_full.ris": 2,
    "example_full_without_whitespace.ris": 2,
    "example_full_write.ris": 2,
    "example_multi_unknown_tags.ris": 1,
    "example_multiline.ris": 3,
    "example_single_unknown_tag.ris": 1,
    "example_starting_newlines.ris": 1,
    "example_urls.ris": 4,
    "example_utf_chars.ris": 1,
}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_every_ris_sample_reads_whole(name):
    result = parsed(name)
    assert result.format == "ris"
    assert len(result.records) == COUNTS[name]
    assert [r.position for r in result.records] == list(range(1, COUNTS[name] + 1))
    text = text_of(name)
    assert len(re.findall(r"(?m)^ER  -", text)) == COUNTS[name]  # an independent count
    lines = text.split("\n")
    for item in result.records:
        raw = item.record.raw
        assert item.record.raw_format == "ris"
        assert raw.startswith("TY  -")
        assert re.search(r"(?:^|\n)ER  - ?\r?\n?$", raw)
        # raw is exactly the file's text from the record's first line
        offset = sum(len(line) + 1 for line in lines[: item.line - 1])
        assert text[offset : offset + len(raw)] == raw
        assert parse_record(raw) == (item.record, item.original_id)


def test_embase_ris_fields():
    records = parsed("embase.ris").records
    first = records[0]
    r = first.record
    assert (first.line, first.original_id) == (1, "L373791783")
    assert r.title == (
        "Duplication cysts: Diagnosis, management, and the role of endoscopic ultrasound"
    )
    assert r.authors == (Author("Liu", "", "R"), Author("Adler", "", "DG"))
    assert r.doi == "10.4103/2303-9027.138783"
    assert (r.year, r.volume, r.issue, r.pages) == (2014, "3", "3", "152-160")
    assert r.journal == "Endoscopic Ultrasound"
    assert r.languages == ("English",)
    assert r.publication_types == ("Journal Article", "Article")
    assert r.keywords[:3] == (
        "article",
        "bronchogenic duplication cyst",
        "colonic duplication cyst",
    )
    assert len(r.keywords) == 22
    assert r.abstract.startswith("Gastrointestinal tract duplication cysts are rare")
    assert r.abstract_sections[0].label == ""
    # the second record is also in MEDLINE: Embase gives its PMID in C5
    assert records[1].line == 51 and records[1].record.pmid == "15368318"
    assert records[3].record.publication_types == ("Journal Article", "Review")
    raw = text_of("embase.ris").split("\n")
    assert records[1].record.raw == "\n".join(raw[50:112]) + "\n"


def test_ovid_numbered_lines_and_stray_tags():
    result = parsed("ovid_psycinfo.ris")
    first = result.records[0]
    r = first.record
    assert (first.line, first.original_id) == (2, "2019-65183-001")
    assert r.doi == "10.1002/cpp.2398"  # DO is a dx.doi.org URL here
    assert r.authors[0] == Author("Trindade", "Ines A", "IA")
    assert r.authors[-1] == Author("Pinto-Gouveia", "Jose", "J")
    assert r.year == 2019 and r.pages == ""  # "SP  - No" / "EP  - Specified"
    assert r.journal == "Clinical Psychology & Psychotherapy"
    assert r.abstract.startswith("Considering that self-criticism is an important process")
    # M3 is PsycINFO's subject class here, not a publication type
    assert r.publication_types == ("Journal Article",)
    # Ovid writes "NL  - ..." after each ER: noted, not silently dropped
    assert any("6 tagged line(s) outside" in w and "line 26" in w for w in result.warnings)


def test_ovid_zotero_and_pubmed_zotero():
    r = parsed("ovid_zotero.ris").records[1].record
    assert r.title.startswith("Gender differences in inflammatory bowel disease")
    assert r.journal == "Journal of Health Psychology"
    assert (r.year, r.volume, r.issue, r.pages) == (2019, "24", "7", "847-856")
    assert r.keywords[0] == "*Body Image"
    assert r.authors[0] == Author("Trindade", "Ines A", "IA")
    p = parsed("pubmed_zotero.ris").records[0].record
    assert p.doi == "10.5114/pg.2018.81081"
    assert (p.journal, p.journal_abbrev) == ("Przeglad gastroenterologiczny", "Prz Gastroenterol")
    assert p.authors[2] == Author("Basinska", "Malgorzata A.", "MA")
    assert p.languages == ("eng",)


def test_proquest():
    first = parsed("proquest.ris").records[0]
    r = first.record
    assert first.original_id == "2214991469; 51887"
    assert r.title.startswith("Predictors of posttraumatic stress symptom trajectories")
    assert r.doi == "10.1002/jts.22387"
    assert r.journal == "Journal of Traumatic Stress"
    assert r.authors[1] == Author("Dorahy", "Martin J", "MJ")
    assert r.year == 2019
    assert parsed("proquest.ris").records[1].line > first.line


def test_pubmed_endnote_leading_blank_line_and_multiline_keywords():
    first = parsed("pubmed_endnote.txt").records[0]
    r = first.record
    assert first.line == 2
    assert r.pmid == "21553931"  # AN of a record whose DP is NLM
    assert r.doi == "10.2165/11586800-000000000-00000"
    assert r.authors[0] == Author("Abdel-Tawab", "", "M")
    assert (r.year, r.volume, r.issue, r.pages) == (2011, "50", "6", "349-69")
    # KW continues on untagged lines: each line is one keyword
    assert r.keywords[:3] == (
        "Animals",
        "Anti-Inflammatory Agents/adverse effects/pharmacokinetics/*pharmacology",
        "Boswellia/*chemistry",
    )


def test_scopus_long_notes_and_pubmed_id():
    records = parsed("scopus.ris").records
    r = records[0].record
    assert r.title.startswith("Stress and the brain-gut axis")
    assert r.authors[0] == Author("Labanski", "", "A")
    assert (r.journal, r.volume, r.year) == ("Psychoneuroendocrinology", "111", 2020)
    assert r.doi == "10.1016/j.psyneuen.2019.104501"
    assert r.publication_types == ("Journal Article", "Review")
    assert "Agostini, A., Filippini, N." in r.raw  # the N1 reference list stays in raw
    assert [x.record.pmid for x in records if x.record.pmid]  # Scopus gives PubMed IDs in C2
    assert {x.record.pmid for x in records} >= {"30704343"}


def test_web_of_science_ris_style():
    records = parsed("web_of_science.txt").records
    first = records[0]
    assert first.original_id == "WOS:000444108200009"
    r = first.record
    assert r.authors == (
        Author("Alceste", "", "F"),
        Author("Luke", "", "TJ"),
        Author("Kassin", "", "SM"),
    )
    assert r.journal == "JOURNAL OF APPLIED RESEARCH IN MEMORY AND COGNITION"
    assert r.journal_abbrev == "J. Appl. Res. Mem. Cogn."
    assert (r.year, r.volume, r.issue, r.pages) == (2018, "7", "3", "387-397")
    assert r.doi == "10.1016/j.jarmac.2018.03.001"
    assert records[7].original_id == "Kassin1997"  # RIS ID comes before AN


def test_rayyan_and_multiline_blank_values():
    first = parsed("ris_issue_992.txt").records[0]
    assert first.original_id == "1"  # the RIS ID, before AN (rayyan-264552525)
    r = first.record
    assert r.title == "Overcoming Medication Reconciliation Challenges"
    assert r.keywords[:2] == ("Health Facility Administration", "Joint Commission")
    assert len(r.keywords) == 13
    assert (r.journal, r.pages, r.year) == (
        "Joint Commission Perspectives on Patient Safety",
        "1-5",
        2011,
    )
    records = parsed("ris_issue_1099.txt").records
    r = records[0].record
    assert r.doi == "10.15598/aeee.v16i3.2698"
    assert (r.journal, r.pages, r.volume) == (
        "Advances in Electrical and Electronic Engineering",
        "271-278",
        "16",
    )
    assert "Export Date: 12 May 2022\n\nArticle" in r.raw  # U3 runs over blank lines
    book = records[1].record
    assert book.kind == "book" and book.publication_types == ("Book",)
    assert book.title.startswith("Validity Frame Driven Computational Design Synthesis")
    assert book.journal == ""


def test_baseline_files():
    first = parsed("_baseline.ris").records[0]
    r = first.record
    assert parsed("_baseline.ris").encoding == "utf-8-sig"
    assert first.original_id == "000-463-679-101-319"
    assert r.authors[0] == Author("Blomberg", "Björn A.", "BA")
    assert r.doi == "10.1007/s11307-012-0572-0"
    assert (r.pmid, r.pmcid) == ("22752652", "PMC3553406")  # from the L2 links
    assert (r.year, r.pages, r.journal) == (2012, "97-105", "Molecular imaging and biology")
    assert r.raw.endswith("ER  -\r\n")  # CRLF kept
    z = parsed("baseline_zotero.ris").records[0].record
    assert z.title == (
        "An open source machine learning framework for efficient and transparent systematic reviews"
    )
    assert z.authors[0] == Author("van de Schoot", "Rens", "R")
    assert (z.doi, z.year, z.journal) == (
        "10.1038/s42256-020-00287-7",
        2021,
        "Nature Machine Intelligence",
    )


def test_reference_types_map_to_endnote_names():
    records = parsed("baseline_reference_types.ris").records
    assert records[0].record.publication_types == ()  # "TY  -" with nothing after it
    assert records[1].record.publication_types == ("Generic",)
    for item in records[2:]:
        note = next(x for x in item.record.raw.split("\r\n") if x.startswith("N1  - "))
        ty = item.record.raw[6:].split("\r\n", 1)[0]
        assert item.record.publication_types == (note.removeprefix("N1  - Reference Type: "),)
        assert TYPE_NAMES[ty] == item.record.publication_types[0]
        assert item.record.kind == (
            "book" if ty in {"BOOK", "CHAP", "EBOOK", "ECHAP", "EDBOOK"} else "article"
        )


def test_empty_values_faulty_year_and_notes():
    records = parsed("baseline_empty_values.ris").records
    assert [r.original_id for r in records] == ["1", "2", "3", "4"]
    assert records[0].record.title == "Title of reference"
    assert records[0].record.abstract_sections == ()
    assert records[1].record.title == ""
    assert records[1].record.abstract_sections == (
        AbstractSection("Lorem ipsum dolor sit amet, consectetuer adipiscing elit."),
    )
    faulty = parsed("faulty_year.ris")
    assert faulty.records[0].record.year is None
    assert faulty.warnings == ("record 1 (line 1): no year in '10 15'",)
    notes = parsed("baseline_tag-notes.ris").records
    oops = next(x.record.raw for x in notes if "Oops" in x.record.raw)
    assert "empty line\r\n\r\nN1  - in this record" in oops
    assert "ASReview_relevant" in parsed("baseline_tag-notes_labels.ris").records[0].record.raw


def test_rispy_edge_cases():
    r = parsed("example_basic.ris").records[0].record
    assert r.authors == (Author("Shannon", "Claude E.", "CE"),)
    assert (r.year, r.pages, r.volume) == (1948, "379-423", "27")
    assert parsed("example_bom.ris").records[0].record.doi == "10.1186/s40981-020-0316-0"
    extraneous = parsed("example_extraneous_data.ris").records
    assert [x.line for x in extraneous] == [5, 33]
    assert extraneous[1].record.title == "The title of the reference"
    empty = parsed("example_empty_tag.ris").records[0].record
    assert empty.pages == "" and empty.doi == "10.1177/2325967120950040"
    assert empty.abstract.endswith(
        "\nOutcome measures are valuable when determining an athlete's safe return to sport..."
    )
    multiline = [x.record.abstract for x in parsed("example_multiline.ris").records]
    assert multiline[1] == "first line,\nER then second line and at the end\nthe last line"
    assert multiline[2] == multiline[1]  # an untagged "ER then ..." line does not end it
    assert parsed("example_starting_newlines.ris").records[0].line == 3
    utf = parsed("example_utf_chars.ris").records[0].record
    assert utf.publication_types == ("Journal Article",)
    assert utf.title.startswith("Состояние")  # only a short title (ST) is given
    assert (utf.volume, utf.journal) == ("8", "Gynecology, Obstetrics and Perinatology")


def test_truncated_record_names_its_line(tmp_path):
    text = (DATA / "pubmed_zotero.ris").read_text(encoding="utf-8")
    cut = tmp_path / "cut.ris"
    cut.write_text(text[: text.rindex("ER  -")], encoding="utf-8")
    last = parsed("pubmed_zotero.ris").records[-1].line
    with pytest.raises(ImportFileError) as err:
        read_file(cut)
    message = str(err.value)
    assert str(cut) in message and f"starts at line {last}" in message
    assert "the file ends first" in message and "export it again" in message

    merged = tmp_path / "merged.ris"
    lines = text.split("\n")
    del lines[23]  # the first record's ER line
    assert lines[23] == "" and lines[24] == "TY  - JOUR"
    merged.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"starts at line 1 .*new record starts at line 25"):
        read_file(merged)


def test_ris_without_records(tmp_path):
    path = tmp_path / "notes.ris"
    path.write_text("Record #1 of 2\nProvider: Provider\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="not recognised"):
        read_file(path)
    with pytest.raises(ImportFileError, match="no RIS records were found"):
        read_file(path, format="ris")
