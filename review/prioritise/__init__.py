"""Screening prioritisation: show the records most likely to be relevant first."""

from review.prioritise.ranker import Ranker, record_text
from review.prioritise.simulation import metrics, retrain_interval, simulate

__all__ = ["Ranker", "metrics", "record_text", "retrain_interval", "simulate"]
