"""Drafts: a reviewer's unsaved extraction, per reviewer and study, kept part by part."""

from __future__ import annotations

import pytest

from review.errors import PermissionDenied
from review.extraction.drafts import discard_draft, draft, keep_draft, keep_table, table
from review.extraction.studies import study
from review.screening.model import Reviewer
from review.store import open_store
from tests.extraction.ipg747 import STUDY2_PAIN, build_review

ANN, BOB = Reviewer("ann", "reviewer"), Reviewer("bob", "reviewer")


@pytest.fixture
def store(tmp_path):
    build_review(tmp_path / "review.db")
    with open_store(tmp_path / "review.db") as s:
        yield s


def test_a_draft_is_kept_per_reviewer_and_study_part_by_part(store):
    rows = [{"outcome": "Reduction in pain", "measure": "VAS", "timepoint": "45 days",
             "value": "2.3", "n": None}]  # fmt: skip
    keep_table(store, ANN, 2, "efficacy", STUDY2_PAIN[:1], rows)
    keep_draft(store, ANN, 2, "efficacy_form", {"measure": "VAS", "value": "6.2"})
    found = draft(store, ANN, 2)
    assert found is not None and found.updated_at
    assert table(found, "efficacy") == (tuple(STUDY2_PAIN[:1]), rows)
    assert table(found, "safety") is None
    assert found.parts["efficacy_form"] == {"measure": "VAS", "value": "6.2"}
    assert draft(store, BOB, 2) is None and draft(store, ANN, 1) is None  # nobody else's
    assert study(store, 2).efficacy == ()  # a draft is never a finding

    discard_draft(store, ANN, 2, "efficacy")
    assert set(draft(store, ANN, 2).parts) == {"efficacy_form"}
    discard_draft(store, ANN, 2, "efficacy_form")
    assert draft(store, ANN, 2) is None  # an empty draft goes
    keep_draft(store, ANN, 2, "efficacy_form", {"value": "1"})
    discard_draft(store, ANN, 2)
    assert draft(store, ANN, 2) is None


def test_only_a_reviewer_who_extracts_keeps_a_draft(store):
    with pytest.raises(PermissionDenied):
        keep_draft(store, Reviewer("guest", "viewer"), 1, "efficacy_form", {})
    with pytest.raises(ValueError):
        keep_draft(store, ANN, 1, "notes", {})
