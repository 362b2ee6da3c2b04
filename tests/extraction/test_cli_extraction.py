"""`review protocol`, `review studies` and `review extraction` as a user runs them: through
``review.cli.main`` (and once in a real process), on real review files and workbooks."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from review.cli import main
from review.extraction.model import EfficacyFinding
from review.extraction.protocol import current_protocol, read_protocol
from review.extraction.studies import list_studies, save_details, save_findings
from review.screening.decisions import settings
from review.screening.model import Reviewer
from review.store import open_store
from tests.extraction.ipg747 import PROTOCOL, STUDY1, STUDY2_PAIN, build_review

LEAD = Reviewer("lead", "lead")


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def review(monkeypatch, capsys):
    """Run ``review ARGS`` through ``review.cli.main``, as the installed command does."""

    def run(*args, check=True) -> Done:
        monkeypatch.setattr(sys, "argv", ["review", *map(str, args)])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        out = capsys.readouterr()
        done = Done(code, out.out, out.err)
        if check:
            assert done.returncode == 0, done.stderr + done.stdout
        return done

    return run


def real_process(*args) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "review.cli", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_protocol_is_imported_and_printed(tmp_path, review):
    db = tmp_path / "r.db"
    review("init", db)
    done = review("protocol", db, PROTOCOL, "--by", "lead")
    assert "3 efficacy and 5 safety outcomes" in done.stdout
    printed = review("protocol", db).stdout
    back = tmp_path / "back.toml"
    back.write_text(printed, encoding="utf-8")
    assert read_protocol(back) == read_protocol(PROTOCOL)
    assert '\n[screening]\nmode = "single"\n' in printed
    dual = tmp_path / "dual.toml"
    dual.write_text(printed.replace('mode = "single"', 'mode = "dual"'), encoding="utf-8")
    assert "Screening: dual." in review("protocol", db, dual, "--by", "lead").stdout
    with open_store(db) as store:
        assert settings(store).dual is True  # what the Settings page and the Screen page read
    assert review("protocol", db).stdout == printed.replace('mode = "single"', 'mode = "dual"')
    bad = tmp_path / "bad.toml"
    bad.write_text('[[efficacy]]\nname = "Pain"\ncolour = "red"\n', encoding="utf-8")
    failed = review("protocol", db, bad, check=False)
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    assert failed.stderr.startswith(f"Error: {bad}: [[efficacy]] number 1: unknown key(s) colour")
    with open_store(db) as store:
        assert current_protocol(store) == read_protocol(PROTOCOL)  # the bad file changed nothing
    missing = review("protocol", tmp_path / "none.db", check=False)
    assert missing.returncode == 2 and "review init" in missing.stderr


def test_studies_are_listed_synced_and_linked(tmp_path, review):
    db = tmp_path / "r.db"
    build_review(db)
    listed = review("studies", db).stdout.splitlines()
    assert len(listed) == 7 and listed[0].split()[:4] == ["1", "Cazzato", "2016", "undecided"]
    assert listed[0].endswith("records 1 (main)")
    assert "0 new studies" in review("studies", db, "--sync").stdout
    done = review("studies", db, "--link", 1, 6, 7, "--main", 7)
    assert "Study 1: records 6, 7 linked." in done.stdout
    with open_store(db) as store:
        found = {s.id: s for s in list_studies(store)}
    assert [r.record_id for r in found[1].records] == [7, 1, 6] and set(found) == {1, 2, 3, 4, 5}
    usage = review("studies", db, "--link", 1, check=False)
    assert usage.returncode == 2 and "needs the numbers of the records" in usage.stderr
    refused = review("studies", db, "--link", 99, 2, check=False)
    assert refused.returncode == 2 and "Error: There is no study 99" in refused.stderr


def test_extraction_export_edit_import(tmp_path, review):
    db, fresh = tmp_path / "r.db", tmp_path / "fresh.db"
    build_review(fresh)
    build_review(db)
    with open_store(db) as store:
        save_details(store, 1, STUDY1, LEAD)
        save_findings(store, 2, LEAD, efficacy=STUDY2_PAIN)
        expected = list_studies(store)
    book = tmp_path / "extraction.xlsx"
    done = review("extraction", "export", db, "-o", book)
    counts = f"7 studies, {len(STUDY2_PAIN)} efficacy results, 0 safety results"
    assert done.stdout == f"{book}: {counts}.\n"
    done = review("extraction", "import", fresh, book, "--by", "assistant")
    assert "7 studies (2 changed)" in done.stdout
    with open_store(fresh) as store:
        assert list_studies(store) == expected
        events = store.extraction_event_rows()
    assert {e.actor for e in events if e.source == "import:extraction.xlsx"} == {"assistant"}

    workbook = load_workbook(book)
    workbook["Efficacy"]["G3"] = "abc"
    workbook.save(book)
    failed = real_process("extraction", "import", fresh, book)
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    assert "extraction.xlsx, sheet Efficacy, row 3, column G (value): 'abc'" in failed.stderr

    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    failed = review("extraction", "import", fresh, text, check=False)
    assert failed.returncode == 2 and "Error: notes.xlsx is not an Excel workbook" in failed.stderr
    with open_store(fresh) as store:
        assert list_studies(store) == expected


def test_extraction_csv_export(tmp_path, review):
    db = tmp_path / "r.db"
    build_review(db)
    with open_store(db) as store:
        note = "=cmd|' /C calc'!A0"
        finding = EfficacyFinding("Reduction in pain", "Mean VAS", "0", value="6.20", note=note)
        save_findings(store, 2, LEAD, efficacy=[finding])
    out = tmp_path / "efficacy.csv"
    assert review("extraction", "export", db, "-o", out, "--kind", "efficacy").stdout == (
        f"{out}: 1 rows of efficacy.\n"
    )
    with out.open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["note"] == "'" + note and row["value"] == "6.20"
    for args, message in (
        (("-o", tmp_path / "x.csv"), "add --kind"),
        (("-o", tmp_path / "x.xlsx", "--kind", "safety"), "--kind is for CSV"),
        (("-o", tmp_path / "x.txt"), "name a .xlsx workbook or a .csv file"),
    ):
        failed = review("extraction", "export", db, *args, check=False)
        assert failed.returncode == 2 and message in failed.stderr
