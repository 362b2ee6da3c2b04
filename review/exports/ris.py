"""RIS as Zotero and EndNote read it: TY first, ER last, one tag per value, UTF-8.

Text is written as it is stored: a line break inside a value (an abstract's paragraphs) becomes
a continuation line, which RIS readers (ours in ``review.imports.ris``, Zotero, EndNote) join
back with a line break. A continuation line that would read as a tag of its own ("AB  - ...")
starts with a space, which readers strip. Spaces at the start or end of a line are the one thing
not kept: exporters indent continuation lines, so readers strip them. The screening decisions
go in ``N1`` notes.
"""

from __future__ import annotations

import re
from pathlib import Path

from review.exports.rows import ExportRow, author_name
from review.progress import Progress, counted

# RIS reference types for what a record says it is; journal articles are the rest.
_RIS_TYPES = (("conference", "CONF"), ("book", "CHAP"), ("thesis", "THES"), ("report", "RPRT"))
_TAG = re.compile(r"^[A-Z][A-Z0-9]  -(?:\s|$)")


def write_ris(rows: list[ExportRow], path: Path, progress: Progress | None = None) -> list:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in counted(progress, f"Writing {path.name}", rows, len(rows), every=500):
            handle.write(ris_record(row))
    return []


def ris_record(row: ExportRow) -> str:
    r = row.record
    kinds = " ".join(r.publication_types).lower()
    ris_type = next((code for word, code in _RIS_TYPES if word in kinds), "JOUR")
    lines = [("TY", ris_type), ("ID", str(row.record_id)), ("TI", r.title)]
    lines += [("AU", author_name(a)) for a in r.authors]
    lines += [("T2", r.journal), ("J2", r.journal_abbrev)]
    lines += [("PY", "" if r.year is None else str(r.year))]
    lines += [("VL", r.volume), ("IS", r.issue)]
    first, _, last = r.pages.partition("-")
    lines += [("SP", first), ("EP", last)]
    lines += [("DO", r.doi), ("AN", r.pmid), ("AB", r.abstract)]
    lines += [("KW", k) for k in r.keywords]
    lines += [("KW", m.descriptor) for m in r.mesh_headings]
    lines += [("LA", lang) for lang in r.languages]
    lines += [("DB", s) for s in row.sources]
    if row.duplicate_of is not None:
        what = "Erratum linked to" if row.link_kind == "erratum" else "Duplicate of"
        lines.append(("N1", f"{what} record {row.duplicate_of}"))
    lines += [("N1", stage.summary()) for stage in row.stages]
    body = "".join(_tagged(tag, value) for tag, value in lines if value.strip())
    return body + "ER  - \n\n"


def _tagged(tag: str, value: str) -> str:
    first, *more = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    text = f"{tag}  - {first}\n"
    for line in more:
        text += f" {line}\n" if _TAG.match(line.lstrip("\ufeff")) else f"{line}\n"
    return text
