"""BibTeX out and back in: the fields we keep come back equal, from real records (PubMed XML
with MeSH and structured abstracts, Lens.org RIS with accented names, Zotero, Scopus, WoS)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from review.exports import export, export_rows
from review.exports.bibtex import bibtex_entry, citation_key, latex_text
from review.imports.bibtex import read_bibtex
from review.imports.load import import_file
from review.records import Author, Record
from review.store import open_store
from tests.exports.review import screened_review

DATA = Path(__file__).resolve().parents[1] / "data"
SOURCES = [
    DATA / "pubmed" / "efetch.pubmed.xml",
    DATA / "pubmed" / "pubmed-29768149.xml",
    DATA / "imports" / "_baseline.ris",
    DATA / "imports" / "pubmed_zotero.ris",
    DATA / "imports" / "scopus.ris",
    DATA / "imports" / "web_of_science.txt",
    DATA / "imports" / "embase.csv",
]
KEPT = (
    "title", "authors", "journal", "journal_abbrev", "year", "volume", "issue", "pages", "doi",
    "pmid", "pmcid", "abstract", "keywords", "publication_types", "languages", "kind",
)  # fmt: skip


def kept(record: Record) -> dict:
    values = {name: getattr(record, name) for name in KEPT}
    # a name goes out as "Last, Fore" (or "Last, Initials") and is read as every reader reads
    # names (fields.parse_author): initials come from the fore name, not as PubMed gave them
    # ("Alda M B N" is "AM" there), and a fore name "T C" is read as the initials TC
    values["authors"] = tuple(
        (a.last_name, re.sub(r"[\s.]", "", a.fore_name or a.initials), a.collective)
        for a in record.authors
    )
    values["mesh"] = tuple(m.descriptor for m in record.mesh_headings)
    return values


def test_export_then_import_into_a_fresh_review_keeps_every_field(tmp_path):
    first = tmp_path / "first.db"
    with open_store(first) as store:
        for path in SOURCES:
            import_file(store, path)
        originals = [r for _, r in store.records_for_matching()]
        result = export(store, tmp_path / "all.bib", "bibtex")
    assert result.records == len(originals) > 120
    again = tmp_path / "again.db"
    with open_store(again) as store:
        imported = import_file(store, tmp_path / "all.bib")
        back = [r for _, r in store.records_for_matching()]
    assert (imported.format, imported.records, imported.warnings) == ("bibtex", len(back), ())
    assert len(back) == len(originals)
    assert sum(bool(r.mesh_headings) for r in originals) >= 1  # the XML brings MeSH
    assert any("\n" in r.abstract for r in originals)  # and structured abstracts
    assert any(not a.isascii() for r in originals for a in map(str, r.authors))
    for original, read in zip(originals, back, strict=True):
        want = kept(original)
        want["title"] = " ".join(original.title.split())  # titles are read folded
        if not original.publication_types:
            want["publication_types"] = ("Journal Article",)  # the entry type says it
        assert kept(read) == want, original.title


def test_latex_escaping_decodes_back_to_the_same_text():
    """Every special character and ligature, at random, through bibtexparser and pylatexenc."""
    alphabet = list("ab Z-'`!?{}\\$%&#_~^@\"<>,;=()[]*/.:\n\t é–“”ü\u00a0α0") + [
        "--", "''", "``", "\n@article{", "\n}", "\n  title = {", "\\n", "$$",
    ]  # fmt: skip
    rng = random.Random(7)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(800)]
    text = "".join(
        f"@article{{k{i},\n  abstract = {{{latex_text(t)}}},\n  year = {{2020}},\n}}\n\n"
        for i, t in enumerate(texts)
    )
    records, warnings = read_bibtex(text, "fuzz.bib")
    assert warnings == [] and len(records) == len(texts)
    assert [r.record.abstract for r in records] == [t.strip() for t in texts]


def test_an_entry_carries_its_decisions_in_annote_and_a_readable_key(tmp_path):
    db = screened_review(tmp_path / "r.db")
    with open_store(db) as store:
        rows = {r.record_id: r for r in export_rows(store)}
    entry = bibtex_entry(rows[2])
    assert entry.startswith("@article{Smith2011-2,\n")
    assert "  annote = {Duplicate of record 1\nScreening, title/abstract: include\n" in entry
    assert "Screening, full-text: include}," in entry
    assert "  pages = {101-109},\n" in entry


@pytest.mark.parametrize(
    "types,kind,expected",
    [
        (("Journal Article",), "article", "@article{"),
        (("Conference Abstract",), "article", "@inproceedings{"),
        (("Book Section",), "book", "@incollection{"),
        ((), "book", "@book{"),
        (("Thesis",), "article", "@phdthesis{"),
    ],
)
def test_the_entry_type_follows_what_the_record_is(tmp_path, types, kind, expected):
    path = tmp_path / "r.db"
    record = Record(title="T", journal="J", publication_types=types, kind=kind, raw="1")
    with open_store(path) as store:
        store.add_records("t", [("1", record)])
        row = next(export_rows(store))
    entry = bibtex_entry(row)
    assert entry.startswith(expected)
    assert ("booktitle = {J}" in entry) == (expected in ("@inproceedings{", "@incollection{"))
    back = read_bibtex(entry, "one.bib")[0][0].record
    assert (back.journal, back.kind) == ("J", kind)


def test_names_that_bibtex_would_split_are_braced(tmp_path):
    path = tmp_path / "r.db"
    authors = (
        Author(collective="Barnes and Noble Study Group"),
        Author("van der Berg", "Jan", "J"),
        Author("Ørsted", "", "HC"),
        Author("O'Brien, Jr", "Pat", "P"),
    )
    with open_store(path) as store:
        store.add_records("t", [("1", Record(title="T", authors=authors, year=2001, raw="1"))])
        row = next(export_rows(store))
    entry = bibtex_entry(row)
    assert "{Barnes and Noble Study Group} and van der Berg, Jan and Ørsted, HC" in entry
    assert citation_key(row) == "Barnes2001-1"
    assert read_bibtex(entry, "one.bib")[0][0].record.authors == authors
