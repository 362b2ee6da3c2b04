"""The bundled demo review: 2,019 real records (Nagtegaal 2019, CC0) to try the app offline."""

from __future__ import annotations

import csv
import io
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from review.records import AbstractSection, Record
from review.store import open_store

# Package data (pyproject's package-data): read the same from a checkout and an installed wheel.
DEMO_CSV: Traversable = files("review") / "demo_data" / "Nagtegaal_2019.csv"
SHOWN_COLUMNS = ("record_id", "title", "abstract")  # the labels stay in the file, unseen


def demo_records(path: Traversable = DEMO_CSV) -> list[tuple[str, Record]]:
    pairs = []
    with io.TextIOWrapper(path.open("rb"), encoding="utf-8", newline="") as handle:  # csv's way
        for row in csv.DictReader(handle):
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


def ensure_demo(path: Path) -> Path:
    """Create the demo review at ``path`` (``Config.demo_db``) on first use; later calls find it
    ready."""
    with open_store(path) as store:
        if store.count_records() == 0:
            store.add_records("demo:nagtegaal2019", demo_records())
            store.audit("review", "demo loaded", source=DEMO_CSV.name)
    return path
