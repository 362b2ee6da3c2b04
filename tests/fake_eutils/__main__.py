"""Serve a generated corpus: ``python -m tests.fake_eutils --records 50000 --port 8765``."""

from __future__ import annotations

import argparse
import time

from tests.fake_eutils.corpus import make_corpus
from tests.fake_eutils.server import FakeEutils


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m tests.fake_eutils", description=__doc__)
    ap.add_argument("--records", type=int, default=50000)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--topic", default="cryoablation")
    ap.add_argument("--fault-rate", type=float, default=0.0)
    ap.add_argument("--no-rate-limit", action="store_true")
    ap.add_argument("--no-cap", action="store_true", help="allow paging past 9,999 hits")
    ap.add_argument(
        "--empty-date-limit",
        choices=("keep", "drop", "drop-silently"),
        default="keep",
        help="a date limit no record falls in: answer 0, or drop it as PubMed may",
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    corpus = make_corpus(args.records, topic=args.topic, seed=args.seed)
    fake = FakeEutils(
        corpus,
        port=args.port,
        seed=args.seed,
        fault_rate=args.fault_rate,
        enforce_rate=not args.no_rate_limit,
        cap=not args.no_cap,
        empty_date_limit=args.empty_date_limit,
    )
    with fake:
        print(f"{len(corpus)} records built in {time.perf_counter() - t0:.1f} s", flush=True)
        print(fake.base_url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
