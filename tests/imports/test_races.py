"""The same import racing itself stores the file once and says "already imported" (issue 10).

Two threads, each with its own connection to one review file, are held at a barrier after both
have looked for the file and before either writes, so the race happens on every run; then two
real `review` processes are started at once on the command line.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from review.imports.load import import_file
from review.screening.model import Reviewer
from review.screening.transfer import import_decisions
from review.store import open_store

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
LEAD = Reviewer("lee", "lead")


def race(db: Path, method: str, job) -> list:
    """Run ``job(store)`` in two threads at once, both paused just before ``store.<method>``."""
    barrier = threading.Barrier(2, timeout=20)
    results: list = [None, None]

    def run(i: int) -> None:
        with open_store(db) as store:
            original = getattr(store, method)

            def held(*args, **kwargs):
                barrier.wait()
                return original(*args, **kwargs)

            setattr(store, method, held)
            try:
                results[i] = job(store)
            except Exception as exc:  # noqa: BLE001 - the test reports what each thread got
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_a_records_file_imported_twice_at_once_is_stored_once(tmp_path):
    db = tmp_path / "r.db"
    open_store(db).close()
    results = race(db, "add_import", lambda store: import_file(store, DATA / "embase.ris"))
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(r.new for r in results) == [0, 6]
    late = next(r for r in results if r.new == 0)
    assert late.already_imported_at and late.records == 6
    with open_store(db) as store:
        assert store.count_records() == 6 and len(store.imports()) == 1


def test_a_decisions_file_imported_twice_at_once_is_stored_once(tmp_path):
    db = tmp_path / "r.db"
    with open_store(db) as store:
        import_file(store, DATA / "embase.ris")
    source = tmp_path / "d.csv"
    source.write_text(
        "record_id,reviewer,stage,decision,reason\n"
        + "".join(f"{r},{w},ta,exclude,Wrong population\n" for r in range(1, 7) for w in "ab"),
        encoding="utf-8",
    )
    results = race(db, "add_new_decisions", lambda store: import_decisions(store, source, LEAD))
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted((r.added, r.skipped) for r in results) == [(0, 12), (12, 0)]
    assert any(r.summary().endswith("already imported: all 12 decisions are already in the "
                                     "review; none added.") for r in results)  # fmt: skip
    with open_store(db) as store:
        assert len(store.decision_rows()) == 12


def _both(*commands: list[str]) -> list[subprocess.CompletedProcess]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "review.cli", *c],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for c in commands
    ]
    done = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return done


def test_two_review_processes_importing_one_file_at_once(tmp_path):
    db = tmp_path / "r.db"
    open_store(db).close()
    big = tmp_path / "many.ris"  # big enough that both processes are parsing at the same time
    record = (DATA / "embase.ris").read_text(encoding="utf-8-sig")
    big.write_text(
        "".join(record.replace("TI  - ", f"TI  - Copy {i}: ", 1) for i in range(300)),
        encoding="utf-8",
    )
    args = ["import", str(db), str(big), "--no-dedupe"]
    first, second = _both(args, args)
    for done in (first, second):
        assert done.returncode == 0 and "Error" not in done.stderr, done.stderr
    outs = sorted([first.stdout, second.stdout], key=lambda o: "already imported" in o)
    assert "1800 records added" in outs[0] and "already imported" in outs[1]
    with open_store(db) as store:
        assert store.count_records() == 1800 and len(store.imports()) == 1

    decisions = tmp_path / "d.csv"
    decisions.write_text(
        "record_id,reviewer,stage,decision\n"
        + "".join(f"{i},ann,ta,include\n" for i in range(1, 13)),
        encoding="utf-8",
    )
    args = ["decisions", "import", str(db), str(decisions)]
    first, second = _both(args, args)
    for done in (first, second):
        assert done.returncode == 0 and "Error" not in done.stderr, done.stderr
    outs = sorted([first.stdout, second.stdout])
    assert outs[0].startswith(f"{decisions}: 12 decisions added, 0 already present skipped.")
    assert outs[1].startswith(f"{decisions}: already imported: all 12 decisions")
    with open_store(db) as store:
        assert len(store.decision_rows()) == 12
