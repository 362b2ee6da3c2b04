"""The `review` command as a user runs it: a real process, a real database, the fake NCBI."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from review.store import open_store
from tests.fake_eutils import FakeEutils


def review(*args, fake=None, check=True, env_extra=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NCBI_EMAIL": "tests@example.org", "NCBI_API_KEY": "test-key"}
    env.update(env_extra or {})
    if fake is not None:
        env["REVIEW_EUTILS_URL"] = fake.base_url
        env["REVIEW_PARSE_PROCESSES"] = "2"  # killed with its worker processes running
    done = subprocess.run(
        [sys.executable, "-m", "review.cli", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert done.returncode == 0, done.stderr + done.stdout
    return done


def test_init_search_status_update(tmp_path, fake, small_corpus):
    db = tmp_path / "neuroma.db"
    assert "review database ready" in review("init", db).stdout
    out = review("search", db, "cryoablation", "--name", "cryo", fake=fake).stdout
    assert f"cryo: complete. PubMed count {len(small_corpus):,}" in out
    assert "PubMed searched:" in out
    status = review("status", db).stdout
    assert f"records: {len(small_corpus):,}" in status and "'cryo' (search)" in status
    lines = review("update", db, fake=fake).stdout.strip().splitlines()
    # nothing entered since; PubMed's "No items found" for an empty window is not repeated
    assert lines == [f"update {db}: cryo: 0 new, 0 already present"]
    data = json.loads(review("status", db, "--json").stdout)
    assert data["records"] == len(small_corpus) and len(data["runs"]) == 2


def test_json_and_quiet_output(tmp_path, fake):
    db = tmp_path / "r.db"
    quiet = review("search", db, "cryoablation AND renal", "--name", "r", "-q", fake=fake)
    assert quiet.stdout == "" and quiet.stderr == ""
    result = json.loads(review("search", db, "cryoablation AND renal", "--name", "r", "--json",
                               fake=fake).stdout)  # fmt: skip
    assert result["status"] == "complete" and result["new"] == 0


def test_warnings_are_printed_in_plain_words(tmp_path, fake):
    out = review("search", tmp_path / "r.db", "cryoablation AND zzqxv", "--name", "x", fake=fake)
    assert "Problem: PubMed found nothing for 'zzqxv' and left it out of the search." in out.stdout


def test_errors_are_messages_not_tracebacks(tmp_path, fake):
    bad = tmp_path / "notes.db"
    bad.write_text("not a database " * 200)
    done = review("status", bad, check=False)
    assert done.returncode == 2
    assert f"Error: Review database {bad}" in done.stderr and "Traceback" not in done.stderr
    missing = review("update", tmp_path / "missing.db", check=False)
    assert missing.returncode == 2 and "review init" in missing.stderr
    query = review("search", tmp_path / "r.db", "(cryoablation", "--name", "q", fake=fake,
                   check=False)  # fmt: skip
    assert query.returncode == 2 and "PubMed rejected the search" in query.stderr


def test_update_fails_for_cron_when_the_server_is_down(tmp_path, fake):
    db = tmp_path / "r.db"
    review("search", db, "cryoablation", "--name", "cryo", fake=fake)
    fake.inject("503", count=1000)
    fast = {"REVIEW_EUTILS_ATTEMPTS": "2", "REVIEW_EUTILS_BACKOFF": "0.01"}
    done = review("update", db, fake=fake, check=False, env_extra=fast)
    assert done.returncode == 1, done.stderr
    assert "cryo: failed" in done.stdout and "run the same command again" in done.stdout
    assert fake.count("esearch") == 1 + 2  # the first search, then two tries of the update


@pytest.mark.slow
def test_killed_at_random_points_and_re_run_ends_with_the_same_records(tmp_path, small_corpus):
    expected = {r.pmid: r.xml.decode() for r in small_corpus}
    rng = random.Random(5)
    with FakeEutils(list(small_corpus)) as fake:
        db = tmp_path / "r.db"
        args = ("search", db, "cryoablation", "--name", "cryo", "--page-size", "40")
        # Without a key (3 requests/s) the 30 pages take ~10 s: time enough to be killed.
        env = {k: v for k, v in os.environ.items() if k != "NCBI_API_KEY"}
        env["REVIEW_EUTILS_URL"] = fake.base_url
        env["REVIEW_PARSE_PROCESSES"] = "2"  # killed with its worker processes running
        kills = 0
        for _ in range(4):
            process = subprocess.Popen(
                [sys.executable, "-m", "review.cli", *map(str, args)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(rng.uniform(0.8, 2.0))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait()
        with open_store(db) as store:
            before = set(store.all_pmids())
        fake.log.clear()
        review(*args, fake=fake, env_extra={"NCBI_API_KEY": ""})
        with open_store(db) as store:
            got = {r["origin_id"]: r["raw"] for r in store.query("SELECT * FROM records")}
            runs = store.runs()
        assert kills == 4
        assert got == expected
        assert len(runs) == 1 and runs[0].status == "complete"
        asked = {p for e in fake.log if "id" in e.params for p in e.params["id"].split(",")}
        assert not asked & before  # nothing stored before the last restart was fetched again


def test_app_serves_a_review(tmp_path):
    db = tmp_path / "r.db"
    review("init", db)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "review.cli", "app", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as r:
                    assert r.read() == b"ok"
                    break
            except OSError:
                assert time.monotonic() < deadline, "the app did not start"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as page:
            assert page.status == 200 and b"<html" in page.read().lower()
    finally:
        server.terminate()
        assert server.wait(timeout=30) is not None
