"""Read a PubMed efetch answer (``retmode=xml``) into Records, keeping each record's exact text.

No XML parser reports byte offsets, yet ``Record.raw`` must be the bytes NCBI sent so that a better
parser can re-read stored records later. Top-level records never nest, so their boundaries are found
in the bytes and each slice is parsed on its own with lxml (which also keeps memory at one record).
Everything between the records (prolog, root tags, whitespace) is parsed as a "skeleton" with a
placeholder per record, so an answer cut off anywhere, or one with stray content, fails loudly
instead of yielding the records that happened to arrive before the cut.
"""

from __future__ import annotations

import re

from lxml import etree

from review.errors import ResponseError
from review.records import AbstractSection, Author, MeshHeading, PubDate, Record

__all__ = ["build_records", "parse_efetch", "parse_record", "split_efetch"]

_NAMES = (b"PubmedArticle", b"PubmedBookArticle", b"DeleteCitation")
# The class after the name keeps <PubmedArticleSet> from matching <PubmedArticle.
_OPEN = re.compile(rb"<(PubmedArticle|PubmedBookArticle|DeleteCitation)[\s/>]")
_CLOSE = {name: re.compile(rb"</" + name + rb"\s*>") for name in _NAMES}
_SLOT = "_"  # placeholder element standing for one record in the skeleton
_YEAR = re.compile(r"\d{4}")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_RETRY = "Fetch this page again; if it keeps failing, try a smaller retmax or try later."


class _BadRecord(Exception):
    """A record slice that parsed as XML but lacks what every PubMed record has."""


def _parser() -> etree.XMLParser:
    # One per call: lxml parsers must not be shared between threads (Streamlit sessions are
    # threads). No DTD, no network, no entity expansion: the answer is untrusted input.
    # (collect_ids=False would make libxml2 fetch the DOCTYPE's DTD: leave it alone.)
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )


def _fail(where: str, problem: str, advice: str = _RETRY) -> ResponseError:
    return ResponseError(f"{where or 'PubMed efetch answer'}: {problem}. {advice}")


def parse_efetch(body: bytes, *, where: str = "") -> list[Record]:
    """All records of one efetch answer, in order; raise ResponseError unless the answer is whole.

    ``where`` names the request in messages (e.g. "efetch page 3 of search 'neuroma'").
    """
    return build_records(split_efetch(body, where=where), where=where)


def split_efetch(body: bytes, *, where: str = "") -> list[tuple[bytes, bytes]]:
    """The answer's records as (element name, exact bytes), after checking the answer is whole.

    Cheap next to building the records, so a harvest can check each answer at once (and ask
    again if it was cut off) and leave the building to other processes.
    """
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not body.strip():
        raise _fail(where, "NCBI sent an empty answer")
    spans: list[tuple[bytes, int, int]] = []
    skeleton: list[bytes] = []
    pos = 0
    while m := _OPEN.search(body, pos):
        name = m.group(1)
        close = _CLOSE[name].search(body, m.end() - 1)
        if close is None:
            raise _fail(
                where,
                f"the answer is cut off inside record {len(spans) + 1} (a {name.decode()} "
                "with no closing tag)",
            )
        skeleton += (body[pos : m.start()], b"<_/>")
        spans.append((name, m.start(), close.end()))
        pos = close.end()
    skeleton.append(body[pos:])
    _check_skeleton(b"".join(skeleton), body, len(spans), where)
    return [(name, body[start:end]) for name, start, end in spans]


def build_records(chunks: list[tuple[bytes, bytes]], *, where: str = "") -> list[Record]:
    """Records from the slices split_efetch found."""
    parser = _parser()
    records: list[Record] = []
    for i, (name, chunk) in enumerate(chunks, 1):
        try:
            raw = chunk.decode("utf-8")
            elem = etree.fromstring(_lean(chunk), parser)
            if name == b"DeleteCitation":
                records += _deleted(elem, raw)
            else:
                records.append(_build(elem, raw))
        except (etree.XMLSyntaxError, UnicodeDecodeError, _BadRecord) as exc:
            raise _fail(where, f"record {i} ({name.decode()}) cannot be read: {exc}") from exc
    return records


def parse_record(raw: str) -> Record:
    """Re-read one stored record from its raw text, exactly as ``parse_efetch`` read it."""
    try:
        elem = etree.fromstring(_lean(raw.encode("utf-8")), _parser())
        if elem.tag != "DeleteCitation":
            return _build(elem, raw)
        deleted = _deleted(elem, raw)
    except (etree.XMLSyntaxError, _BadRecord) as exc:
        raise _fail("stored PubMed record", f"it cannot be read: {exc}", _REFETCH) from exc
    if len(deleted) != 1:
        raise _fail(
            "stored PubMed record",
            f"it is a DeleteCitation for {len(deleted)} PMIDs, not one record",
            "Read the whole efetch answer with parse_efetch to get one record per PMID.",
        )
    return deleted[0]


_REFETCH = "Fetch the record from PubMed again to replace the stored copy."

# Blocks no field is read from, and whether they may repeat (ReferenceLists nest and end
# PubmedData, so that cut runs to the last closing tag). Cutting them before lxml sees the record
# halves the parse time on records that cite a lot; raw keeps them, and the record's own closing tag
# still proves it arrived whole.
_UNREAD = (
    (b"<CommentsCorrectionsList", b"</CommentsCorrectionsList>", False),
    (b"<GrantList", b"</GrantList>", False),
    (b"<ReferenceList", b"</ReferenceList>", True),
)


def _lean(chunk: bytes) -> bytes:
    for opening, closing, repeats in _UNREAD:
        i = chunk.find(opening)
        if i >= 0:
            j = chunk.rfind(closing) if repeats else chunk.find(closing, i)
            if j > i:
                chunk = chunk[:i] + chunk[j + len(closing) :]
    return chunk


def _check_skeleton(skeleton: bytes, body: bytes, n: int, where: str) -> None:
    """Fail unless the text around the records is a whole PubmedArticleSet holding just them."""
    try:
        root = etree.fromstring(skeleton, _parser())
    except etree.XMLSyntaxError as exc:
        head = body.lstrip()[:1024].lower()
        if b"<html" in head or b"<!doctype html" in head:
            raise _fail(where, "NCBI sent an HTML page, not XML (often an error page)") from exc
        if b"<pubmedarticleset" in head and b"</PubmedArticleSet" not in body[-4096:]:
            raise _fail(where, "the answer is cut off before </PubmedArticleSet>") from exc
        if not head.startswith(b"<"):
            raise _fail(where, "NCBI's answer is not XML") from exc
        raise _fail(where, f"the answer is malformed or cut off ({exc})") from exc
    errors = [t for t in map(_text, root.iter("ERROR")) if t]  # ESpell sends an empty <ERROR/>
    if errors:
        raise _fail(
            where,
            "NCBI answered with an error: " + "; ".join(errors),
            "Check the query, WebEnv/query_key and paging; a lost WebEnv needs the search rerun.",
        )
    if root.tag != "PubmedArticleSet":
        if root.tag.lower() == "html":
            raise _fail(where, "NCBI sent an HTML page, not XML (often an error page)")
        raise _fail(
            where,
            f"unexpected root element <{root.tag}>, expected <PubmedArticleSet>",
            "Make sure the request was efetch with db=pubmed and retmode=xml.",
        )
    slots = 0
    for child in root:
        if child.tag != _SLOT:
            raise _fail(where, f"unexpected element <{child.tag}> in the PubmedArticleSet")
        slots += 1
    if slots != n:  # a record tag outside the root, e.g. after </PubmedArticleSet>
        raise _fail(where, "records were found outside the PubmedArticleSet")


def _text(el) -> str:
    """Plain text: inline markup (<i>, <sup>, MathML) dropped, whitespace collapsed."""
    if el is None:
        return ""
    t = "".join(el.itertext()) if len(el) else el.text
    if not t:
        return ""
    # Most of NCBI's text is already clean, and these C-speed checks cost less than split and
    # join. isprintable() is False for every whitespace character but the plain space.
    if t.isprintable() and t[0] != " " and t[-1] != " " and "  " not in t:
        return t
    return " ".join(t.split())


# The hot paths below walk children and compare tags instead of calling find()/iterchildren(tag):
# in lxml those cost ~1 us per call, which was a third of the parse time on real records.


def _iso(year: str | None, month: str | None, day: str | None) -> str:
    """ISO date as precise as the source; month names (PubDate uses "Sep") become numbers."""
    # Fast path for the all-numeric history dates, which are most of the dates.
    if (
        year
        and month
        and day
        and year.isdigit()
        and month.isdigit()
        and day.isdigit()
        and len(year) == 4
        and 0 < int(month) < 13
        and 0 < int(day) < 32
    ):
        return f"{year}-{int(month):02d}-{int(day):02d}"
    year = (year or "").strip()
    if len(year) != 4 or not year.isdigit():
        return ""
    month = (month or "").strip()
    mon = int(month) if month.isdigit() else _MONTHS.get(month[:3].lower(), 0)
    if not 1 <= mon <= 12:
        return year
    day = (day or "").strip()
    if day.isdigit() and 1 <= int(day) <= 31:
        return f"{year}-{mon:02d}-{int(day):02d}"
    return f"{year}-{mon:02d}"


def _date(el) -> str:
    y = m = d = None
    for c in el:
        tag = c.tag
        if tag == "Year":
            y = c.text
        elif tag == "Month":
            m = c.text
        elif tag == "Day":
            d = c.text
            break  # Hour, Minute and Second follow Day (DTD order) and are not kept
    return _iso(y, m, d)


def _pub_year(pubdate) -> int | None:
    """<Year>, else the first year of a MedlineDate such as "1998 Dec-1999 Jan"."""
    if pubdate is None:
        return None
    y = pubdate.findtext("Year")
    if y and y.strip().isdigit():
        return int(y)
    m = _YEAR.search(pubdate.findtext("MedlineDate") or "")
    return int(m.group()) if m else None


def _history(el, dates: list[PubDate]) -> None:
    for d in el:
        if d.tag == "PubMedPubDate" and (iso := _date(d)):
            dates.append(PubDate(d.get("PubStatus", ""), iso))


def _ids(id_list, ids: dict[str, str]) -> None:
    # Only the direct ArticleIdList: ReferenceList entries carry ArticleIdLists of cited papers.
    for a in id_list:
        kind = a.get("IdType")
        if kind in ("doi", "pmc") and kind not in ids and a.text:
            ids[kind] = a.text.strip()


def _authors(author_list) -> tuple[Author, ...]:
    out = []
    for a in author_list:
        if (
            a.tag != "Author" or a.get("ValidYN") == "N"
        ):  # a misspelt form that PubMed keeps next to the valid one
            continue
        last = fore = initials = collective = ""
        # Names come first and are plain text (#PCDATA) except CollectiveName; stop at the
        # Identifiers and AffiliationInfos that follow, which are most of an Author's nodes.
        for c in a:
            tag = c.tag
            if tag == "LastName":
                last = c.text or ""
            elif tag == "ForeName":
                fore = c.text or ""
            elif tag == "Initials":
                initials = c.text or ""
            elif tag == "CollectiveName":
                collective = _text(c)
            elif tag != "Suffix":
                break
        if last or fore or collective:
            out.append(Author(last.strip(), fore.strip(), initials.strip(), collective))
    return tuple(out)


def _abstract(abstract) -> tuple[AbstractSection, ...]:
    out = []
    for t in abstract:
        if t.tag != "AbstractText":
            continue
        text, label = _text(t), t.get("Label", "")
        if text or label:
            out.append(AbstractSection(text, label, t.get("NlmCategory", "")))
    return tuple(out)


def _mesh(mesh_list) -> tuple[MeshHeading, ...]:
    out = []
    for h in mesh_list:  # DescriptorName, then its QualifierNames (DTD order); plain text
        if not len(h):
            continue
        d = h[0]
        if d.tag != "DescriptorName":
            d = next((c for c in h if c.tag == "DescriptorName"), None)
            if d is None:
                continue
        name = _text(d)
        if not name:
            continue
        quals = tuple(_text(q) for q in h if q.tag == "QualifierName") if len(h) > 1 else ()
        out.append(MeshHeading(name, d.get("MajorTopicYN") == "Y", quals, d.get("UI", "")))
    return tuple(out)


def _keywords(keyword_list, keywords: list[str]) -> None:
    keywords += [k for k in map(_text, keyword_list) if k]  # a KeywordList holds only Keywords


def _pages(pagination) -> str:
    if pagination is None:
        return ""
    parts = {c.tag: _text(c) for c in pagination}
    if parts.get("MedlinePgn"):
        return parts["MedlinePgn"]
    start, end = parts.get("StartPage", ""), parts.get("EndPage", "")
    return f"{start}-{end}" if start and end else start


def _deleted(elem, raw: str) -> list[Record]:
    pmids = [p.text.strip() for p in elem.iterchildren("PMID") if p.text and p.text.strip()]
    if not pmids:
        raise _BadRecord("a DeleteCitation without a PMID")
    return [Record(kind="deleted", pmid=p, raw=raw) for p in pmids]


def _build(elem, raw: str) -> Record:
    if elem.tag == "PubmedArticle":
        return _article(elem, raw)
    if elem.tag == "PubmedBookArticle":
        return _book(elem, raw)
    raise _BadRecord(f"<{elem.tag}> is not a PubMed record")


def _article(elem, raw: str) -> Record:
    pmid = title = vernacular = journal = iso_abbrev = medline_ta = volume = issue = ""
    article = pagination = pubdate = None
    year: int | None = None
    sections: tuple[AbstractSection, ...] = ()
    authors: tuple[Author, ...] = ()
    mesh: tuple[MeshHeading, ...] = ()
    languages: list[str] = []
    pub_types: list[str] = []
    keywords: list[str] = []
    article_dates: list[str] = []
    eloc_doi = completed = revised = ""
    dates: list[PubDate] = []
    ids: dict[str, str] = {}

    citation = elem.find("MedlineCitation")
    if citation is None:
        raise _BadRecord("no MedlineCitation")
    for c in citation:  # one pass over the children, dispatching on the tag: the fast path
        tag = c.tag
        if tag == "PMID":
            pmid = (c.text or "").strip()
        elif tag == "Article":
            article = c
        elif tag == "MeshHeadingList":
            mesh = _mesh(c)
        elif tag == "KeywordList":
            _keywords(c, keywords)
        elif tag == "MedlineJournalInfo":
            medline_ta = next((_text(x) for x in c if x.tag == "MedlineTA"), "")
        elif tag == "DateCompleted":
            completed = _date(c)
        elif tag == "DateRevised":
            revised = _date(c)
    if not pmid:
        raise _BadRecord("no MedlineCitation/PMID")

    if article is not None:
        for c in article:
            tag = c.tag
            if tag == "Journal":
                for j in c:
                    jtag = j.tag
                    if jtag == "Title":
                        journal = _text(j)
                    elif jtag == "ISOAbbreviation":
                        iso_abbrev = _text(j)
                    elif jtag == "JournalIssue":
                        for v in j:
                            vtag = v.tag
                            if vtag == "Volume":
                                volume = _text(v)
                            elif vtag == "Issue":
                                issue = _text(v)
                            elif vtag == "PubDate":
                                pubdate = v
            elif tag == "ArticleTitle":
                title = _text(c)
            elif tag == "Abstract":
                sections = _abstract(c)
            elif tag == "AuthorList":
                authors = _authors(c)
            elif tag == "Language":
                languages.append(_text(c))
            elif tag == "PublicationTypeList":
                pub_types = [_text(p) for p in c]  # holds only PublicationType
            elif tag == "Pagination":
                pagination = c
            elif tag == "ELocationID":
                if c.get("EIdType") == "doi" and c.get("ValidYN") != "N" and not eloc_doi:
                    eloc_doi = _text(c)
            elif tag == "ArticleDate":
                article_dates.append(_date(c))
            elif tag == "VernacularTitle":
                vernacular = _text(c)
        year = _pub_year(pubdate)
        if year is None and article_dates and article_dates[0]:
            year = int(article_dates[0][:4])

    data = elem.find("PubmedData")
    if data is not None:
        for c in data:
            if c.tag == "History":
                _history(c, dates)
            elif c.tag == "ArticleIdList":
                _ids(c, ids)
    if completed:
        dates.append(PubDate("completed", completed))
    if revised:
        dates.append(PubDate("last-revised", revised))

    return Record(
        kind="article",
        pmid=pmid,
        doi=ids.get("doi") or eloc_doi,
        pmcid=ids.get("pmc", ""),
        title=title or vernacular,
        abstract_sections=sections,
        authors=authors,
        journal=journal,
        journal_abbrev=iso_abbrev or medline_ta,
        year=year,
        volume=volume,
        issue=issue,
        pages=_pages(pagination),
        languages=tuple(x for x in languages if x),
        publication_types=tuple(x for x in pub_types if x),
        mesh_headings=mesh,
        keywords=tuple(keywords),
        dates=tuple(dates),
        raw=raw,
    )


def _book(elem, raw: str) -> Record:
    """A Bookshelf item: a whole book, or a chapter (with an ArticleTitle) hosted by the book."""
    doc = elem.find("BookDocument")
    if doc is None:
        raise _BadRecord("no BookDocument")
    pmid = (doc.findtext("PMID") or "").strip()
    if not pmid:
        raise _BadRecord("no BookDocument/PMID")
    book = doc.find("Book")
    book_title = _text(book.find("BookTitle")) if book is not None else ""
    chapter = _text(doc.find("ArticleTitle")) or _text(doc.find("VernacularTitle"))

    lists = (book.findall("AuthorList") if book is not None else []) + doc.findall("AuthorList")
    chosen = next((a for a in lists if a.get("Type") == "authors"), lists[0] if lists else None)

    abstract = doc.find("Abstract")
    keywords: list[str] = []
    for kl in doc.iterchildren("KeywordList"):
        _keywords(kl, keywords)
    ids: dict[str, str] = {}
    for id_list in doc.iterchildren("ArticleIdList"):
        _ids(id_list, ids)
    dates: list[PubDate] = []
    data = elem.find("PubmedBookData")
    if data is not None:
        for c in data:
            if c.tag == "History":
                _history(c, dates)
            elif c.tag == "ArticleIdList":
                _ids(c, ids)
    revised = doc.find("DateRevised")
    if revised is not None and _date(revised):
        dates.append(PubDate("last-revised", _date(revised)))

    return Record(
        kind="book",
        pmid=pmid,
        doi=ids.get("doi", ""),
        pmcid=ids.get("pmc", ""),
        title=chapter or book_title,
        abstract_sections=_abstract(abstract) if abstract is not None else (),
        authors=_authors(chosen) if chosen is not None else (),
        journal=book_title if chapter else "",
        year=_pub_year(book.find("PubDate")) if book is not None else None,
        volume=_text(book.find("Volume")) if book is not None else "",
        pages=_pages(doc.find("Pagination")),
        languages=tuple(x for x in map(_text, doc.iterchildren("Language")) if x),
        publication_types=tuple(x for x in map(_text, doc.iterchildren("PublicationType")) if x),
        keywords=tuple(keywords),
        dates=tuple(dates),
        raw=raw,
    )
