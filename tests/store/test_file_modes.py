"""The review file, its WAL and SHM (and the PDFs kept inside it) are readable by their owner only,
whoever creates them: the library, the CLI, an import, the app; whatever the umask says."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import cli
from review.records import Record
from review.store import open_store

RIS = "TY  - JOUR\nTI  - Cryoablation of neuroma\nPY  - 2020\nER  - \n"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def side_files(db: Path) -> list[Path]:
    return [Path(f"{db}{suffix}") for suffix in ("-wal", "-shm")]


@pytest.fixture
def open_umask():
    """The loosest umask a user may have: nothing is masked off."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def assert_private(db: Path) -> None:
    assert mode(db) == 0o600, oct(mode(db))
    for side in side_files(db):
        assert side.exists(), f"{side} is missing: the checks below would prove nothing"
        assert mode(side) == 0o600, f"{side}: {oct(mode(side))}"


def test_a_new_review_and_its_wal_are_owner_only(tmp_path, open_umask):
    db = tmp_path / "new" / "deeper" / "review.db"
    with open_store(db) as store:
        store.add_records("test", [("1", Record(title="A title", raw="1"))])
        assert_private(db)
        assert mode(db.parent) == 0o700
        assert mode(db.parent.parent) == 0o700
    assert mode(db) == 0o600


def test_an_existing_loose_file_is_tightened_and_its_mode_does_not_spread(tmp_path, open_umask):
    db = tmp_path / "review.db"
    with open_store(db):
        pass
    os.chmod(db, 0o644)  # made by an older version, or copied with a loose umask
    for side in side_files(db):
        side.unlink(missing_ok=True)
    with open_store(db) as store:
        store.add_records("test", [("1", Record(title="A title", raw="1"))])
        assert_private(db)  # SQLite gives a new WAL the db file's mode: 0600, not 0644


def test_a_loose_wal_left_behind_is_tightened(tmp_path, open_umask):
    db = tmp_path / "review.db"
    first = open_store(db)
    first.add_records("test", [("1", Record(title="A title", raw="1"))])
    for side in side_files(db):
        os.chmod(side, 0o644)
    with open_store(db):  # a second process opening the review while the first has it open
        assert_private(db)
    first.close()


def test_the_cli_init_and_import_make_owner_only_files(tmp_path, open_umask):
    runner = CliRunner()
    made = tmp_path / "init.db"
    result = runner.invoke(cli, ["init", str(made)])
    assert result.exit_code == 0, result.output
    assert mode(made) == 0o600

    ris = tmp_path / "embase.ris"
    ris.write_text(RIS, encoding="utf-8")
    imported = tmp_path / "fresh" / "import.db"
    result = runner.invoke(cli, ["import", str(imported), str(ris), "--quiet"])
    assert result.exit_code == 0, result.output
    assert mode(imported) == 0o600
    assert mode(imported.parent) == 0o700


def test_the_app_creates_an_owner_only_review(tmp_path, monkeypatch, open_umask):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "app" / "review.db"
    monkeypatch.setenv("REVIEW_DB", str(db))

    def overview():
        from review.ui import overview

        overview.page()

    at = AppTest.from_function(overview).run(timeout=30)
    assert not at.exception
    assert_private(db)
    assert mode(db.parent) == 0o700


def test_kept_pdfs_live_inside_the_owner_only_review_file(tmp_path, open_umask):
    from review.screening.full_text import keep_full_text
    from review.screening.model import Reviewer

    db = tmp_path / "review.db"
    with open_store(db) as store:
        store.add_records("test", [("1", Record(title="A title", raw="1"))])
        keep_full_text(store, Reviewer("ann"), 1, "paper.pdf", b"%PDF-1.7 body")
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "review.db",
            "review.db-shm",
            "review.db-wal",
        ]
        assert_private(db)
