"""Files that are not UTF-8 are read in the encoding they were written in (issue 10, part 5).

The bytes are written out by hand: a test that encoded its own expected text would pass whatever
encoding the reader chose.
"""

from __future__ import annotations

import re

import pytest

from review.errors import ImportFileError
from review.imports import read_file
from review.imports.load import import_file
from review.store import open_store

C1 = re.compile("[\x80-\x9f]")


def stored_titles(tmp_path, path) -> tuple[list[str], object]:
    """Import ``path`` into a fresh review and read the titles back from the database."""
    with open_store(tmp_path / "r.db") as store:
        result = import_file(store, path)
        rows = store.record_rows(limit=100)
        records = store.records_by_id([r.id for r in rows])
    titles = [records[r.id].title for r in sorted(rows, key=lambda r: r.id)]
    for record in records.values():
        assert not C1.search(record.raw) and not C1.search(record.title)
    return titles, result


def ris(*titles: bytes) -> bytes:
    record = b"TY  - JOUR\r\nTI  - %s\r\nPY  - 2020\r\nER  - \r\n\r\n"
    return b"".join(record % t for t in titles)


def test_windows_1252_ris_keeps_curly_quotes_dashes_and_the_euro(tmp_path):
    path = tmp_path / "cp1252.ris"
    path.write_bytes(
        ris(
            b"\x93Curly quotes\x94 and \x91single\x92 ones",
            b"Costs 2010\x962015 \x97 \x80120 per patient",
            b"M\xfcller\x92s caf\xe9 study",
        )
    )
    titles, result = stored_titles(tmp_path, path)
    assert titles == [
        "\u201cCurly quotes\u201d and \u2018single\u2019 ones",
        "Costs 2010\u20132015 \u2014 \u20ac120 per patient",
        "M\u00fcller\u2019s caf\u00e9 study",
    ]
    assert result.encoding == "cp1252"
    assert result.warnings == ("read as Windows-1252 (cp1252): not valid UTF-8 at line 2",)


def test_utf16_with_a_bom_and_without_one(tmp_path):
    text = "title,authors\r\n\u201cQuoted\u201d caf\u00e9 trial \u2013 \u20ac,M\u00fcller K.\r\n"
    with_bom = tmp_path / "bom.csv"
    with_bom.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    titles, result = stored_titles(tmp_path / "a", with_bom)
    assert titles == ["\u201cQuoted\u201d caf\u00e9 trial \u2013 \u20ac"]
    assert result.encoding == "utf-16" and "UTF-16" in result.warnings[0]

    bare = tmp_path / "bare.ris"
    bare.write_bytes(
        "TY  - JOUR\nTI  - \u00c9tude \u2013 na\u00efve\nER  - \n".encode("utf-16-be")
    )  # no byte-order mark at all
    titles, result = stored_titles(tmp_path / "b", bare)
    assert titles == ["\u00c9tude \u2013 na\u00efve"]
    assert result.encoding == "utf-16-be"
    assert result.warnings[0].startswith("read as UTF-16 (big-endian, no byte-order mark)")


def test_latin1_ris(tmp_path):
    path = tmp_path / "latin1.ris"
    path.write_bytes(ris(b"Caf\xe9 au lait \xe0 Z\xfcrich", b"Lindgr\xe9n \xa7 5 \xb1 2\xb0C"))
    titles, result = stored_titles(tmp_path, path)
    assert titles == ["Café au lait à Zürich", "Lindgrén § 5 ± 2°C"]
    assert result.encoding == "latin-1"
    assert result.warnings == ("read as Latin-1 (ISO-8859-1): not valid UTF-8 at line 2",)


def test_mac_roman_ris(tmp_path):
    path = tmp_path / "mac.ris"
    # Mac OS Roman: 0x8E é, 0x88 à, 0x9F ü, 0xD1 em dash, 0xD2/0xD3 curly double quotes
    path.write_bytes(ris(b"Caf\x8e au lait \x88 Z\x9frich \xd1 \xd2r\x8esum\x8e\xd3"))
    titles, result = stored_titles(tmp_path, path)
    assert titles == ["Café au lait à Zürich \u2014 \u201crésumé\u201d"]
    assert result.encoding == "mac-roman" and "Mac OS Roman" in result.warnings[0]


def test_utf8_fast_paths_have_no_warning(tmp_path):
    plain, bom = tmp_path / "plain.ris", tmp_path / "bom.ris"
    plain.write_bytes(ris("\u201cQuoted\u201d \u2013 \u20ac".encode()))
    bom.write_bytes(b"\xef\xbb\xbf" + ris("\u201cQuoted\u201d \u2013 \u20ac".encode()))
    for path, encoding in ((plain, "utf-8"), (bom, "utf-8-sig")):
        result = read_file(path)
        assert (result.encoding, result.warnings) == (encoding, ())
        assert result.records[0].record.title == "\u201cQuoted\u201d \u2013 \u20ac"


@pytest.mark.parametrize("byte", range(0x80, 0x100), ids=lambda b: f"0x{b:02X}")
def test_no_high_byte_becomes_a_c1_control_character(tmp_path, byte):
    """Whatever encoding is chosen, stored text never holds U+0080-U+009F; a byte that no
    candidate reads is refused by name and line instead."""
    path = tmp_path / "one.ris"
    path.write_bytes(ris(b"Title with " + bytes([byte]) + b" in it"))
    try:
        result = read_file(path)
    except ImportFileError as exc:
        assert f"0x{byte:02X} at line 2" in str(exc) and "one.ris" in str(exc)
        return
    raw = result.records[0].record.raw
    assert not C1.search(raw) and re.search(r"TI  - Title with . in it\r\n", raw)
    assert result.encoding in ("cp1252", "latin-1", "mac-roman")
