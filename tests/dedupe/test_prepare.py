"""Records made ready for matching: erratum targets, translated titles, recurring titles,
implausible issues and first-author name words."""

from __future__ import annotations

import pytest

from review.dedupe.prepare import erratum_target, is_translated, plausible_issue, prepare
from review.records import Author, Record

TITLE = "Pilot randomized controlled trial of cognitive strategy use after stroke"
FOLDED = "pilot randomized controlled trial of cognitive strategy use after stroke"


@pytest.mark.parametrize(
    "title, cited",
    [
        (f"Erratum: {TITLE}", ("", "")),
        (f"Correction to: {TITLE}", ("", "")),
        (f'Corrigendum to "{TITLE}"', ("", "")),
        (f"Erratum to the article: {TITLE}.", ("", "")),
        (f"{TITLE} (vol 66, pg 104, 2012)", ("66", "104")),
    ],
)
def test_an_erratum_names_the_article_it_corrects(title, cited):
    assert erratum_target(title) == (FOLDED, cited)
    p = prepare(1, Record(title=title))
    assert (p.notice, p.target, p.cited) == ("erratum", FOLDED, cited)


def test_a_bare_erratum_names_nothing():
    assert erratum_target("Erratum")[0] == ""
    assert prepare(1, Record(title="Correction")).target == ""
    assert prepare(1, Record(title=TITLE)).target == ""  # not a notice


def test_bracketed_titles_are_translations():
    assert is_translated("[Efficacy of acupuncture after stroke: a randomised trial].")
    assert not is_translated("Efficacy of acupuncture after stroke [a randomised trial]")
    assert not is_translated("[Chinese]")
    p = prepare(1, Record(title="[Efficacy of acupuncture after stroke]."))
    assert p.translated and p.title == "efficacy of acupuncture after stroke"


@pytest.mark.parametrize(
    "title, generic",
    [
        ("Editor's Comments", True),
        ("Remarks from the Editor", True),
        ("In this issue", True),
        ("Editorial", True),
        ("Stroke rehabilitation", True),  # two content words: cannot identify an item either
        (TITLE, False),
    ],
)
def test_recurring_titles_are_generic(title, generic):
    assert prepare(1, Record(title=title)).generic is generic


def test_record_numbers_in_the_issue_are_dropped():
    assert plausible_issue("12") == "12"
    assert plausible_issue("suppl") == "suppl"
    assert plausible_issue("23817") == ""
    assert prepare(1, Record(title=TITLE, issue="23817")).issue == ""


def test_first_author_name_words_in_either_arrangement():
    one = prepare(1, Record(title=TITLE, authors=(Author("Goicoechea de", "Jorge E."),)))
    two = prepare(2, Record(title=TITLE, authors=(Author("de Jorge", "", "EG"),)))
    assert one.first_author == "goicoechea jorge" and two.first_author == "jorge"
