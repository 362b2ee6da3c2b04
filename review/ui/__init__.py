"""The browser app. The only package of the toolkit that imports streamlit; it calls the library.

``entry`` is the script Streamlit serves (``review app`` runs it from the installed package;
``app.py`` at the top of a checkout runs it too); it runs ``router.main``. One module per page:

- ``entry``: the script ``streamlit run`` serves
- ``router``: the pages, one per stage of the review, and the navigation between them
- ``state``: which review is served, its one shared store (``review_store``), who is signed in
- ``signin``: sign in and out
- ``cookie``: the sign-in's token kept by the browser, so a refresh or a new tab stays signed in
- ``overview``: what the review holds and where it came from
- ``records``: every record with its decisions, conflicts, sources and duplicate group;
  filters, search, a row opened
- ``duplicates``: possible duplicates side by side, one decision (or key) each; decided pairs
- ``screen``: title/abstract and full-text screening, one record at a time (``screen_stage``)
- ``prioritise``: the Screen page's order control and stopping panel
- ``conflicts``: where two reviewers disagreed; a lead settles each
- ``protocol``: the question, screening settings, criteria, reasons, key outcomes and the
  overview's sections, edited or uploaded; who reviews
- ``studies``: included records grouped into studies, key evidence or appendix
- ``extraction``: one study's details and findings
- ``extraction_tables``: its findings tables (data editors)
- ``extraction_form``: its add forms (efficacy, safety), kept as a draft while filled
- ``extraction_suggest``: the abstracts, the kept PDF and the findings they suggest
- ``report``: the summaries, the report files, the PRISMA diagram
- ``sources``: every source searched; a lead records an imported file's search details

And what the pages share: ``render`` (user text made safe to show), ``targets`` (pickers that
keep an entity's id), ``downloads`` (our own table downloads).

Nothing is imported here, so that importing one module (``review.ui.render``, say) does not load
every page.
"""

__all__: list[str] = []
