"""Progress on a terminal (issue 15.4): the `review` command, run as a user runs it with its
standard error on a pseudo-terminal, draws every long step, the dedupe after an import or a
harvest included; --quiet, --json and a stderr that is not a terminal get nothing."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "imports"


def on_terminal(*args, delay: str | None = "0", fake=None, tty: bool = True):
    """Run `review ARGS` with stderr on a pty (or a pipe): (exit code, stdout, stderr)."""
    env = {**os.environ, "NCBI_EMAIL": "tests@example.org", "NCBI_API_KEY": "test-key"}
    env.pop("REVIEW_PROGRESS_DELAY", None)
    if delay is not None:
        env["REVIEW_PROGRESS_DELAY"] = delay
    if fake is not None:
        env["REVIEW_EUTILS_URL"] = fake.base_url
    command = [sys.executable, "-m", "review.cli", *map(str, args)]
    if not tty:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the pty's other end closed: the command is done
                chunk = b""
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    out = process.stdout.read().decode() if process.stdout else ""
    code = process.wait(timeout=120)
    os.close(master)
    return code, out, seen.decode()


def lines(stderr: str) -> list[str]:
    """Each bar as last drawn before its line ended."""
    text = re.sub(r"\x1b\[\?25[lh]", "", stderr)
    return [part.split("\r")[-1].strip() for part in text.replace("\r\n", "\n").split("\n")]


def test_an_import_draws_each_step_then_prints_its_result(tmp_path):
    db = tmp_path / "r.db"
    code, out, err = on_terminal("import", db, DATA / "embase.ris", DATA / "embase.csv")
    assert code == 0, err
    drawn = [line for line in lines(err) if line]
    assert [line.split("  [")[0] for line in drawn] == [
        "Reading embase.ris",
        "Storing embase.ris",
        "Reading embase.csv",
        "Storing embase.csv",
        "Loading and preparing records",
        "Grouping records into blocks",
        "Finding candidate pairs",
        "Scoring candidate pairs",
        "Storing duplicate pairs",
    ]
    assert all("100%" in line for line in drawn)  # every step ended at its total
    assert "Reading embase.ris  [" in err and "385/385" in err
    assert "Duplicates: 6 merged automatically" in out  # the result, on stdout as before


@pytest.mark.parametrize("flag", ["--quiet", "--json"])
def test_quiet_and_json_draw_nothing(tmp_path, flag):
    code, out, err = on_terminal("import", tmp_path / "r.db", DATA / "embase.ris", flag)
    assert code == 0 and err == ""
    if flag == "--json":
        assert json.loads(out)[0]["new"] == 6


def test_nothing_is_drawn_when_stderr_is_not_a_terminal(tmp_path):
    code, _, err = on_terminal("import", tmp_path / "r.db", DATA / "embase.ris", tty=False)
    assert code == 0 and err == ""


def test_quick_steps_are_not_drawn_with_the_default_delay(tmp_path):
    code, out, err = on_terminal("import", tmp_path / "r.db", DATA / "embase.ris", delay=None)
    assert code == 0 and err == "" and "6 records added" in out


def test_a_long_dedupe_shows_progress_after_the_delay(tmp_path):
    """3,000 generated records, their titles made from a few templates: a dedupe of a few
    seconds, some of its steps longer than the delay."""
    from tests.fake_eutils import make_corpus

    big = tmp_path / "big.xml"
    body = b"\n".join(r.xml for r in make_corpus(3000, seed=4))
    big.write_bytes(b"<?xml version='1.0'?>\n<PubmedArticleSet>\n%s\n</PubmedArticleSet>" % body)
    db = tmp_path / "r.db"
    code, _, _ = on_terminal("import", db, big, "--no-dedupe", "-q")
    assert code == 0
    code, out, err = on_terminal("dedupe", db, delay="0.3")
    assert code == 0, err
    drawn = [line.split("  [")[0] for line in lines(err) if line]
    assert drawn and set(drawn) <= {
        "Loading and preparing records",
        "Grouping records into blocks",
        "Finding candidate pairs",
        "Scoring candidate pairs",
        "Storing duplicate pairs",
    }
    assert "records are duplicates of another" in out


def test_a_search_draws_the_dedupe_after_its_fetch(tmp_path, fake, small_corpus):
    """The silence the issue measured: the fetch bar at 100% while the new records were
    deduplicated, unseen."""
    code, out, err = on_terminal("search", tmp_path / "r.db", "cryoablation", "--name", "cryo",
                                 fake=fake)  # fmt: skip
    assert code == 0, err
    drawn = [line.split("  [")[0] for line in lines(err) if line]
    n = f"{len(small_corpus):,}"
    assert drawn[:2] == ["cryo: searching PubMed", "cryo: fetching records"]
    assert f"{n}/{n}" in lines(err)[1]
    assert drawn[2:] == [
        "Loading and preparing records",
        "Grouping records into blocks",
        "Finding candidate pairs",
        "Scoring candidate pairs",
    ]  # no pairs to store: a step with nothing to do is not drawn
    assert "cryo: complete." in out


def test_an_export_draws_gathering_and_writing(tmp_path):
    db = tmp_path / "r.db"
    assert on_terminal("import", db, DATA / "embase.ris", "--quiet")[0] == 0
    code, out, err = on_terminal("export", db, "--format", "xlsx", "-o", tmp_path / "out.xlsx")
    assert code == 0, err
    drawn = [line.split("  [")[0] for line in lines(err) if line]
    assert drawn == ["Gathering the records", "Writing out.xlsx"]
    assert "out.xlsx: 6 records." in out
    ris = tmp_path / "o.ris"
    code, out, err = on_terminal("export", db, "--format", "ris", "-o", ris, "--json")
    assert code == 0 and err == "" and json.loads(out)["records"] == 6
