"""The Overview's PRISMA table: the diagram's counts (review.status over review_counts)."""

from __future__ import annotations

import base64
import re

from streamlit.testing.v1 import AppTest

from review.extraction.studies import link_records, list_studies, sync_studies
from review.report.flow import review_counts
from review.store import open_store
from tests.test_status import LEE, _review


def _overview_page():
    from review.ui import overview

    overview.page()


def test_the_prisma_table_agrees_with_the_diagram_and_counts_studies(tmp_path, monkeypatch):
    path = tmp_path / "review.db"
    with open_store(path) as store:
        _review(store)
        sync_studies(store, LEE)
        first, second = list_studies(store)
        link_records(store, first.id, [r.record_id for r in second.records], LEE)  # one trial
        counts = review_counts(store)
    monkeypatch.setenv("REVIEW_DB", str(path))
    at = AppTest.from_function(_overview_page).run(timeout=30)
    assert not at.exception
    table = dict(at.dataframe[0].value[["step", "records"]].itertuples(index=False))
    assert table["Studies included"] == counts.studies_included == 1  # not the 2 reports
    assert table["Reports included"] == counts.reports_included == 2
    assert table["Records identified"] == counts.records_identified
    assert table["Records screened (title/abstract)"] == counts.records_screened
    assert table["Waiting for full-text screening"] == counts.awaiting_full_text
    (image,) = at.get("image")  # the diagram below it, drawn from the same counts
    svg = base64.b64decode(image.proto.imgs[0].url.split(",", 1)[1]).decode()
    text = " ".join(" ".join(re.findall(r">([^<>]+)<", svg)).split())
    assert re.search(
        r"Studies included in review \(n = 1\) Reports of included studies \(n = 2\)", text
    )


def test_queued_for_screening_is_what_there_is_to_screen(tmp_path, monkeypatch):
    """Six queued records, two of them one study: five to screen, as the Screen page says."""
    from review.dedupe.pairs import decide_pair

    path = tmp_path / "review.db"
    with open_store(path) as store:
        _review(store)
        decide_pair(store, LEE, 5, 6, "confirm")
    monkeypatch.setenv("REVIEW_DB", str(path))
    at = AppTest.from_function(_overview_page).run(timeout=30)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Records"] == "6"
    assert metrics["Queued for screening"] == "5"
