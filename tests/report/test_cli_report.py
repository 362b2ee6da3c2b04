"""`review report` as a user runs it: a real process writing each format."""

from __future__ import annotations

import subprocess
import sys

import docx

from tests.report.test_document import complete_review


def review(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "review.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_report_formats_from_suffix_and_option(tmp_path):
    db = complete_review(tmp_path / "ipg747.db")
    done = review("report", db, "-o", tmp_path / "overview.docx")
    assert done.returncode == 0, done.stderr
    assert "report written to" in done.stdout and "(docx)" in done.stdout
    headings = [p.text for p in docx.Document(str(tmp_path / "overview.docx")).paragraphs]
    assert "Study 1 Cazzato RL (2016)" in headings
    done = review("report", db, "--format", "html", "-o", tmp_path / "overview.txt", "-q")
    assert done.returncode == 0 and done.stdout == "", done.stderr
    page = (tmp_path / "overview.txt").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Study 2 Prologo JD (2017)" in page
    done = review("report", db, "-o", tmp_path / "overview.md")
    assert done.returncode == 0, done.stderr
    assert "| Study type | Case series (retrospective) |" in (tmp_path / "overview.md").read_text()


def test_bad_format_and_missing_database_are_plain_errors(tmp_path):
    db = complete_review(tmp_path / "ipg747.db")
    done = review("report", db, "-o", tmp_path / "overview.pdf")
    assert done.returncode == 2
    assert "Error: Cannot write a report as the format 'pdf'" in done.stderr
    assert "docx, html, md" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "overview.pdf").exists()
    done = review("report", db, "--format", "pdf", "-o", tmp_path / "x.docx")
    assert done.returncode == 2 and "'pdf' is not one of" in done.stderr
    done = review("report", tmp_path / "missing.db", "-o", tmp_path / "x.docx")
    assert done.returncode == 2 and "does not exist" in done.stderr
    assert not (tmp_path / "missing.db").exists()
