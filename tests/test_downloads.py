"""Every CSV and XLSX the app offers neutralises formulas; the tables' own export is off."""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

from review.exports import agreement_csv, csv_text, export_bytes, neutralise
from review.records import Record
from review.screening.model import Agreement
from review.store import open_store

ROOT = Path(__file__).resolve().parents[1]
FORMULAS = ('=HYPERLINK("http://x.test")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx")


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_text_neutralises_every_text_cell_and_keeps_numbers():
    text = csv_text(["=name", "n"], [[f, 3] for f in FORMULAS] + [["plain", None]])
    rows = rows_of(text)
    assert rows[0] == ["'=name", "n"]
    assert [r[0] for r in rows[1:-1]] == [neutralise(f) for f in FORMULAS]
    assert all(r[0].startswith("'") for r in rows[1:-1])
    assert rows[-1] == ["plain", ""]
    assert [r[1] for r in rows[1:-1]] == ["3"] * len(FORMULAS)


def test_the_agreement_csv_neutralises_reviewer_names():
    agreed = Agreement(records=10, agreed=9, kappa=0.8, reviewers=("=cmd|'/c calc'!A0", "bob"))
    header, row = rows_of(agreement_csv("title_abstract", agreed))
    assert header == ["stage", "reviewers", "records", "agreed", "percent", "kappa"]
    assert row == ["title_abstract", "'=cmd|'/c calc'!A0 & bob", "10", "9", "90.0", "0.8000"]


def test_the_records_download_neutralises_csv_and_xlsx(tmp_path):
    from openpyxl import load_workbook

    with open_store(tmp_path / "review.db") as store:
        store.add_records("test", [("1", Record(title='=HYPERLINK("http://x.test","hi")'))])
        rows = rows_of(export_bytes(store, "csv").decode("utf-8"))
        xlsx = tmp_path / "records.xlsx"
        xlsx.write_bytes(export_bytes(store, "xlsx"))
    title = rows[0].index("title")
    assert rows[1][title] == '\'=HYPERLINK("http://x.test","hi")'
    sheet = load_workbook(xlsx).active
    cells = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert '\'=HYPERLINK("http://x.test","hi")' in cells
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)


def test_the_tables_own_csv_download_is_turned_off_for_the_app():
    """Streamlit reads .streamlit/config.toml beside the app's script (app.py), whatever the
    working directory; `review app` serves the installed package's entry, with no such folder
    beside it, so it passes every one of those settings as a flag (flags also beat a user's own
    config.toml; tests/test_wheel.py checks the served session). The browser test checks that the
    toolbar has no download button."""
    from review.cli.app import SERVER_OPTIONS, server_command

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
    assert (ROOT / "app.py").exists()
    settings = {
        f"{section}.{key}": str(value).lower() if isinstance(value, bool) else str(value)
        for section, table in config.items()
        for key, value in table.items()
    }
    assert settings.items() <= SERVER_OPTIONS.items()
    command = server_command("entry.py", "127.0.0.1", 8501)
    assert command[command.index("--client.disableDataExport") + 1] == "true"


def test_every_download_button_in_the_app_is_a_known_one():
    """A new st.download_button or table must be looked at: CSV/XLSX ones go through
    review.exports (neutralised)."""
    found = {}
    for page in sorted((ROOT / "review" / "ui").glob("*.py")):
        text = page.read_text(encoding="utf-8")
        found[page.name] = text.count("download_button(")
    assert {k: v for k, v in found.items() if v} == {
        "conflicts.py": 1,  # agreement_csv
        "downloads.py": 1,  # records export (CSV, XLSX) through review.exports
        "extraction_suggest.py": 1,  # the kept PDF, as uploaded
        "protocol.py": 1,  # TOML
        "report.py": 2,  # PRISMA SVG; report DOCX/HTML/Markdown
        "screen.py": 2,  # the PDFs
    }
    conflicts = (ROOT / "review" / "ui" / "conflicts.py").read_text(encoding="utf-8")
    assert "agreement_csv(stage, agreed)" in conflicts and "import csv" not in conflicts


def test_the_records_download_is_blind_for_a_reviewer_under_dual_screening(tmp_path):
    from tests.exports.review import ANN, LEAD, screened_review

    with open_store(screened_review(tmp_path / "r.db")) as store:
        mine = rows_of(export_bytes(store, "csv", ANN).decode("utf-8"))
        lead = rows_of(export_bytes(store, "csv", LEAD).decode("utf-8"))
    column = mine[0].index("title_abstract_votes")
    assert [r[column] for r in mine[1:4]] == ["ann: include", "ann: include", "ann: include"]
    assert lead[3][column] == "ann: include; bob: exclude (Wrong population)"
    assert "bob" not in "".join("".join(r) for r in mine)
