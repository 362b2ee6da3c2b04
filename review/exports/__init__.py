"""Exports of the review's records: CSV, XLSX, RIS and BibTeX, duplicates marked rather than
dropped, each record with its screening at each stage; and the cell escaping every CSV and XLSX
of the toolkit goes through.

- ``cells``: cells made safe for a spreadsheet (``neutralise``, ``csv_text``, ``agreement_csv``)
- ``decisions``: each record's screening at each stage, as the screening pages fold it
- ``rows``: the rows an export writes (``COLUMNS``, ``export_rows``), and its filters
- ``tables``: CSV (every cell whole) and XLSX (typed cells, frozen header, filters, long cells cut)
- ``ris``: RIS, text kept as written, the decisions in ``N1``
- ``bibtex``: BibTeX for reference managers, LaTeX escaped so that it reads back exactly
- ``write``: the one entry point (``export``, ``export_bytes``, ``ExportResult``)

openpyxl loads only when a workbook is written, and the matcher's libraries only when records
are exported, so the extraction columns and the decisions transfer can import ``neutralise``
cheaply.
"""

from review.exports.cells import agreement_csv, csv_text, neutralise
from review.exports.decisions import DECISION_FILTERS, StageDecision
from review.exports.rows import COLUMNS, ExportRow, export_rows
from review.exports.write import FORMATS, ExportResult, export, export_bytes

__all__ = [
    "COLUMNS",
    "DECISION_FILTERS",
    "FORMATS",
    "ExportResult",
    "ExportRow",
    "StageDecision",
    "agreement_csv",
    "csv_text",
    "export",
    "export_bytes",
    "export_rows",
    "neutralise",
]
