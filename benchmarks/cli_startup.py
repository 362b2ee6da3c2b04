"""How long `review --help` and the light commands take from start to exit (issue 15.4).

Run from the repository root: ``.venv/bin/python benchmarks/cli_startup.py [--runs 15]``.
Each command runs in a fresh interpreter ``--runs`` times after one warm-up; printed are the
median and the slowest wall time, and the heavy libraries each one imported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("streamlit", "sklearn", "scipy", "pandas", "matplotlib", "docx", "openpyxl", "numpy",
         "rapidfuzz", "Bio", "charset_normalizer")  # fmt: skip
LOADED = (
    "import sys, atexit, json\n"
    f"atexit.register(lambda: print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]),"
    " file=sys.stderr))\n"
    "from review.cli import main\nsys.argv = ['review', *sys.argv[1:]]\nmain()\n"
)


def timed(args: list[str], runs: int) -> tuple[float, float, list[str]]:
    command = [sys.executable, "-c", LOADED, *args]
    subprocess.run(command, capture_output=True, check=False)  # warm-up: the file cache
    times, loaded = [], []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        loaded = json.loads(done.stderr.strip().splitlines()[-1])
    return statistics.median(times), max(times), loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "r.db")
        subprocess.run([sys.executable, "-m", "review.cli", "init", db, "-q"], check=True)
        for args in (["--help"], ["search", "--help"], ["status", db], ["dedupe", db, "-q"]):
            median, slowest, loaded = timed(args, runs)
            print(
                f"review {' '.join(a if a != db else 'DB' for a in args):<16} "
                f"median {median:.3f} s, slowest {slowest:.3f} s; "
                f"heavy libraries: {', '.join(loaded) or 'none'}"
            )


if __name__ == "__main__":
    main()
