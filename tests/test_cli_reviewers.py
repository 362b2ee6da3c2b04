"""`review reviewer ...` and `review app --host` as a user runs them: a real process and file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from review.cli import is_loopback
from review.permissions import permission_rows
from review.screening.model import Reviewer
from review.screening.reviewers import account_history, active_reviewers, sign_in
from review.store import open_store
from tests.browser.harness import free_port


def review(*args, stdin: str = "", user: str = "owner") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "review.cli", *map(str, args)],
        input=stdin,
        env={**os.environ, "USER": user},
        capture_output=True,
        text=True,
        timeout=120,
    )


def ok(*args, **kwargs) -> str:
    done = review(*args, **kwargs)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "review.db"
    ok("reviewer", "add", path, "lee", "--role", "lead", stdin="lee-password\n")
    ok("reviewer", "add", path, "ann", stdin="ann-password\n", user="lee")
    return path


def test_add_refuses_short_passwords_and_names_taken(db):
    done = review("reviewer", "add", db, "bob", stdin="too-short\n")
    assert done.returncode == 2 and "at least 10 characters" in done.stderr
    done = review("reviewer", "add", db, "ann", "--role", "lead", stdin="ann-password-2\n")
    assert done.returncode == 2 and "already has an account" in done.stderr
    with open_store(db) as store:
        assert active_reviewers(store) == [Reviewer("ann", "reviewer"), Reviewer("lee", "lead")]
        assert [e.actor for e in account_history(store)] == ["owner", "lee"]


def test_set_role_changes_the_role_and_keeps_a_lead(db):
    assert "ann is now a lead" in ok("reviewer", "set-role", db, "ann", "lead", "--by", "lee")
    assert "lee is now a reviewer" in ok("reviewer", "set-role", db, "lee", "reviewer")
    done = review("reviewer", "set-role", db, "ann", "reviewer")
    assert done.returncode == 2 and "last lead" in done.stderr
    done = review("reviewer", "set-role", db, "ann", "boss")
    assert done.returncode == 2 and "'boss' is not one of" in done.stderr
    done = review("reviewer", "set-role", db, "nobody", "lead")
    assert done.returncode == 2 and "no reviewer 'nobody'" in done.stderr
    with open_store(db) as store:
        assert active_reviewers(store) == [Reviewer("ann", "lead"), Reviewer("lee", "reviewer")]
        events = account_history(store)
    changes = [(e.actor, e.detail) for e in events if e.action != "add"]
    assert changes == [
        ("lee", {"role": "lead", "was": "reviewer"}),
        ("owner", {"role": "reviewer", "was": "lead"}),
    ]


def test_a_reviewer_cannot_manage_accounts_from_the_command_line(db):
    done = review("reviewer", "set-role", db, "ann", "lead", "--by", "ann")
    assert done.returncode == 2
    assert "ann is a reviewer: only leads may add reviewers, change roles" in done.stderr
    done = review("reviewer", "add", db, "bob", stdin="bob-password\n", user="ann")
    assert done.returncode == 2 and "only leads" in done.stderr
    with open_store(db) as store:
        assert [r.name for r in active_reviewers(store)] == ["ann", "lee"]


def test_password_resets_from_standard_input(db):
    assert "ann has a new password" in ok("reviewer", "password", db, "ann", stdin="new-ann-pass\n")
    done = review("reviewer", "password", db, "ann", stdin="short\n")
    assert done.returncode == 2 and "at least 10 characters" in done.stderr
    with open_store(db) as store:
        assert sign_in(store, "ann", "ann-password") is None
        assert sign_in(store, "ann", "new-ann-pass") == Reviewer("ann", "reviewer")
        assert [e.action for e in account_history(store, "ann")] == ["add", "password"]
    assert "new-ann-pass" not in db.read_bytes().decode("latin-1")


def test_remove_keeps_the_name_and_history_and_refuses_the_last_lead(db):
    done = review("reviewer", "remove", db, "lee")
    assert done.returncode == 2 and "last lead" in done.stderr
    assert "ann was removed" in ok("reviewer", "remove", db, "ann", "--by", "lee")
    listed = ok("reviewer", "list", db)
    assert "ann" in listed and "removed" in listed
    done = review("reviewer", "add", db, "ann", stdin="ann-password\n")
    assert done.returncode == 2 and "cannot be given again" in done.stderr
    done = review("studies", db, "--sync", "--by", "ann")
    assert done.returncode == 2 and "ann was removed" in done.stderr
    with open_store(db) as store:
        assert active_reviewers(store) == [Reviewer("lee", "lead")]
        assert sign_in(store, "ann", "ann-password") is None
        assert [(e.actor, e.action) for e in account_history(store, "ann")] == [
            ("lee", "add"),
            ("lee", "remove"),
        ]


def test_permissions_prints_the_table():
    out = ok("reviewer", "permissions").splitlines()
    assert out[0].split()[:2] == ["action", "roles"]
    for (action, roles, what), line in zip(permission_rows(), out[1:], strict=True):
        assert line.split()[0] == action and roles in line and line.endswith(what)


def test_duplicates_and_report_commands_act_as_the_named_account(db, tmp_path):
    done = review("report", db, "-o", tmp_path / "r.html", "--by", "ann")
    assert done.returncode == 2 and "ann is a reviewer: only leads may" in done.stderr
    assert not (tmp_path / "r.html").exists()
    done = review("prisma", db, "-o", tmp_path / "flow.svg", user="ann")
    assert done.returncode == 2 and not (tmp_path / "flow.svg").exists()
    ok("prisma", db, "-o", tmp_path / "flow.svg", "--by", "lee")
    assert (tmp_path / "flow.svg").exists()
    done = review("duplicates", db, "--merge", "1", "2", "--by", "ann")
    assert done.returncode == 2 and "only leads may merge" in done.stderr


# -- review app --host ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.53", True), ("::1", True), ("[::1]", True),
     ("localhost", True), ("0.0.0.0", False), ("192.168.1.20", False), ("::", False),
     ("example.org", False)],
)  # fmt: skip
def test_what_counts_as_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_app_without_accounts_refuses_a_non_loopback_host(tmp_path):
    db = tmp_path / "solo.db"
    done = review("app", db, "--host", "0.0.0.0", "--port", free_port())
    assert done.returncode == 2
    assert "no reviewer accounts" in done.stderr
    assert f"review reviewer add {db} NAME --role lead" in done.stderr


def _serves(args: list, port: int) -> bool:
    process = subprocess.Popen(
        [sys.executable, "-m", "review.cli", "app", *map(str, args), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                    return True
            except OSError:
                time.sleep(0.2)
        return False
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_app_with_accounts_may_listen_beyond_loopback(db):
    assert _serves([db, "--host", "0.0.0.0"], free_port())
