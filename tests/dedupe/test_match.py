from __future__ import annotations

from dataclasses import replace

import pytest

from benchmarks.dedupe import evaluate, load_rathbone
from review.dedupe import Match, find_matches
from review.dedupe.match import notice_kind
from review.records import AbstractSection, Author, Record

AUTHORS = tuple(
    Author(last_name=last, fore_name=first, initials=first[0])
    for last, first in [
        ("Polatajko", "Helene"),
        ("McEwen", "Sara"),
        ("Ryan", "Jennifer"),
        ("Baum", "Carolyn"),
        ("Dawson", "Deirdre"),
        ("Wolf", "Timothy"),
        ("Skidmore", "Elizabeth"),
        ("Egan", "Mary"),
    ]
)
ARTICLE = Record(
    pmid="",
    doi="10.5014/ajot.2012.001784",
    title="Pilot randomized controlled trial investigating cognitive strategy use to improve goal "
    "performance after stroke",
    authors=AUTHORS,
    journal="American Journal of Occupational Therapy",
    journal_abbrev="Am J Occup Ther",
    year=2012,
    volume="66",
    issue="1",
    pages="104-109",
    publication_types=("Journal Article",),
)
OTHER = Record(
    title="Virtual reality in acquired brain injury upper limb rehabilitation: evidence-based "
    "evaluation of clinical research",
    authors=(Author(last_name="Mumford", initials="N"), Author(last_name="Wilson", initials="PH")),
    journal="Brain Injury",
    year=2009,
    volume="23",
    issue="3",
    pages="179-191",
)


def pair(a: Record, b: Record) -> list[Match]:
    return find_matches([(1, a), (2, b)])


def verdict(a: Record, b: Record) -> str:
    found = pair(a, b)
    assert len(found) <= 1
    return found[0].verdict if found else "none"


# ----------------------------------------------------------------------------- same article


def test_same_article_from_two_databases_is_a_duplicate():
    other = replace(
        ARTICLE,
        title=ARTICLE.title.upper() + ".",
        doi="",
        journal="Am J Occup Ther",
        journal_abbrev="",
        pages="104-9",
        authors=AUTHORS[:3],
    )
    [m] = pair(ARTICLE, other)
    assert (m.a, m.b, m.verdict) == (1, 2, "duplicate")
    assert 0.8 <= m.score <= 1
    assert m.reasons[0].startswith("title 1.00, authors 1.00, year, pages, volume, issue, journal")


def test_same_pmid_is_a_duplicate():
    [m] = pair(replace(ARTICLE, pmid="22389945"), replace(OTHER, pmid="22389945"))
    assert m.verdict == "duplicate" and m.reasons == ("same PMID",)


def test_same_doi_written_differently_is_a_duplicate():
    a = replace(ARTICLE, doi="https://doi.org/10.5014/AJOT.2012.001784")
    b = replace(ARTICLE, doi="doi: 10.5014/ajot.2012.001784.", pages="", volume="", issue="")
    [m] = pair(a, b)
    assert m.verdict == "duplicate" and m.reasons[0].startswith("same DOI")


def test_different_articles_do_not_match():
    assert pair(ARTICLE, OTHER) == []


def test_translated_title_in_brackets_is_the_same_article():
    a = replace(ARTICLE, title="[" + ARTICLE.title + "].", doi="")
    b = replace(ARTICLE, title=ARTICLE.title + ". [Chinese]", journal_abbrev="")
    assert verdict(a, b) == "duplicate"


def test_missing_doi_abbreviated_journal_and_et_al_are_the_same_article():
    b = replace(
        ARTICLE,
        doi="",
        journal="Am. J. Occup. Ther.",
        journal_abbrev="",
        authors=AUTHORS[:1] + (Author(last_name="et al."),),
    )
    assert verdict(ARTICLE, b) == "duplicate"


def test_a_typo_in_the_first_word_still_meets_its_twin():
    b = replace(ARTICLE, title="Pliot" + ARTICLE.title[5:], doi="")
    assert verdict(ARTICLE, b) == "duplicate"


def test_subtitle_missing_in_one_database():
    b = replace(ARTICLE, title="Pilot randomized controlled trial investigating cognitive strategy")
    a = replace(ARTICLE, title=b.title + " use: goal performance after stroke", doi="")
    assert verdict(a, b) == "duplicate"


def test_a_short_shared_title_is_not_enough_to_merge():
    a = Record(title="Editorial", journal="Stroke", year=2012)
    b = Record(title="Editorial", journal="Stroke", year=2012)
    assert verdict(a, b) != "duplicate"


# ----------------------------------------------------------------------------- hard cases


@pytest.mark.parametrize(
    "title, types, kind",
    [
        ("Erratum: " + ARTICLE.title, (), "erratum"),
        ("Correction to: " + ARTICLE.title, (), "erratum"),
        ("Corrigendum to " + ARTICLE.title, (), "erratum"),
        (ARTICLE.title, ("Published Erratum",), "erratum"),
        (ARTICLE.title + " (vol 66, pg 104, 2012)", (), "erratum"),
        ("Retraction: " + ARTICLE.title, (), "retraction"),
        ("RETRACTED: " + ARTICLE.title, (), "retraction"),
        (ARTICLE.title, ("Retraction of Publication",), "retraction"),
        ("Comment on: " + ARTICLE.title, (), "comment"),
        ("Reply to the letter: " + ARTICLE.title, (), "comment"),
        (ARTICLE.title, ("Letter", "Comment"), "comment"),
    ],
)
def test_notices_are_not_the_article_they_concern(title, types, kind):
    notice = replace(ARTICLE, title=title, publication_types=types, pages="1321", issue="6")
    assert notice_kind(notice) == kind
    for found in (pair(ARTICLE, notice), pair(ARTICLE, replace(notice, issue=ARTICLE.issue))):
        if kind == "erratum":  # linked to the article it corrects, never merged with it
            assert [(m.kind, m.notice, m.verdict) for m in found] == [("erratum", 2, "duplicate")]
        else:
            assert found == []


def test_two_copies_of_one_erratum_are_duplicates():
    erratum = replace(ARTICLE, title="Erratum: " + ARTICLE.title, doi="", pages="1321")
    assert verdict(erratum, replace(erratum, journal="Am J Occup Ther")) == "duplicate"


@pytest.mark.parametrize(
    "title",
    [
        "Correction of hallux valgus deformity with a scarf osteotomy",
        "Response to rituximab in patients with membranous nephropathy",
        "Commentary and evidence in stroke rehabilitation",
    ],
)
def test_titles_that_only_look_like_notices(title):
    assert notice_kind(Record(title=title)) == ""


@pytest.mark.parametrize(
    "types", [("Congress",), ("Conference Abstract",), ("Meeting Abstract",), ("Abstract",)]
)
def test_conference_abstract_and_full_paper_are_never_merged_automatically(types):
    # The abstract as Embase lists it: same year, its own supplement, no pages or volume.
    abstract = replace(
        ARTICLE, doi="", publication_types=types, volume="", issue="", pages="", journal_abbrev=""
    )
    full = replace(ARTICLE, publication_types=("Journal Article",))
    [m] = pair(abstract, full)
    assert m.verdict == "possible"
    assert "one is a conference abstract" in m.reasons
    # A year earlier in another volume it is further still from the paper.
    earlier = replace(abstract, year=2011, volume="42", issue="2", pages="e1")
    assert verdict(earlier, full) in ("possible", "none")


def test_two_records_of_one_conference_abstract_are_duplicates():
    abstract = replace(ARTICLE, doi="", publication_types=("Conference Abstract",), pages="e1")
    assert verdict(abstract, replace(abstract, journal_abbrev="")) == "duplicate"


COCHRANE = Record(
    title="Cognitive rehabilitation for attention deficits following stroke",
    authors=(
        Author(last_name="Loetscher", initials="T"),
        Author(last_name="Lincoln", initials="NB"),
    ),
    journal="Cochrane Database of Systematic Reviews",
    doi="10.1002/14651858.CD002842.pub2",
    year=2013,
    issue="5",
    pages="CD002842",
)


def test_updated_cochrane_reviews_are_distinct():
    update = replace(COCHRANE, doi="10.1002/14651858.CD002842.pub3", year=2019, issue="11")
    assert pair(COCHRANE, update) == []
    same_year = replace(update, year=2013, issue="5")
    assert pair(COCHRANE, same_year) == []
    assert pair(replace(COCHRANE, doi=""), replace(update, doi="")) == []


def test_one_cochrane_version_from_two_databases_is_a_duplicate():
    assert verdict(COCHRANE, replace(COCHRANE, journal="Cochrane Database Syst Rev")) == "duplicate"


@pytest.mark.parametrize(
    "one, two",
    [
        ("Part 1", "Part 2"),
        ("part I", "part II"),
        ("Phase II", "Phase III"),
        ("Study 1", "Study 2"),
    ],
)
def test_numbered_parts_are_distinct(one, two):
    a = replace(ARTICLE, title=ARTICLE.title + ". " + one, doi="")
    b = replace(ARTICLE, title=ARTICLE.title + ". " + two, doi="")
    assert pair(a, b) == []


def test_roman_and_arabic_part_numbers_agree():
    a = replace(ARTICLE, title=ARTICLE.title + ": Part II", doi="")
    b = replace(ARTICLE, title=ARTICLE.title + ": part 2")
    assert verdict(a, b) == "duplicate"


def test_abstracts_count_when_both_have_one():
    text = "Stroke survivors practised a cognitive strategy to reach their own goals. " * 3
    a = replace(ARTICLE, abstract_sections=(AbstractSection(text=text),), doi="")
    b = replace(a, abstract_sections=(AbstractSection(text=text.upper(), label="BACKGROUND"),))
    [m] = pair(a, b)
    assert m.verdict == "duplicate" and "abstract 1.00" in m.reasons[0]
    other = "Rats were given a novel compound and their infarct volume measured. " * 3
    c = replace(a, abstract_sections=(AbstractSection(text=other),))
    assert pair(a, c)[0].score < m.score


# ----------------------------------------------------------------------------- the API


def test_incremental_run_compares_only_new_records():
    records = [
        (1, ARTICLE),
        (2, replace(ARTICLE, doi="")),  # an old duplicate pair, already handled
        (3, OTHER),
        (4, COCHRANE),
        (7, replace(OTHER, title=OTHER.title.lower())),  # new: a duplicate of 3
        (9, Record(title="A new unrelated study of sleep in shift workers", year=2020)),
    ]
    found = find_matches(records, new=[7, 9])
    assert [(m.a, m.b, m.verdict) for m in found] == [(3, 7, "duplicate")]
    everything = find_matches(records)
    assert {(m.a, m.b) for m in everything} == {(1, 2), (3, 7)}
    assert find_matches(records, new=[]) == []


def test_deleted_records_are_skipped_and_ids_ordered():
    records = [(5, ARTICLE), (2, replace(ARTICLE, doi="")), (3, Record(kind="deleted", pmid="1"))]
    [m] = find_matches(records)
    assert (m.a, m.b) == (2, 5)


def test_rathbone_stroke_set():
    """The labelled Rathbone set (tests/data/dedupe/README.md): pairs merged automatically, with
    groups formed as a review would (connected components)."""
    records, groups = load_rathbone()
    matches = find_matches(records)
    auto = evaluate(records, groups, matches)["auto"]
    # Measured: 477 of 479 true pairs, no false pair (sensitivity 0.9958, specificity 1.0).
    assert auto["sensitivity"] >= 0.99
    assert auto["specificity"] >= 0.999
    assert auto["precision"] >= 0.99
    assert sum(m.verdict == "possible" for m in matches) <= 20
