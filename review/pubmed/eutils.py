"""A polite, resilient E-utilities client.

Requests are built and sent here, over plain HTTP to the configured endpoint: every request waits
its turn in the machine-wide rate limiter, gets a timeout, and is read whole. Retries with
back-off, jitter and ``Retry-After`` happen here, around request *and* parse, because a cut-off
body is only noticed when it is parsed. Bio.Entrez is used only to read esearch answers
(``Entrez.read``); none of its module settings are touched, so other users of Biopython in the
same process are unaffected.
"""

from __future__ import annotations

import email.utils
import http.client
import io
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from review.config import NCBI_BASE, Config
from review.errors import NetworkError, QueryError, ResponseError
from review.pubmed.parse import split_efetch
from review.pubmed.ratelimit import limiter_for

T = TypeVar("T")
Page = list[tuple[bytes, bytes]]  # an efetch answer's records: (element name, exact bytes)
# NCBI's words when a WebEnv has expired, and when its backend stumbled (worth another try).
_LOST_HISTORY = re.compile(r"unable to obtain query|history data|webenv", re.IGNORECASE)
_ERROR = re.compile(rb"<ERROR>(.*?)</ERROR>", re.DOTALL)
_BACKEND_HICCUP = re.compile(r"backend failed|temporarily unavailable|timed? ?out", re.I)
# NCBI asks for POST above ~200 ids or long parameter strings (Bio.Entrez's thresholds).
POST_IDS = 200
POST_LENGTH = 1000


@dataclass(frozen=True)
class EutilsConfig:
    base_url: str = NCBI_BASE
    api_key: str = ""
    email: str = ""
    tool: str = "review-toolkit"
    timeout: float = 60.0
    attempts: int = 8  # tries per request before giving up
    backoff: float = 2.0  # first pause in seconds; doubles each retry, capped at backoff_max
    backoff_max: float = 120.0
    rate_dir: Path | None = None  # where processes share the request budget (None: this one only)

    @classmethod
    def from_config(cls, config: Config, **overrides) -> EutilsConfig:
        """Endpoint, key, e-mail, retry tuning and rate-limit folder from the settings."""
        values: dict = {
            "base_url": config.eutils_url,
            "api_key": config.ncbi_api_key,
            "email": config.ncbi_email,
            "timeout": config.eutils_timeout,
            "attempts": config.eutils_attempts,
            "backoff": config.eutils_backoff,
            "rate_dir": config.rate_dir,
            **overrides,
        }
        values = {k: v for k, v in values.items() if v is not None}
        base = values.get("base_url", NCBI_BASE)
        values["base_url"] = base if base.endswith("/") else base + "/"
        return cls(**values)


@dataclass(frozen=True)
class EsearchResult:
    count: int
    pmids: tuple[str, ...]
    webenv: str = ""
    query_key: str = ""
    query_translation: str = ""
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    not_found: tuple[str, ...] = ()  # ErrorList PhraseNotFound items, in NCBI's words


class _Transient(Exception):
    """A failure worth retrying; ``retry_after`` is the server's own advice in seconds."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class HistoryExpired(ResponseError):
    """NCBI no longer holds the WebEnv of a search: fetch by PMID instead."""


class _Response(io.BytesIO):
    """A fully read HTTP answer (a file for ``Entrez.read``), with its headers and URL."""

    def __init__(self, body: bytes, headers, url: str, status: int):
        super().__init__(body)
        self.headers = headers
        self.url = url
        self.status = status


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class EutilsClient:
    """Talks to one E-utilities endpoint for PubMed. Safe to share between threads."""

    def __init__(self, config: EutilsConfig | None = None, *, sleep=time.sleep, on_retry=None):
        self.config = config or EutilsConfig()
        self.limiter = limiter_for(self.config.base_url, self.config.api_key, self.config.rate_dir)
        self._sleep = sleep
        self.on_retry: Callable[[str, float], None] | None = on_retry
        self.requests = 0
        self.retries = 0
        self._count_lock = threading.Lock()

    # -- public calls -----------------------------------------------------------------------

    def esearch(
        self, term: str, *, retmax: int = 9999, retstart: int = 0, **limits: str | None
    ) -> EsearchResult:
        """One esearch; ``limits`` are esearch's datetype/mindate/maxdate parameters."""
        params = {k: v for k, v in limits.items() if v}

        def once() -> EsearchResult:
            handle = self._call(
                "esearch",
                db="pubmed",
                term=term,
                usehistory="y",
                retmax=retmax,
                retstart=retstart,
                **params,
            )
            return _read_esearch(handle, term)

        return self._retrying(once, f"esearch for {term!r}")

    def efetch_ids(self, pmids: list[str], *, where: str = "") -> Page:
        """The records of these PMIDs, as checked (whole) but not yet built slices."""

        def once() -> Page:
            handle = self._call("efetch", db="pubmed", id=",".join(pmids), retmode="xml")
            return _read_efetch(handle, where)

        return self._retrying(once, where or f"efetch of {len(pmids)} PMIDs")

    def efetch_history(
        self, webenv: str, query_key: str, retstart: int, retmax: int, *, where: str = ""
    ) -> Page:
        def once() -> Page:
            handle = self._call(
                "efetch",
                db="pubmed",
                WebEnv=webenv,
                query_key=query_key,
                retstart=retstart,
                retmax=retmax,
                retmode="xml",
            )
            return _read_efetch(handle, where)

        return self._retrying(once, where or f"efetch from history at {retstart}")

    # -- machinery ----------------------------------------------------------------------------

    def _call(self, utility: str, **params) -> _Response:
        """One request to ``utility`` (esearch, efetch) with our tool, e-mail and key."""
        params["tool"] = self.config.tool
        if self.config.email:
            params["email"] = self.config.email
        if self.config.api_key:
            params["api_key"] = self.config.api_key
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        url = f"{self.config.base_url}{utility}.fcgi"
        ids = str(params.get("id", ""))
        if len(query) > POST_LENGTH or ids.count(",") + 1 >= POST_IDS:
            request = urllib.request.Request(url, data=query.encode(), method="POST")
        else:
            request = urllib.request.Request(f"{url}?{query}", method="GET")
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> _Response:
        """One HTTP exchange, read whole; raises _Transient for what a retry may cure."""
        url = request.full_url
        self.limiter.wait()
        with self._count_lock:
            self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout) as response:
                body = response.read()
                headers, status = response.headers, response.status
        except urllib.error.HTTPError as exc:
            if exc.code == 429 or exc.code >= 500:
                raise _Transient(
                    f"HTTP {exc.code} from {_endpoint(url)}",
                    _retry_after(exc.headers.get("Retry-After")),
                ) from exc
            raise NetworkError(
                f"{_endpoint(url)} refused the request with HTTP {exc.code} ({exc.reason}). "
                "Check REVIEW_EUTILS_URL and NCBI_API_KEY."
            ) from exc
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise _Transient(f"no complete answer from {_endpoint(url)} ({reason})") from exc
        content_type = headers.get_content_type()
        if content_type == "text/html":
            raise _Transient(f"{_endpoint(url)} sent an HTML page instead of XML")
        return _Response(body, headers, url, status)

    def _retrying(self, once: Callable[[], T], what: str) -> T:
        last = ""
        for attempt in range(self.config.attempts):
            try:
                return once()
            except _Transient as exc:
                last, advice = str(exc), exc.retry_after
            if attempt == self.config.attempts - 1:
                break
            pause = min(self.config.backoff_max, self.config.backoff * 2**attempt)
            pause *= random.uniform(0.5, 1.0)  # jitter: many clients must not retry in step
            if advice is not None:
                pause = max(pause, advice)
            with self._count_lock:
                self.retries += 1
            if self.on_retry:
                self.on_retry(f"{what}: {last}", pause)
            self._sleep(pause)
        raise NetworkError(
            f"{what} failed {self.config.attempts} times; the last problem was: {last}. "
            "What to do: check the network and NCBI's service status, then run the same command "
            "again: it continues where it stopped, without downloading stored records again."
        )


def _endpoint(url: str) -> str:
    return url.split("?", 1)[0]


def _read_esearch(handle: _Response, term: str) -> EsearchResult:
    from Bio import Entrez  # imported when an answer is read, not by `review --help`
    from Bio.Entrez import Parser as EntrezParser

    try:
        data = Entrez.read(handle)
    except RuntimeError as exc:  # an <ERROR> element
        text = str(exc)
        if _BACKEND_HICCUP.search(text) and "retstart" not in text:
            raise _Transient(f"PubMed's search backend failed ({text})") from exc
        raise QueryError(
            f"PubMed rejected the search {term!r}: {text}. Check the query syntax in PubMed's "
            "Advanced Search, then try again."
        ) from exc
    except (EntrezParser.CorruptedXMLError, EntrezParser.NotXMLError, ValueError) as exc:
        raise _Transient(f"the esearch answer could not be read ({exc})") from exc
    errors = data.get("ErrorList", {}) or {}
    warning_list = data.get("WarningList", {}) or {}
    not_found = tuple(str(p) for p in errors.get("PhraseNotFound", []))
    problems = [
        f"PubMed found nothing for '{phrase}' and left it out of the search."
        for phrase in not_found
    ]
    for field_name in errors.get("FieldNotFound", []):
        problems.append(
            f"PubMed does not know the field '{field_name}'; check the tag in brackets."
        )
    warnings = []
    for phrase in warning_list.get("QuotedPhraseNotFound", []):
        quoted = '"' + str(phrase).strip('"') + '"'
        warnings.append(f"PubMed does not know the quoted phrase {quoted}; it matched nothing.")
    for phrase in warning_list.get("PhraseIgnored", []):
        warnings.append(f"PubMed ignored '{phrase}' (a word too common to search for).")
    for message in warning_list.get("OutputMessage", []):
        warnings.append(f"PubMed says: {message}")
    # Any other item NCBI may add to either list is kept in its own words, never dropped.
    for kind, items in errors.items():
        if kind not in ("PhraseNotFound", "FieldNotFound"):
            problems.extend(f"PubMed {kind}: {item}" for item in _items(items))
    for kind, items in warning_list.items():
        if kind not in ("QuotedPhraseNotFound", "PhraseIgnored", "OutputMessage"):
            warnings.extend(f"PubMed {kind}: {item}" for item in _items(items))
    return EsearchResult(
        count=int(data["Count"]),
        pmids=tuple(str(p) for p in data["IdList"]),
        webenv=str(data.get("WebEnv", "")),
        query_key=str(data.get("QueryKey", "")),
        query_translation=str(data.get("QueryTranslation", "")),
        warnings=tuple(warnings),
        errors=tuple(problems),
        not_found=not_found,
    )


def _items(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _read_efetch(handle: _Response, where: str) -> Page:
    body = handle.read()
    try:
        return split_efetch(body, where=where)
    except ResponseError as exc:
        ncbi = _ERROR.search(body[:4000])
        said = ncbi.group(1).decode("utf-8", "replace") if ncbi else ""
        if said and _LOST_HISTORY.search(said):
            raise HistoryExpired(str(exc)) from exc
        if said and not _BACKEND_HICCUP.search(said):
            raise  # NCBI's own, considered answer: asking again would not change it
        raise _Transient(str(exc)) from exc  # cut off or unreadable: asking again usually cures it
