"""Why the ranking offered a record, as one short line a reviewer can read at a glance.

The ranking model reads words and word pairs folded to lower case without accents, and keeps
stop words because pairs such as "risk of" help it rank; shown as they are, its terms read
"during the", "muller". Here they are put back into the record's own spelling (Müller), the ones
that are or contain a stop word are left out, a word already shown inside a pair is not repeated,
and the line stops before it gets long (whole terms only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from review.screening.highlight import fold

WIDTH = 100  # characters: one line of the Screen page's caption at 1280 pixels

# English function words (a short list: the words that made the explanations unreadable).
_STOP_WORDS = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each either
    few for
    from further had has have having he her here hers him his how however i if in into is it its
    itself just may me might more most much must my no nor not of off on once only or other our
    ours out over own per same she should so some such than that the their theirs them then there
    these they this those through thus to too under until up upon us very via was we were what
    when where whether which while who whom whose why will with within without would yet you your
    versus vs"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

LONGEST = 4  # words in the longest term spelled back (indexing terms can be phrases)
_TOKEN = re.compile(r"\w\w+")  # the ranking model's tokens (scikit-learn's default pattern)
_SENTENCE_STARTS = {"", ".", "!", "?", "\n"}


def _spellings(text: str) -> tuple[dict[tuple[str, ...], str], set[str]]:
    """Folded run of up to ``LONGEST`` words -> the text's first spelling of it; and the folded
    words written as names: capitalised wherever they occur, at least once inside a sentence
    (so "Pain" opening a sentence is not a name, "Müller" is)."""
    words = list(_TOKEN.finditer(text))
    folded = [fold(w.group()) for w in words]
    lower, inside = set(), set()
    for w, f in zip(words, folded, strict=True):
        if not w.group()[:1].isupper():
            lower.add(f)
        elif _before(text, w.start()) not in _SENTENCE_STARTS:
            inside.add(f)
    found: dict[tuple[str, ...], str] = {}
    for i in range(len(words)):
        for n in range(1, min(LONGEST, len(words) - i) + 1):
            key = tuple(folded[i : i + n])
            if key not in found:
                found[key] = text[words[i].start() : words[i + n - 1].end()]
    return found, inside - lower


def _before(text: str, at: int) -> str:
    """The character before ``at``, spaces and tabs skipped; "" at the start."""
    while at > 0 and text[at - 1] in " \t":
        at -= 1
    return text[at - 1] if at else ""


def readable_terms(terms: Iterable[str], text: str) -> list[str]:
    """``terms`` (best first) as the record spells them: a word or pair with a stop word is left
    out (an indexing term such as "[quality of life]" is kept whole), and so is a word that a
    pair shown beside it already says."""
    spelled, names = _spellings(text)
    kept: list[tuple[tuple[str, ...], str]] = []
    for term in terms:
        indexing = term.startswith("[") and term.endswith("]")
        bare = term[1:-1] if indexing else term.strip()
        words = tuple(fold(w) for w in _TOKEN.findall(bare))
        stops = [w in STOP_WORDS for w in words]
        if not words or all(stops) or (any(stops) and not indexing):
            continue
        if words in (k for k, _ in kept):
            continue
        shown = spelled.get(words, bare)
        if not indexing and words in spelled:  # the model's words: lower case but for names
            pieces = _TOKEN.findall(shown)
            cased = zip(pieces, words, strict=True)
            shown = " ".join(p if f in names else p.lower() for p, f in cased)
        kept.append((words, shown))
    in_pairs = {w for words, _ in kept if len(words) > 1 for w in words}
    return [shown for words, shown in kept if len(words) > 1 or words[0] not in in_pairs]


def card_text(record) -> str:
    """The text of a record that the ranking reads: title, abstract and indexing terms."""
    terms = [*record.keywords, *(m.descriptor for m in record.mesh_headings)]
    return "\n".join([record.title, record.abstract, *terms, *record.publication_types])


def ranking_line(
    terms: Iterable[str],
    text: str,
    *,
    question: bool = False,
    chance: float | None = None,
    width: int = WIDTH,
) -> str:
    """The one line the Screen page shows: the record's terms that raised it (or, before the
    first include, the review question's words it contains, as the reviewer wrote them) and the
    estimated chance that it is relevant, within ``width`` characters; "" if nothing to say."""
    shown = list(terms) if question else readable_terms(terms, text)
    head = "Matches the review question: " if question else "Ranked high for: "
    tail = f" · chance of relevance {chance:.0%}" if chance is not None and not question else ""
    if not shown:
        return "" if question else f"Ranked high; no single word stands out{tail}"
    line = head + shown[0]
    if len(line) + len(tail) > width:  # one very long term: cut, and say so
        line = line[: width - len(tail) - 1] + "\u2026"
    for term in shown[1:]:
        if len(line) + 2 + len(term) + len(tail) > width:
            break
        line += ", " + term
    return line + tail
