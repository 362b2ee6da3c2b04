"""Screening prioritisation: show the records most likely to be relevant first.

- ``ranker``: the model trained on the decisions so far (``Ranker``; scikit-learn)
- ``live``: the Screen page's ranking, computed in a worker process (``latest_ranking``)
- ``order``: the order the Screen page offers records in, and why (``screening_order``)
- ``stopping``: the statistical stopping test with a stated recall (``advise``)
- ``progress``: how far screening has gone, the stopping sample (``screening_progress``)
- ``simulation``: replay a labelled review to measure the saving (``simulate``, ``metrics``)
"""

from review.prioritise.live import Ranking, latest_ranking
from review.prioritise.order import Order, screening_order
from review.prioritise.progress import ScreeningProgress, screening_progress
from review.prioritise.ranker import Ranker, record_text
from review.prioritise.simulation import metrics, retrain_interval, simulate
from review.prioritise.stopping import StoppingAdvice, advise

__all__ = [
    "Order",
    "Ranker",
    "Ranking",
    "ScreeningProgress",
    "StoppingAdvice",
    "advise",
    "latest_ranking",
    "metrics",
    "record_text",
    "retrain_interval",
    "screening_order",
    "screening_progress",
    "simulate",
]
