"""`review --help` and the light commands start without the heavy libraries (issue 15.4): the
ranking's (scikit-learn, scipy, pandas), the matcher's (numpy, rapidfuzz), the report's
(python-docx, matplotlib), the app's (streamlit), Biopython and openpyxl load only in the
commands that use them. Checked by what a fresh interpreter has imported, not by timing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "streamlit", "sklearn", "scipy", "pandas", "matplotlib", "docx", "openpyxl", "numpy",
    "rapidfuzz", "Bio", "charset_normalizer", "bibtexparser", "pylatexenc",
)  # fmt: skip

RUN = """
import json, sys
from review.cli import cli
try:
    cli(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _loaded(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", RUN.format(heavy=HEAVY), *args],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["search", "--help"],
        ["report", "--help"],
        ["progress", "--help"],
        ["export", "--help"],
        ["import", "--help"],
    ],
)
def test_help_loads_no_heavy_library(args):
    assert _loaded(*args) == []


def test_init_and_status_load_no_heavy_library(tmp_path):
    db = str(tmp_path / "r.db")
    assert _loaded("init", db, "-q") == []
    assert _loaded("status", db) == []


def test_a_command_that_needs_them_still_gets_them(tmp_path):
    """The libraries moved into the commands are there when the command runs."""
    db = str(tmp_path / "r.db")
    _loaded("init", db, "-q")
    assert {"numpy", "rapidfuzz"} <= set(_loaded("dedupe", db, "-q"))
