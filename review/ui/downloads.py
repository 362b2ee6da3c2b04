"""Our own downloads of what the tables show: Streamlit's table toolbar export is turned off
(.streamlit/config.toml, client.disableDataExport) because its CSV cannot be neutralised."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import streamlit as st

from review.exports import export_bytes

if TYPE_CHECKING:
    from review.screening.model import Reviewer
    from review.store import Store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def records_download(store: Store, viewer: Reviewer) -> None:
    """Every record of the review, duplicates marked, with its screening at each stage as the
    viewer may see it, as `review export` writes it (formulas neutralised). Made only when
    clicked: an export of thousands of records takes a moment."""
    left, right = st.columns(2)
    for column, fmt, mime in ((left, "csv", "text/csv"), (right, "xlsx", XLSX)):
        column.download_button(
            f"Download all records ({fmt.upper()})",
            partial(export_bytes, store, fmt, viewer),
            file_name=f"records.{fmt}",
            mime=mime,
            key=f"records_download_{fmt}",
            on_click="ignore",
        )
