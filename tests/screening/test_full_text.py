"""Full texts: PDFs only, each upload a new version with who and when, none replaced."""

from __future__ import annotations

import pytest

from review.errors import PermissionDenied
from review.records import Record
from review.screening.full_text import (
    FullTextError,
    full_text_bytes,
    full_text_versions,
    keep_full_text,
    latest_full_text,
)
from review.screening.model import Reviewer
from review.store import open_store

ANN, BOB = Reviewer("ann", "reviewer"), Reviewer("bob", "lead")
PDF_1, PDF_2 = b"%PDF-1.7\nfirst version", b"%PDF-1.4\nsecond version"


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "review.db") as store:
        store.add_records("test", [("1", Record(title="One", raw="1"))])
        store.add_records("test", [("2", Record(title="Two", raw="2"))])
        yield store


def test_every_upload_is_a_new_version_and_none_is_replaced(store):
    first = keep_full_text(store, ANN, 1, "smith2020.pdf", PDF_1)
    second = keep_full_text(store, BOB, 1, "smith2020-corrected.pdf", PDF_2)
    assert (first.version.version, second.version.version) == (1, 2)
    versions = full_text_versions(store, 1)
    assert [(v.version, v.file_name, v.uploaded_by) for v in versions] == [
        (2, "smith2020-corrected.pdf", "bob"),
        (1, "smith2020.pdf", "ann"),
    ]
    assert all(v.uploaded_at for v in versions)
    assert latest_full_text(store, 1) == versions[0]
    assert full_text_bytes(store, versions[0]) == PDF_2
    assert full_text_bytes(store, versions[1]) == PDF_1  # the first is still there, unchanged
    assert full_text_versions(store, 2) == [] and latest_full_text(store, 2) is None


def test_the_same_file_again_is_not_stored_twice(store):
    keep_full_text(store, ANN, 1, "a.pdf", PDF_1)
    again = keep_full_text(store, BOB, 1, "a (1).pdf", PDF_1)
    assert again.already_kept and again.version.version == 1
    assert len(full_text_versions(store, 1)) == 1


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html>Sign in to read the article</html>",
        b"PK\x03\x04 a zip",
        b" %PDF-1.7 with a space in front",
        b"%PDF",
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_with_its_name(store, content):
    with pytest.raises(FullTextError, match=r"^login\.pdf is not a PDF.*%PDF-"):
        keep_full_text(store, ANN, 1, "login.pdf", content)
    assert full_text_versions(store, 1) == []


def test_an_empty_file_and_an_unknown_record_are_refused(store):
    with pytest.raises(FullTextError, match="empty.pdf is empty"):
        keep_full_text(store, ANN, 1, "empty.pdf", b"")
    with pytest.raises(FullTextError, match="no record 99"):
        keep_full_text(store, ANN, 99, "x.pdf", PDF_1)


def test_the_file_name_loses_any_folder(store):
    kept = keep_full_text(store, ANN, 1, "C:\\Users\\ann\\..\\secret\\paper.pdf", PDF_1)
    assert kept.version.file_name == "paper.pdf"
    kept = keep_full_text(store, ANN, 1, "../../etc/paper2.pdf", PDF_2)
    assert kept.version.file_name == "paper2.pdf"


def test_keeping_a_full_text_goes_through_the_permission_table(store, monkeypatch):
    from review import permissions

    monkeypatch.setitem(permissions.PERMISSIONS, "keep_full_text", (("lead",), "keep a PDF"))
    with pytest.raises(PermissionDenied, match="ann is a reviewer"):
        keep_full_text(store, ANN, 1, "a.pdf", PDF_1)
    assert full_text_versions(store, 1) == []
    keep_full_text(store, BOB, 1, "a.pdf", PDF_1)


def test_a_full_text_kept_before_versions_becomes_version_1(tmp_path):
    path = tmp_path / "old.db"
    with open_store(path) as store:
        store.add_records("test", [("1", Record(title="One", raw="1"))])
        store.conn.executescript(
            """
            DROP TABLE full_text_versions;
            CREATE TABLE full_texts (
                record_id INTEGER PRIMARY KEY REFERENCES records (id), file_name TEXT NOT NULL,
                content BLOB NOT NULL, sha256 TEXT NOT NULL, uploaded_by TEXT NOT NULL,
                uploaded_at TEXT NOT NULL);
            INSERT INTO full_texts VALUES (1, 'old.pdf', X'255044462D312E33', 'abc', 'ann',
                                           '2025-01-02T03:04:05+00:00');
            DELETE FROM schema_migrations WHERE version = 6;
            """
        )
    with open_store(path) as store:
        [old] = full_text_versions(store, 1)
        assert (old.version, old.file_name, old.uploaded_by, old.size) == (1, "old.pdf", "ann", 8)
        assert full_text_bytes(store, old) == b"%PDF-1.3"
        assert keep_full_text(store, ANN, 1, "new.pdf", PDF_1).version.version == 2
        assert not store.query(
            "SELECT name FROM sqlite_master WHERE name = 'full_texts'"
        )  # one place for full texts: the old table is gone
