"""Streamlit entry point: `review app DB` (or `streamlit run app.py`) serves one review."""

from review.ui.router import main

main()
