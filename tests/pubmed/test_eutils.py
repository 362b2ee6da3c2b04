"""The E-utilities client: configuration, what is retried and what is not."""

from __future__ import annotations

import email.message
import email.utils
import http.server
import threading
import time
from pathlib import Path

import pytest

from review.config import read_config
from review.errors import ConfigError, NetworkError, QueryError, ResponseError
from review.pubmed.eutils import (
    NCBI_BASE,
    EutilsClient,
    EutilsConfig,
    HistoryExpired,
    _read_efetch,
    _read_esearch,
    _Response,
    _retry_after,
    _Transient,
)

ESEARCH_DOCTYPE = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD '
    b'esearch 20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)


def response(body: bytes) -> _Response:
    headers = email.message.Message()
    headers["Content-Type"] = "text/xml; charset=UTF-8"
    return _Response(body, headers, "http://test/esearch.fcgi", 200)


def test_configuration_comes_from_the_environment(monkeypatch):
    for name in ("REVIEW_EUTILS_URL", "NCBI_API_KEY", "NCBI_EMAIL", "REVIEW_EUTILS_ATTEMPTS"):
        monkeypatch.delenv(name, raising=False)
    assert EutilsConfig.from_config(read_config()).base_url == NCBI_BASE
    monkeypatch.setenv("REVIEW_EUTILS_URL", "http://mirror.example/eutils")
    monkeypatch.setenv("NCBI_API_KEY", "abc")
    monkeypatch.setenv("NCBI_EMAIL", "me@example.org")
    monkeypatch.setenv("REVIEW_EUTILS_ATTEMPTS", "3")
    config = EutilsConfig.from_config(read_config())
    assert config.base_url == "http://mirror.example/eutils/"
    assert (config.api_key, config.email, config.attempts) == ("abc", "me@example.org", 3)
    monkeypatch.setenv("REVIEW_EUTILS_ATTEMPTS", "many")
    with pytest.raises(ConfigError, match="REVIEW_EUTILS_ATTEMPTS='many' is not a number"):
        EutilsConfig.from_config(read_config())


def test_retry_after_in_seconds_or_as_a_date():
    assert _retry_after("3") == 3.0
    assert _retry_after(None) is None
    later = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert 15 < _retry_after(later) <= 20


def test_a_rejected_query_is_not_retried_but_a_backend_hiccup_is():
    # Built in the shape of NCBI's answers (no capture of these errors is in shared/data).
    rejected = ESEARCH_DOCTYPE + b"<eSearchResult><ERROR>Invalid query</ERROR></eSearchResult>"
    with pytest.raises(QueryError, match="rejected the search 'x': Invalid query"):
        _read_esearch(response(rejected), "x")
    hiccup = ESEARCH_DOCTYPE + (
        b"<eSearchResult><ERROR>Search Backend failed: temporarily unavailable</ERROR>"
        b"</eSearchResult>"
    )
    with pytest.raises(_Transient):
        _read_esearch(response(hiccup), "x")
    with pytest.raises(_Transient):  # cut off
        _read_esearch(response(rejected[:-30]), "x")


def test_efetch_errors_are_told_apart():
    lost = b"<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>"
    with pytest.raises(HistoryExpired):
        _read_efetch(response(lost), "page 1")
    refused = b"<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>"
    with pytest.raises(ResponseError, match="Empty id list") as caught:
        _read_efetch(response(refused), "page 1")
    assert not isinstance(caught.value, HistoryExpired)
    with pytest.raises(_Transient, match="cut off"):
        _read_efetch(response(b"<?xml version='1.0'?><PubmedArticleSet><PubmedArt"), "p")


class _Refusing(http.server.BaseHTTPRequestHandler):
    """Answers every request with 400, as NCBI does for a malformed request."""

    hits = 0

    def do_GET(self):  # noqa: N802 (the http.server API)
        type(self).hits += 1
        self.send_response(400)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_client_error_is_reported_at_once_not_retried():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/eutils/"
        client = EutilsClient(EutilsConfig(base_url=base, api_key="k", email="t@example.org"))
        with pytest.raises(NetworkError, match="refused the request with HTTP 400"):
            client.esearch("cryoablation")
        assert _Refusing.hits == 1
    finally:
        server.shutdown()


def test_every_error_and_warning_item_of_a_real_answer_is_read():
    # A real NCBI answer (Biopython's esearch8.xml): an unknown word, and "No items found."
    real = (Path(__file__).parent.parent / "data" / "pubmed" / "esearch8.xml").read_bytes()
    result = _read_esearch(response(real), "abcXYZ")
    assert result.not_found == ("abcXYZ",)
    assert result.errors == ("PubMed found nothing for 'abcXYZ' and left it out of the search.",)
    assert result.warnings == ("PubMed says: No items found.",)
    # every kind the esearch DTD allows in the two lists is kept
    every = ESEARCH_DOCTYPE + (
        b"<eSearchResult><Count>3</Count><RetMax>0</RetMax><RetStart>0</RetStart><IdList/>"
        b"<TranslationSet/><QueryTranslation>x</QueryTranslation><ErrorList>"
        b"<PhraseNotFound>1800/01/01:1800/12/31[edat]</PhraseNotFound>"
        b"<FieldNotFound>zz</FieldNotFound></ErrorList><WarningList>"
        b'<PhraseIgnored>the</PhraseIgnored><QuotedPhraseNotFound>"a b"</QuotedPhraseNotFound>'
        b"<OutputMessage>Hm.</OutputMessage></WarningList></eSearchResult>"
    )
    result = _read_esearch(response(every), "x")
    assert result.not_found == ("1800/01/01:1800/12/31[edat]",) and len(result.errors) == 2
    assert "field 'zz'" in result.errors[1]
    assert len(result.warnings) == 3 and result.warnings[-1] == "PubMed says: Hm."
