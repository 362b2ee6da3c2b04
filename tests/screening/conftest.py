"""A review of real exports for the decisions imports that find records by their identifiers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from review.imports.load import import_file
from review.store import open_store

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def imported(tmp_path):
    """16 records as three real exports gave them: 1-6 from Embase (RIS; their accession
    numbers, L373791783 ..., are the original identifiers; 2, 4 and 5 have PMIDs), 7-10 from
    PubMed (MEDLINE; the PMID is the original identifier; 10 has no DOI), 11-16 from Scopus
    (RIS with no identifier; 11 has no PMID). Every one but 10 has a DOI."""
    with open_store(tmp_path / "r.db") as store:
        for name in ("embase.ris", "pubmed_result2.txt", "scopus.ris"):
            import_file(store, DATA / "imports" / name)
        yield store


def dump(store) -> list[str]:
    """The whole database as SQL, read on a connection of its own: what a refused file must
    leave exactly as it was."""
    conn = sqlite3.connect(store.path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()
