"""review: a rapid evidence-review toolkit (PubMed harvest, import, dedupe, screening,
extraction, report), a library first; the ``review`` command and the browser app only call it.

Packages:

- ``pubmed``: harvest a PubMed search completely and keep it up to date (E-utilities)
- ``imports``: read RIS, MEDLINE/nbib, PubMed XML, CSV, Web of Science and BibTeX files
- ``dedupe``: find records of the same publication, merge or queue them for a reviewer
- ``screening``: reviewers, decisions as events, single or dual screening, conflicts
- ``prioritise``: rank unscreened records, simulate the saving, the stopping test
- ``extraction``: the protocol, studies and their extracted findings, the workbook
- ``exports``: the records out as CSV, XLSX, RIS and BibTeX, with their screening
- ``report``: the NICE-style overview (Word, HTML, Markdown) and the PRISMA diagram
- ``store``: the review database (SQLite); the only package with SQL
- ``cli``: the ``review`` command (click)
- ``ui``: the browser app (Streamlit); the only package that imports streamlit

Modules: ``records`` (the bibliographic record), ``records_table`` (the Records page's table:
every record's decisions, conflicts, sources and duplicate group, filtered; a record opened
from it), ``errors`` (named exceptions), ``permissions``
(who may do what), ``config`` (settings from the environment), ``summary`` (the review's counts
as the store gives them), ``status`` (where a review stands), ``demo`` (the bundled demo review),
``demo_build`` (the demo written through the library), ``workers`` (worker processes that end
with their parent), ``progress`` (how far a long step has gone, told to a callback the edges
pass).

Data read beside the code, shipped in the wheel as package data and read with importlib.resources
(pyproject.toml's ``package-data``): ``demo_data`` (the demo review's records, protocol and
extraction) and ``store/migrations`` (the schema migrations: a link to the top-level ``db/``).

Nothing is imported here: every ``import review.x`` runs this file first, so it stays empty.
"""

__all__: list[str] = []
