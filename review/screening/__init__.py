"""Screening: reviewers, decisions as events, single or dual screening, conflicts, agreement.

- ``model``: the domain types: ``Reviewer``, ``Decision``, ``Settings``, ``Conflict`` ...
- ``state``: a stage's current decisions, folded from the events and kept up to date
- ``decisions``: deciding, undoing, resolving; the next record, conflicts, agreement, progress
- ``reviewers``: accounts, roles, password hashes, sign-in (``active_reviewers``)
- ``sessions``: a sign-in kept by the browser as a token (a cookie) until it expires or is ended
- ``full_text``: the PDFs kept with the review, every upload a new version
- ``transfer``: decisions in and out as CSV (``import_decisions``, ``export_decisions``)
- ``sheet``: a decisions file read as rows with their lines (CSV, or an Excel workbook)
- ``identify``: the record a line means, by record_id, PMID, DOI or original identifier
- ``labels``: other tools' exports read as decisions (ASReview LAB's dataset, Rayyan's notes)
- ``highlight``: where the reviewer's keywords occur in a text (whole words, or stems with *)
- ``explain``: why the ranking offered a record, as one short readable line

Only the types are re-exported: ``review.permissions`` imports ``model``, which runs this file,
and ``decisions``, ``reviewers``, ``full_text`` and ``transfer`` import ``review.permissions``,
so importing them here would be a cycle. Import those modules.
"""

from review.screening.model import (
    Account,
    AccountEvent,
    Agreement,
    Conflict,
    Decision,
    DecisionEvent,
    FullTextVersion,
    Progress,
    Reviewer,
    Settings,
    SignIn,
)

__all__ = [
    "Account",
    "AccountEvent",
    "Agreement",
    "Conflict",
    "Decision",
    "DecisionEvent",
    "FullTextVersion",
    "Progress",
    "Reviewer",
    "Settings",
    "SignIn",
]
