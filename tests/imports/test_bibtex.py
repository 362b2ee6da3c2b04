"""BibTeX as Zotero and JabRef write it, read with bibtexparser: macros, accents, names, and
malformed entries refused with their line, nothing stored."""

from __future__ import annotations

import random

import pytest

from review.errors import ImportFileError
from review.imports import detect_format, read_file
from review.imports.load import import_file
from review.records import Author
from review.store import open_store
from tests.imports.samples import parsed, sample

COMPARED = ("title", "journal", "year", "volume", "issue", "pages", "doi", "abstract")


@pytest.mark.parametrize(
    "bib,ris,count",
    [("zotero_style.bib", "pubmed_zotero.ris", 3), ("jabref_style.bib", "_baseline.ris", 2)],
)
def test_a_reference_managers_file_gives_the_records_of_the_same_export_as_ris(bib, ris, count):
    result = parsed(bib)
    assert (result.format, result.encoding, len(result.records), result.warnings) == (
        "bibtex", "utf-8", count, (),
    )  # fmt: skip
    for item, same in zip(result.records, parsed(ris).records[:count], strict=True):
        got, want = item.record, same.record
        assert {k: getattr(got, k) for k in COMPARED} == {k: getattr(want, k) for k in COMPARED}
        names = [(a.last_name, a.fore_name, a.initials) for a in got.authors]
        assert names == [(a.last_name, a.fore_name, a.initials) for a in want.authors]
        assert got.raw_format == "bibtex" and got.raw.startswith("@")
        text = sample(bib).read_text(encoding="utf-8")
        assert text.split("\n")[item.line - 1].lstrip().startswith("@")  # the entry's line


def test_zotero_keywords_and_escapes():
    rudnik, hicks, shen = (r.record for r in parsed("zotero_style.bib").records)
    assert rudnik.keywords == parsed("pubmed_zotero.ris").records[0].record.keywords
    assert "(body mass index >/= 30  kg/m(2))" in hicks.abstract  # {\textgreater} is >
    assert "95% CI" in hicks.abstract
    assert shen.title.startswith("Traditional Chinese medicine")  # {Chinese}: braces dropped
    # Zotero writes keywords comma-separated, so a MeSH term with a comma is split
    assert shen.keywords[2:4] == ("Colitis", "Ulcerative/*therapy")
    assert parsed("zotero_style.bib").records[0].original_id == "rudnik_importance_2019"


def test_jabref_string_macros_accents_and_von_parts():
    blomberg, strojan = (r.record for r in parsed("jabref_style.bib").records)
    assert blomberg.journal == "Molecular imaging and biology"  # journal = mib
    assert blomberg.authors[0] == Author("Blomberg", "Björn A.", "BA")  # Bj{\"o}rn
    assert strojan.authors[:2] == (Author("Strojan", "Primož", "P"), Author("Grošelj", "Aleš", "A"))
    assert Author("de Bree", "Remco", "R") in strojan.authors  # von part kept with the name
    assert blomberg.pmid == "22752652" and strojan.journal == "Cancers"
    assert "(22%)" in strojan.abstract  # 22\% in the file


BIBLATEX = r"""@String{jn = "Journal of "}
@String{pain = {Pain}}
@preamble{ "\newcommand{\noop}[1]{}" }
@comment{ anything }

@online{key1,
  author = {{World Health Organization} and Ludwig van Beethoven and Smith, Jr., John and others},
  title = {A  title
     over two lines},
  journaltitle = jn # pain # { Research},
  date = {2021-03-04},
  eprinttype = {pubmed},
  eprint = {12345},
  url = {https://doi.org/10.1000/abc%2Fdef},
  langid = {english},
  abstract = {Line one.
Line two: 5\% \& {\'e}t{\'e}.},
}

@inproceedings{key2,
  title = {Talk},
  booktitle = {Proceedings of Things},
  year = 2019,
  month = jan,
  note = {PMID: 999; PMCID: PMC42},
  author = {Nobody, A},
}
"""


def test_biblatex_fields_macros_concatenation_and_names(tmp_path):
    path = tmp_path / "lib.bib"
    path.write_text(BIBLATEX, encoding="utf-8")
    one, two = (r.record for r in read_file(path).records)
    assert one.authors == (
        Author(collective="World Health Organization"),
        Author("van Beethoven", "Ludwig", "L"),
        Author("Smith Jr.", "John", "J"),
    )  # "and others" is et al.
    assert one.title == "A title over two lines"
    assert one.journal == "Journal of Pain Research"
    assert (one.year, one.pmid, one.doi) == (2021, "12345", "10.1000/abc/def")  # no LaTeX comment
    assert one.abstract == "Line one.\nLine two: 5% & été."
    assert one.languages == ("english",) and one.publication_types == ("Web Page",)
    assert (two.journal, two.year, two.pmid, two.pmcid) == (
        "Proceedings of Things",
        2019,
        "999",
        "PMC42",
    )
    assert two.publication_types == ("Conference Paper",)


def test_the_format_is_found_from_the_content(tmp_path):
    assert detect_format(BIBLATEX) == "bibtex"
    assert detect_format("\n\n@Article{Smith2020,\r\n  title = {T},\r\n}\r\n") == "bibtex"
    path = tmp_path / "refs.txt"
    path.write_text(BIBLATEX, encoding="utf-8")
    assert read_file(path).format == "bibtex"


@pytest.mark.parametrize(
    "text,line,words",
    [
        (
            "@article{a,\n  title = {ok},\n}\n\n"
            "@article{bad,\n  title = {open,\n  year = {2020}\n}\n"
            "@article{c,\n  title = {C},\n}\n",
            5,
            ["'bad'", "looking for", "`}`"],
        ),
        ("@article{a,\n  title = {A},\n  oops\n}\n", 1, ["'a'", "Expected a `=`"]),
        ("@article{a,\n  title = {A},\n  title = {B},\n}\n", 1, ["'a'", "title twice"]),
    ],
)
def test_a_malformed_entry_fails_the_file_naming_its_line(tmp_path, text, line, words):
    path = tmp_path / "broken.bib"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        read_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line {line}: ") and "nothing was imported" in message
    assert all(w in message for w in words), message
    with open_store(tmp_path / "r.db") as store:
        with pytest.raises(ImportFileError):
            import_file(store, path)
        assert store.count_records() == 0  # all or nothing


def test_a_repeated_key_and_an_unknown_macro_are_warned_about(tmp_path):
    path = tmp_path / "w.bib"
    path.write_text(
        "@article{a,\n  title = {One},\n  journal = jpain,\n  year = {2020},\n}\n"
        "@article{a,\n  title = {Two},\n  year = {2021},\n}\n"
        "@article{b,\n  title = {Three},\n}\n",
        encoding="utf-8",
    )
    result = read_file(path)
    assert [r.record.title for r in result.records] == ["One", "Two", "Three"]
    assert [r.line for r in result.records] == [1, 6, 10]
    assert result.records[0].record.journal == "jpain"
    assert result.warnings == (
        "line 1: the entry 'a' uses jpain, defined nowhere in the file (no @string); kept as "
        "written",
        "line 6: the key 'a' is used again (first at line 1); both entries were imported",
        "record 3 (line 10): no year",
    )


def test_the_quick_unescaping_gives_what_pylatexenc_gives():
    """Values whose only LaTeX is an escaped % & _ # $ skip pylatexenc (most abstracts); the
    text must be the same either way, bare & included."""
    from review.imports.bibtex import _decode, _decoder

    alphabet = list("ab %&_#$\\{}-~`'x\n é") + ["\\%", "\\&", "\\_", "\\#", "\\$"]
    rng = random.Random(3)
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20))) for _ in range(3000)]
    assert [_decode(v) for v in values] == [_decoder().latex_to_text(v) for v in values]
    assert _decode("a & b, 5\\% \\& more") == "a & b, 5% & more"
