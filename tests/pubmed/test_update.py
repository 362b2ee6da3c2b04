"""Scheduled updates: only what PubMed added since the last run, once, and one update at a time."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from review.errors import AlreadyRunning
from review.pubmed.harvest import RunResult, SearchSpec, run_search
from review.pubmed.model import SearchRun
from review.pubmed.update import since_for, update_lock, update_review
from review.store import open_store
from tests.conftest import client_for
from tests.fake_eutils import make_corpus


def today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


def test_update_adds_exactly_the_new_records_once(tmp_path, fake, small_corpus):
    with open_store(tmp_path / "r.db") as store:
        client = client_for(fake)
        run_search(store, client, SearchSpec("cryo", "cryoablation"))
        run_search(store, client, SearchSpec("renal", "cryoablation AND renal"))

        first = update_review(store, client)
        assert [(name, r.new) for name, r in first] == [("cryo", 0), ("renal", 0)]
        assert all(isinstance(r, RunResult) and r.status == "complete" for _, r in first)

        fresh = make_corpus(7, topic="cryoablation", seed=99, start=today(), end=today(),
                            first_pmid=41_000_000)  # fmt: skip
        fake.add_records(fresh)
        fake.log.clear()
        second = dict(update_review(store, client))
        assert second["cryo"].new == 7 and second["cryo"].already_present == 0
        assert {r.pmid for r in fresh} <= set(store.all_pmids())
        assert store.count_records() == len(small_corpus) + 7
        # only the new records were fetched, by an update limited to recent entry dates
        fetched = [e for e in fake.log if e.endpoint == "efetch"]
        assert len(fetched) == 1
        searched = [e.params for e in fake.log if e.endpoint == "esearch"]
        assert searched and all("[EDAT]" not in p["term"] for p in searched)
        since = (today() - datetime.timedelta(days=7)).strftime("%Y/%m/%d")
        assert all(p["datetype"] == "edat" and p["mindate"] == since for p in searched)
        tomorrow = today() + datetime.timedelta(days=1)
        assert all(p["maxdate"] == tomorrow.strftime("%Y/%m/%d") for p in searched)
        renal_new = second["renal"].new + second["renal"].already_present
        assert renal_new == sum("renal" in r.text for r in fresh)

        third = dict(update_review(store, client))
        assert third["cryo"].new == 0 and third["cryo"].already_present == 7
        queued = store.queued_for_screening()
        assert queued == len(small_corpus) + 7
        kinds = [r.kind for r in store.runs()]
        assert kinds.count("update") == 6


def test_the_update_window_overlaps_the_last_successful_run():
    unset = dict.fromkeys(
        ("finished_at", "ncbi_count", "retrieved", "new_records", "already_present", "deleted")
        + ("query_translation", "message")
    )
    last = SearchRun(
        **unset,
        id=1,
        search_id=1,
        kind="update",
        status="complete",
        phase="done",
        started_at="2026-03-10T02:00:00+00:00",
        params={},
        warnings=(),
        errors=(),
        search_name="s",
        query="q",
    )
    assert since_for(last, 7) == datetime.date(2026, 3, 3)
    assert since_for(None) is None  # never completed: search everything


def test_a_second_update_is_refused_while_one_runs(tmp_path, fake):
    with open_store(tmp_path / "r.db") as store:
        run_search(store, client_for(fake), SearchSpec("cryo", "cryoablation"))
        with update_lock(store.path), pytest.raises(AlreadyRunning, match="already running .*pid"):
            update_review(store, client_for(fake))
        assert [r.new for _, r in update_review(store, client_for(fake))] == [0]


def test_the_saved_searchs_own_date_limits_hold_in_an_update(tmp_path, fake, small_corpus):
    with open_store(tmp_path / "r.db") as store:
        client = client_for(fake)
        spec = SearchSpec("cryo", "cryoablation", mindate="2010", maxdate="2012/06")
        first = run_search(store, client, spec)
        lo, hi = datetime.date(2010, 1, 1), datetime.date(2012, 6, 30)
        assert first.new == sum(lo <= r.pdat <= hi for r in small_corpus) > 0
        fresh = make_corpus(6, topic="cryoablation", seed=98, start=today(), end=today(),
                            first_pmid=41_000_000)  # fmt: skip
        inside = [dataclasses.replace(r, pdat=datetime.date(2011, 5, 1)) for r in fresh[:2]]
        fake.add_records(inside + fresh[2:])  # entered today; two published in the limits
        fake.log.clear()
        [(_, result)] = update_review(store, client)
        assert isinstance(result, RunResult)
        assert result.new == 2 and {r.pmid for r in inside} <= set(store.all_pmids())
        [sent] = [e.params for e in fake.log if e.endpoint == "esearch"]
        assert sent["term"] == '(cryoablation) AND ("2010"[DP] : "2012/06"[DP])'
        assert sent["datetype"] == "edat" and sent["maxdate"] > sent["mindate"]
