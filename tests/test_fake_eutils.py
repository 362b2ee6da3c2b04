"""The fake E-utilities server, exercised over real HTTP the way a harvester would use it."""

from __future__ import annotations

import datetime
import http.client
import io
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from Bio import Entrez
from lxml import etree

from tests.fake_eutils import FakeEutils, LogEntry, make_corpus, max_requests_in_any_second
from tests.fake_eutils.corpus import FakeRecord

REAL = Path(__file__).parent / "data" / "pubmed"


def call(fake, endpoint, method="GET", timeout=10, **params):
    """One request; returns (status, headers, body) for 2xx and HTTP errors alike."""
    data = urllib.parse.urlencode(params)
    url = f"{fake.base_url}{endpoint}.fcgi"
    if method == "GET":
        req = urllib.request.Request(f"{url}?{data}")
    else:
        req = urllib.request.Request(url, data=data.encode(), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def search(fake, **params):
    params.setdefault("db", "pubmed")
    status, headers, body = call(fake, "esearch", **params)
    assert status == 200
    assert headers["Content-Type"] == "text/xml; charset=UTF-8"
    return Entrez.read(io.BytesIO(body), ignore_errors=True), body


def fetch(fake, method="GET", **params):
    status, _, body = call(fake, "efetch", method=method, db="pubmed", retmode="xml", **params)
    assert status == 200
    return etree.fromstring(body), body


def pmids_of(root):
    return [
        el.findtext("MedlineCitation/PMID") or el.findtext("BookDocument/PMID")
        for el in root
        if el.tag in ("PubmedArticle", "PubmedBookArticle")
    ]


@pytest.fixture(scope="module")
def corpus():
    return make_corpus(12000, seed=1, book_every=1000)


@pytest.fixture(scope="module")
def fake(corpus):
    with FakeEutils(corpus, enforce_rate=False) as server:
        yield server


# -- corpus -------------------------------------------------------------------------------------
def test_make_corpus_is_deterministic_and_realistic():
    a, b = make_corpus(400, seed=3, book_every=100), make_corpus(400, seed=3, book_every=100)
    assert [r.xml for r in a] == [r.xml for r in b]
    assert make_corpus(50, seed=4)[0].xml != a[0].xml
    assert all("cryoablation" in r.text for r in a)
    assert [int(r.pmid) for r in a] == sorted(int(r.pmid) for r in a)
    assert len({r.pmid for r in a}) == 400
    xml = b"".join(r.xml for r in a)
    assert b"<ArticleTitle>" in xml and b"<i>" in xml and b"<sup>" in xml
    assert b'<AbstractText Label="BACKGROUND"' in xml
    assert b'<AbstractText Label="METHODS" NlmCategory="METHODS">' in xml
    assert sum(b"10.5555/fake." in r.xml for r in a) > 300
    assert sum(r.xml.startswith(b"<PubmedBookArticle>") for r in a) == 4
    for rec in a:
        el = etree.fromstring(rec.xml)
        entrez = el.find(".//History/PubMedPubDate[@PubStatus='entrez']")
        ymd = [int(entrez.findtext(x)) for x in ("Year", "Month", "Day")]
        assert datetime.date(*ymd) == rec.edat
        assert el.findtext(".//PMID") == rec.pmid
        assert int(el.findtext(".//PubDate/Year")) == rec.pdat.year
    # vocabulary words fall in different subsets, so Boolean queries give different counts
    renal = {r.pmid for r in a if "renal" in r.text}
    lung = {r.pmid for r in a if "lung" in r.text}
    assert 0 < len(renal & lung) < min(len(renal), len(lung)) < len(renal | lung) < 400


def test_make_corpus_50k_is_fast():
    t0 = time.perf_counter()
    records = make_corpus(50000, seed=9)
    assert len(records) == 50000
    assert time.perf_counter() - t0 < 10


# -- esearch ------------------------------------------------------------------------------------
def test_esearch_shape_matches_real_ncbi(fake):
    res, body = search(fake, term="cryoablation", usehistory="y", retmax=100)
    real = etree.parse(str(REAL / "esearch2.xml")).getroot()
    ours = etree.fromstring(body)
    assert [c.tag for c in ours] == [c.tag for c in real]
    assert body.splitlines()[1] == (REAL / "esearch2.xml").read_bytes().splitlines()[1]
    assert res["Count"] == "12000" and res["RetMax"] == "100" and res["WebEnv"].startswith("MCID_")
    ids = [int(x) for x in res["IdList"]]
    assert ids == sorted(ids, reverse=True)


def test_boolean_queries_give_consistent_counts(fake):
    def count(term):
        return int(search(fake, term=term, retmax=0)[0]["Count"])

    renal, lung = count("renal"), count("lung[tiab]")
    both, either = count("renal AND lung"), count("renal[All Fields] OR lung")
    assert both + either == renal + lung and 0 < both < renal < either
    assert count("renal NOT lung") == renal - both
    assert count("renal lung") == both  # implicit AND
    assert count("(renal OR lung) AND cryoablation") == either
    assert count('"renal tumours"') < count("renal tumours")
    assert count("cryoabl*") == 12000


def test_paging_and_the_9999_cap(fake):
    res, _ = search(fake, term="cryoablation", retstart=9998, retmax=20)
    assert res["Count"] == "12000" and res["IdList"] == [res["IdList"][0]]
    with pytest.raises(RuntimeError, match="'retstart' cannot be larger than 9998"):
        Entrez.read(io.BytesIO(search(fake, term="cryoablation", retstart=9999)[1]))
    res, _ = search(fake, term="cryoablation", retmax=20000)
    assert len(res["IdList"]) == 9999
    # pages of the hit list tile it exactly, newest PMID first
    whole = search(fake, term="renal", retmax=10000)[0]["IdList"]
    pages = [
        search(fake, term="renal", retstart=s, retmax=700)[0]["IdList"]
        for s in range(0, len(whole), 700)
    ]
    assert sum(pages, []) == whole


def test_cap_can_be_switched_off(corpus):
    with FakeEutils(corpus, enforce_rate=False, cap=False) as server:
        res, _ = search(server, term="cryoablation", retstart=11990, retmax=50)
        assert len(res["IdList"]) == 10


def test_date_limits_params_and_term_ranges(fake, corpus):
    lo, hi = datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)
    expect_e = sum(lo <= r.edat <= hi for r in corpus)
    expect_p = sum(lo <= r.pdat <= hi for r in corpus)
    assert expect_e != expect_p

    def count(**kw):
        return int(search(fake, retmax=0, **kw)[0]["Count"])

    assert count(term="cryoablation", datetype="edat", mindate="2020", maxdate="2020") == expect_e
    assert (
        count(term="cryoablation", datetype="edat", mindate="2020/01/01", maxdate="2020/12/31")
        == expect_e
    )
    assert (
        count(term="cryoablation", datetype="pdat", mindate="2020/01", maxdate="2020/12")
        == expect_p
    )
    assert count(term='cryoablation AND "2020/01/01"[EDAT] : "2020/12/31"[EDAT]') == expect_e
    assert count(term="cryoablation AND 2020/01/01:2020/12/31[edat]") == expect_e
    assert count(term='cryoablation AND ("2020"[PDAT] : "2020"[PDAT])') == expect_p
    assert count(term="cryoablation AND 2020[dp]") == expect_p
    day = corpus[5000].edat
    one_day = sum(r.edat == day for r in corpus)
    stamp = day.strftime("%Y/%m/%d")
    assert count(term="cryoablation", datetype="edat", mindate=stamp, maxdate=stamp) == one_day


def test_an_empty_date_limit_can_be_dropped_as_pubmed_may(corpus):
    """PubMed may report a date limit no record falls in as not found and answer without it."""
    empty = {"datetype": "edat", "mindate": "1800/01/01", "maxdate": "1800/12/31"}
    with FakeEutils(corpus, enforce_rate=False) as kept:  # the default: an honest 0
        res, _ = search(kept, term="cryoablation", retmax=0, **empty)
        assert res["Count"] == "0" and "ErrorList" not in res
        res, _ = search(kept, term="cryoablation", retmax=0, datetype="edat", mindate="2020",
                        maxdate="2020")  # fmt: skip
        assert res["QueryTranslation"].endswith(" AND 2020:2020[edat]")  # the limit, echoed
    with FakeEutils(corpus, enforce_rate=False, empty_date_limit="drop") as fake:
        res, _ = search(fake, term="cryoablation", retmax=0, **empty)
        assert res["Count"] == str(len(corpus))  # the whole query's count
        assert res["ErrorList"]["PhraseNotFound"] == ["1800/01/01:1800/12/31[edat]"]
        assert "edat" not in res["QueryTranslation"]
        res, _ = search(fake, term='cryoablation AND "1800/01/01"[EDAT] : "1800/12/31"[EDAT]')
        assert res["Count"] == str(len(corpus)) and res["ErrorList"]["PhraseNotFound"]
        # a limit some record falls in is kept, even where the query matches none of them
        res, _ = search(fake, term="cryoablation AND renal", retmax=0, datetype="edat",
                        mindate="2020", maxdate="2020")  # fmt: skip
        assert int(res["Count"]) < len(corpus) and "ErrorList" not in res
        assert fake.log[-1].params["mindate"] == "2020"  # what was sent is recorded
    with FakeEutils(corpus, enforce_rate=False, empty_date_limit="drop-silently") as fake:
        res, _ = search(fake, term="cryoablation", retmax=0, **empty)
        assert res["Count"] == str(len(corpus)) and "ErrorList" not in res
    with pytest.raises(ValueError, match="empty_date_limit"):
        FakeEutils(corpus, empty_date_limit="sometimes")


def test_not_found_messages(fake):
    res, body = search(fake, term="abcXYZ")
    assert res["Count"] == "0" and res["IdList"] == []
    assert res["ErrorList"]["PhraseNotFound"] == ["abcXYZ"]
    assert res["WarningList"]["OutputMessage"] == ["No items found."]
    real = etree.parse(str(REAL / "esearch8.xml")).getroot()
    assert [c.tag for c in etree.fromstring(body)] == [c.tag for c in real]
    # an unknown word is dropped from the query, which silently widens it (as on PubMed)
    res, _ = search(fake, term="cryoablation AND abcXYZ", retmax=0)
    assert res["Count"] == "12000" and res["ErrorList"]["PhraseNotFound"] == ["abcXYZ"]
    assert "abcXYZ" not in res["QueryTranslation"]
    res, _ = search(fake, term='cryoablation AND "frozen banana split"')
    assert res["Count"] == "0"
    assert res["WarningList"]["QuotedPhraseNotFound"] == ["frozen banana split"]
    assert res["WarningList"]["OutputMessage"] == ["No items found."]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"term": ""}, "Empty term and query_key - nothing todo"),
        ({"term": "(renal OR lung"}, "unbalanced parentheses"),
        ({"term": 'renal "lung'}, "unbalanced quotation marks"),
        ({"term": "renal", "db": "nothing"}, "Invalid db name specified: nothing"),
        ({"term": "renal", "WebEnv": "MCID_gone", "query_key": "1"}, "Unable to obtain query #1"),
    ],
)
def test_esearch_errors(fake, params, message):
    res, body = search(fake, **params)
    assert message in res["ERROR"]
    with pytest.raises(RuntimeError):
        Entrez.read(io.BytesIO(body))


# -- history and efetch ---------------------------------------------------------------------------
def test_history_efetch_by_webenv_and_by_id(fake):
    res, _ = search(fake, term="renal AND survival", usehistory="y", retmax=10000)
    hits = res["IdList"]
    webenv, key = res["WebEnv"], res["QueryKey"]
    got = []
    for start in range(0, len(hits), 200):
        root, body = fetch(fake, WebEnv=webenv, query_key=key, retstart=start, retmax=200)
        assert body.startswith(b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC')
        got += pmids_of(root)
    assert got == hits
    # a second query in the same WebEnv gets query_key 2; #1 can be reused in a term
    res2, _ = search(fake, term="#1 AND lung", WebEnv=webenv, usehistory="y", retmax=0)
    assert res2["WebEnv"] == webenv and res2["QueryKey"] == "2"
    assert 0 < int(res2["Count"]) < len(hits)
    # by id, GET and POST, in the order asked; unknown ids are left out silently
    wanted = [hits[3], "1", hits[0], hits[2]]
    assert pmids_of(fetch(fake, id=",".join(wanted))[0]) == [hits[3], hits[0], hits[2]]
    many = hits[:250]
    assert pmids_of(fetch(fake, method="POST", id=",".join(many))[0]) == many


def test_efetch_parses_with_biopython_and_keeps_books(fake, corpus):
    ids = [r.pmid for r in corpus[990:1010]]
    _, body = fetch(fake, id=",".join(ids))
    parsed = Entrez.read(io.BytesIO(body))
    assert len(parsed["PubmedArticle"]) == 19 and len(parsed["PubmedBookArticle"]) == 1


def test_efetch_history_cap_and_errors(fake):
    res, _ = search(fake, term="cryoablation", usehistory="y", retmax=0)
    root, _ = fetch(
        fake, WebEnv=res["WebEnv"], query_key=res["QueryKey"], retstart=9990, retmax=500
    )
    assert len(pmids_of(root)) == 9
    for params, message in [
        ({"WebEnv": res["WebEnv"], "query_key": "1", "retstart": "9999"}, "9998"),
        ({"WebEnv": res["WebEnv"], "query_key": "7"}, "Unable to obtain query #7"),
        ({"WebEnv": "MCID_unknown", "query_key": "1"}, "Unable to obtain query #1"),
        ({}, "Empty id list"),
    ]:
        root, _ = fetch(fake, **params)
        assert root.tag == "eFetchResult" and message in root.findtext("ERROR")


def test_expire_history(corpus):
    with FakeEutils(corpus, enforce_rate=False) as server:
        res, _ = search(server, term="lung", usehistory="y")
        server.expire_history()
        root, _ = fetch(server, WebEnv=res["WebEnv"], query_key=res["QueryKey"])
        assert root.findtext("ERROR") == "Unable to obtain query #1"


def test_deleted_and_added_records():
    records = make_corpus(300, seed=5)
    with FakeEutils(records, enforce_rate=False) as server:
        before = int(search(server, term="cryoablation", retmax=0)[0]["Count"])
        gone = records[10].pmid
        server.delete(gone)
        assert int(search(server, term="cryoablation", retmax=0)[0]["Count"]) == before - 1
        root, body = fetch(server, id=f"{gone},{records[11].pmid}")
        assert pmids_of(root) == [records[11].pmid]
        assert root[-1].tag == "DeleteCitation"
        assert f'<DeleteCitation><PMID Version="1">{gone}</PMID></DeleteCitation>'.encode() in body
        new = make_corpus(5, seed=6, first_pmid=40000000, topic="zebrafish")
        server.add_records(new)
        assert search(server, term="zebrafish", retmax=0)[0]["Count"] == "5"
        records.append(FakeRecord("40000100", new[0].edat, new[0].pdat, "a zebrafish", new[0].xml))
        assert search(server, term="zebrafish", retmax=0)[0]["Count"] == "6"


def test_concurrent_requests(fake):
    def one(i):
        return search(fake, term=["renal", "lung", "bone"][i % 3], retmax=5)[0]["Count"]

    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(one, range(48)))
    assert len(set(counts)) == 3


# -- rate limiting --------------------------------------------------------------------------------
def test_rate_limit_without_and_with_key():
    with FakeEutils(make_corpus(50, seed=2)) as server:
        statuses = [call(server, "esearch", db="pubmed", term="renal") for _ in range(4)]
        assert [s for s, _, _ in statuses].count(429) == 1
        status, headers, body = next(s for s in statuses if s[0] == 429)
        assert headers["Retry-After"] == "1" and headers["Content-Type"] == "application/json"
        assert body.startswith(b'{"error":"API rate limit exceeded","count":"')
        ok_headers = statuses[0][1]
        assert ok_headers["X-RateLimit-Limit"] == "3" and ok_headers["X-RateLimit-Remaining"] == "2"
        assert server.count("esearch", status=429) == 1
        assert max_requests_in_any_second(server.log, with_key=False) == 4
        keyed = [
            call(server, "esearch", db="pubmed", term="renal", api_key="k")[0] for _ in range(11)
        ]
        assert keyed.count(429) == 1 and keyed[-1] == 429
        assert max_requests_in_any_second(server.log, with_key=True) == 11


def test_max_requests_in_any_second():
    def log(*times, key=False):
        return [LogEntry(t, "esearch", "GET", {}, key) for t in times]

    assert max_requests_in_any_second([]) == 0
    assert max_requests_in_any_second(log(0.0, 0.34, 0.68, 1.02, 1.36)) == 3
    assert max_requests_in_any_second(log(0.0, 0.5, 0.99, 0.999)) == 4
    assert max_requests_in_any_second(log(0.0, 1.0, 2.0)) == 1
    mixed = log(0.0, 0.1) + log(0.2, 0.3, 0.4, key=True)
    assert max_requests_in_any_second(mixed, with_key=True) == 3
    assert max_requests_in_any_second(mixed, with_key=False) == 2


# -- fault injection ------------------------------------------------------------------------------
@pytest.fixture
def faulty():
    with FakeEutils(make_corpus(200, seed=8), enforce_rate=False, slow_seconds=0.3) as server:
        yield server


@pytest.mark.parametrize("kind", ["429", "500", "502", "503"])
def test_http_error_faults(faulty, kind):
    faulty.inject(kind)
    status, headers, body = call(faulty, "esearch", db="pubmed", term="renal")
    assert status == int(kind)
    if kind in ("429", "503"):
        assert headers["Retry-After"] == "1"
    assert faulty.log[-1].fault == kind and faulty.log[-1].status == int(kind)
    assert call(faulty, "esearch", db="pubmed", term="renal")[0] == 200


def test_truncated_and_html_faults(faulty):
    faulty.inject("truncated", endpoint="efetch")
    assert call(faulty, "esearch", db="pubmed", term="renal")[0] == 200  # not an efetch
    status, headers, body = call(faulty, "efetch", db="pubmed", id="30000000,30000001")
    assert status == 200 and int(headers["Content-Length"]) == len(body)
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(body)
    faulty.inject("html")
    status, headers, body = call(faulty, "esearch", db="pubmed", term="renal")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert body.startswith(b"<!DOCTYPE html>")


def test_slow_drop_and_drop_body_faults(faulty):
    faulty.inject("slow")
    t0 = time.monotonic()
    assert call(faulty, "esearch", db="pubmed", term="renal")[0] == 200
    assert time.monotonic() - t0 >= 0.3
    faulty.inject("drop")
    with pytest.raises((http.client.HTTPException, OSError)):
        call(faulty, "esearch", db="pubmed", term="renal")
    faulty.inject("drop_body")
    with pytest.raises(http.client.IncompleteRead):
        call(faulty, "efetch", db="pubmed", id="30000000")
    assert [e.fault for e in faulty.log] == ["slow", "drop", "drop_body"]
    assert faulty.log[1].status == 0


def test_random_faults_are_deterministic():
    def run():
        corpus = make_corpus(20, seed=1)
        with FakeEutils(
            corpus, enforce_rate=False, fault_rate=0.5, fault_kinds=("500", "502"), seed=7
        ) as server:
            return [call(server, "esearch", db="pubmed", term="renal")[0] for _ in range(20)]

    first = run()
    assert first == run() and {200, 500, 502} == set(first)


def test_stop_does_not_wait_for_slow_requests():
    server = FakeEutils(make_corpus(10), enforce_rate=False, slow_seconds=30).start()
    server.inject("slow")
    worker = threading.Thread(target=call, args=(server, "esearch"), kwargs={"term": "x"})
    worker.start()
    time.sleep(0.2)
    t0 = time.monotonic()
    server.stop()
    assert time.monotonic() - t0 < 3
    worker.join(5)


def test_command_line_serves_a_corpus():
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_eutils", "--records", "50", "--port", "0"],
        cwd=Path(__file__).parent.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        proc.stdout.readline()
        base = proc.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:") and base.endswith("/entrez/eutils/")
        with urllib.request.urlopen(f"{base}esearch.fcgi?db=pubmed&term=renal", timeout=5) as r:
            assert b"<Count>" in r.read()
    finally:
        proc.terminate()
        proc.wait(5)


def test_bio_entrez_end_to_end(fake, monkeypatch):
    """Bio.Entrez pointed at the fake through its module-level urlopen, as the client does."""
    real_urlopen = Entrez.urlopen
    ncbi = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"

    def to_fake(request, *args, **kwargs):
        request.full_url = request.full_url.replace(ncbi, fake.base_url)
        return real_urlopen(request, *args, timeout=5)

    monkeypatch.setattr(Entrez, "urlopen", to_fake)
    monkeypatch.setattr(Entrez, "email", "tests@example.org")
    with Entrez.esearch(db="pubmed", term="renal AND lung", usehistory="y", retmax=5) as h:
        res = Entrez.read(h)
    with Entrez.efetch(
        db="pubmed", webenv=res["WebEnv"], query_key=res["QueryKey"], retmax=5, retmode="xml"
    ) as h:
        articles = Entrez.read(h)["PubmedArticle"]
    assert [a["MedlineCitation"]["PMID"] for a in articles] == res["IdList"]
