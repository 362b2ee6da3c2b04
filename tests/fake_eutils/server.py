"""FakeEutils: a local HTTP server that answers esearch/efetch like NCBI does for PubMed.

It reproduces the behaviour a harvester must survive: the 9,999-record paging cap, the history
server (WebEnv/query_key) and its expiry, HTTP 429 above 3 (or 10 with api_key) requests per
second, dropped phrases, deleted citations, and injected network faults. Everything it does is
recorded in ``log`` so tests can check what a client really sent.
"""

from __future__ import annotations

import contextlib
import random
import re
import secrets
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

from tests.fake_eutils.corpus import FakeRecord
from tests.fake_eutils.responses import (
    CAP,
    CAP_MESSAGE,
    EFETCH_HEAD,
    ESEARCH_HEAD,
    FAULT_KINDS,
    HTML,
    HTML_ERROR,
    HTML_PAGE,
    Reply,
    efetch_error,
    esearch_error,
    fault_reply,
    throttled,
)
from tests.fake_eutils.search import Index, QueryError, Result, parse, parse_date

EMPTY_DATE_LIMIT = ("keep", "drop", "drop-silently")


@dataclass
class LogEntry:
    """One request as it arrived. ``status`` 0 means the connection was dropped unanswered."""

    t: float  # time.monotonic() at arrival
    endpoint: str  # "esearch", "efetch", ...
    method: str
    params: dict[str, str]
    api_key: bool
    status: int = 0
    fault: str | None = None


def max_requests_in_any_second(log: list[LogEntry], with_key: bool | None = None) -> int:
    """Largest number of request arrivals inside any window [t, t + 1.0)."""
    times = sorted(e.t for e in log if with_key is None or e.api_key == with_key)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def _int(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"\d+", raw):
        raise QueryError(f"Invalid {name} value: {raw}")
    return int(raw)


class FakeEutils:
    """Fake PubMed E-utilities on 127.0.0.1; use as ``with FakeEutils(corpus) as fake:``.

    ``corpus`` is used in place: records appended to the list (or via ``add_records``) become
    searchable on the next request. A record whose PMID is already present replaces it.
    """

    def __init__(
        self,
        corpus: list[FakeRecord],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        cap: bool = True,
        enforce_rate: bool = True,
        rate_limit: int = 3,
        rate_limit_with_key: int = 10,
        fault_rate: float = 0.0,
        fault_kinds: tuple[str, ...] = FAULT_KINDS,
        seed: int = 0,
        slow_seconds: float = 5.0,
        empty_date_limit: str = "keep",
    ) -> None:
        if empty_date_limit not in EMPTY_DATE_LIMIT:
            raise ValueError(f"empty_date_limit must be one of {EMPTY_DATE_LIMIT}")
        unknown = set(fault_kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        self.corpus = corpus
        self.host, self.port = host, port
        self.cap, self.enforce_rate = cap, enforce_rate
        self.rate_limit, self.rate_limit_with_key = rate_limit, rate_limit_with_key
        self.fault_rate, self.fault_kinds = fault_rate, tuple(fault_kinds)
        self.slow_seconds = slow_seconds
        self.log: list[LogEntry] = []
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        # What PubMed does with a date limit no record of the database falls in: "keep" answers
        # 0; "drop" reports it as a phrase not found (ErrorList) and answers the query without
        # it, as PubMed may; "drop-silently" drops it with no ErrorList item.
        self.empty_date_limit = empty_date_limit
        self._index = Index()
        self._index.drop_empty_dates = empty_date_limit
        self._deleted: set[str] = set()
        self._history: dict[str, list[list[str]]] = {}
        self._queue: list[list] = []  # [kind, remaining, endpoint]
        self._windows: dict[str | None, deque[float]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakeEutils:
        with self._lock:
            if self._server is not None:
                return self
            handler = type("Handler", (_Handler,), {"fake": self})
            self._server = _Server((self.host, self.port), handler)
            self.port = self._server.server_address[1]
            self._stopping.clear()
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
            return self

    def stop(self) -> None:
        with self._lock:
            server, thread, self._server, self._thread = self._server, self._thread, None, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    def __enter__(self) -> FakeEutils:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/entrez/eutils/"

    # -- corpus and history ------------------------------------------------------------------
    def add_records(self, records: list[FakeRecord]) -> None:
        with self._lock:
            for rec in records:
                self._deleted.discard(rec.pmid)
            self.corpus.extend(records)

    def delete(self, pmid: str | int) -> None:
        """Mark a PMID deleted: esearch stops finding it, efetch answers <DeleteCitation>."""
        with self._lock:
            self._deleted.add(str(pmid))

    def expire_history(self) -> None:
        """Forget every WebEnv, as NCBI does after a few hours of inactivity."""
        with self._lock:
            self._history.clear()

    def inject(self, kind: str, count: int = 1, endpoint: str | None = None) -> None:
        """Queue ``count`` faults of ``kind`` for the next requests (to ``endpoint`` if given)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind: {kind}")
        with self._lock:
            self._queue.append([kind, count, endpoint.replace(".fcgi", "") if endpoint else None])

    def count(self, endpoint: str | None = None, status: int | None = None) -> int:
        """Number of logged requests, optionally for one endpoint and/or status."""
        ep = endpoint.replace(".fcgi", "") if endpoint else None
        with self._lock:
            return sum(
                1
                for e in self.log
                if (ep is None or e.endpoint == ep) and (status is None or e.status == status)
            )

    def _sync(self) -> None:
        while len(self._index) < len(self.corpus):
            self._index.add(self.corpus[len(self._index)])

    def _alive(self, pos: int) -> bool:
        return pos not in self._index.superseded and self._index.pmids[pos] not in self._deleted

    def _record(self, pmid: str) -> FakeRecord | None:
        pos = self._index.pos_by_pmid.get(pmid)
        return None if pos is None else self.corpus[pos]

    # -- request admission: rate limit and faults ---------------------------------------------
    def _admit(self, entry: LogEntry, key: str | None) -> tuple[Reply | None, str | None, dict]:
        """Decide, under the lock, whether a request is throttled or gets a fault."""
        limit = self.rate_limit_with_key if key else self.rate_limit
        window = self._windows.setdefault(key, deque())
        while window and entry.t - window[0] >= 1.0:
            window.popleft()
        if self.enforce_rate and len(window) >= limit:
            return throttled(len(window) + 1), None, {}
        window.append(entry.t)
        rl = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(limit - len(window), 0)),
        }
        for item in self._queue:
            if item[2] is None or item[2] == entry.endpoint:
                item[1] -= 1
                if item[1] <= 0:
                    self._queue.remove(item)
                return None, item[0], rl
        if self.fault_rate > 0 and self._rng.random() < self.fault_rate:
            return None, self._rng.choice(self.fault_kinds), rl
        return None, None, rl

    # -- endpoints ---------------------------------------------------------------------------
    def _dispatch(self, endpoint: str, params: dict[str, str]) -> Reply:
        with self._lock:
            self._sync()
            if endpoint == "esearch":
                return self._esearch(params)
            if endpoint == "efetch":
                return self._efetch(params)
        page = HTML_ERROR.format(code=404, reason="Not Found")
        return Reply(404, page.encode(), HTML)

    def _history_set(self, webenv: str, key: int) -> set[int]:
        queries = self._history.get(webenv)
        if not queries or not 1 <= key <= len(queries):
            raise _HistoryError(key)
        pos = self._index.pos_by_pmid
        return {pos[p] for p in queries[key - 1] if p in pos}

    def _esearch(self, p: dict[str, str]) -> Reply:
        db = p.get("db", "pubmed").strip() or "pubmed"
        if db.lower() != "pubmed":
            return esearch_error(f"Invalid db name specified: {db}")
        term, webenv = p.get("term", "").strip(), p.get("webenv", "").strip()
        qk = p.get("query_key", "").strip()
        try:
            if webenv and webenv not in self._history:
                raise _HistoryError(int(qk) if qk.isdigit() else 1)
            if not term and not qk:
                return esearch_error("Empty term and query_key - nothing todo")
            retstart, retmax = _int(p, "retstart", 0), _int(p, "retmax", 20)
            if self.cap and retstart > CAP - 1:
                return esearch_error(CAP_MESSAGE)
            if self.cap:
                retmax = min(retmax, 10000)
            node = parse(term) if term else None
            if node is not None:
                res = self._index.evaluate(node, lambda k: self._history_set(webenv, k))
                found = res.positions
            else:
                res, found = Result(set(), f"#{qk}"), None
            if qk:
                base = self._history_set(webenv, _int(p, "query_key", 1))
                found = base if found is None else found & base
            found, limit, dropped = self._date_filter(p, found)
            if dropped and limit:
                res.phrase_not_found.append(limit)
            elif limit:
                res.translation = f"{res.translation} AND {limit}"
        except QueryError as exc:
            return esearch_error(str(exc))
        except _HistoryError as exc:
            return esearch_error(f"Unable to obtain query #{exc.key}")
        pmids = self._index.pmids
        hits = sorted((pmids[i] for i in found if self._alive(i)), key=int, reverse=True)
        end = retstart + retmax
        if self.cap:
            end = min(end, CAP)
        ids = hits[retstart:end]
        out = [
            ESEARCH_HEAD,
            "<eSearchResult>",
            f"<Count>{len(hits)}</Count>",
            f"<RetMax>{len(ids)}</RetMax><RetStart>{retstart}</RetStart>",
        ]
        if p.get("usehistory", "").lower() == "y":
            if not webenv:
                webenv = "MCID_" + secrets.token_hex(12)
            queries = self._history.setdefault(webenv, [])
            queries.append(hits)
            out.append(f"<QueryKey>{len(queries)}</QueryKey><WebEnv>{webenv}</WebEnv>")
        out.append(
            "<IdList>\n" + "".join(f"<Id>{i}</Id>\n" for i in ids) + "</IdList>"
            if ids
            else "<IdList/>"
        )
        out.append(
            f"<TranslationSet/><QueryTranslation>{escape(res.translation)}</QueryTranslation>"
        )
        if res.phrase_not_found:
            out.append(
                "<ErrorList>"
                + "".join(
                    f"<PhraseNotFound>{escape(x)}</PhraseNotFound>" for x in res.phrase_not_found
                )
                + "</ErrorList>"
            )
        warnings = [
            f"<QuotedPhraseNotFound>{escape(x)}</QuotedPhraseNotFound>"
            for x in res.quoted_not_found
        ]
        if not hits:
            warnings.append("<OutputMessage>No items found.</OutputMessage>")
        if warnings:
            out.append("<WarningList>" + "".join(warnings) + "</WarningList>")
        out.append("</eSearchResult>\n")
        return Reply(200, "".join(out).encode("utf-8"))

    def _date_filter(self, p: dict[str, str], found: set[int] | None) -> tuple[set[int], str, bool]:
        """The hits within datetype/mindate/maxdate, the limit as NCBI echoes it, and whether
        the limit was dropped (no record of the database in it, ``empty_date_limit`` != keep).
        """
        mindate, maxdate = p.get("mindate", "").strip(), p.get("maxdate", "").strip()
        if found is None:
            found = set()
        if not (mindate or maxdate):
            return found, "", False
        datetype = p.get("datetype", "pdat").strip().lower() or "pdat"
        fld = "edat" if datetype == "edat" else "pdat"
        lo = parse_date(mindate, False) if mindate else parse_date("1000", False)
        hi = parse_date(maxdate, True) if maxdate else parse_date("9999", True)
        label = f"{mindate or '1000'}:{maxdate or '3000'}[{datetype}]"
        window = self._index.dates(fld, lo, hi)
        if not window and self.empty_date_limit != "keep":
            return found, label if self.empty_date_limit == "drop" else "", True
        return found & window, label, False

    def _efetch(self, p: dict[str, str]) -> Reply:
        db = p.get("db", "").strip()
        if db.lower() != "pubmed":
            return efetch_error(f"Invalid db name specified: {db}" if db else "Missing db")
        ids = [x for x in re.split(r"[,\s]+", p.get("id", "")) if x]
        webenv, qk = p.get("webenv", "").strip(), p.get("query_key", "").strip()
        if not ids and not (webenv and qk):
            return efetch_error("Empty id list - nothing todo")
        try:
            if not ids:
                key = _int(p, "query_key", 1)
                queries = self._history.get(webenv)
                if not queries or not 1 <= key <= len(queries):
                    return efetch_error(f"Unable to obtain query #{key}")
                retstart, retmax = _int(p, "retstart", 0), _int(p, "retmax", 20)
                if self.cap and retstart > CAP - 1:
                    return efetch_error(CAP_MESSAGE)
                end = retstart + (min(retmax, 10000) if self.cap else retmax)
                ids = queries[key - 1][retstart : min(end, CAP) if self.cap else end]
        except QueryError as exc:
            return efetch_error(str(exc))
        parts, gone, seen = [EFETCH_HEAD], [], set()
        for pmid in ids:
            if pmid in seen:
                continue
            seen.add(pmid)
            if pmid in self._deleted:
                gone.append(pmid)
            elif (rec := self._record(pmid)) is not None:
                parts.append(rec.xml)
                parts.append(b"\n")
        if gone:
            pm = "".join(f'<PMID Version="1">{x}</PMID>' for x in gone)
            parts.append(f"<DeleteCitation>{pm}</DeleteCitation>\n".encode())
        parts.append(b"</PubmedArticleSet>\n")
        return Reply(200, b"".join(parts))


class _HistoryError(Exception):
    def __init__(self, key: int):
        self.key = key


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:  # quiet: clients hang up in tests
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeEutils/1.0"
    fake: FakeEutils

    def log_message(self, format, *args) -> None:  # noqa: A002 - keep stderr quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        arrival = time.monotonic()
        url = urlsplit(self.path)
        params = dict((k.lower(), v) for k, v in parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            body = self.rfile.read(length).decode("utf-8", "replace")
            params.update((k.lower(), v) for k, v in parse_qsl(body, keep_blank_values=True))
        endpoint = url.path.rstrip("/").rsplit("/", 1)[-1].replace(".fcgi", "")
        key = params.get("api_key") or None
        fake = self.fake
        entry = LogEntry(arrival, endpoint, method, params, key is not None)
        with fake._lock:
            fake.log.append(entry)
            reply, fault, rl_headers = fake._admit(entry, key)
        entry.fault = fault
        if reply is None and fault in ("429", "500", "502", "503"):
            reply = fault_reply(fault)
        if reply is None:
            if fault == "slow":
                fake._stopping.wait(fake.slow_seconds)
            if fault == "html":
                reply = Reply(200, HTML_PAGE.encode(), HTML)
            else:
                reply = fake._dispatch(endpoint, params)
            reply.headers += tuple(rl_headers.items())
        entry.status = 0 if fault == "drop" else reply.status
        try:
            self._send(reply, fault)
        except OSError:
            self.close_connection = True

    def _send(self, reply: Reply, fault: str | None) -> None:
        if fault == "drop":
            self._hang_up()
            return
        body = reply.body
        if fault == "truncated":
            body = body[: max(len(body) // 2, 1)]
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if fault == "drop_body":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self._hang_up()
            return
        self.wfile.write(body)

    def _hang_up(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
