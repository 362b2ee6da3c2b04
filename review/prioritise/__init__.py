"""Screening prioritisation: show the records most likely to be relevant first.

- ``ranker``: the model trained on the decisions so far (``Ranker``; scikit-learn)
- ``live``: the Screen page's ranking, computed in a worker process (``latest_ranking``)
- ``question``: before the first include, records most like the review question first (BM25)
- ``order``: the order the Screen page offers records in, and why (``screening_order``)
- ``stopping``: the statistical stopping test with a stated recall (``advise``)
- ``progress``: how far screening has gone, the stopping sample (``screening_progress``)
- ``certificate``: how screening ended, for the report and PRISMA (``stopping_certificate``)
- ``simulation``: replay a labelled review to measure the saving (``simulate``, ``metrics``)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from review.prioritise.certificate import StoppingCertificate, stopping_certificate
    from review.prioritise.live import Ranking, latest_ranking
    from review.prioritise.order import Order, screening_order
    from review.prioritise.progress import ScreeningProgress, screening_progress
    from review.prioritise.ranker import Ranker, record_text
    from review.prioritise.simulation import metrics, retrain_interval, simulate
    from review.prioritise.stopping import StoppingAdvice, advise

# name -> the module that defines it; imported when first used, so that importing
# this package (as the command line does for `review --help`) stays cheap
_EXPORTS = {
    "Order": "review.prioritise.order",
    "Ranker": "review.prioritise.ranker",
    "Ranking": "review.prioritise.live",
    "ScreeningProgress": "review.prioritise.progress",
    "StoppingAdvice": "review.prioritise.stopping",
    "StoppingCertificate": "review.prioritise.certificate",
    "advise": "review.prioritise.stopping",
    "latest_ranking": "review.prioritise.live",
    "metrics": "review.prioritise.simulation",
    "record_text": "review.prioritise.ranker",
    "retrain_interval": "review.prioritise.simulation",
    "screening_order": "review.prioritise.order",
    "screening_progress": "review.prioritise.progress",
    "simulate": "review.prioritise.simulation",
    "stopping_certificate": "review.prioritise.certificate",
}
__all__ = [
    "Order",
    "Ranker",
    "Ranking",
    "ScreeningProgress",
    "StoppingAdvice",
    "StoppingCertificate",
    "advise",
    "latest_ranking",
    "metrics",
    "record_text",
    "retrain_interval",
    "screening_order",
    "screening_progress",
    "simulate",
    "stopping_certificate",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
