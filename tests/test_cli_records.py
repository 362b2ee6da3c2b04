"""`review import`, `dedupe`, `duplicates` and `export` as a user runs them, on real exports."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from review.imports import read_file
from review.store import open_store
from tests.test_cli import review

DATA = Path(__file__).parent / "data" / "imports"


def test_import_is_all_or_nothing_and_repeatable(tmp_path):
    db = tmp_path / "r.db"
    out = review("import", db, DATA / "embase.ris", DATA / "scopus.ris", "--source", "Test").stdout
    assert "embase.ris: ris (utf-8-sig), 6 records, 6 records added" in out
    again = review("import", db, DATA / "embase.ris").stdout
    assert "6 records, already imported" in again and "skipped" in again
    broken = tmp_path / "broken.ris"
    broken.write_text(
        (DATA / "scopus.ris").read_text(encoding="utf-8").rsplit("ER  -", 1)[0], encoding="utf-8"
    )
    failed = review("import", db, broken, check=False)
    assert failed.returncode == 2 and "broken.ris" in failed.stderr and "line" in failed.stderr
    with open_store(db) as store:
        assert store.count_records() == 12  # the broken file added nothing
        assert [i.source for i in store.imports()] == ["Test", "Test"]
        first = store.query(
            "SELECT ri.position, ri.line, ri.original_id, r.raw FROM record_imports ri "
            "JOIN records r ON r.id = ri.record_id ORDER BY ri.import_id, ri.position LIMIT 1"
        )[0]
    assert first["position"] == 1 and first["line"] == 1
    assert first["raw"].startswith("TY  - JOUR") and first["raw"].rstrip().endswith("ER  -")


def test_the_same_records_from_two_databases_are_merged_and_exported_marked(tmp_path):
    db = tmp_path / "r.db"
    out = review("import", db, DATA / "embase.ris", DATA / "embase.csv").stdout
    assert "Duplicates: 6 merged automatically" in out
    status = json.loads(review("dedupe", db, "--json").stdout)
    assert status["removed"] == 6 and status["compared"] == "0 new"
    review("export", db, "--format", "csv", "-o", tmp_path / "out.csv")
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert len(rows) == 12
    assert sum(1 for r in rows if r["duplicate_of"]) == 6
    assert all("Embase" in r["sources"] or "CSV" in r["sources"] for r in rows)


def test_a_reviewer_decides_and_undoes_on_the_command_line(tmp_path):
    db = tmp_path / "r.db"
    review("import", db, DATA / "embase.ris", DATA / "embase.csv")
    with open_store(db) as store:
        pair = store.pairs("merged")[0]
    done = review("duplicates", db, "--undo", pair.a, pair.b, "--reviewer", "ann").stdout
    assert done.strip() == f"Records {pair.a} and {pair.b}: merge undone by ann."
    listed = review("duplicates", db, "--all").stdout
    assert f"{pair.a} ~ {pair.b}" in listed and "undone" in listed
    with open_store(db) as store:
        assert len(store.duplicate_of()) == 5


def test_exported_ris_reads_back_with_the_same_records(tmp_path):
    db = tmp_path / "r.db"
    review("import", db, DATA / "pubmed_zotero.ris", DATA / "scopus.ris", "--no-dedupe")
    review("export", db, "--format", "ris", "-o", tmp_path / "out.ris")
    back = read_file(tmp_path / "out.ris")
    with open_store(db) as store:
        stored = [r for _, r in store.records_for_matching()]
    assert len(back.records) == len(stored) == 12
    for original, again in zip(stored, (i.record for i in back.records), strict=True):
        assert again.title == " ".join(original.title.split())
        assert again.doi == original.doi and again.year == original.year
        assert [a.last_name for a in again.authors] == [a.last_name for a in original.authors]
        assert again.pages.replace(" ", "") == original.pages.replace(" ", "")


def test_reviewers_and_decisions_on_the_command_line(tmp_path):
    db = tmp_path / "r.db"
    review("import", db, DATA / "embase.ris", "--no-dedupe")
    done = subprocess.run(
        [sys.executable, "-m", "review.cli", "reviewer", "add", str(db), "ann", "--role", "lead"],
        input="a-long-password\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0 and "ann can sign in as lead" in done.stdout
    with open_store(db) as store:
        assert store.reviewer_row("ann").password_hash.startswith("scrypt$")
    source = tmp_path / "d.csv"
    source.write_text(
        "record_id,reviewer,stage,decision,reason\n1,ann,ta,include,\n2,bob,ta,include,\n"
        "1,bob,ta,exclude,Wrong population\n",
        encoding="utf-8",
    )
    assert "3 decisions added" in review("decisions", "import", db, source).stdout
    status = review("status", db).stdout
    # single screening: the latest decision on record 1 (bob's exclusion) stands
    assert "title/abstract screening: 2 of 6 decided, 1 included, 1 excluded" in status
    assert "agreement 0% over 1, Cohen's kappa" in status
    review("decisions", "export", db, "-o", tmp_path / "out.csv")
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [r["reviewer"] for r in rows] == ["ann", "bob", "bob"]


def test_simulate_is_deterministic_and_says_what_it_saved(tmp_path):
    labelled = Path(__file__).parent / "data" / "prioritise" / "Bannach-Brown_2019.csv"
    args = ("simulate", labelled, "--label-column", "label_included", "--seed", "3")
    first = review(*args, "-o", tmp_path / "a.csv", "--json")
    again = review(*args, "-o", tmp_path / "b.csv", "--json")
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    scores = json.loads(first.stdout)
    assert scores == json.loads(again.stdout) and scores["wss@95"] > 0.3
    rows = list(csv.DictReader((tmp_path / "a.csv").open()))
    assert len(rows) == 1993 and [r["rank"] for r in rows[:3]] == ["1", "2", "3"]
    wrong = review("simulate", labelled, "-o", tmp_path / "c.csv", check=False)
    assert wrong.returncode == 2 and "columns included are missing" in wrong.stderr


def test_progress_gives_the_stopping_advice_with_its_method(tmp_path):
    db = tmp_path / "r.db"
    review("import", db, DATA / "_baseline.ris", "--no-dedupe")
    source = tmp_path / "d.csv"
    source.write_text(
        "record_id,reviewer,stage,decision\n"
        + "".join(f"{i},ann,ta,{'include' if i % 5 == 0 else 'exclude'}\n" for i in range(1, 41)),
        encoding="utf-8",
    )
    review("decisions", "import", db, source)
    out = review("progress", db).stdout
    assert "40 of 100 records screened, 8 relevant found." in out
    assert "Keep screening" in out and "Callaghan" in out and "Assumes:" in out


def test_progress_starts_a_stopping_sample_and_counts_it(tmp_path):
    db = tmp_path / "r.db"
    review("import", db, DATA / "_baseline.ris", "--no-dedupe")
    source = tmp_path / "d.csv"
    source.write_text(
        "record_id,reviewer,stage,decision\n"
        + "".join(f"{i},ann,ta,{'include' if i % 5 == 0 else 'exclude'}\n" for i in range(1, 41)),
        encoding="utf-8",
    )
    review("decisions", "import", db, source)
    out = review("progress", db, "--start-sample", "--by", "lee").stdout
    assert "Stopping sample started: 60 records in a random order." in out
    assert "Stopping sample: 0 of 60 screened, 0 relevant." in out
    again = review("progress", db, "--start-sample", check=False)
    assert again.returncode == 2 and "already under way" in again.stderr
    with open_store(db) as store:
        from review.prioritise.progress import stopping_sample

        first = stopping_sample(store).records[:3]
    more = tmp_path / "e.csv"
    more.write_text(
        "record_id,reviewer,stage,decision\n" + "".join(f"{i},ann,ta,exclude\n" for i in first),
        encoding="utf-8",
    )
    review("decisions", "import", db, more)
    assert "Stopping sample: 3 of 60 screened, 0 relevant." in review("progress", db).stdout
    assert "Stopping sample ended" in review("progress", db, "--end-sample").stdout


def test_decisions_from_asreview_and_rayyan_on_the_command_line(tmp_path):
    db = tmp_path / "r.db"
    review("import", db, *(DATA / n for n in ("embase.ris", "pubmed_result2.txt", "scopus.ris")),
           "--no-dedupe")  # fmt: skip
    for name in ("ann", "bob"):
        subprocess.run(
            [sys.executable, "-m", "review.cli", "reviewer", "add", str(db), name],
            input="a-long-password\n", capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    screening = Path(__file__).parent / "data" / "screening"
    rayyan = screening / "rayyan_articles.csv"
    refused = review("decisions", "import", db, rayyan, "--from", "rayyan", check=False)
    assert refused.returncode == 2
    assert "line 2: Ann Lee is not a reviewer of this review" in refused.stderr
    names = ("--name", "Ann Lee=ann", "--name", "Bob Okafor=bob")
    out = review("decisions", "import", db, rayyan, "--from", "rayyan", *names).stdout
    assert out == (
        f"{rayyan}: 7 decisions added, 0 already present skipped. 2 records without a label or "
        "decision skipped.\n"
    )
    asreview = screening / "asreview_v2_export.csv"
    out = review("decisions", "import", db, asreview, "--from", "asreview", "--reviewer", "ann")
    # ann's Rayyan inclusion of record 9 is the same vote: skipped
    assert f"{asreview}: 5 decisions added, 1 already present skipped." in out.stdout
    full_text = review(
        "decisions", "import", db, asreview, "--from", "asreview", "--stage", "full_text",
        check=False,
    )  # fmt: skip
    assert full_text.returncode == 2 and "a full-text exclusion needs a reason" in full_text.stderr
    wrong = review("decisions", "import", db, rayyan, "--name", "Ann Lee=ann", check=False)
    assert wrong.returncode == 2 and "--name does not go with --from review" in wrong.stderr
