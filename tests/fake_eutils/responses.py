"""Response bodies the fake sends: NCBI's XML envelopes, error pages and throttling replies."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

FAULT_KINDS = ("429", "500", "502", "503", "truncated", "html", "slow", "drop", "drop_body")
CAP = 9999  # PubMed esearch/efetch can only reach the first 9,999 hits of a query
CAP_MESSAGE = (
    "Search Backend failed: Exception:\n'retstart' cannot be larger than 9998. For PubMed, "
    "ESearch can only retrieve the first 9,999 records matching the query. To obtain more than "
    "9,999 PubMed records, consider using EDirect that contains additional logic to batch PubMed "
    "search results automatically so that an arbitrary number can be retrieved. For details see "
    "https://www.ncbi.nlm.nih.gov/books/NBK25499/"
)
ESEARCH_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch'
    ' 20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
EFETCH_HEAD = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st '
    b'January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)
XML = "text/xml; charset=UTF-8"
HTML = "text/html; charset=UTF-8"
HTML_ERROR = (
    "<!DOCTYPE html>\n<html><head><title>{code} {reason}</title></head><body>\n"
    "<h1>{reason}</h1>\n<p>The server encountered a temporary error and could not complete your "
    "request.</p>\n</body></html>\n"
)
# NCBI's front end sometimes answers 200 with an HTML page instead of XML; this imitates one.
HTML_PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>NCBI - WWW Error 500 '
    'Diagnostic</title></head>\n<body><div id="ncbi-header">National Center for Biotechnology '
    "Information</div>\n<h1>Error: the service is temporarily unavailable</h1>\n<p>E-utilities "
    "could not process your request. Please try again later.</p>\n<p>NCBI-SID: "
    "FAKE0000000000_0000SID</p></body></html>\n"
)


@dataclass
class Reply:
    status: int
    body: bytes
    ctype: str = XML
    headers: tuple[tuple[str, str], ...] = ()


def esearch_error(message: str) -> Reply:
    body = f"{ESEARCH_HEAD}<eSearchResult>\n\t<ERROR>{escape(message)}</ERROR>\n</eSearchResult>\n"
    return Reply(200, body.encode("utf-8"))


def efetch_error(message: str) -> Reply:
    # No DOCTYPE: Biopython ships no efetch DTD and would try to download it.
    body = (
        f'<?xml version="1.0" encoding="UTF-8" ?>\n<eFetchResult>\n\t<ERROR>{escape(message)}'
        "</ERROR>\n</eFetchResult>\n"
    )
    return Reply(200, body.encode("utf-8"))


def throttled(count: int) -> Reply:
    # NCBI's *documented* throttling body (E-utilities help, NBK25497), not a captured response;
    # "count" is the number of requests seen in the current one-second window.
    body = f'{{"error":"API rate limit exceeded","count":"{count}"}}'.encode()
    return Reply(429, body, "application/json", (("Retry-After", "1"),))


def fault_reply(kind: str) -> Reply:
    if kind == "429":
        return throttled(11)
    code = int(kind)
    reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}[code]
    headers = (("Retry-After", "1"),) if code == 503 else ()
    return Reply(code, HTML_ERROR.format(code=code, reason=reason).encode(), HTML, headers)
