"""The bundled demo review: real records (Nagtegaal 2019, CC0) to try the app offline.

The demo is a small review part way through its life (``review.demo_build`` writes it): 302 of
the set's records screened by two reviewers with a lead, conflicts resolved, studies extracted, a
report ready. It is made once, in the per-user data folder (``Config.demo_db``), and made again
when a newer toolkit brings a newer demo (``DEMO_VERSION``); it is built in a file beside it and
moved into place whole, so a second app starting at the same time never opens half a demo.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from review.records import AbstractSection, Record
from review.store import Store, open_store

# Package data (pyproject's package-data): read the same from a checkout and an installed wheel.
DEMO_DATA: Traversable = files("review") / "demo_data"
DEMO_CSV: Traversable = DEMO_DATA / "Nagtegaal_2019.csv"
SHOWN_COLUMNS = ("record_id", "title", "abstract")  # the labels stay in the file, unseen
ORIGIN = "demo:nagtegaal2019"
# Bump when the demo's content changes: a demo file of another version is built again.
DEMO_VERSION = 2
VERSION_KEY = "demo_version"  # the review setting that says a file is the demo, and which
# The demo's accounts: documented (README, the sign-in page), since anyone may try the demo.
DEMO_PASSWORD = "demo-password"
DEMO_ACCOUNTS = (("lena", "lead"), ("ravi", "reviewer"), ("mia", "reviewer"))


def demo_records(
    path: Traversable = DEMO_CSV, ids: frozenset[str] | None = None
) -> list[tuple[str, Record]]:
    """The file's records as (record_id, Record), title and abstract only; ``ids`` picks some."""
    pairs = []
    with io.TextIOWrapper(path.open("rb"), encoding="utf-8", newline="") as handle:  # csv's way
        for row in csv.DictReader(handle):
            if ids is not None and row["record_id"] not in ids:
                continue
            kept = {k: row[k] for k in SHOWN_COLUMNS}
            buffer = io.StringIO()
            csv.writer(buffer).writerow(kept.values())
            abstract = kept["abstract"].strip()
            record = Record(
                title=kept["title"].strip(),
                abstract_sections=(AbstractSection(abstract),) if abstract else (),
                raw=buffer.getvalue(),
                raw_format="csv-row:" + ",".join(SHOWN_COLUMNS),
            )
            pairs.append((kept["record_id"], record))
    return pairs


def demo_labels(path: Traversable = DEMO_CSV) -> dict[str, tuple[bool, bool]]:
    """The published decisions by record_id: (included at title/abstract, included at full
    text). Only the demo's builder reads them, to script its reviewers; they are never shown."""
    with io.TextIOWrapper(path.open("rb"), encoding="utf-8", newline="") as handle:
        return {
            row["record_id"]: (
                row["label_abstract_screening"] == "1",
                row["label_included"] == "1",
            )
            for row in csv.DictReader(handle)
        }


def origin_id(record: Record) -> str:
    """The record_id a demo record had in the file (the first cell of its kept row)."""
    return next(csv.reader([record.raw]))[0]


def demo_version(path: Path) -> int | None:
    """The demo version a review file holds; None when it is none (or an older, unmarked one)."""
    if not path.exists():
        return None
    with open_store(path) as store:
        version = store.settings_values().get(VERSION_KEY)
    return version if isinstance(version, int) else None


def demo_accounts(store: Store) -> tuple[tuple[str, str], ...]:
    """The demo's (name, role) pairs when ``store`` is the demo review, else nothing: the
    sign-in page shows them with ``DEMO_PASSWORD`` only there."""
    if store.settings_values().get(VERSION_KEY) is None:
        return ()
    return DEMO_ACCOUNTS


def ensure_demo(path: Path) -> Path:
    """The demo review at ``path`` (``Config.demo_db``): built on first use and whenever it is
    of another version; later calls find it ready. A demo being rebuilt loses what was done in
    it: it is the demo. The app asks on every page run: a file found ready stays so until it
    is replaced or written, so that is checked from its stat, without opening it each time."""
    if _ready.get(path) == (_mark(path), DEMO_VERSION):
        return path
    if demo_version(path) == DEMO_VERSION:
        _ready[path] = (_mark(path), DEMO_VERSION)
        return path
    from review.demo_build import build_demo  # the extraction and report modules: only now

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A new name each time: the screening state is cached by path in this process.
    building = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.building")
    try:
        build_demo(building, DEMO_VERSION)
    except BaseException:
        for left in _files_of(building):
            left.unlink(missing_ok=True)
        raise
    if demo_version(path) != DEMO_VERSION:  # else another process was quicker: keep its demo
        for old in _files_of(path)[1:]:  # an old WAL must not be replayed into the new file
            old.unlink(missing_ok=True)
        os.replace(building, path)
    for ours in _files_of(building):
        ours.unlink(missing_ok=True)
    _ready[path] = (_mark(path), DEMO_VERSION)
    return path


# demo file -> (its stat mark, the demo version) when last found ready in this process
_ready: dict[Path, tuple[tuple[int, int] | None, int]] = {}


def _mark(path: Path) -> tuple[int, int] | None:
    """Which file is at ``path`` and when it was last written: replaced or written, it differs."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def _files_of(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
