"""The review database: one SQLite file per review; the only package in the toolkit with SQL.

``Store`` (opened by ``open_store``) is one class made of a mixin per part of the review:

- ``base``: the connection, migrations from ``db/``, transactions, ``now``
- ``records``: records, stored once per (origin, identifier), linked to the runs that found them;
  their full-text search (db/008, ranked)
- ``record_table``: the Records page's table: records selected, counted and paged in SQL, with
  their sources and duplicate group
- ``searches``: saved searches, their runs, date slices and the hits a run still owes
- ``imports``: imported files, their records stored as given
- ``duplicates``: duplicate pairs, their decisions as events, the groups they make
- ``screening``: settings and screening decisions, appended as events
- ``accounts``: reviewer accounts, their changes as events, wrong-password counts
- ``extraction``: studies, the records that report them, their findings
- ``flow``: the queries behind the PRISMA diagram
- ``views``: the views for SQLite's own tools (db/009), described with sqlite-utils

``migrations`` is no module but a link to the top-level ``db/``: a checkout reads db/ itself, and
the wheel carries its files as package data (read with importlib.resources).
"""

from __future__ import annotations

from pathlib import Path

from review.store.accounts import AccountsMixin
from review.store.base import BaseStore, now
from review.store.duplicates import DuplicatesMixin
from review.store.extraction import ExtractionMixin
from review.store.flow import FlowStore
from review.store.imports import ImportsMixin
from review.store.record_table import RecordTableMixin
from review.store.records import RecordsMixin
from review.store.screening import ScreeningMixin
from review.store.searches import SearchesMixin


class Store(
    RecordsMixin,
    RecordTableMixin,
    SearchesMixin,
    ImportsMixin,
    DuplicatesMixin,
    ScreeningMixin,
    AccountsMixin,
    ExtractionMixin,
    FlowStore,
    BaseStore,
):
    """A review database, with the operations the rest of the toolkit may ask of it."""


def open_store(path: str | Path, *, create: bool = True) -> Store:
    return Store(path, create=create)


__all__ = ["Store", "open_store", "now"]
