"""The registry of report writers, and the report package's shape: no import runs in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import review.report
from review.errors import ReviewError
from review.report import Writer, formats, register_writer, writer_for, writers
from review.report.export import export_report
from review.screening.model import Reviewer
from review.store import open_store
from tests.report.test_document import complete_review

LEAD = Reviewer("lead", "lead")
PACKAGE = Path(review.report.__file__).parent


@pytest.mark.parametrize(
    ("name", "fmt", "chosen"),
    [
        ("overview.docx", None, "docx"),
        ("overview.DOCX", None, "docx"),
        ("overview.htm", None, "html"),
        ("overview.html", None, "html"),
        ("overview.markdown", None, "md"),
        ("overview.txt", "md", "md"),
        ("overview.docx", "HTML", "html"),
    ],
)
def test_the_writer_is_chosen_by_format_else_suffix(name, fmt, chosen):
    assert writer_for(name, fmt).name == chosen


def test_the_built_in_formats_in_order():
    assert formats() == ("docx", "html", "md")
    assert [w.label for w in writers()] == ["Word", "HTML", "Markdown"]


def test_an_unknown_format_lists_the_registered_ones():
    with pytest.raises(ReviewError, match=r"docx, html, md .*ending in \.docx, \.html or \.md"):
        writer_for("overview.pdf")


def test_a_registered_writer_is_what_export_uses(tmp_path, monkeypatch):
    monkeypatch.setattr(review.report, "_WRITERS", dict(review.report._WRITERS))

    def write_text(report, path: Path) -> Path:
        path.write_text(f"{report.title}\n{report.evidence_base}\n", encoding="utf-8")
        return path

    register_writer(Writer("txt", (".txt",), "Text", "text/plain", write_text))
    assert formats()[-1] == "txt"
    db = complete_review(tmp_path / "ipg747.db")
    with open_store(db) as store:
        export_report(store, LEAD, tmp_path / "overview.txt")
    title, based_on = (tmp_path / "overview.txt").read_text(encoding="utf-8").splitlines()
    assert title.startswith("Percutaneous") and based_on.startswith("This overview is based on")


def _imports(path: Path) -> set[str]:
    """The report modules one module imports (``from review.report import x`` names x when x is
    a module, else the package itself)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "review.report":
                for alias in node.names:
                    module = alias.name if (PACKAGE / f"{alias.name}.py").exists() else "__init__"
                    found.add(module)
            elif node.module.startswith("review.report."):
                found.add(node.module.removeprefix("review.report."))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("review.report."):
                    found.add(alias.name.removeprefix("review.report."))
    return found - {path.stem}


def test_the_report_package_has_no_import_cycle():
    graph = {p.stem: _imports(p) for p in PACKAGE.glob("*.py")}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for other in graph[module]:
            visit(other, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
    for writer in ("docx", "html", "markdown"):
        assert graph[writer] <= {"model", "layout"}, (writer, graph[writer])
    assert graph["model"] == set()
