"""Shared fixtures: a fake NCBI on loopback and clients pointed at it."""

from __future__ import annotations

import os
import sys

import pytest

from review.pubmed.eutils import EutilsClient, EutilsConfig
from tests.fake_eutils import FakeEutils, make_corpus


def client_for(fake: FakeEutils, *, key: bool = True, **config) -> EutilsClient:
    """A client for the fake. With a key the limit is 10 requests/s, which keeps tests quick."""
    settings = {
        "base_url": fake.base_url,
        "api_key": "test-key" if key else "",
        "email": "tests@example.org",
        "timeout": 2.0,
        "backoff": 0.05,
        "backoff_max": 1.0,
        **config,
    }
    return EutilsClient(EutilsConfig(**settings))


@pytest.fixture(autouse=True)
def _keep_main():
    """Streamlit's AppTest runs its script as ``__main__`` and leaves it there. A later test that
    starts worker processes (the forkserver re-runs ``__main__`` in each child) would run that
    script and fail; so the real ``__main__`` is put back after every test."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def small_corpus():
    return make_corpus(1200, topic="cryoablation", seed=1)


@pytest.fixture
def fake(small_corpus):
    with FakeEutils(list(small_corpus)) as server:
        yield server


@pytest.fixture(autouse=True, scope="session")
def _data_home(tmp_path_factory):
    """Keep the demo review the tests make (the app without REVIEW_DB) out of the user's data
    folder: the per-user folder follows XDG_DATA_HOME."""
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data-home"))


@pytest.fixture(autouse=True, scope="session")
def _rate_state(tmp_path_factory):
    """Keep the machine-wide rate-limit files of the tests out of the user's cache."""
    os.environ["REVIEW_RATE_DIR"] = str(tmp_path_factory.mktemp("ratelimit"))
