"""Importing a file into a review: read it whole, store it whole, then check it for duplicates.

The file's SHA-256 is its identity: importing the same file again adds nothing and says so, so a
script that imports a folder can be re-run safely, and two imports of one file racing each other
store it once (the store checks again under its write lock).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from review.errors import AlreadyImported, ImportFileError
from review.imports import read_file
from review.imports.encoding import decode
from review.imports.model import ImportedFile
from review.imports.sources import file_source, searched_date
from review.progress import Progress


@dataclass(frozen=True)
class ImportResult:
    path: str
    source: str
    format: str
    encoding: str
    records: int
    new: int  # 0 when the same file was imported before
    already_imported_at: str  # when the same file was imported before, else ""
    warnings: tuple[str, ...]
    import_id: int = 0
    platform: str = ""
    searched_on: str | None = None  # None: not recorded


def import_file(
    store,
    path: str | Path,
    *,
    source: str = "",
    format: str = "auto",
    actor: str = "review",
    platform: str = "",
    searched: str | None = None,
    strategy: str = "",
    limits: str = "",
    coverage: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Import one export as the search it was: ``source`` (the database), ``platform``,
    ``searched`` (YYYY-MM-DD, checked before anything is stored), ``strategy`` (its text, line
    by line), ``limits`` and ``coverage``. What is not given is read from the file where it says
    (``review.imports.sources.file_source``), else left "not recorded". ``progress`` is told
    the steps "Reading NAME" and "Storing NAME" (see review.progress)."""
    searched_on = searched_date(searched)
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            f"{path}: cannot be read ({exc.strerror}). Check the path.", path=path
        ) from exc
    sha256 = hashlib.sha256(data).hexdigest()
    previous = store.import_by_sha256(sha256)
    if previous is not None:
        return _already(path, previous)
    parsed = read_file(path, format=format, progress=progress)
    told = file_source(parsed, decode(data, str(path), "")[0])
    name = source.strip() or told.database
    meta: dict = {
        "path": str(path),
        "file_name": path.name,
        "sha256": sha256,
        "source": name,
        "format": parsed.format,
        "encoding": parsed.encoding,
        "warnings": parsed.warnings,
        "imported_by": actor,
        "platform": platform.strip() or told.platform,
        "searched_on": searched_on,
        "strategy": strategy or told.strategy,
        "limits": limits.strip(),
        "coverage": coverage.strip() or told.coverage,
    }
    entries = [(r.position, r.line, r.original_id, r.record) for r in parsed.records]
    try:
        import_id, new_ids = store.add_import(meta, entries, progress=progress)
    except AlreadyImported as exc:  # the same file, stored by another process meanwhile
        return _already(path, exc.previous)
    return ImportResult(
        path=str(path),
        source=name,
        format=parsed.format,
        encoding=parsed.encoding,
        records=len(entries),
        new=len(new_ids),
        already_imported_at="",
        warnings=tuple(parsed.warnings),
        import_id=import_id,
        platform=meta["platform"],
        searched_on=searched_on,
    )


def _already(path: Path, previous: ImportedFile) -> ImportResult:
    return ImportResult(
        path=str(path),
        source=previous.source,
        format=previous.format,
        encoding=previous.encoding,
        records=previous.record_count,
        new=0,
        already_imported_at=previous.imported_at,
        warnings=(),
        import_id=previous.id,
        platform=previous.platform,
        searched_on=previous.searched_on,
    )
