"""Synthetic PubMed records cloned from real efetch XML.

Each record starts as a real ``<PubmedArticle>`` (or ``<PubmedBookArticle>``) from
``tests/data/pubmed`` so parsers meet NCBI's real structure (structured abstracts, inline markup,
MeSH, odd dates). Only identity, title, dates and ids are replaced. Templates are parsed once and
split into literal chunks and named slots, so building a record is a string join: 50,000 records
take a couple of seconds.
"""

from __future__ import annotations

import datetime
import gzip
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "pubmed"

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_SLOT = re.compile(r"@@SLOT_(\w+)@@")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass
class FakeRecord:
    """One PubMed record as the fake server sees it."""

    pmid: str
    edat: datetime.date  # entry date: what [EDAT] and datetype=edat filter on
    pdat: datetime.date  # publication date: [PDAT] / datetype=pdat
    text: str  # lower-cased title + abstract + keywords, for term matching
    xml: bytes  # the whole <PubmedArticle>...</PubmedArticle> element, UTF-8


@dataclass
class _Template:
    name: str
    chunks: list[str]  # literal, slot, literal, slot, ..., literal
    plain: str  # lower-cased abstract + keyword text of the real article
    has_abstract: bool
    italic_title: bool  # the real title had inline markup
    book: bool = False


# (file, PMID, weight): the small modern records dominate so 50k records stay ~250 MB.
_TEMPLATES = [
    ("pubmed1.xml", "12091962", 2),  # no abstract, Season in PubDate, keywords
    ("pubmed1.xml", "9997", 3),
    ("pubmed2.xml", "11748933", 3),
    ("pubmed2.xml", "11700088", 3),
    ("pubmed4.xml", "27797938", 1),  # structured, <i> in title, 22 authors
    ("pubmed5.xml", "28775130", 2),  # structured with NlmCategory
    ("pubmed6.xml", "30108519", 2),  # <i> in title
    ("pubmed7.xml", "29963580", 2),
    ("pubmed-29768149.xml", "29768149", 1),  # structured, keeps CommentsCorrections
    ("test_current_medline.xml.gz", "36400559", 4),
    ("test_current_medline.xml.gz", "2930949", 1),  # keeps its ReferenceList
    ("test_current_medline.xml.gz", "11446611", 2),  # no abstract
    ("test_current_medline.xml.gz", "28786991", 2),
]
_KEEP_REFS = {"2930949", "29768149"}
_BOOK = ("efetch.pubmedbook.xml", "20301295")


def _marker(name: str) -> str:
    return f"@@SLOT_{name}@@"


def _load(path: str) -> etree._Element:
    raw = (DATA_DIR / path).read_bytes()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    return etree.fromstring(raw, parser)


def _compact(el: etree._Element) -> None:
    """Drop indentation so every template looks like NCBI's current one-line-per-record output."""
    for node in el.iter():
        if node.text is not None and not node.text.strip() and len(node):
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None


def _set_inner(el: etree._Element, slot: str) -> None:
    for child in list(el):
        el.remove(child)
    el.text = _marker(slot)


def _plain(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return _SPACE.sub(" ", "".join(el.itertext())).strip()


def _history_slots(root: etree._Element, history_parent: str) -> None:
    for pd in root.iterfind(f"{history_parent}/History/PubMedPubDate"):
        _set_inner(pd, "hist_" + pd.get("PubStatus", "pubmed").replace("-", "_"))


def _article_template(name: str, art: etree._Element) -> _Template:
    pmid = art.findtext("MedlineCitation/PMID")
    _compact(art)
    if pmid not in _KEEP_REFS:
        for tag in ("ReferenceList", "CommentsCorrectionsList"):
            for el in art.findall(f".//{tag}"):
                el.getparent().remove(el)
    mc = art.find("MedlineCitation")
    mc.find("PMID").text = _marker("pmid")
    for tag, slot in (("DateCompleted", "date_completed"), ("DateRevised", "date_revised")):
        if mc.find(tag) is not None:
            _set_inner(mc.find(tag), slot)
    article = mc.find("Article")
    _set_inner(article.find("Journal/JournalIssue/PubDate"), "pubdate")
    title = article.find("ArticleTitle")
    italic = len(title) > 0
    _set_inner(title, "title")
    elocs = article.findall("ELocationID")
    if elocs:
        prev = elocs[0].getprevious()
        for el in elocs:
            article.remove(el)
        prev.tail = _marker("elocation")
    for el in article.findall("ArticleDate"):
        _set_inner(el, "article_date")
    abstract = article.find("Abstract")
    plain = ""
    if abstract is not None:
        plain = " ".join(_plain(a) for a in abstract.iterfind("AbstractText"))
        first = abstract.find("AbstractText")
        first.text = _marker("abs_lead") + (first.text or "")
    keywords = " ".join(_plain(k) for k in mc.iterfind("KeywordList/Keyword"))
    _history_slots(art, "PubmedData")
    _set_inner(art.find("PubmedData/ArticleIdList"), "ids")
    return _finish(name, art, f" {plain} {keywords}".lower(), abstract is not None, italic)


def _book_template() -> _Template:
    path, pmid = _BOOK
    book = _load(path).find("PubmedBookArticle")
    _compact(book)
    doc = book.find("BookDocument")
    doc.find("PMID").text = _marker("pmid")
    _set_inner(doc.find("ArticleIdList"), "book_ids")
    _set_inner(doc.find("Book/PubDate"), "book_pubdate")
    # A chapter record: real GeneReviews chapters carry ArticleTitle right after <Book>.
    title = etree.Element("ArticleTitle", book="gene")
    title.text = _marker("title")
    doc.find("Book").addnext(title)
    sections = doc.find("Sections")
    for extra in list(sections)[6:]:
        sections.remove(extra)
    first = doc.find("Abstract/AbstractText")
    plain = _plain(first)
    first.text = _marker("abs_lead") + (first.text or "")
    _history_slots(book, "PubmedBookData")
    _set_inner(book.find("PubmedBookData/ArticleIdList"), "ids")
    return _finish(f"{path}#{pmid}", book, f" {plain}".lower(), True, False, book=True)


def _finish(name, el, plain, has_abstract, italic, book=False) -> _Template:
    chunks = _SLOT.split(etree.tostring(el, encoding="unicode"))
    return _Template(name, chunks, plain, has_abstract, italic, book)


@lru_cache(maxsize=1)
def load_templates() -> tuple[list[_Template], list[int], _Template]:
    """Parse the real XML files once per process; returns (templates, weights, book)."""
    cache: dict[str, etree._Element] = {}
    templates, weights = [], []
    for path, pmid, weight in _TEMPLATES:
        root = cache.setdefault(path, _load(path))
        art = next(a for a in root.iterfind("PubmedArticle") if a.findtext(".//PMID") == pmid)
        templates.append(_article_template(f"{path}#{pmid}", art))
        weights.append(weight)
    return templates, weights, _book_template()


# Vocabulary: every word below lands in a different subset of records, so AND/OR/NOT queries
# return different, non-trivial counts.
DESIGNS = [
    "randomized controlled trial",
    "retrospective cohort study",
    "prospective multicentre study",
    "systematic review and meta-analysis",
    "case series",
    "propensity-matched comparison",
    "registry analysis",
    "cost-effectiveness analysis",
    "feasibility study",
    "pilot trial",
]
SITES = [
    "renal",
    "hepatic",
    "prostate",
    "lung",
    "breast",
    "bone",
    "thyroid",
    "pancreatic",
    "uterine",
    "adrenal",
    "soft-tissue",
    "cardiac",
]
LESIONS = ["tumours", "carcinoma", "metastases", "lesions", "nodules", "masses", "fibroadenoma"]
COMPARATORS = [
    "radiofrequency ablation",
    "microwave ablation",
    "surgical resection",
    "partial nephrectomy",
    "active surveillance",
    "stereotactic radiotherapy",
]
OUTCOMES = [
    "recurrence",
    "overall survival",
    "complications",
    "pain relief",
    "quality of life",
    "local tumour control",
    "renal function",
    "procedural costs",
    "readmission",
    "functional outcomes",
]
POPULATIONS = [
    "elderly patients",
    "children",
    "high-risk surgical candidates",
    "women",
    "patients with comorbidities",
    "outpatients",
]
PLACES = [
    "Lyon",
    "Osaka",
    "Toronto",
    "Leiden",
    "Porto Alegre",
    "Aarhus",
    "Melbourne",
    "Pune",
    "Krakow",
    "Boston",
    "Seoul",
    "Nairobi",
]
ITALIC = [
    "<i>in vivo</i>",
    "<i>ex vivo</i>",
    "<i>BRCA1</i>",
    "<i>VHL</i>",
    "<i>Staphylococcus aureus</i>",
]
SUPER = ["<sup>18</sup>F-FDG PET/CT", "<sup>99m</sup>Tc scintigraphy", "<sup>177</sup>Lu therapy"]


def _title(rng: random.Random, topic: str, in_title: bool) -> str:
    d, s, le = rng.choice(DESIGNS), rng.choice(SITES), rng.choice(LESIONS)
    c, o, p = rng.choice(COMPARATORS), rng.choice(OUTCOMES), rng.choice(POPULATIONS)
    n, yrs = rng.randint(8, 2400), rng.randint(1, 12)
    t = topic if in_title else "image-guided ablation"
    pattern = rng.randrange(6)
    if pattern == 0:
        title = f"{t} versus {c} for {s} {le} in {n} {p}: a {d}"
    elif pattern == 1:
        title = f"{o} after {t} of {s} {le}: {yrs}-year results of a {d}"
    elif pattern == 2:
        title = f"{d} of percutaneous {t} for {s} {le} in {p} ({n} cases)"
    elif pattern == 3:
        title = f"Does {t} improve {o} in {p} with {s} {le}? A {d} from {rng.choice(PLACES)}"
    elif pattern == 4:
        title = f"{o} and {rng.choice(OUTCOMES)} of {t} compared with {c} for {s} {le} (n={n})"
    else:
        title = f"Long-term {o} following {t} of {n} {s} {le}: a {rng.choice(PLACES)} {d}"
    return title[0].upper() + title[1:] + "."


def _markup(rng: random.Random, title: str, force: bool) -> str:
    r = rng.random()
    if force or r < 0.04:
        return title[:-1] + f" {rng.choice(ITALIC)}."
    if r < 0.07:
        return title[:-1] + f" assessed with {rng.choice(SUPER)}."
    return title


def _ymd(d: datetime.date) -> str:
    return f"<Year>{d.year}</Year><Month>{d.month:02d}</Month><Day>{d.day:02d}</Day>"


def _hist(d: datetime.date, hour: int, minute: int) -> str:
    return (
        f"<Year>{d.year}</Year><Month>{d.month}</Month><Day>{d.day}</Day>"
        f"<Hour>{hour}</Hour><Minute>{minute}</Minute>"
    )


_HIST_OFFSET = {
    "received": -150,
    "revised": -60,
    "accepted": -30,
    "aheadofprint": -2,
    "medline": 20,
    "pmc_release": 365,
}


def make_corpus(
    n: int,
    *,
    topic: str = "cryoablation",
    seed: int = 0,
    start: datetime.date = datetime.date(2000, 1, 1),
    end: datetime.date = datetime.date(2025, 12, 31),
    first_pmid: int = 30000000,
    book_every: int = 0,
) -> list[FakeRecord]:
    """Build ``n`` deterministic records; every one mentions ``topic``.

    PMIDs rise with entry date (as on PubMed). ``book_every=k`` makes every k-th record a
    ``<PubmedBookArticle>``. About 9 in 10 records get a DOI ``10.5555/fake.<pmid>``.
    """
    templates, weights, book = load_templates()
    rng = random.Random(seed)
    topic = topic.strip()
    span = (end - start).days
    offsets = sorted(rng.randint(0, span) for _ in range(n))
    picks = rng.choices(range(len(templates)), weights=weights, k=n)
    seen: set[str] = set()
    out: list[FakeRecord] = []
    pmid_int = first_pmid
    lo_ord, hi_ord = start.toordinal(), end.toordinal()
    for i in range(n):
        pmid = str(pmid_int)
        pmid_int += rng.randint(1, 3)
        tpl = book if book_every and i % book_every == book_every - 1 else templates[picks[i]]
        edat = datetime.date.fromordinal(start.toordinal() + offsets[i])
        pdat_ord = min(max(edat.toordinal() + rng.randint(-240, 45), lo_ord), hi_ord)
        pdat = datetime.date.fromordinal(pdat_ord)
        in_title = not tpl.has_abstract or rng.random() < 0.85
        for _ in range(8):
            title = _title(rng, topic, in_title)
            if title not in seen:
                break
        else:
            title = title[:-1] + f" [{pmid}]."
        seen.add(title)
        title = _markup(rng, title, tpl.italic_title and rng.random() < 0.5)
        site = rng.choice(SITES)
        lead = ""
        if tpl.has_abstract:
            lead = (
                f"We report {rng.randint(5, 900)} patients with {site} {rng.choice(LESIONS)}"
                f" treated with {topic} between {edat.year - rng.randint(2, 8)}"
                f" and {edat.year - 1}. "
            )
        doi = f"10.5555/fake.{pmid}" if rng.random() < 0.9 else ""
        hour, minute = rng.randint(0, 23), rng.randint(0, 59)
        slots = {
            "pmid": pmid,
            "title": title,
            "abs_lead": lead,
            "pubdate": f"<Year>{pdat.year}</Year><Month>{MONTHS[pdat.month - 1]}</Month>",
            "book_pubdate": f"<Year>{pdat.year}</Year>",
            "article_date": _ymd(pdat),
            "date_completed": _ymd(edat + datetime.timedelta(days=30)),
            "date_revised": _ymd(edat + datetime.timedelta(days=90)),
            "elocation": f'<ELocationID EIdType="doi" ValidYN="Y">{doi}</ELocationID>'
            if doi
            else "",
            "ids": f'<ArticleId IdType="pubmed">{pmid}</ArticleId>'
            + (f'<ArticleId IdType="doi">{doi}</ArticleId>' if doi and not tpl.book else ""),
            "book_ids": f'<ArticleId IdType="bookaccession">NBK{500000 + i}</ArticleId>',
            "hist_entrez": _hist(edat, hour, minute),
            "hist_pubmed": _hist(edat, hour, minute),
        }
        chunks = tpl.chunks
        parts = [chunks[0]]
        for j in range(1, len(chunks), 2):
            name = chunks[j]
            value = slots.get(name)
            if value is None:  # other PubStatus dates move with the entry date
                off = _HIST_OFFSET.get(name[5:], 0)
                value = _hist(edat + datetime.timedelta(days=off), hour, minute)
            parts.append(value)
            parts.append(chunks[j + 1])
        xml = "".join(parts).encode("utf-8")
        plain_title = _TAG.sub("", title)
        out.append(FakeRecord(pmid, edat, pdat, f"{plain_title} {lead}{tpl.plain}".lower(), xml))
    return out
