"""Keyword marking on the screening card: whole words or the stems the reviewer wrote."""

from __future__ import annotations

import pytest

from review.screening.highlight import Mark, find_marks, fold
from review.ui.render import highlight


def marked(text: str, *keywords: str) -> list[str]:
    return [text[m.start : m.end] for m in find_marks(text, keywords)]


def test_a_keyword_marks_the_word_and_its_plural_not_longer_words():
    text = "A rat, two rats and the rat's tail; the rate, the ratio, a pirate and rat-derived cells"
    assert marked(text, "rat") == ["rat", "rats", "rat's", "rat"]


@pytest.mark.parametrize(
    ("keyword", "text", "expected"),
    [
        ("random*", "Randomised, randomly; not pseudorandom", ["Randomised", "randomly"]),
        ("wom*n", "women and woman, not wombat", ["women", "woman"]),
        ("study", "one study, two studies, studying", ["study", "studies"]),
        ("knee pain", "Knee  pain and knee\npains; kneepain", ["Knee  pain", "knee\npains"]),
        ("Muller", "Müller and MULLER", ["Müller", "MULLER"]),
        ("müller", "Muller", ["Muller"]),
        ("C++", "C++ and C", ["C++"]),
        ("TNF-α", "tnf-α levels", ["tnf-α"]),
    ],
)
def test_stems_phrases_case_and_accents(keyword, text, expected):
    assert marked(text, keyword) == expected


def test_blank_and_star_only_keywords_mark_nothing():
    assert find_marks("anything at all", ("", "  ", "*")) == []


def test_overlaps_take_the_first_then_longest_then_include():
    text = "cryoablation of the knee"
    assert find_marks(text, ("knee",), ("knee",)) == [Mark(20, 24, "include")]
    assert find_marks(text, ("cryo*",), ("cryoablation of",)) == [Mark(0, 15, "exclude")]


def test_fold_keeps_every_position():
    text = "Müller İstanbul ßtraße Ångström ﬁnal"
    assert len(fold(text)) == len(text)
    assert fold("Müller Ångström") == "muller angstrom"


def test_the_card_marks_whole_words_and_escapes_the_rest():
    shown = highlight("A <b>rat</b> rate", include=(), exclude=("rat",))
    assert shown == 'A &lt;b&gt;<mark class="exclude">rat</mark>&lt;/b&gt; rate'
