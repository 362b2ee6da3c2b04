"""The stopping certificate: its numbers for a review that stopped on the stopping test, the
PRISMA flow's automation-tools box, the report in every format, `review progress`, and a review
screened to the end (no certificate) or still under way."""

from __future__ import annotations

import html
import re

import docx
import pytest
from click.testing import CliRunner

from review.cli import cli
from review.prioritise.certificate import stopping_certificate, tool_version
from review.prioritise.progress import screening_progress, start_stopping_sample
from review.records import AbstractSection, Record
from review.report.export import export_report
from review.report.flow import review_counts
from review.report.prisma import AUTOMATION, prisma_svg
from review.screening.decisions import decide
from review.screening.model import Reviewer
from review.status import review_status
from review.store import open_store
from tests.report.test_prisma import svg_text

TA = "title_abstract"
ANN, LEE = Reviewer("ann"), Reviewer("lee", "lead")
N, RELEVANT, EXCLUDED_FIRST = 400, 40, 40


def _review(path):
    """Records 1-40 on statins (relevant), the rest on knees; ann includes every statin record
    and excludes 40 knee records, as prioritised screening would have offered them."""
    store = open_store(path)
    topics = ["statin trial for cholesterol", "knee replacement outcomes"]
    store.add_records(
        "t",
        [
            (str(i), Record(title=f"{topics[i >= RELEVANT]} {i}",
                            abstract_sections=(AbstractSection("Text."),), raw=str(i)))
            for i in range(N)
        ],
    )  # fmt: skip
    for record_id in range(1, RELEVANT + 1):
        decide(store, ANN, record_id, TA, "include")
    for record_id in range(RELEVANT + 1, RELEVANT + EXCLUDED_FIRST + 1):
        decide(store, ANN, record_id, TA, "exclude", "Wrong population")
    return store


@pytest.fixture
def stopped(tmp_path):
    """Screening stopped: the random sample screened until the test allowed stopping."""
    store = _review(tmp_path / "stopped.db")
    sample = start_stopping_sample(store, LEE, seed=5)
    needed = screening_progress(store, None).advice.more_needed
    for record_id in sample.records[:needed]:
        decide(store, ANN, record_id, TA, "exclude", "Wrong population")
    yield store, sample, needed
    store.close()


def test_the_certificate_of_a_review_that_stopped(stopped):
    store, sample, needed = stopped
    c = stopping_certificate(store)
    screened = RELEVANT + EXCLUDED_FIRST + needed
    assert c.status == "stopped"
    assert (c.total, c.screened, c.not_screened) == (N, screened, N - screened)
    assert c.sample_pool == N - RELEVANT - EXCLUDED_FIRST == sample.pool
    assert (c.sample_size, c.sample_relevant, c.relevant_found) == (needed, 0, RELEVANT)
    assert (
        c.p_value is not None
        and c.p_value < 0.05
        and (c.recall_target, c.confidence)
        == (
            0.95,
            0.95,
        )
    )
    assert c.recall_estimate == 1.0 and c.missed_estimate == 0.0
    assert c.missed_bound is not None and c.recall_bound == RELEVANT / (RELEVANT + c.missed_bound)
    assert c.recall_bound >= 0.95
    text = " ".join(c.text)
    assert f"after {screened:,} of {N:,} records had been screened by a person" in text
    assert f"random sample of {needed:,} of the {sample.pool:,} records unscreened" in text
    assert "rejected, at the 95% level, the hypothesis that recall was below 95%" in text
    assert f"The remaining {N - screened:,} records were not screened by a person" in text
    assert tool_version() in text and c.stopped_on in text and len(c.stopped_on) == 10


def test_the_flow_counts_the_unscreened_as_removed_by_automation(stopped):
    store, _, _ = stopped
    c, flow = stopping_certificate(store), review_counts(store)
    assert flow.removed_by_automation == c.not_screened and flow.awaiting_screening == 0
    assert flow.records_screened == c.screened
    assert flow.records_identified - flow.duplicates_removed - flow.removed_by_automation == (
        flow.records_screened
    )
    assert f"{AUTOMATION} (n = {c.not_screened})" in svg_text(prisma_svg(flow))
    table = dict(review_status(store, None, flow=True).flow_table())
    assert table["Not screened: screening stopped (automation tools)"] == c.not_screened


@pytest.mark.parametrize("suffix", [".md", ".html", ".docx"])
def test_the_report_carries_the_certificate_in_every_format(stopped, tmp_path, suffix):
    store, _, _ = stopped
    c = stopping_certificate(store)
    out = export_report(store, LEE, tmp_path / f"overview{suffix}")
    if suffix == ".docx":
        text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    elif suffix == ".html":
        text = html.unescape(out.read_text(encoding="utf-8"))
    else:  # Markdown escapes its punctuation ("\\&")
        text = re.sub(r"\\(.)", r"\1", out.read_text(encoding="utf-8"))
    assert "Screening prioritisation and stopping" in text
    for line in c.text:
        assert line in text
    assert f"{c.screened:,} of {N:,} records" in text


def test_a_review_screened_to_the_end_has_no_certificate(tmp_path):
    with _review(tmp_path / "done.db") as store:
        for record_id in range(RELEVANT + EXCLUDED_FIRST + 1, N + 1):
            decide(store, ANN, record_id, TA, "exclude", "Wrong population")
        c = stopping_certificate(store)
        assert c.status == "complete" and c.not_screened == 0 and c.p_value is None
        assert c.text == (
            f"All {N:,} records were screened on title and abstract by a person. No automation "
            "tool excluded records and screening was not stopped early; where the records were "
            "offered in a prioritised order, the order decided nothing.",
        )
        assert review_counts(store).removed_by_automation == 0
        text = export_report(store, LEE, tmp_path / "overview.md").read_text(encoding="utf-8")
        assert c.text[0] in text and "Screening stopped" not in text


def test_a_review_still_screening_reports_what_waits_and_excludes_nothing(tmp_path):
    with _review(tmp_path / "open.db") as store:
        c = stopping_certificate(store)
        assert c.status == "screening" and c.not_screened == N - RELEVANT - EXCLUDED_FIRST
        assert "No stopping test has been run" in c.text[1]
        start_stopping_sample(store, LEE, seed=5)
        decide(store, ANN, RELEVANT + EXCLUDED_FIRST + 1, TA, "exclude", "Wrong population")
        c = stopping_certificate(store)
        assert c.status == "screening" and "does not yet allow stopping" in c.text[1]
        flow = review_counts(store)
        assert flow.removed_by_automation == 0 and flow.awaiting_screening == c.not_screened


def test_review_progress_prints_the_certificate(stopped):
    store, _, _ = stopped
    result = CliRunner().invoke(cli, ["progress", str(store.path)])
    assert result.exit_code == 0, result.output
    assert "Stopping certificate (stopped, as the report words it):" in result.output
    assert stopping_certificate(store).text[1] in result.output
