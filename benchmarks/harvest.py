"""Harvest benchmark: a whole harvest from the fake NCBI, then parse-and-store against iterparse.

    .venv/bin/python benchmarks/harvest.py --records 50000

Part 1 runs the fake E-utilities server in its own process and harvests N records through the
real client (rate limit with an API key: 10 requests/s), printing wall time, HTTP requests and the
harvesting process's peak memory. Part 2 takes the same XML in efetch pages and compares
parse-and-store (parse_efetch + one transaction per page into a fresh review database) with a bare
``xml.etree.ElementTree.iterparse`` of the same bytes; the issue asks for a ratio of at least 0.5.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from review.config import read_config  # noqa: E402
from review.pubmed.eutils import EutilsClient, EutilsConfig  # noqa: E402
from review.pubmed.harvest import SearchSpec, run_search  # noqa: E402
from review.pubmed.parse import parse_efetch, split_efetch  # noqa: E402
from review.pubmed.writer import PageWriter, worker_processes  # noqa: E402
from review.store import open_store  # noqa: E402
from tests.fake_eutils import make_corpus  # noqa: E402

HEADER = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve(records: int, seed: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_eutils", "--records", str(records), "--port", "0",
         "--seed", str(seed)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    for line in process.stdout:
        if "http://" in line:
            return process, line[line.index("http://") :].split()[0]
    raise SystemExit("the fake E-utilities server did not start")


def harvest(records: int, seed: int, page_size: int, workdir: Path) -> None:
    process, url = serve(records, seed)
    try:
        settings = read_config()  # REVIEW_RATE_DIR and REVIEW_PARSE_PROCESSES, as `review` reads
        config = EutilsConfig(
            base_url=url, api_key="benchmark", email="bench@example.org",
            rate_dir=settings.rate_dir,
        )  # fmt: skip
        client = EutilsClient(config)
        with open_store(workdir / "harvest.db") as store:
            started = time.perf_counter()
            result = run_search(store, client, SearchSpec("bench", "cryoablation"),
                                page_size=page_size,
                                processes=settings.parse_processes)  # fmt: skip
            seconds = time.perf_counter() - started
            stored = store.count_records()
    finally:
        process.terminate()
        process.wait()
    print(f"harvest: {stored:,} of {result.ncbi_count:,} records stored ({result.status}) in "
          f"{seconds:.1f} s = {stored / seconds:,.0f} records/s at 10 requests/s")  # fmt: skip
    print(f"harvest: {client.requests} HTTP requests ({client.retries} retried), "
          f"{len(store_slices(workdir))} date slices")  # fmt: skip
    print(f"harvest: peak memory of the harvesting process {peak_mb():,.0f} MB")


def store_slices(workdir: Path) -> list:
    with open_store(workdir / "harvest.db") as store:
        return store.slices(store.runs()[0].id)


def pages(records: int, seed: int, page_size: int) -> tuple[list[bytes], list[str]]:
    corpus = make_corpus(records, seed=seed)
    return [
        HEADER + b"\n".join(r.xml for r in corpus[i : i + page_size]) + b"\n</PubmedArticleSet>\n"
        for i in range(0, len(corpus), page_size)
    ], [r.pmid for r in corpus]


def bare_iterparse(bodies: list[bytes]) -> int:
    count = 0
    for body in bodies:
        for _event, elem in ET.iterparse(io.BytesIO(body)):
            if elem.tag in ("PubmedArticle", "PubmedBookArticle"):
                count += 1
                elem.clear()
    return count


def parse_and_store(bodies: list[bytes], pmids: list[str], workdir: Path) -> tuple[float, int]:
    """Seconds to parse and store every page into a fresh review, as a harvest's fetch phase does.

    The run and the PMIDs it owes are set up first (the search phase), outside the timing.
    """
    for name in ("parse.db", "parse.db-wal", "parse.db-shm"):
        (workdir / name).unlink(missing_ok=True)
    store = open_store(workdir / "parse.db")
    run_id = store.start_run(store.save_search("bench", "cryoablation"), "search", {})
    store.save_slice(run_id, None, None, len(pmids), pmids)
    started = time.perf_counter()
    processes = worker_processes(len(pmids), read_config().parse_processes)
    with PageWriter(store, run_id, set(pmids), processes=processes) as writer:  # as a harvest
        for body in bodies:
            writer.put(split_efetch(body, where="benchmark"), "benchmark")
    store.close()  # includes the final WAL checkpoint
    return time.perf_counter() - started, writer.new


def best_of(runs: int, function, *args) -> tuple[float, int]:
    best, result = float("inf"), 0
    for _ in range(runs):
        started = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-harvest", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if not args.skip_harvest:
            harvest(args.records, args.seed, args.page_size, workdir)
        bodies, pmids = pages(args.records, args.seed, args.page_size)
        megabytes = sum(map(len, bodies)) / 1e6
        bare, n_bare = best_of(3, bare_iterparse, bodies)

        ours, n_ours = min(parse_and_store(bodies, pmids, workdir) for _ in range(3))
        assert n_bare == n_ours == args.records, (n_bare, n_ours)
        parse_only, _ = best_of(3, lambda: sum(len(parse_efetch(b)) for b in bodies))
    print(f"xml: {args.records:,} records in {len(bodies)} pages, {megabytes:,.0f} MB")
    print(f"bare iterparse:  {args.records / bare:>9,.0f} records/s")
    print(f"parse only:      {args.records / parse_only:>9,.0f} records/s")
    print(f"parse and store: {args.records / ours:>9,.0f} records/s")
    print(f"ratio parse-and-store / bare iterparse: {bare / ours:.2f} (the issue asks >= 0.50)")
    print(f"cpu: {os.cpu_count()} cores, python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
