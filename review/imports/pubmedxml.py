"""PubMed XML saved from the PubMed website or efetch: the harvest's own parser reads it.

Using ``review.pubmed.parse`` keeps imported and harvested records identical, raw text included.
"""

from __future__ import annotations

import re

from review.errors import ResponseError
from review.imports.model import ImportedRecord, fail, reading
from review.progress import Progress, counted
from review.pubmed.parse import build_records, split_efetch

_OPEN = re.compile(rb"<(?:PubmedArticle|PubmedBookArticle|DeleteCitation)[\s/>]")


def read_pubmed_xml(
    data: bytes, path: str, progress: Progress | None = None
) -> tuple[list[ImportedRecord], list[str]]:
    out: list[ImportedRecord] = []
    try:
        chunks = split_efetch(data, where="PubMed XML")
        pos, line = 0, 1
        for name, chunk in counted(progress, reading(path), chunks, len(chunks)):
            start = data.find(chunk, pos)
            line += data.count(b"\n", pos, start)  # counted on from the last record, not from 0
            pos = start
            where = f"PubMed XML, the record at line {line}"
            for record in build_records([(name, chunk)], where=where):
                out.append(ImportedRecord(record, len(out) + 1, line, record.pmid))
    except ResponseError as exc:
        starts = [m.start() for m in _OPEN.finditer(data)]
        at = data.count(b"\n", 0, starts[-1]) + 1 if starts else data.count(b"\n") + 1
        where = f"the last record starts at line {at}" if starts else f"no record in {at} lines"
        # The parser's message ends with advice for a harvest (fetch again); keep the problem.
        problem = re.sub(r"^PubMed XML[^:]*: ", "", str(exc)).split(". Fetch ", 1)[0]
        raise fail(
            path,
            f"this PubMed XML file cannot be read ({where}): {problem}",
            "Download the records from PubMed again (Send to > File > Format: PubMed XML)",
        ) from exc
    return out, []
