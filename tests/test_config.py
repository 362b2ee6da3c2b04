"""Settings come from the environment in one place (review/config.py), read by the edges; the
library takes them as parameters; every `--by` defaults to REVIEW_USER, else the login name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import cli, main
from review.config import NCBI_BASE, data_dir, read_config
from review.errors import ConfigError
from review.store import open_store

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "imports"
# The edges that may read the environment: the settings module, and `review app`, which hands
# the environment (with REVIEW_DB) on to the Streamlit server it becomes.
EDGES = {ROOT / "review" / "config.py", ROOT / "review" / "cli" / "app.py"}


def test_defaults_with_an_empty_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "home")
    config = read_config({})
    assert config.review_db is None
    # The demo review lives in the per-user data folder, never in the current folder.
    assert config.demo_db == tmp_path / "home" / ".local" / "share" / "review" / "demo-review.db"
    assert config.eutils_url == NCBI_BASE
    assert (config.ncbi_api_key, config.ncbi_email) == ("", "")
    assert (config.eutils_timeout, config.eutils_attempts, config.eutils_backoff) == (None,) * 3
    assert config.parse_processes is None
    assert config.rate_dir == tmp_path / "home" / ".cache" / "review" / "ratelimit"
    assert config.user  # the account's name from the password database


def test_every_variable_is_read():
    config = read_config(
        {
            "REVIEW_DB": "/data/r.db",
            "REVIEW_DEMO_DB": "/tmp/demo.db",
            "REVIEW_USER": "ann",
            "USER": "root",
            "REVIEW_EUTILS_URL": "http://mirror.example/eutils",
            "NCBI_API_KEY": "k",
            "NCBI_EMAIL": "me@example.org",
            "REVIEW_EUTILS_TIMEOUT": "5.5",
            "REVIEW_EUTILS_ATTEMPTS": "3",
            "REVIEW_EUTILS_BACKOFF": "0.5",
            "REVIEW_PARSE_PROCESSES": "0",
            "XDG_CACHE_HOME": "/cache",
        }
    )
    assert config.review_db == Path("/data/r.db")
    assert config.demo_db == Path("/tmp/demo.db")
    assert config.user == "ann"
    assert config.eutils_url == "http://mirror.example/eutils/"
    assert (config.ncbi_api_key, config.ncbi_email) == ("k", "me@example.org")
    assert (config.eutils_timeout, config.eutils_attempts, config.eutils_backoff) == (5.5, 3, 0.5)
    assert config.parse_processes == 0
    assert config.rate_dir == Path("/cache/review/ratelimit")
    assert read_config({"REVIEW_RATE_DIR": "/r", "XDG_CACHE_HOME": "/c"}).rate_dir == Path("/r")
    assert read_config({"USER": "lee", "LOGNAME": "root"}).user == "lee"


def test_the_demo_review_is_in_each_systems_per_user_data_folder():
    home = {"HOME": "/home/ann"}
    assert data_dir(home, "linux") == Path("/home/ann/.local/share/review")
    assert data_dir({**home, "XDG_DATA_HOME": "/data"}, "linux") == Path("/data/review")
    relative = {**home, "XDG_DATA_HOME": "rel"}  # invalid in the XDG spec: ignored
    assert data_dir(relative, "linux") == Path("/home/ann/.local/share/review")
    assert data_dir(home, "darwin") == Path("/home/ann/Library/Application Support/review")
    windows = {"HOME": "/u", "LOCALAPPDATA": "/appdata/local"}
    assert data_dir(windows, "win32") == Path("/appdata/local/review")
    assert data_dir({"HOME": "/u"}, "win32") == Path("/u/AppData/Local/review")
    assert read_config({**home, "XDG_DATA_HOME": "/d"}).demo_db == Path("/d/review/demo-review.db")
    assert read_config({**home, "REVIEW_DEMO_DB": "/x/d.db"}).demo_db == Path("/x/d.db")


@pytest.mark.parametrize("name", ["REVIEW_EUTILS_TIMEOUT", "REVIEW_PARSE_PROCESSES"])
def test_a_number_that_is_not_one_is_named(name):
    with pytest.raises(ConfigError, match=f"{name}='two' is not a number"):
        read_config({name: "two"})


def test_a_bad_setting_is_a_message_from_the_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REVIEW_PARSE_PROCESSES", "two")
    monkeypatch.setattr("sys.argv", ["review", "init", str(tmp_path / "r.db")])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    assert "REVIEW_PARSE_PROCESSES='two' is not a number" in capsys.readouterr().err


def test_only_the_edges_read_the_environment():
    readers = []
    for path in sorted((ROOT / "review").rglob("*.py")):
        if path in EDGES:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"os\.environ|getenv|getpass", text):
            readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_the_readme_documents_every_variable():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    source = (ROOT / "review" / "config.py").read_text(encoding="utf-8")
    names = set(re.findall(r"\"((?:REVIEW|NCBI|XDG)_[A-Z_]+)\"", source))  # the names read
    assert {"REVIEW_DEMO_DB", "REVIEW_USER", "REVIEW_DB"} <= names
    assert sorted(n for n in names if f"`{n}`" not in readme) == []


@pytest.fixture
def pair_db(tmp_path):
    """Two exports of the same six records, their duplicates found by `review dedupe`, which
    REVIEW_USER names as the one who ran it."""
    db = tmp_path / "review.db"
    runner = CliRunner()
    files = [str(DATA / "embase.ris"), str(DATA / "embase.csv")]
    done = runner.invoke(cli, ["import", str(db), *files, "--no-dedupe", "-q"])
    assert done.exit_code == 0, done.output
    done = runner.invoke(cli, ["dedupe", str(db), "-q"], env={"REVIEW_USER": "dee"})
    assert done.exit_code == 0, done.output
    with open_store(db) as store:
        merged = store.pairs("merged")
    assert len(merged) == 6 and {p.decided_by for p in merged} == {"dee"}
    return db, merged[0].a, merged[0].b


def test_by_defaults_to_review_user_read_when_the_command_runs(pair_db):
    db, a, b = pair_db
    runner = CliRunner()
    done = runner.invoke(cli, ["duplicates", str(db), "--undo", str(a), str(b)],
                         env={"REVIEW_USER": "ann"})  # fmt: skip
    assert done.output.strip() == f"Records {a} and {b}: merge undone by ann.", done.output
    done = runner.invoke(cli, ["duplicates", str(db), "--merge", str(a), str(b)],
                         env={"REVIEW_USER": "", "USER": "lee"})  # fmt: skip
    assert done.output.strip() == f"Records {a} and {b}: merged by lee.", done.output


def test_the_old_reviewer_spelling_works_but_is_not_offered(pair_db):
    db, a, b = pair_db
    runner = CliRunner()
    done = runner.invoke(cli, ["duplicates", str(db), "--undo", str(a), str(b), "--reviewer", "bo"])
    assert done.output.strip() == f"Records {a} and {b}: merge undone by bo.", done.output
    for command in ("duplicates", "dedupe"):
        shown = runner.invoke(cli, [command, "--help"]).output
        assert "--by NAME" in shown and "--reviewer" not in shown
