"""The request budget holds across threads and across processes, measured at the server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from review.pubmed.ratelimit import MARGIN, RateLimiter
from tests.fake_eutils import FakeEutils, max_requests_in_any_second


def test_threads_are_spaced_evenly(tmp_path):
    limiter = RateLimiter(10, tmp_path / "slots")
    starts = []

    def take():
        for _ in range(5):
            limiter.wait()
            starts.append(time.time())

    threads = [threading.Thread(target=take) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    starts.sort()
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 15
    assert min(gaps) >= MARGIN / 10 - 0.01


def test_two_processes_share_one_budget(tmp_path, small_corpus):
    with FakeEutils(list(small_corpus)) as fake:
        env = {k: v for k, v in os.environ.items() if k != "NCBI_API_KEY"}
        env["REVIEW_EUTILS_URL"] = fake.base_url
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "review.cli",
                    "search",
                    str(tmp_path / f"{name}.db"),
                    "cryoablation",
                    "--name",
                    name,
                    "--page-size",
                    "200",
                    "-q",
                ],
                env=env,
            )  # fmt: skip
            for name in ("one", "two")
        ]
        assert [p.wait(timeout=120) for p in processes] == [0, 0]
        assert len(fake.log) >= 14
        assert max_requests_in_any_second(fake.log) <= 3
        assert fake.count(status=429) == 0
