"""Streamlit entry point of a checkout (`streamlit run app.py`): runs review/ui/entry.py, the
script `review app DB` serves from the installed package, so both serve the same app."""

import runpy

runpy.run_module("review.ui.entry", run_name="__main__")
