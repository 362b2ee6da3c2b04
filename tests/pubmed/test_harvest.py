"""Harvests against the fake NCBI: completeness, provenance, faults, resumption."""

from __future__ import annotations

import datetime
import threading

import pytest

from review.errors import NetworkError, QueryError
from review.pubmed.harvest import CAP, SearchSpec, esearch_args, run_search
from review.store import open_store
from tests.conftest import client_for
from tests.fake_eutils import FakeEutils, make_corpus, max_requests_in_any_second
from tests.test_progress import Recorder


def stored(store) -> dict[str, str]:
    return {r["origin_id"]: r["raw"] for r in store.query("SELECT origin_id, raw FROM records")}


def test_a_search_stores_every_hit_with_its_provenance(tmp_path, fake, small_corpus):
    with open_store(tmp_path / "r.db") as store:
        result = run_search(store, client_for(fake), SearchSpec("cryo", "cryoablation"))
        assert result.status == "complete"
        assert result.ncbi_count == len(small_corpus) == result.retrieved == result.new
        assert set(stored(store)) == {r.pmid for r in small_corpus}
        raw = {r.pmid: r.xml.decode() for r in small_corpus}
        assert stored(store) == raw  # the original XML, byte for byte
        run = store.run(result.run_id)
        assert run.query_translation
        assert run.params["term"] == "cryoablation"
        assert run.finished_at and run.status == "complete"
        assert store.queued_for_screening() == len(small_corpus)
        # esearch with the history server, efetch pages from it
        assert fake.log[0].params["usehistory"] == "y"
        fetches = [e for e in fake.log if e.endpoint == "efetch"]
        assert fetches and all("webenv" in map(str.lower, e.params) for e in fetches)
        assert all(e.params.get("tool") and e.params.get("email") for e in fake.log)


def test_re_running_adds_provenance_and_never_duplicates(tmp_path, fake, small_corpus):
    with open_store(tmp_path / "r.db") as store:
        client = client_for(fake)
        first = run_search(store, client, SearchSpec("cryo", "cryoablation"))
        subset = run_search(store, client, SearchSpec("renal", "cryoablation AND renal"))
        again = run_search(store, client, SearchSpec("cryo", "cryoablation"))
        assert store.count_records() == len(small_corpus)
        assert 0 < subset.ncbi_count < first.ncbi_count
        assert (subset.new, subset.already_present) == (0, subset.ncbi_count)
        assert (again.new, again.already_present) == (0, len(small_corpus))
        links = store.scalar("SELECT count(*) FROM record_sources")
        assert links == 2 * len(small_corpus) + subset.ncbi_count
        # nothing stored was downloaded again by the re-runs
        assert fake.count("efetch") == -(-len(small_corpus) // 500)


def test_more_than_the_cap_is_harvested_completely_within_the_rate(tmp_path):
    """The issue's acceptance run: 25,000 hits, 9,999-hit cap, 3 requests/s without a key."""
    corpus = make_corpus(25_000, topic="neuroma", seed=7)
    seen = Recorder()
    with FakeEutils(corpus) as fake, open_store(tmp_path / "r.db") as store:
        client = client_for(fake, key=False, timeout=10)
        spec = SearchSpec("big", "neuroma")
        result = run_search(store, client, spec, page_size=1000, progress=seen)
        assert result.status == "complete", result.errors
        # the slices' PMIDs told as they are listed, then the records as they are stored
        steps = seen.check()
        assert seen.steps() == ["big: searching PubMed", "big: fetching records"]
        assert len(steps["big: searching PubMed"]) >= 4  # the start, slices, the end
        assert steps["big: searching PubMed"][-1] == (25_000, 25_000)
        fetching = steps["big: fetching records"]
        assert len(fetching) >= 26 and fetching[-1] == (25_000, 25_000)  # page by page
        assert result.ncbi_count == 25_000
        assert store.count_records() == 25_000
        assert set(stored(store)) == {r.pmid for r in corpus}
        assert len(store.slices(result.run_id)) >= 3
        assert all(s.count <= CAP for s in store.slices(result.run_id))
        assert max_requests_in_any_second(fake.log) <= 3
        assert fake.count(status=429) == 0


def test_with_a_key_two_harvests_in_one_process_share_ten_per_second(tmp_path):
    corpus = make_corpus(3000, topic="cryoablation", seed=3)
    with FakeEutils(corpus) as fake:
        results = {}

        def harvest(name, query):
            with open_store(tmp_path / f"{name}.db") as store:
                client = client_for(fake, key=True)
                results[name] = run_search(store, client, SearchSpec(name, query), page_size=100)

        threads = [
            threading.Thread(target=harvest, args=("a", "cryoablation")),
            threading.Thread(target=harvest, args=("b", "cryoablation AND renal")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results["a"].retrieved == 3000 and results["b"].status == "complete"
        assert len(fake.log) > 30
        assert max_requests_in_any_second(fake.log) <= 10
        assert fake.count(status=429) == 0


def test_faulty_responses_end_with_the_same_records(tmp_path, small_corpus):
    with FakeEutils(list(small_corpus)) as clean, open_store(tmp_path / "clean.db") as store:
        run_search(store, client_for(clean), SearchSpec("cryo", "cryoablation"), page_size=100)
        expected = stored(store)
    faulty = FakeEutils(
        list(small_corpus),
        fault_rate=0.2,
        fault_kinds=("429", "500", "502", "503", "truncated", "html", "drop", "drop_body"),
        seed=11,
    )
    with faulty, open_store(tmp_path / "faulty.db") as store:
        client = client_for(faulty, attempts=12)
        result = run_search(store, client, SearchSpec("cryo", "cryoablation"), page_size=20)
        assert result.status == "complete"
        assert stored(store) == expected
        faults = [e.fault for e in faulty.log if e.fault]
        assert len(faults) >= 10 and len(set(faults)) >= 6  # many failures, of many kinds
        assert client.retries >= len(faults)


def test_a_retry_waits_as_long_as_retry_after_asks(tmp_path, fake):
    pauses = []
    client = client_for(fake)
    client._sleep = pauses.append  # record the pauses instead of sleeping them
    fake.inject("429", count=1, endpoint="esearch")
    with open_store(tmp_path / "r.db") as store:
        run_search(store, client, SearchSpec("cryo", "cryoablation"))
    assert pauses and pauses[0] >= 1.0  # the fake says Retry-After: 1


def test_a_slow_server_hits_the_timeout_and_is_retried(tmp_path, small_corpus):
    with FakeEutils(list(small_corpus), slow_seconds=3) as fake:
        fake.inject("slow", count=1, endpoint="efetch")
        with open_store(tmp_path / "r.db") as store:
            result = run_search(store, client_for(fake, timeout=1), SearchSpec("c", "cryoablation"))
        assert result.status == "complete"
        assert [e.fault for e in fake.log if e.fault] == ["slow"]


def test_a_server_that_keeps_failing_gives_a_clear_error_and_stores_nothing_partial(tmp_path, fake):
    fake.inject("503", count=100, endpoint="efetch")
    with open_store(tmp_path / "r.db") as store:
        with pytest.raises(NetworkError, match="failed 3 times.*run the same command again"):
            run_search(store, client_for(fake, attempts=3), SearchSpec("c", "cryoablation"))
        run = store.runs()[0]
        assert run.status == "interrupted"
        assert store.count_records() == 0
        assert len(store.pending_hits(run.id)) == run.ncbi_count


def test_a_harvest_tells_its_two_steps(tmp_path, fake, small_corpus):
    seen = Recorder()
    with open_store(tmp_path / "r.db") as store:
        run_search(store, client_for(fake), SearchSpec("cryo", "cryoablation"), progress=seen)
    steps = seen.check()
    n = len(small_corpus)
    assert steps["cryo: searching PubMed"] == [(0, n), (n - 1, n), (n, n)]
    # told as each page is stored, and again (the same count) as each one is downloaded
    fetching = steps["cryo: fetching records"]
    assert sorted(set(fetching)) == [(0, n), (500, n), (1000, n), (n, n)]
    assert len(fetching) == 4 + 3  # three pages downloaded


def test_an_interrupted_harvest_resumes_without_downloading_again(tmp_path, fake, small_corpus):
    seen = []

    def stop_midway(step, done, total):
        seen.append(done)
        if step == "cryo: fetching records" and done >= 600:
            raise KeyboardInterrupt

    with open_store(tmp_path / "r.db") as store:
        client = client_for(fake)
        spec = SearchSpec("cryo", "cryoablation")
        with pytest.raises(KeyboardInterrupt):
            run_search(store, client, spec, page_size=200, progress=stop_midway)
        assert store.count_records() == 600
        assert store.runs()[0].status == "interrupted"
        fake.log.clear()
        result = run_search(store, client, spec, page_size=200)
        assert result.status == "complete"
        assert result.run_id == store.runs()[0].id  # the same run, continued
        assert len(store.runs()) == 1
        assert stored(store) == {r.pmid: r.xml.decode() for r in small_corpus}
        fetched = sum(len(e.params.get("id", "").split(",")) for e in fake.log if "id" in e.params)
        assert fetched == len(small_corpus) - 600  # only what was missing


def test_an_expired_history_falls_back_to_fetching_by_pmid(tmp_path, fake, small_corpus):
    client = client_for(fake)
    first_page = client.efetch_history

    def then_expire(*args, **kwargs):  # NCBI forgets the WebEnv right after the first page
        page = first_page(*args, **kwargs)
        fake.expire_history()
        return page

    client.efetch_history = then_expire
    with open_store(tmp_path / "r.db") as store:
        result = run_search(store, client, SearchSpec("c", "cryoablation"))
        assert result.status == "complete" and store.count_records() == len(small_corpus)
    fetches = [e.params for e in fake.log if e.endpoint == "efetch"]
    assert "webenv" in fetches[0] and "id" in fetches[-1]  # history first, then by PMID


def test_deleted_citations_are_counted_not_stored(tmp_path, fake, small_corpus):
    gone = small_corpus[5].pmid
    client = client_for(fake)
    fetch = client.efetch_history

    def delete_first(*args, **kwargs):  # PubMed deletes a record between esearch and efetch
        fake.delete(gone)
        return fetch(*args, **kwargs)

    client.efetch_history = delete_first
    with open_store(tmp_path / "r.db") as store:
        result = run_search(store, client, SearchSpec("c", "cryoablation"))
        assert result.deleted == 1 and result.status == "complete"
        assert result.retrieved == len(small_corpus) - 1
        assert store.record_by_pmid(gone) is None


def test_phrase_not_found_is_reported_in_plain_words(tmp_path, fake):
    with open_store(tmp_path / "r.db") as store:
        result = run_search(store, client_for(fake), SearchSpec("x", "cryoablation AND zzqxv"))
        assert any("zzqxv" in e and "left it out" in e for e in result.errors)
        none = run_search(store, client_for(fake), SearchSpec("y", '"no such phrase here"'))
        assert none.ncbi_count == 0
        assert any("quoted phrase" in w for w in none.warnings)
        assert any("No items found" in w for w in none.warnings)


def test_a_malformed_query_fails_the_run_with_ncbis_message(tmp_path, fake):
    with open_store(tmp_path / "r.db") as store:
        with pytest.raises(QueryError, match="rejected the search"):
            run_search(store, client_for(fake), SearchSpec("bad", "(cryoablation AND"))
        run = store.runs()[0]
        assert run.status == "failed" and "rejected" in run.message


def test_date_windows_go_as_esearch_parameters():
    day = datetime.date
    window = esearch_args("a OR b", {}, day(2020, 1, 2), day(2020, 3, 4))
    dates = {"datetype": "edat", "mindate": "2020/01/02", "maxdate": "2020/03/04"}
    assert window == ("a OR b", dates)
    assert esearch_args("a", {}, None, None) == ("a", {})
    # the saved search's own limits: parameters alone, or in the term beside a window
    pdat = {"mindate": "2010", "maxdate": "2015/06", "datetype": None}
    assert esearch_args("a", pdat, None, None) == (
        "a",
        {"datetype": "pdat", "mindate": "2010", "maxdate": "2015/06"},
    )
    term, sent = esearch_args("a", pdat, day(2020, 1, 2), day(2020, 3, 4))  # type: ignore[misc]
    assert term == '(a) AND ("2010"[DP] : "2015/06"[DP])' and sent == dates
    # a saved entry-date limit narrows the window; one they do not share is empty
    edat = {"mindate": "2020/02", "maxdate": "2021", "datetype": "edat"}
    assert esearch_args("a", edat, day(2020, 1, 2), day(2020, 3, 4)) == (
        "a",
        {"datetype": "edat", "mindate": "2020/02/01", "maxdate": "2020/03/04"},
    )
    assert esearch_args("a", edat, day(2022, 1, 1), day(2022, 2, 1)) is None
