"""Ranking before the first include: records most like the review question first.

Until a reviewer has an include, the model has nothing to learn from, and import order puts
relevant records wherever the databases happened to list them. A reviewer starts from the
question, so we do too: the question, the inclusion criteria (the screeners' own words and the
protocol's population, intervention and outcomes) and the include terms make one query, and
unscreened records are ordered by its BM25 score over title, abstract, keywords and MeSH.
Exclusion criteria never add words; the exclude terms, when matched, lower a record's score.

BM25 is SQLite FTS5's own (``bm25()`` over ``records_fts``, kept up to date by triggers): one
indexed query, ~60 ms for 10,000 records, where BM25 computed in Python would first have to
tokenise every text (seconds for 20,000 records, in the worker, before the first order). FTS5's
tokenizer does not stem, so each query word is matched by a light stem as a prefix
(``physicians`` -> ``physician*``, ``depression`` -> ``depress*``) or, when the stem is short,
by its singular and plural (``rat`` OR ``rats``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.screening.model import Settings

if TYPE_CHECKING:
    from review.extraction.model import Protocol
    from review.store import Store

# records_fts columns: title, abstract, authors, keywords, MeSH. A title states the topic most
# densely (BM25F's usual title boost); authors say nothing about it.
WEIGHTS = (2.0, 1.0, 0.0, 1.0, 1.0)
COLUMNS = "{title abstract keywords_text mesh_text}"
# An include term is a word the lead chose as marking a relevant record: it counts twice.
INCLUDE_TERM_WEIGHT = 2
# A record's exclude-term score, times this, is taken from its question score: lowered, not
# dropped (an exclude term in passing, "not in children", must not bury a relevant record).
AVOID_WEIGHT = 0.5
SHORT_STEM = 5  # a stem shorter than this is too loose as a prefix ("rat*" finds "rate")

# Function words and the words a question or criteria text is phrased in, which say nothing of
# the topic (BM25 would give the rest low weight anyway; these would only add noise).
STOP = frozenset(
    """a about above after again against all also among an and any are as at be because been
    before being between both but by can could did do does doing during each either eligible
    for from had has have having how however if in include included includes including
    inclusion into is it its may might more most must no nor not of on or other our over
    participants per review reviews should so some studies study such than that the their
    them then there these they this those through to type types under up upon versus vs was
    we were what when where whether which while who whom why will with within without would
    criteria compared comparison based toward towards use used using""".split()  # noqa: SIM905
)
_SUFFIXES = ("ations", "ation", "ities", "ity", "ments", "ment", "ness", "ings", "ing", "ions",
             "ion", "ives", "ive", "ically", "ical", "ies", "ied", "ers", "er", "ed", "es", "s",
             "al", "ly", "y")  # fmt: skip


@dataclass(frozen=True)
class QuestionQuery:
    """What the records are ranked by: ``terms`` (the words and phrases of the question,
    criteria and include terms, as a reviewer reads them) and ``avoid`` (the exclude terms),
    with the FTS5 expressions they become."""

    terms: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    match: str = ""
    avoid_match: str = ""

    @property
    def empty(self) -> bool:
        return not self.match


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.casefold()) if len(w) > 2 and not w.isdigit()]


def _stem(word: str) -> str:
    """The word less its longest ending that leaves a stem long enough to be a safe prefix."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= SHORT_STEM:
            return word[: -len(suffix)]
    return word


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _word_match(word: str) -> str:
    """One query word as FTS5 phrases: its stem as a prefix, or its singular and plural."""
    stem = _stem(word)
    if len(stem) >= SHORT_STEM:
        return _quoted(stem) + "*"
    other = word[:-1] if word.endswith("s") and not word.endswith("ss") else word + "s"
    return f"{_quoted(word)} OR {_quoted(other)}"


def _phrase_match(term: str) -> str:
    """An include or exclude term: one word as a query word, several as a phrase whose last
    word may take an ending ("nerve injur*")."""
    words = _words(term) or re.findall(r"\w+", term.casefold())
    if not words:
        return ""
    if len(words) == 1:
        return _word_match(words[0])
    last = _stem(words[-1])
    tail = _quoted(" ".join([*words[:-1], last])) + "*" if len(last) >= SHORT_STEM else ""
    return tail or _quoted(" ".join(words))


def inclusion_text(criteria: str) -> str:
    """The inclusion part of a criteria text: lines or sentences under an "Exclusion ..."
    heading, or starting "Exclude"/"Exclusion", are left out (they describe what is not wanted;
    their words must not raise a record) until an "Inclusion ..." one."""
    kept, excluding = [], False
    for piece in re.split(r"\n|(?<=[.;])\s+", criteria):
        start = piece.strip().casefold()
        if start.startswith("exclu"):
            excluding = True
            continue
        if start.startswith("inclu"):
            excluding = False
        if not excluding and start:
            kept.append(piece)
    return "\n".join(kept)


def question_query(settings: Settings, protocol: Protocol | None = None) -> QuestionQuery:
    """The query from the review's settings and protocol; empty when they say nothing."""
    texts = [settings.question, inclusion_text(settings.criteria)]
    if protocol is not None:
        c = protocol.criteria
        texts += [protocol.title, c.patients, c.intervention, inclusion_text(c.outcomes)]
    words = list(dict.fromkeys(w for t in texts for w in _words(t) if w not in STOP))
    include = [t.strip() for t in settings.include_terms if t.strip()]
    avoid = tuple(t.strip() for t in settings.exclude_terms if t.strip())
    parts = [_word_match(w) for w in words]
    parts += [m for t in include for m in [_phrase_match(t)] * INCLUDE_TERM_WEIGHT if m]
    avoid_parts = [m for t in avoid if (m := _phrase_match(t))]
    shown: dict[str, str] = {}  # one term per FTS5 match: "nudges" and "nudge" are one
    for term in (*words, *include):
        shown.setdefault(_phrase_match(term), term)
    return QuestionQuery(
        terms=tuple(shown.values()),
        avoid=avoid,
        match=f"{COLUMNS} : ({' OR '.join(parts)})" if parts else "",
        avoid_match=f"{COLUMNS} : ({' OR '.join(avoid_parts)})" if avoid_parts else "",
    )


def protocol_query(store: Store) -> QuestionQuery:
    from review.extraction.protocol import current_protocol
    from review.screening.decisions import settings

    return question_query(settings(store), current_protocol(store))


def question_scores(store: Store, query: QuestionQuery) -> dict[int, float]:
    """Record id -> score (question BM25 less AVOID_WEIGHT x exclude-term BM25), for records
    that match either; every other record scores 0."""
    scores = store.bm25_scores(query.match, WEIGHTS)
    for record_id, score in store.bm25_scores(query.avoid_match, WEIGHTS).items():
        scores[record_id] = scores.get(record_id, 0.0) - AVOID_WEIGHT * score
    return scores


def question_order(
    store: Store, units: tuple[int, ...], done: set[int], query: QuestionQuery
) -> tuple[int, ...]:
    """``units`` not in ``done``, best score first; equal scores (no match) in import order."""
    scores = question_scores(store, query)
    todo = [u for u in units if u not in done]
    return tuple(sorted(todo, key=lambda u: -scores.get(u, 0.0)))  # sorted is stable


def matched_terms(text: str, query: QuestionQuery, k: int = 5) -> tuple[str, ...]:
    """The query's words and include terms this record's text contains, in the query's order:
    why a record ranks high, in the reviewer's own words."""
    tokens = set(_words(text))
    found = []
    for term in query.terms:
        words = _words(term)
        if words and all(_has(tokens, w) for w in words):
            found.append(term)
    return tuple(found[:k])


def _has(tokens: set[str], word: str) -> bool:
    stem = _stem(word)
    if len(stem) >= SHORT_STEM:
        return any(t.startswith(stem) for t in tokens)
    return word in tokens or (word[:-1] if word.endswith("s") else word + "s") in tokens
