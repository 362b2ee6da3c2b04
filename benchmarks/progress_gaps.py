"""The longest silence on a terminal: `review search` of N records, then `review import` of the
same records as RIS into a fresh review, each with its standard error on a pseudo-terminal.

    .venv/bin/python benchmarks/progress_gaps.py --records 20000

Each command runs as a user runs it (``python -m review.cli``), its stderr a pty (so it draws its
progress) and its stdout a pipe. Every write that reaches the pty is timed; the script prints the
command's wall time, the longest gap between two writes (or from the start to the first, or from
the last to the exit) and the text on either side of it. The search is against the fake
E-utilities server in its own process (10 requests/s, as with an API key) and ends with the
dedupe of the new records; the import reads an RIS export of the harvested review (``review
export``) into a new review, then deduplicates it whole.
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harvest import serve  # noqa: E402

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass(frozen=True)
class Gaps:
    seconds: float  # start to exit
    writes: int
    longest: float
    before: str  # the text last shown before the longest gap
    after: str  # the text that ended it ("(exit)" when the command ended it)
    code: int


def _shown(raw: bytes) -> str:
    """The last line a terminal would show for ``raw`` (escapes and carriage returns folded)."""
    text = ESCAPES.sub("", raw.decode("utf-8", "replace"))
    lines = [part.split("\r")[-1].strip() or part.strip() for part in text.split("\n")]
    lines = [line for line in lines if line]
    return (lines[-1] if lines else text.strip())[:90]


def timed(args: list[str], env: dict[str, str]) -> Gaps:
    """Run ``review ARGS`` with stderr on a pty; time every write it makes there."""
    master, slave = pty.openpty()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "review.cli", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(slave)
    writes: list[tuple[float, bytes]] = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the pty closed: the command and its children are gone
                chunk = b""
            if not chunk:
                break
            writes.append((time.monotonic(), chunk))
        elif process.poll() is not None:
            break
    stdout = process.stdout.read() if process.stdout else b""
    code = process.wait()
    ended = time.monotonic()
    os.close(master)
    if code:
        sys.stdout.write(stdout.decode(errors="replace"))
        raise SystemExit(f"review {' '.join(args)} failed ({code})")
    marks = [(started, b"(start)"), *writes, (ended, b"(exit)")]
    longest, before, after = 0.0, "", ""
    for (t0, text0), (t1, text1) in zip(marks, marks[1:], strict=False):
        if t1 - t0 > longest:
            longest, before, after = t1 - t0, _shown(text0), _shown(text1)
    return Gaps(ended - started, len(writes), longest, before, after, code)


def show(name: str, gaps: Gaps) -> None:
    print(
        f"{name}: {gaps.seconds:.1f} s, {gaps.writes} writes to the terminal; longest silence "
        f"{gaps.longest:.1f} s, after {gaps.before!r}, ended by {gaps.after!r}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        process, url = serve(args.records, args.seed)
        env = {
            **os.environ,
            "REVIEW_EUTILS_URL": url,
            "NCBI_API_KEY": "benchmark",
            "NCBI_EMAIL": "bench@example.org",
            "PYTHONPATH": str(ROOT),
            "COLUMNS": "100",
        }
        try:
            db = str(work / "harvest.db")
            show(f"review search ({args.records:,} records)",
                 timed(["search", db, "cryoablation", "--name", "bench"], env))  # fmt: skip
        finally:
            process.terminate()
            process.wait()
        if args.skip_import:
            return
        ris = str(work / "harvest.ris")
        subprocess.run(
            [sys.executable, "-m", "review.cli", "export", db, "--format", "ris", "-o", ris],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip
        fresh = str(work / "import.db")
        show(f"review import ({args.records:,} records as RIS)", timed(["import", fresh, ris], env))


if __name__ == "__main__":
    main()
