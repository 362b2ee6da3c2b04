from __future__ import annotations

import pytest

from review.dedupe import normalise as nz
from review.records import Author


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("10.1016/J.JACC.2010.01.001", "10.1016/j.jacc.2010.01.001"),
        ("https://doi.org/10.1000/ABC", "10.1000/abc"),
        ("http://dx.doi.org/10.1000/abc.", "10.1000/abc"),
        ("doi: 10.1000/abc;", "10.1000/abc"),
        ("DOI:10.1000/abc", "10.1000/abc"),
        ("  ", ""),
    ],
)
def test_doi(raw, expected):
    assert nz.doi(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Effects of Tai Chi: A Randomized Trial.", "effects of tai chi a randomized trial"),
        ("Effect of <i>Ginkgo</i> &amp; memory", "effect of ginkgo and memory"),
        (
            "Mirror therapy after stroke (Püllen, Müller)",
            "mirror therapy after stroke pullen muller",
        ),
        ("[Efficacy of batroxobin in dementia].", "efficacy of batroxobin in dementia"),
        ("Efficacy of batroxobin. [Chinese]", "efficacy of batroxobin"),
        ("Efficacy of batroxobin [Article in German]", "efficacy of batroxobin"),
        ("Rehabilitation--emerging technologies", "rehabilitation emerging technologies"),
        ("Therapists' clinical reasoning", "therapists clinical reasoning"),
        ("β-amyloid and stroke", "beta amyloid and stroke"),
        ("  Many   spaces\tand\nlines ", "many spaces and lines"),
    ],
)
def test_title(raw, expected):
    assert nz.title(raw) == expected


def test_title_keeps_brackets_inside_a_title():
    assert nz.title("Stroke [a review] and rehabilitation") == "stroke a review and rehabilitation"


def test_authors_fold_names_and_drop_et_al():
    people = (
        Author(last_name="Zhai", initials="QJ"),
        Author(last_name="Püllen", fore_name="Judith"),
        Author(last_name="das Nair", fore_name="Roshan", initials="R"),
        Author(collective="The ReMiND Trial Group"),
        Author(last_name="et al."),
        Author(last_name=" "),
    )
    assert nz.authors(people) == ("zhai q", "pullen j", "das nair r", "the remind trial group")


def test_surname_ignores_particles():
    assert nz.surname("van kessel m") == nz.surname("kessel m") == "kessel"
    assert nz.surname("das nair r") == "nair"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Diabetes & Metabolism", "diabetes and metabolism"),
        ("Cerebrovascular diseases (Basel, Switzerland)", "cerebrovascular diseases"),
        ("Stroke; a journal of cerebral circulation", "stroke"),
        ("The Journal of Physiology", "journal of physiology"),
        ("J Head Trauma Rehabil. Conference: 8th Annual Conference", "j head trauma rehabil"),
    ],
)
def test_journal(raw, expected):
    assert nz.journal(raw) == expected


@pytest.mark.parametrize(
    "a, b",
    [
        ("J Am Coll Cardiol", "Journal of the American College of Cardiology"),
        ("Arch Phys Med Rehabil", "Archives of Physical Medicine and Rehabilitation"),
        (
            "Proc Natl Acad Sci U S A",
            "Proceedings of the National Academy of Sciences of the United States of America",
        ),
        ("Zhongguo Zhenjiu", "Zhongguo zhen jiu [Chinese acupuncture & moxibustion]"),
        ("Stroke (00392499)", "Stroke; a journal of cerebral circulation"),
        ("Brain injury", "Brain Injury"),
    ],
)
def test_journal_similar(a, b):
    assert nz.journal_similar(a, b)
    assert nz.journal_similar(b, a)


@pytest.mark.parametrize(
    "a, b",
    [("Brain Injury", "Brain Research"), ("Stroke", "Stroke Research and Treatment"), ("", "x")],
)
def test_journal_not_similar(a, b):
    assert not nz.journal_similar(a, b)


@pytest.mark.parametrize(
    "raw, expected, first",
    [
        ("1491-8", "1491-1498", "1491"),
        ("152-60", "152-160", "152"),
        ("998-12", "998-1012", "998"),
        ("e123", "e123", "e123"),
        ("S12-14", "S12-S14", "s12"),
        ("S12-S14", "S12-S14", "s12"),
        ("pp. 73–76.", "73-76", "73"),
        ("123-123", "123", "123"),
        ("", "", ""),
    ],
)
def test_pages(raw, expected, first):
    assert nz.pages(raw) == expected
    assert nz.first_page(raw) == first


def test_page_count_is_not_a_first_page():
    assert nz.first_page("215 p") == ""


@pytest.mark.parametrize(
    "raw, expected",
    [(2010, 2010), ("2010", 2010), ("2010 Jan 5", 2010), (2010.0, 2010), ("", None), (None, None)],
)
def test_year(raw, expected):
    assert nz.year(raw) == expected


def test_volume_drops_words_that_are_not_volumes():
    assert nz.volume("Vol. 012") == "12"
    assert nz.volume("Ph.D.") == ""


@pytest.mark.parametrize(
    "given, expected",
    [
        ("2097-2108", ("2097", "2108")),
        ("2097-108", ("2097", "2108")),
        ("2097", ("2097", "")),
        ("2297-2108", ("2297", "2108")),  # backwards: a typo, kept so the last page agrees
        ("S12-S14", ("s12", "s14")),
        ("215 p.", ("", "")),
        ("", ("", "")),
    ],
)
def test_page_range_for_matching(given, expected):
    assert nz.page_range(given) == expected
