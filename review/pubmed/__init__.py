"""PubMed: harvest a search completely into the review database and keep it up to date.

- ``model``: saved searches, their runs and date slices as stored (``SavedSearch``, ``SearchRun``)
- ``eutils``: a polite, resilient E-utilities client (``EutilsClient``; Biopython)
- ``ratelimit``: request spacing shared by every harvest on the machine
- ``parse``: an efetch answer (PubMed XML) read into Records, each keeping its exact text
- ``writer``: checked efetch pages stored as records, beside the next download
- ``harvest``: one search harvested completely, resumable (``run_search``, ``SearchSpec``)
- ``update``: the scheduled update: every saved search re-run for what is new (``update_review``)

Nothing is re-exported: ``review.imports`` reads PubMed XML files through ``parse``, so this file
runs on every import; pulling in the harvest would add Biopython and the store to it and make a
cycle (store -> imports -> pubmed -> store). Import the modules.
"""

__all__: list[str] = []
