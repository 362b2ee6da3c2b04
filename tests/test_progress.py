"""The progress protocol (review/progress.py) and the library functions that follow it: each step
starts at 0, never goes back, stays within its total and ends at it; without a callback nothing
is told and loops are left as they are."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from review.dedupe.run import dedupe
from review.imports.load import import_file
from review.prioritise import Ranker, simulate
from review.progress import Tally, counted
from review.report.export import write_report
from review.store import open_store

DATA = Path(__file__).parent / "data" / "imports"


class Recorder:
    """A Progress that keeps every call, in order, and checks the protocol's rules."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int | None]] = []

    def __call__(self, step: str, done: int, total: int | None) -> None:
        self.calls.append((step, done, total))

    def steps(self) -> list[str]:
        return list(dict.fromkeys(step for step, _, _ in self.calls))

    def check(self) -> dict[str, list[tuple[int, int | None]]]:
        """Every step's calls, after asserting the rules: contiguous (a step does not come
        back once another started), monotone, within its total, ended at it."""
        by_step: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
        order = [self.calls[0][0]] if self.calls else []
        for step, done, total in self.calls:
            if step != order[-1]:
                assert step not in order, f"{step!r} came back after another step"
                order.append(step)
            by_step[step].append((done, total))
        for step, calls in by_step.items():
            counts = [done for done, _ in calls]
            assert counts == sorted(counts), f"{step}: went back {counts}"
            assert all(t is None or d <= t for d, t in calls), f"{step}: beyond total {calls}"
            last_done, last_total = calls[-1]
            assert last_total is not None and last_done == last_total, f"{step}: no end {calls}"
        return by_step


def test_counted_without_a_callback_is_the_items_themselves():
    items = [1, 2, 3]
    assert counted(None, "Reading", items, 3) is items


def test_counted_tells_the_start_every_n_items_and_the_end():
    seen = Recorder()
    assert list(counted(seen, "Reading", range(2500), 2500, every=1000)) == list(range(2500))
    assert seen.calls == [
        ("Reading", 0, 2500),
        ("Reading", 1000, 2500),
        ("Reading", 2000, 2500),
        ("Reading", 2500, 2500),
    ]


def test_a_tally_stays_short_of_its_total_until_it_ends():
    seen = Recorder()
    tally = Tally(seen, "Storing", 10, every=5)
    tally.add(5)
    tally.add(5)  # all stored, but not yet committed
    assert seen.calls[-1] == ("Storing", 9, 10)
    tally.end()
    assert seen.calls[-1] == ("Storing", 10, 10)
    seen.check()


def test_a_tally_of_unknown_size_ends_at_its_count():
    seen = Recorder()
    tally = Tally(seen, "Listing", None)
    tally.add(3)
    tally.end()
    assert seen.calls == [("Listing", 0, None), ("Listing", 3, None), ("Listing", 3, 3)]


def test_an_import_then_its_dedupe_tell_every_step(tmp_path):
    seen = Recorder()
    with open_store(tmp_path / "r.db") as store:
        import_file(store, DATA / "embase.ris", progress=seen)
        import_file(store, DATA / "embase.csv", progress=seen)
        result = dedupe(store, progress=seen)
    assert result.merged == 6  # the callback changed nothing
    steps = seen.check()
    assert seen.steps() == [
        "Reading embase.ris",
        "Storing embase.ris",
        "Reading embase.csv",
        "Storing embase.csv",
        "Loading and preparing records",
        "Grouping records into blocks",
        "Finding candidate pairs",
        "Scoring candidate pairs",
        "Storing duplicate pairs",
    ]
    assert steps["Reading embase.ris"][-1] == (385, 385)  # lines
    assert steps["Storing embase.csv"][-1] == (6, 6)  # records
    assert steps["Loading and preparing records"][-1] == (12, 12)
    assert steps["Storing duplicate pairs"][-1] == (6, 6)


def test_a_big_import_is_told_as_it_goes(tmp_path):
    """Several thousand records: the reader and the store report in between, not only at the
    ends, so a terminal is never left without news for the whole file."""
    text = (DATA / "embase.ris").read_text(encoding="utf-8-sig")
    big = tmp_path / "big.ris"
    big.write_text(text * 500, encoding="utf-8")  # 3,000 records, 192,500 lines
    seen = Recorder()
    with open_store(tmp_path / "r.db") as store:
        assert import_file(store, big, progress=seen).new == 3000
    steps = seen.check()
    reading, storing = steps["Reading big.ris"], steps["Storing big.ris"]
    assert len(reading) >= 10 and reading[-1] == (192_500, 192_500)
    assert [d for d, _ in storing] == [0, 1000, 2000, 2999, 3000]


def test_every_reader_tells_its_step(tmp_path):
    files = ["pubmed_result1.txt", "web_of_science.txt", "embase.csv", "scopus.ris"]
    seen = Recorder()
    with open_store(tmp_path / "r.db") as store:
        for name in files:
            import_file(store, DATA / name, progress=seen)
    steps = seen.check()
    assert all(f"Reading {name}" in steps for name in files), seen.steps()


def test_pubmed_xml_is_told_by_record(tmp_path):
    from tests.fake_eutils import make_corpus

    corpus = make_corpus(30, seed=2)
    xml = tmp_path / "pubmed.xml"
    body = b"\n".join(r.xml for r in corpus)
    xml.write_bytes(b"<?xml version='1.0'?>\n<PubmedArticleSet>\n%s\n</PubmedArticleSet>" % body)
    seen = Recorder()
    with open_store(tmp_path / "r.db") as store:
        import_file(store, xml, progress=seen)
    assert seen.check()["Reading pubmed.xml"][-1] == (30, 30)


def test_a_dedupe_of_nothing_new_tells_nothing(tmp_path):
    seen = Recorder()
    with open_store(tmp_path / "r.db") as store:
        import_file(store, DATA / "embase.ris")
        dedupe(store)
        dedupe(store, progress=seen)
    assert seen.steps() == ["Storing duplicate pairs"]  # the store's step, of no pairs
    seen.check()


def test_building_features_and_replaying_tell_their_steps():
    texts = [f"aspirin stroke trial {i}" if i % 5 == 0 else f"pasta recipe {i}" for i in range(60)]
    labels = [1 if i % 5 == 0 else 0 for i in range(60)]
    seen = Recorder()
    plain = simulate(texts, labels, seed=1)
    assert simulate(texts, labels, seed=1, progress=seen) == plain
    steps = seen.check()
    assert seen.steps() == ["Building text features", "Replaying the screening"]
    assert steps["Building text features"][-1] == (120, 120)  # two vectorisers read each text
    assert steps["Replaying the screening"][-1] == (60, 60)
    # the same features as without a callback
    again = Recorder()
    ranked = Ranker(texts, progress=again).rank({0: 1, 1: 0})
    assert ranked == Ranker(texts).rank({0: 1, 1: 0})


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_a_report_tells_gathering_then_writing(tmp_path, suffix):
    seen = Recorder()
    shutil.copy(DATA / "embase.ris", tmp_path / "e.ris")
    with open_store(tmp_path / "r.db") as store:
        import_file(store, tmp_path / "e.ris")
        write_report(store, tmp_path / f"overview{suffix}", progress=seen)
    steps = seen.check()
    assert seen.steps() == ["Gathering the report", f"Writing overview{suffix}"]
    assert steps["Gathering the report"][-1] == (7, 7)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ris", "bibtex"])
def test_an_export_tells_gathering_then_writing(tmp_path, fmt):
    from review.exports import export

    seen = Recorder()
    with open_store(tmp_path / "r.db") as store:
        import_file(store, DATA / "embase.ris")
        import_file(store, DATA / "embase.csv")
        dedupe(store)
        result = export(store, tmp_path / f"out.{fmt}", fmt, progress=seen)
        assert result == export(store, tmp_path / f"out.{fmt}", fmt)  # the callback changed nothing
    steps = seen.check()
    assert seen.steps() == ["Gathering the records", f"Writing out.{fmt}"]
    assert steps["Gathering the records"][-1] == (12, 12)
    assert steps[f"Writing out.{fmt}"][-1] == (12, 12)
