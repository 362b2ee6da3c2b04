"""Full texts kept with the review: PDFs only, every upload a new version, none replaced.

The bytes live in the review file itself (table full_text_versions), so they share its
owner-only mode and its backups. A file is checked before it is kept: a PDF starts with
``%PDF-``; anything else (a web page saved as .pdf, a login screen) is refused with its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from review.errors import ReviewError
from review.permissions import require
from review.screening.model import FullTextVersion, Reviewer

if TYPE_CHECKING:
    from review.store import Store

PDF_MAGIC = b"%PDF-"
MAX_NAME = 200


class FullTextError(ReviewError):
    """A full text cannot be kept as given; the message names the file and what to do."""


@dataclass(frozen=True)
class Kept:
    version: FullTextVersion
    already_kept: bool  # the latest version held the same bytes: nothing new was stored


def clean_name(file_name: str) -> str:
    """The file's own name, without any folder a browser or a user put in front of it."""
    name = PureWindowsPath(PurePosixPath(file_name or "").name).name.strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:MAX_NAME] or "full-text.pdf"


def keep_full_text(
    store: Store, actor: Reviewer, record_id: int, file_name: str, content: bytes
) -> Kept:
    """Keep ``content`` as the record's newest full text, with who kept it and when."""
    require(actor, "keep_full_text")
    name = clean_name(file_name)
    if store.record(record_id) is None:
        raise FullTextError(f"{name}: there is no record {record_id} to keep it with.")
    if not content:
        raise FullTextError(f"{name} is empty: upload the article's PDF file.")
    if bytes(content[: len(PDF_MAGIC)]) != PDF_MAGIC:
        raise FullTextError(
            f"{name} is not a PDF (a PDF file starts with %PDF-): it was not kept. Download the "
            "article's PDF again (a saved web page or a login screen is not the article) and "
            "upload that file."
        )
    number, same = store.add_full_text_version(record_id, name, bytes(content), actor.name)
    found = next(v for v in full_text_versions(store, record_id) if v.version == number)
    return Kept(found, same)


def full_text_versions(store: Store, record_id: int) -> list[FullTextVersion]:
    """Every version kept for the record, newest first."""
    return store.full_text_versions(record_id)


def latest_full_text(store: Store, record_id: int) -> FullTextVersion | None:
    versions = full_text_versions(store, record_id)
    return versions[0] if versions else None


def full_text_bytes(store: Store, version: FullTextVersion) -> bytes:
    content = store.full_text_content(version.record_id, version.version)
    if content is None:
        raise FullTextError(
            f"Version {version.version} of the full text of record {version.record_id} is "
            "not in this review."
        )
    return bytes(content)
