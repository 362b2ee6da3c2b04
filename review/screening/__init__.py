"""Screening: reviewers, decisions as events, single or dual screening, conflicts, agreement."""
