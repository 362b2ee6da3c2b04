"""PubMed may drop a date limit that no record falls in and answer the whole query's count.

Such a window holds nothing: it must not be split further (a split storm), fetched, or taken as
new, and the run must say what PubMed answered.
"""

from __future__ import annotations

import datetime

import pytest

from review.pubmed import harvest
from review.pubmed.harvest import SearchSpec, run_search
from review.pubmed.update import update_review
from review.store import open_store
from tests.conftest import client_for
from tests.fake_eutils import FakeEutils, make_corpus


def guarded(client, limit: int):
    """Fail fast, instead of hanging, if the harvest starts a split storm."""
    real = client.esearch
    calls = []

    def esearch(term, **kwargs):
        calls.append(kwargs)
        assert len(calls) <= limit, f"split storm: more than {limit} esearch calls"
        return real(term, **kwargs)

    client.esearch = esearch
    return client


@pytest.mark.parametrize("mode", ["drop", "drop-silently"])
def test_a_dropped_update_window_takes_nothing_as_new(tmp_path, mode):
    corpus = make_corpus(300, topic="cryoablation", seed=3)
    with (
        FakeEutils(corpus, enforce_rate=False, empty_date_limit=mode) as fake,
        open_store(tmp_path / "r.db") as store,
    ):
        client = client_for(fake)
        first = run_search(store, client, SearchSpec("cryo", "cryoablation"))
        assert first.new == 300
        # entered late with old entry dates: outside the update's window, so not its to take
        late = make_corpus(
            5,
            topic="cryoablation",
            seed=4,
            start=datetime.date(2010, 1, 1),
            end=datetime.date(2010, 1, 5),
            first_pmid=41_000_000,
        )
        fake.add_records(late)
        fake.log.clear()
        [(name, result)] = update_review(store, guarded(client, 5))
        assert isinstance(result, harvest.RunResult)
        searched = [e.params for e in fake.log if e.endpoint == "esearch"]
        # one esearch for the window (and, with no ErrorList item, one for the whole count)
        assert len(searched) == (1 if mode == "drop" else 2)
        assert searched[0]["datetype"] == "edat" and searched[0]["term"] == "cryoablation"
        assert fake.count("efetch") == 0  # nothing fetched or refetched
        assert (result.new, result.already_present, result.retrieved) == (0, 0, 0)
        assert result.status == "complete" and result.ncbi_count == 0
        assert {r.pmid for r in late}.isdisjoint(store.all_pmids())
        said = " ".join(result.warnings)
        assert "PubMed dropped the date limit" in said and "305" in said
        if mode == "drop":
            assert "ErrorList PhraseNotFound" in said and not result.errors
        else:
            assert "a translation with no date limit" in said
        assert "dropped the date limit of 1 window(s)" in result.message
        run = store.run(result.run_id)
        assert run.message == result.message and run.warnings == result.warnings
        assert [s.count for s in store.slices(result.run_id)] == [0]


@pytest.mark.parametrize("mode", ["drop", "drop-silently"])
def test_a_slice_whose_date_limit_pubmed_dropped_is_not_split(tmp_path, monkeypatch, mode):
    monkeypatch.setattr(harvest, "CAP", 250)  # split a small corpus as a big one would be
    corpus = make_corpus(600, topic="cryoablation", seed=5)  # entered 2000-2025 only
    with (
        FakeEutils(corpus, enforce_rate=False, empty_date_limit=mode) as fake,
        open_store(tmp_path / "r.db") as store,
    ):
        client = guarded(client_for(fake), 60)
        result = run_search(store, client, SearchSpec("cryo", "cryoablation"))
        assert result.status == "complete", result.errors
        assert result.new == result.retrieved == result.ncbi_count == 600
        assert set(store.all_pmids()) == {r.pmid for r in corpus}
        slices = store.slices(result.run_id)
        empty = [s for s in slices if s.count == 0]
        assert empty and all(s.webenv is None for s in empty)
        assert sum(s.count for s in slices) == 600
        # every window went as parameters: no date in the term
        searched = [e.params for e in fake.log if e.endpoint == "esearch"]
        windows = [p for p in searched if p.get("mindate")]
        # each range asked once, and only ranges over the cap halved (a binary tree whose
        # leaves are the slices): a dropped range is a leaf, never split further
        assert len(windows) == 2 * len(slices) - 1
        assert len({(p["mindate"], p["maxdate"]) for p in windows}) == len(windows)
        assert all(p["term"] == "cryoablation" and p["datetype"] == "edat" for p in windows)
        assert {(p["mindate"], p["maxdate"]) for p in windows} >= {
            (s.edat_from.replace("-", "/"), s.edat_to.replace("-", "/"))
            for s in slices
            if s.edat_from and s.edat_to
        }
        # each slice that holds records was fetched once; the dropped ones not at all
        assert fake.count("efetch") == len(slices) - len(empty)
        assert "PubMed dropped the date limit" in " ".join(result.warnings)
        assert f"of {len(empty)} window(s)" in result.message


def test_a_kept_window_that_holds_every_record_is_not_taken_for_a_dropped_one(tmp_path):
    corpus = make_corpus(50, topic="cryoablation", seed=6)
    today = datetime.datetime.now(datetime.UTC).date()
    with (
        FakeEutils(corpus, enforce_rate=False, empty_date_limit="drop-silently") as fake,
        open_store(tmp_path / "r.db") as store,
    ):
        client = client_for(fake)
        run_search(store, client, SearchSpec("cryo", "cryoablation AND renal"))
        fresh = make_corpus(4, topic="cryoablation renal", seed=7, start=today, end=today,
                            first_pmid=41_000_000)  # fmt: skip
        fake.add_records(fresh)
        [(_, result)] = update_review(store, client)
        assert isinstance(result, harvest.RunResult)
        assert result.new >= 4 and not result.warnings


def test_what_counts_as_a_dropped_date_limit():
    from review.pubmed.eutils import EsearchResult
    from review.pubmed.harvest import dropped_limit

    sent = {"datetype": "edat", "mindate": "2026/11/28", "maxdate": "2026/12/06"}
    asked = []

    def whole() -> int:
        asked.append(1)
        return 40

    def said(**kw) -> str | None:
        return dropped_limit(EsearchResult(pmids=(), **kw), sent, whole)

    # PubMed's own word: the limit named in ErrorList (no need to ask the whole count)
    named = said(count=40, not_found=("2026/11/28:2026/12/06[edat]",), query_translation="x")
    assert named == "ErrorList PhraseNotFound '2026/11/28:2026/12/06[edat]'" and not asked
    # an unknown word of the query is not the date limit
    kept = "x[All Fields] AND 2026/11/28:2026/12/06[edat]"
    assert said(count=40, not_found=("zzqxv",), query_translation=kept) is None
    # the limit in the translation: kept, even when it holds every record of the query
    assert said(count=40, query_translation=kept) is None and not asked
    # no sign of the limit, and the whole query's count: dropped; a smaller count: kept
    assert said(count=40, query_translation="x[All Fields]").startswith("a translation")
    assert said(count=39, query_translation="x[All Fields]") is None
    assert said(count=0, query_translation="x[All Fields]") is None  # 0 is 0 either way
    assert dropped_limit(EsearchResult(count=40, pmids=()), {}, whole) is None  # no limit sent
