"""The ranking explanation: the record's own spelling, no stop words, one short line."""

from __future__ import annotations

from review.records import AbstractSection, Author, MeshHeading, Record
from review.screening.explain import WIDTH, card_text, ranking_line, readable_terms

TEXT = (
    "Cryoablation during the surgery: Müller and colleagues. Pain fell during the follow-up. "
    "Randomized Controlled Trial. Quality of Life"
)


def test_stop_words_and_their_pairs_are_left_out():
    terms = ["during the", "the", "pain", "of", "risk of", "cryoablation"]
    assert readable_terms(terms, TEXT) == ["pain", "cryoablation"]


def test_accents_and_names_come_back_from_the_record():
    # The model folds accents and case: "muller"; the record says "Müller", always capitalised.
    assert readable_terms(["muller", "cryoablation"], TEXT) == ["Müller", "cryoablation"]


def test_indexing_terms_are_kept_whole_and_a_word_inside_a_pair_is_not_repeated():
    terms = ["[quality of life]", "pain", "pain fell", "[randomized controlled trial]"]
    assert readable_terms(terms, TEXT) == [
        "Quality of Life",
        "pain fell",
        "Randomized Controlled Trial",  # as the record's indexing gives it
    ]


def test_the_line_is_short_and_cuts_whole_terms():
    many = [f"longterm{i:02d}" for i in range(40)]
    text = " ".join(many)
    line = ranking_line(many, text, chance=0.42)
    assert len(line) <= WIDTH
    assert line.startswith("Ranked high for: longterm00, longterm01")
    assert line.endswith(" · chance of relevance 42%")
    assert all(t in many for t in line.split(": ", 1)[1].split(" · ")[0].split(", "))


def test_the_question_basis_and_nothing_to_say():
    line = ranking_line(["knee pain"], "Knee pain", question=True)
    assert line == "Matches the review question: knee pain"
    assert ranking_line(["Knee pain"], "knee pain", question=True).endswith(": Knee pain")
    assert ranking_line([], TEXT, question=True) == ""
    assert len(ranking_line(["x" * 300], "x", chance=0.5)) == WIDTH
    assert ranking_line([], TEXT, chance=0.1).startswith("Ranked high; no single word")


def test_card_text_reads_the_indexing_terms():
    record = Record(
        title="Müller's trial",
        abstract_sections=(AbstractSection("Pain."),),
        authors=(Author("Müller"),),
        keywords=("cryo",),
        mesh_headings=(MeshHeading("Pain"),),
        publication_types=("Randomized Controlled Trial",),
    )
    assert card_text(record).split("\n") == [
        "Müller's trial", "Pain.", "cryo", "Pain", "Randomized Controlled Trial",
    ]  # fmt: skip
