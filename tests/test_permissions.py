"""The permission table, enforced by the library: for every action, a reviewer is refused (and
the review is left exactly as it was) or allowed, and a lead is allowed, through the real
functions that change the review. The README prints the same table."""

from __future__ import annotations

import re
import sqlite3
from collections import namedtuple
from dataclasses import replace
from pathlib import Path

import pytest

from review.dedupe.pairs import decide_pair
from review.errors import PermissionDenied
from review.extraction.model import StudyDetails
from review.extraction.protocol import current_protocol, save_protocol, save_review_setup
from review.extraction.sheet_export import export_extraction
from review.extraction.sheet_import import import_extraction
from review.extraction.studies import (
    link_records,
    list_studies,
    save_details,
    save_findings,
    set_key_order,
    set_role,
    split_record,
    sync_studies,
)
from review.imports.load import import_file
from review.permissions import PERMISSIONS, allowed, permission_rows
from review.report.export import export_prisma, export_prisma_svg, export_report
from review.report.summary import Summaries, save_summaries
from review.screening.decisions import decide, resolve, save_settings, stage_units
from review.screening.full_text import keep_full_text
from review.screening.model import Reviewer, Settings
from review.screening.reviewers import (
    add_reviewer,
    remove_reviewer,
    reset_password,
    set_reviewer_role,
)
from review.store import open_store
from tests.extraction.ipg747 import RIS, STUDY1_SAFETY, build_review

ROOT = Path(__file__).resolve().parents[1]
LEAD = Reviewer("lee", "lead")
REVIEWER = Reviewer("ann", "reviewer")
OBSERVER = Reviewer("oz", "observer")  # a role the table does not know is allowed nothing
OWNER = Reviewer("owner", "lead")
SUMMARY = Summaries(efficacy=(("Reduction in pain", "Less pain."),))
Match = namedtuple("Match", "a b score verdict reasons")


def _units(store) -> list[int]:
    return [r.record_id for s in list_studies(store) for r in s.records]


def _pair(store) -> None:
    a, b = _units(store)[:2]
    store.save_matches([Match(a, b, 0.8, "possible", ("title 0.90",))], "review")


def _merged_pair(store) -> None:
    _pair(store)
    decide_pair(store, LEAD, *_units(store)[:2], "confirm")


def _two_keys(store) -> None:
    set_role(store, 1, "key", LEAD)
    set_role(store, 2, "key", LEAD)


def _linked(store) -> None:
    link_records(store, 1, [list_studies(store)[1].records[0].record_id], LEAD)


UNSYNCED = "unsynced"  # a review whose included records have no studies yet


def _accounts(store) -> None:
    add_reviewer(store, "lee", "lead", "lee-password", by=OWNER)
    add_reviewer(store, "ann", "reviewer", "ann-password", by=OWNER)
    add_reviewer(store, "kim", "reviewer", "kim-password", by=OWNER)


def _workbook(store, tmp: Path) -> Path:
    path = tmp / "extraction.xlsx"
    export_extraction(store, path)
    return path


# (action, what, setup(store) or None, call(store, actor, tmp), what an allowed call leaves:
# "changed" (the database), a file name (written, the database unchanged), or "same" (a workbook
# equal to the review imports nothing; the PRISMA text is only returned))
CASES = [
    ("extract", "save_details", None,
     lambda s, a, t: save_details(s, 1, StudyDetails(country="France"), a), "changed"),
    ("extract", "save_findings", None,
     lambda s, a, t: save_findings(s, 1, a, safety=STUDY1_SAFETY), "changed"),
    ("extract", "import_extraction", None,
     lambda s, a, t: import_extraction(s, _workbook(s, t), a), "same"),
    ("manage_studies", "sync_studies", UNSYNCED, lambda s, a, t: sync_studies(s, a), "changed"),
    ("manage_studies", "link_records", None,
     lambda s, a, t: link_records(s, 1, [list_studies(s)[1].records[0].record_id], a), "changed"),
    ("manage_studies", "split_record", _linked,
     lambda s, a, t: split_record(s, list_studies(s)[0].records[-1].record_id, a), "changed"),
    ("manage_studies", "set_role", None, lambda s, a, t: set_role(s, 1, "key", a), "changed"),
    ("manage_studies", "set_key_order", _two_keys,
     lambda s, a, t: set_key_order(s, [2, 1], a), "changed"),
    ("edit_protocol", "save_protocol", None,
     lambda s, a, t: save_protocol(s, replace(current_protocol(s), title="Changed"), a), "changed"),
    ("decide_duplicates", "decide_pair confirm", _pair,
     lambda s, a, t: decide_pair(s, a, *_units(s)[:2], "confirm"), "changed"),
    ("decide_duplicates", "decide_pair reject", _pair,
     lambda s, a, t: decide_pair(s, a, *_units(s)[:2], "reject"), "changed"),
    ("decide_duplicates", "decide_pair undo", _merged_pair,
     lambda s, a, t: decide_pair(s, a, *_units(s)[:2], "undo"), "changed"),
    ("export_report", "export_report", None,
     lambda s, a, t: export_report(s, a, t / "report.html"), "report.html"),
    ("export_report", "export_prisma", None,
     lambda s, a, t: export_prisma(s, a, t / "flow.svg"), "flow.svg"),
    ("export_report", "export_prisma_svg", None, lambda s, a, t: export_prisma_svg(s, a), "same"),
    ("export_report", "save_summaries", None,
     lambda s, a, t: save_summaries(s, SUMMARY, a), "changed"),
    ("screen", "decide", None,
     lambda s, a, t: decide(s, a, 1, "title_abstract", "exclude", "Wrong population"), "changed"),
    ("keep_full_text", "keep_full_text", None,
     lambda s, a, t: keep_full_text(s, a, 1, "paper.pdf", b"%PDF-1.4\n%%EOF\n"), "changed"),
    ("resolve_conflict", "resolve", None,
     lambda s, a, t: resolve(s, a, 1, "title_abstract", "include"), "changed"),
    ("edit_protocol", "save_settings", None,
     lambda s, a, t: save_settings(s, Settings(dual=True), a), "changed"),
    ("edit_protocol", "save_review_setup", None,
     lambda s, a, t: save_review_setup(s, current_protocol(s), Settings(dual=True), a), "changed"),
    ("manage_reviewers", "add_reviewer", _accounts,
     lambda s, a, t: add_reviewer(s, "bob", "reviewer", "bob-password", by=a), "changed"),
    ("manage_reviewers", "set_reviewer_role", _accounts,
     lambda s, a, t: set_reviewer_role(s, "kim", "lead", by=a), "changed"),
    ("manage_reviewers", "reset_password", _accounts,
     lambda s, a, t: reset_password(s, "kim", "kim-password-2", by=a), "changed"),
    ("manage_reviewers", "remove_reviewer", _accounts,
     lambda s, a, t: remove_reviewer(s, "kim", by=a), "changed"),
]  # fmt: skip
ELSEWHERE = {"see_all_decisions"}  # what a viewer sees: tests/screening/test_blinding.py


def test_every_action_of_the_table_is_covered_here_or_by_the_screening_part():
    assert {c[0] for c in CASES} | ELSEWHERE == set(PERMISSIONS)


def _dump(path: Path) -> list[str]:
    """The whole database as SQL text: a refused call must leave every table as it was."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _build(path: Path, *, synced: bool) -> Path:
    """The IPG747 review (records included at full text), with or without its studies."""
    if synced:
        build_review(path, lead="lee")
        return path
    with open_store(path) as store:
        import_file(store, RIS, source="MEDLINE", actor="lee")
        for record_id in stage_units(store, "title_abstract"):
            decide(store, Reviewer("lee", "lead"), record_id, "title_abstract", "include")
            decide(store, Reviewer("lee", "lead"), record_id, "full_text", "include")
    return path


@pytest.mark.parametrize(
    ("action", "setup", "call", "leaves"),
    [pytest.param(*c[:1], *c[2:], id=c[1]) for c in CASES],
)
@pytest.mark.parametrize("actor", [LEAD, REVIEWER, OBSERVER], ids=lambda r: r.role)
def test_the_library_allows_or_refuses_by_role(tmp_path, action, setup, call, leaves, actor):
    review = _build(tmp_path / "review.db", synced=setup is not UNSYNCED)
    if callable(setup):
        with open_store(review) as store:
            setup(store)
    before = _dump(review)
    everyone = ("extract", "screen", "keep_full_text")
    expected = {"lead": True, "reviewer": action in everyone, "observer": False}[actor.role]
    assert allowed(actor, action) == expected
    with open_store(review) as store:
        if expected:
            call(store, actor, tmp_path)
        else:
            with pytest.raises(PermissionDenied, match=rf"{actor.name} is a {actor.role}: only"):
                call(store, actor, tmp_path)
    after = _dump(review)
    if not expected:
        assert after == before  # refused: nothing at all was written
        assert not [f for f in tmp_path.iterdir() if f.suffix in (".html", ".svg")]
    elif leaves == "changed":
        assert after != before
    else:
        assert after == before
        if leaves != "same":
            assert (tmp_path / leaves).stat().st_size > 0


def test_roles_as_the_issue_states_them():
    leads_only = {a for a, (roles, _) in PERMISSIONS.items() if roles == ("lead",)}
    assert leads_only == {
        "resolve_conflict", "decide_duplicates", "manage_studies", "edit_protocol",
        "export_report", "manage_reviewers", "see_all_decisions",
    }  # fmt: skip
    assert {a for a in PERMISSIONS if allowed(REVIEWER, a)} == {
        "screen", "keep_full_text", "extract",
    }  # fmt: skip


def readme_table() -> list[tuple[str, str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- permissions:start -->")
    end = text.index("<!-- permissions:end -->")
    rows = []
    for line in text[start:end].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows.append((cells[0].strip("`"), cells[1], cells[2]))
    return rows


def permission_markdown() -> str:
    """The README's table, as ``permission_rows`` gives it."""
    lines = ["| action | who may | what it covers |", "|---|---|---|"]
    lines += [f"| `{a}` | {roles} | {what} |" for a, roles, what in permission_rows()]
    return "\n".join(lines)


def test_the_readme_table_is_the_one_the_library_enforces():
    assert readme_table() == permission_rows()
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert permission_markdown() in text, "regenerate with: python -m tests.test_permissions"
    assert re.search(r"review reviewer permissions", text)


if __name__ == "__main__":  # print the README's table
    print(permission_markdown())
