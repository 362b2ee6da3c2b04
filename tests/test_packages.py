"""The packages under review/ say what they offer, and the README's layout table names every module.

Packages and modules are found by walking review/, so a new one is checked without editing this
file. Imports run in a fresh interpreter: in this process other tests have imported half the
toolkit already, which would hide a cycle or a heavy import.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REVIEW = ROOT / "review"
README = ROOT / "README.md"

# One row of the layout table: | `path` | what is there |
ROW = re.compile(r"^\| `([^`]+)` \| (.*) \|$")
# A module inside a package's row: `name.py` (what it holds)
LISTED = re.compile(r"`([\w]+\.py)` \(")


def module_files() -> list[Path]:
    return sorted(REVIEW.rglob("*.py"))


def packages() -> list[str]:
    """Dotted names of review and every package under it."""
    found = [p.parent.relative_to(ROOT) for p in REVIEW.rglob("__init__.py")]
    return sorted(".".join(p.parts) for p in found)


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_walk_finds_the_packages():
    # guards the walk itself: if it found nothing, every test below would pass vacuously
    assert {"review", "review.store", "review.ui", "review.cli"} <= set(packages())
    assert REVIEW / "records.py" in module_files()


PROBE = """
import importlib, json, sys
package = importlib.import_module({name!r})
offered = getattr(package, "__all__", None)
print(json.dumps({{
    "all": offered if isinstance(offered, (list, tuple)) else repr(offered),
    "missing": [n for n in (offered or ()) if not hasattr(package, n)],
    "streamlit": "streamlit" in sys.modules,
}}))
"""


@pytest.mark.parametrize("name", packages())
def test_package_imports_alone_and_offers_its_all(name):
    result = run_python(PROBE.format(name=name))
    assert result.returncode == 0, f"import {name} alone fails:\n{result.stderr}"
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert isinstance(found["all"], list), f"{name} has no __all__ list: {found['all']}"
    assert all(isinstance(n, str) for n in found["all"]), found["all"]
    assert found["missing"] == [], f"{name}.__all__ names what it does not have: {found['missing']}"
    if name != "review.ui" and not name.startswith("review.ui."):
        assert not found["streamlit"], f"import {name} imports streamlit; only review.ui may"


def test_every_module_imports_alone():
    """Each module imported first, in one interpreter with review's modules forgotten between
    them: a re-export in an ``__init__`` that makes a cycle fails only for some import orders."""
    names = []
    for path in module_files():
        if path.name == "__main__.py":  # runs the command when imported
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    code = f"""
import importlib, sys, traceback
failed = []
for name in {names!r}:
    for loaded in [m for m in sys.modules if m == "review" or m.startswith("review.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc().strip().splitlines()[-1])
print("\\n".join(failed))
"""
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"modules that fail when imported first:\n{result.stdout}"


@pytest.mark.parametrize("name", packages())
def test_package_docstring_names_every_module(name):
    """The ``__init__`` docstring says what the package offers, module by module (``name``)."""
    folder = ROOT.joinpath(*name.split("."))
    doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"{name}/__init__.py has no docstring"
    parts = [p.stem for p in folder.glob("*.py") if p.name != "__init__.py"]
    parts += [p.name for p in folder.iterdir() if (p / "__init__.py").exists()]
    unnamed = sorted(p for p in parts if f"``{p}``" not in doc)
    assert unnamed == [], f"{name}/__init__.py's docstring does not name {unnamed}"


def layout_rows() -> dict[str, str]:
    """The README's layout table: path -> what is there."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            rows[match[1]] = match[2]
    return rows


def test_layout_table_names_every_module():
    """A module at the top of review/ has its own row (`review/x.py`); a module in a package is
    listed in its package's row (`review/pkg/`) as `name.py` (what it holds)."""
    rows = layout_rows()
    assert rows, "README.md has no '## Layout' table"
    unlisted = []
    for path in module_files():
        relative = path.relative_to(ROOT).as_posix()
        if path.parent == REVIEW:
            if relative not in rows:
                unlisted.append(f"{relative} (its own row)")
        else:
            row = f"{path.parent.relative_to(ROOT).as_posix()}/"
            if path.name not in LISTED.findall(rows.get(row, "")):
                unlisted.append(f"{relative} (`{path.name}` (...) in the `{row}` row)")
    assert unlisted == [], "README.md's layout table does not list:\n" + "\n".join(unlisted)


def test_layout_table_names_only_modules_that_exist():
    stale = []
    for path, what in layout_rows().items():
        if not path.startswith("review/"):
            continue
        if not (ROOT / path).exists():
            stale.append(path)
        elif path.endswith("/"):
            stale += [f"{path}{n}" for n in LISTED.findall(what) if not (ROOT / path / n).exists()]
    assert stale == [], f"README.md's layout table names what does not exist: {stale}"
