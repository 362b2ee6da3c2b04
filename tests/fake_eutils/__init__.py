"""A local fake of NCBI E-utilities (PubMed esearch/efetch) for tests and benchmarks.

Typical use::

    corpus = make_corpus(12000, topic="cryoablation", seed=0)
    with FakeEutils(corpus, enforce_rate=False) as fake:
        url = fake.base_url + "esearch.fcgi?db=pubmed&term=cryoablation&usehistory=y"
        fake.inject("503", endpoint="efetch")  # the next efetch fails once
        ...
        assert max_requests_in_any_second(fake.log) <= 3

Bio.Entrez has no base-URL setting; wrap ``Bio.Entrez.urlopen`` and rewrite the
``https://eutils.ncbi.nlm.nih.gov/entrez/eutils/`` prefix to ``fake.base_url``.
"""

from tests.fake_eutils.corpus import FakeRecord, make_corpus
from tests.fake_eutils.server import FakeEutils, LogEntry, max_requests_in_any_second

__all__ = ["FakeEutils", "FakeRecord", "LogEntry", "make_corpus", "max_requests_in_any_second"]
