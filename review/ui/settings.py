"""Settings: the review question, criteria, exclusion reasons, keywords, single or dual."""

from __future__ import annotations

import streamlit as st

from review.screening.decisions import save_settings, settings
from review.screening.model import Settings
from review.screening.reviewers import active_reviewers
from review.ui.state import has_accounts, me, review_store


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def page() -> None:
    store, who = review_store(), me()
    st.title("Settings")
    current = settings(store)
    editable = who.is_lead
    if not editable:
        st.caption("Only a lead changes the settings.")
    with st.form("settings_form"):
        question = st.text_area("Review question", current.question, disabled=not editable)
        criteria = st.text_area("Inclusion criteria", current.criteria, disabled=not editable)
        reasons = st.text_area(
            "Exclusion reasons (one a line)",
            "\n".join(current.exclusion_reasons),
            disabled=not editable,
        )
        include = st.text_area(
            "Include keywords, highlighted green (one a line)",
            "\n".join(current.include_terms),
            disabled=not editable,
        )
        exclude = st.text_area(
            "Exclude keywords, highlighted red (one a line)",
            "\n".join(current.exclude_terms),
            disabled=not editable,
        )
        dual = st.checkbox(
            "Dual screening: every record needs two independent decisions",
            current.dual,
            disabled=not editable,
        )
        if st.form_submit_button("Save", disabled=not editable):
            save_settings(
                store,
                Settings(
                    question=question.strip(),
                    criteria=criteria.strip(),
                    exclusion_reasons=_lines(reasons),
                    include_terms=_lines(include),
                    exclude_terms=_lines(exclude),
                    dual=dual,
                ),
                who,
            )
            st.success("Saved.")
    st.subheader("Reviewers")
    if has_accounts():
        st.dataframe(
            [{"name": r.name, "role": r.role} for r in active_reviewers(store)], hide_index=True
        )
    else:
        st.text(
            "No accounts: this review has one reviewer and the app listens on this computer "
            "only.\nAdd accounts with: review reviewer add DB NAME --role lead|reviewer"
        )
