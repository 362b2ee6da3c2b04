"""CSV read strictly: an unclosed quote, an oversized cell and a stray quote are refused with the
file and the line; long cells up to the limit RIS has are read (issue 10, part 5)."""

from __future__ import annotations

import pytest

from review.errors import ImportFileError
from review.imports import read_file
from review.imports.csvrows import FIELD_LIMIT
from review.imports.load import import_file
from review.store import open_store


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def refusal(path) -> str:
    with pytest.raises(ImportFileError) as caught:
        read_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    return message


def test_an_unclosed_quote_is_refused_with_its_line_not_joined_into_one_title(tmp_path):
    path = write(
        tmp_path,
        "refs.csv",
        'title,authors,year\nFirst study,Smith J,2001\n"Second study, unclosed,Jones A,2002\n'
        "Third study,Brown B,2003\nFourth study,White C,2004\n",
    )
    message = refusal(path)
    assert "line 3: a quote opens a cell that is not closed" in message
    assert "the end of the file" in message
    with open_store(tmp_path / "r.db") as store:
        with pytest.raises(ImportFileError):
            import_file(store, path)
        assert store.count_records() == 0


def test_an_unclosed_quote_closed_by_a_later_rows_quote_is_still_refused(tmp_path):
    # Read loosely, rows 3-5 become one title: 'Second study,Jones A,2002\nThird ...'.
    path = write(
        tmp_path,
        "refs.csv",
        'title,authors,year\nFirst study,Smith J,2001\n"Second study,Jones A,2002\n'
        'Third study,Brown B,2003\n"Fourth, quoted",White C,2004\n',
    )
    message = refusal(path)
    assert "line 3: a quote opens a cell that is not closed" in message
    assert "run on to line 5" in message


def test_a_stray_quote_after_a_closed_cell_names_its_line(tmp_path):
    path = write(tmp_path, "refs.csv", 'title,year\n"Fine",2001\n"Bad" cell,2002\n')
    assert "line 3: this row cannot be read as CSV" in refusal(path)


def test_quoted_cells_with_line_breaks_and_doubled_quotes_are_read(tmp_path):
    path = write(
        tmp_path,
        "refs.csv",
        'title,abstract\n"A ""quoted"" title","Line one\nline two, with a comma"\nNext,x\n',
    )
    result = read_file(path)
    assert [(r.line, r.record.title) for r in result.records] == [
        (2, 'A "quoted" title'),
        (4, "Next"),
    ]
    assert result.records[0].record.abstract_sections[0].text == (
        "Line one\nline two, with a comma"
    )
    assert result.records[0].record.raw == (
        '"A ""quoted"" title","Line one\nline two, with a comma"\n'
    )


def test_a_5_mb_line_gives_a_message_not_a_traceback(tmp_path):
    path = write(tmp_path, "big.csv", "title,abstract\nShort,x\nHuge," + "a" * 5_000_000 + "\n")
    message = refusal(path)
    assert f"line 3: a cell is longer than {FIELD_LIMIT:,} characters" in message


def test_a_5_mb_header_is_not_a_traceback(tmp_path):
    path = write(tmp_path, "big.csv", "title," + "a" * 5_000_000 + "\nShort,x\n")
    assert "line 1" in refusal(path)


def test_cells_up_to_the_limit_are_read_as_ris_values_are(tmp_path):
    # The csv module's own default stops at 131,072 characters; an abstract or a Scopus
    # reference list may be longer, and RIS takes it, so CSV takes it too.
    long = "word " * 60_000  # 300,000 characters
    csv_path = write(tmp_path, "long.csv", f'title,abstract\nLong one,"{long}"\n')
    ris_path = write(tmp_path, "long.ris", f"TY  - JOUR\nTI  - Long one\nAB  - {long}\nER  - \n")
    from_csv = read_file(csv_path).records[0].record
    from_ris = read_file(ris_path).records[0].record
    assert from_csv.abstract_sections[0].text == from_ris.abstract_sections[0].text == long.strip()
    with open_store(tmp_path / "r.db") as store:
        assert import_file(store, csv_path).new == 1  # the stored row reads back too


def test_ris_values_over_the_same_limit_are_refused(tmp_path):
    path = write(
        tmp_path,
        "big.ris",
        "TY  - JOUR\nTI  - Fine\nER  - \nTY  - JOUR\nTI  - Big\nAB  - "
        + "a" * (FIELD_LIMIT + 10)
        + "\nER  - \n",
    )
    assert f"line 6: the AB value is longer than {FIELD_LIMIT:,} characters" in refusal(path)
