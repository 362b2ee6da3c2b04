"""`--json` on every command (issue 15.4): the result as one JSON document on stdout, an error
as one JSON object on stderr with the exit code the command has without it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from review.cli import cli, main, wants_json

DATA = Path(__file__).parent / "data" / "imports"
PASSWORD = "correct horse battery\n"


def leaf_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


COMMANDS = dict(leaf_commands())


def test_the_walk_finds_every_command():
    assert {("init",), ("import",), ("decisions", "import"), ("reviewer", "permissions")} <= set(
        COMMANDS
    )
    assert len(COMMANDS) >= 27


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_command_takes_json(path):
    options = [p for p in COMMANDS[path].params if "--json" in getattr(p, "opts", ())]
    assert options, f"review {' '.join(path)} has no --json"
    assert options[0].is_flag and options[0].name == "as_json"
    help_text = CliRunner().invoke(cli, [*path, "--help"]).output
    assert "--json" in help_text


class Review:
    """`review ...` in this process, each result's stdout read as JSON."""

    def __init__(self, tmp_path: Path):
        self.db = str(tmp_path / "r.db")
        self.tmp = tmp_path
        self.runner = CliRunner()
        self.seen: set[tuple[str, ...]] = set()

    def json(self, *args: str, input: str | None = None):
        done = self.runner.invoke(cli, [*args, "--json"], input=input, env={"REVIEW_USER": "lee"})
        assert done.exit_code == 0, done.output
        path = tuple(a for a in args if not a.startswith("-"))  # the command's words first
        for size in (2, 1):
            if path[:size] in COMMANDS:
                self.seen.add(path[:size])
                break
        return json.loads(done.stdout)


def test_every_light_command_prints_one_json_document(tmp_path):
    r = Review(tmp_path)
    db = r.db
    assert r.json("init", db)["schema"].endswith(".sql")
    imported = r.json("import", db, str(DATA / "embase.ris"), str(DATA / "embase.csv"))
    assert [i["new"] for i in imported] == [6, 6]
    assert r.json("status", db)["records"] == 12
    assert {v["name"] for v in r.json("views", db)} >= {"screening_status"}
    assert len(r.json("sources", db)) == 2
    assert r.json("dedupe", db, "--all")["records"] == 12
    pairs = r.json("duplicates", db, "--all")
    a, b = pairs[0]["a"], pairs[0]["b"]
    assert r.json("duplicates", db, "--undo", str(a), str(b)) == {
        "a": a, "b": b, "action": "undo", "by": "lee"
    }  # fmt: skip
    out = str(tmp_path / "records.csv")
    assert r.json("export", db, "--format", "csv", "-o", out)["records"] == 12
    assert r.json("reviewer", "add", db, "lee", "--role", "lead", input=PASSWORD)["role"] == "lead"
    assert r.json("reviewer", "add", db, "bob", input=PASSWORD)["name"] == "bob"
    assert r.json("reviewer", "set-role", db, "bob", "lead")["role"] == "lead"
    assert r.json("reviewer", "password", db, "bob", input=PASSWORD)["password_changed"]
    assert r.json("reviewer", "remove", db, "bob")["removed"]
    assert sorted(a["name"] for a in r.json("reviewer", "list", db)) == ["bob", "lee"]
    assert {p["action"] for p in r.json("reviewer", "permissions")} >= {"screen"}
    decisions = str(tmp_path / "decisions.csv")
    assert r.json("decisions", "export", db, "-o", decisions) == {"path": decisions,
                                                                   "decisions": 0}  # fmt: skip
    Path(decisions).write_text(
        "record_id,reviewer,stage,decision\n1,lee,title_abstract,include\n", encoding="utf-8"
    )
    assert r.json("decisions", "import", db, decisions)["added"] == 1
    protocol = r.json("protocol", db)
    assert protocol["screening"]["mode"] == "single"
    toml = tmp_path / "protocol.toml"
    toml.write_text('title = "Cryoablation"\n[screening]\nmode = "dual"\n', encoding="utf-8")
    assert r.json("protocol", db, str(toml))["screening"] == "dual"
    assert r.json("studies", db, "--sync") == []
    table = str(tmp_path / "studies.csv")
    assert r.json("extraction", "export", db, "-o", table, "--kind", "studies")["rows"] == 0
    book = str(tmp_path / "extraction.xlsx")
    assert r.json("extraction", "export", db, "-o", book)["studies"] == 0
    assert r.json("extraction", "import", db, book)["studies"] == 0
    report = str(tmp_path / "overview.md")
    assert r.json("report", db, "-o", report) == {"db": db, "path": report, "format": "md"}
    assert r.json("prisma", db, "-o", str(tmp_path / "flow.svg"))["records_identified"] == 12
    assert r.json("progress", db)["total"] == 7  # six pairs merged, one undone
    # the rest run the network (search, update), a model on a labelled set (simulate) or a
    # server (app): their JSON is tested with them in test_cli.py and test_cli_records.py
    assert set(COMMANDS) - r.seen == {("search",), ("update",), ("simulate",), ("app",)}


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """`review ARGS` through ``main``, as the installed script runs: (exit code, out, err)."""
    monkeypatch.setattr(sys, "argv", ["review", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    captured = capsys.readouterr()
    code = stopped.value.code
    return (code if isinstance(code, int) else 0), captured.out, captured.err


def error_of(monkeypatch, capsys, *args: str) -> dict:
    """The JSON error of `review ARGS --json`, after checking it is the only thing printed and
    that the exit code is the one the command has without --json."""
    code, out, err = run_main(monkeypatch, capsys, *args, "--json")
    assert out == "" and code != 0
    error = json.loads(err)  # one JSON object, nothing else
    assert error["exit_code"] == code
    plain, _, text = run_main(monkeypatch, capsys, *args)
    assert plain == code and "Traceback" not in text and not text.startswith("{")
    return error


@pytest.fixture
def review_db(tmp_path):
    db = str(tmp_path / "r.db")
    CliRunner().invoke(cli, ["import", db, str(DATA / "embase.ris"), "-q"])
    return db


def test_a_library_error_is_a_json_object_with_its_file(monkeypatch, capsys, tmp_path):
    missing = str(tmp_path / "missing.db")
    error = error_of(monkeypatch, capsys, "status", missing)
    assert error["type"] == "DatabaseError" and error["exit_code"] == 2
    assert error["file"] == missing and "review init" in error["error"]


def test_an_import_error_names_the_file_and_line(monkeypatch, capsys, tmp_path, review_db):
    cut = tmp_path / "cut.ris"
    cut.write_text("\n\nTY  - JOUR\nTI  - Cut off here\n", encoding="utf-8")
    error = error_of(monkeypatch, capsys, "import", review_db, str(cut))
    assert error["type"] == "ImportFileError"
    assert (error["file"], error["line"]) == (str(cut), 3)
    assert "has no 'ER  -' end line" in error["error"]


def test_a_refusal_is_a_json_object(monkeypatch, capsys, review_db):
    error = error_of(monkeypatch, capsys, "app", review_db, "--host", "0.0.0.0")
    assert error["type"] == "ReviewError" and "loopback" in error["error"]


def test_a_file_the_command_cannot_write_is_an_error_not_a_traceback(
    monkeypatch, capsys, tmp_path, review_db
):
    target = str(tmp_path / "no-such-folder" / "decisions.csv")
    error = error_of(monkeypatch, capsys, "decisions", "export", review_db, "-o", target)
    assert error["type"] == "FileNotFoundError" and error["exit_code"] == 2
    assert error["file"] == target
    code, _, text = run_main(monkeypatch, capsys, "decisions", "export", review_db, "-o", target)
    assert code == 2 and text == f"Error: {target}: No such file or directory\n"


@pytest.mark.parametrize(
    ("args", "kind", "words"),
    [
        (["statu", "DB"], "NoSuchCommand", "No such command 'statu'"),
        (["dedupe", "DB", "--bogus"], "NoSuchOption", "No such option '--bogus'"),
        (["import", "DB"], "MissingParameter", "Missing argument 'FILES...'"),
        (["duplicates", "DB", "--merge", "a", "b"], "BadParameter", "'a' is not a valid integer"),
        (["studies", "DB", "5"], "UsageError", "RECORD numbers go with --link STUDY"),
    ],
)
def test_a_usage_error_is_a_json_object_too(monkeypatch, capsys, review_db, args, kind, words):
    args = [review_db if a == "DB" else a for a in args]
    error = error_of(monkeypatch, capsys, *args)
    assert error["type"] == kind and error["exit_code"] == 2
    assert words in error["error"] and error["usage"].startswith("Usage: ")


def test_json_is_read_from_the_words_before_a_double_dash():
    assert wants_json(["status", "r.db", "--json"])
    assert not wants_json(["search", "r.db", "--", "--json"])
    assert not wants_json(["status", "r.db"])
