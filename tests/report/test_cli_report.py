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


def test_prisma_writes_svg_and_png_with_the_database_numbers(tmp_path):
    import json
    from xml.etree import ElementTree

    db = complete_review(tmp_path / "ipg747.db")
    done = review("prisma", db, "-o", tmp_path / "flow.svg", "--json")
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout[done.stdout.index("{") :])
    assert counts["records_identified"] == 7 and counts["reports_included"] == 7
    text = "".join(ElementTree.parse(tmp_path / "flow.svg").getroot().itertext())
    assert "MEDLINE" in text and "(n = 7)" in text.replace("n=", "n = ")
    done = review("prisma", db, "-o", tmp_path / "flow.png")
    assert done.returncode == 0 and (tmp_path / "flow.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    wrong = review("prisma", db, "-o", tmp_path / "flow.pdf")
    assert wrong.returncode == 2 and ".svg" in wrong.stderr
