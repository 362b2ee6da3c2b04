"""Numbers in an abstract, read as proposed findings the reviewer may take, edit or ignore.

Abstracts report results in a few sentence shapes; each is read by a pattern, never by anything
tuned to one paper:

- a change: "VAS 6.2 → 2.3 at 45 days, p<0.0001", "decreased from 72.9% to 66.7% (P = 0.02)",
  "improved from 32% (51/157) to 45% (56/123)": a Baseline row and a row at the time point;
- values at time points: "mean pain score 6.2 (95% CI 5.2 to 7.3) at baseline, 5.4 at 7 days
  (not significant), 2.3 at 45 days (p<0.0001)": a row per time point;
- counts: "complications in 3 of 40 patients (7.5%)", "18 of 20 patients had a decline ...":
  a safety row when the clause names harm, else an efficacy n/N row.

Nothing here stores anything: a suggestion is a finding the page offers, and only the reviewer's
own save writes it. The words each was read from (``quote``) are shown beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.extraction.model import EfficacyFinding, Protocol, SafetyFinding, Study

if TYPE_CHECKING:
    from review.store import Store

NUM = r"\d+(?:\.\d+)?"
_SPREAD = (
    r"\(\s*(?P<{g}kind>SD|SE|SEM|95\s?%\s?CI|CI|range|IQR)?[\s:,=]*"
    r"(?P<{g}spread>" + NUM + r"(?:\s*(?:to|-|–|,)\s*" + NUM + r")?)\s*\)"
)
_PM = r"(?:\s*(?:±|\+/-|\+-)\s*(?P<{g}pm>" + NUM + r"))"
_COUNT = r"(?:\s*\(\s*(?P<{g}n>\d+)\s*/\s*(?P<{g}total>\d+)\s*\))"
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_TIME = (
    r"(?:(?:at|after|by|within|over)\s+(?:the\s+)?"
    r"(?P<time>(?:" + NUM + r"|" + "|".join(_WORDS) + r")[\s-]*"
    r"(?:hours?|days?|weeks?|months?|years?|h|d|wk|mo)\b(?:\s+(?:after|post)[\w\s-]{0,20}?"
    r"(?=[,;.)]|$))?|last follow[\s-]?up|(?:final|end of) follow[\s-]?up|baseline))"
)


def _value(g: str) -> str:
    return (
        r"(?P<" + g + r">[<>≤≥]?\s*-?" + NUM + r"\s*%?)"
        + "(?:" + _SPREAD.format(g=g) + "|" + _PM.format(g=g) + "|" + _COUNT.format(g=g) + ")?"
    )  # fmt: skip


_CHANGES = (
    re.compile(
        r"\bfrom\s+" + _value("a") + r"(?:\s+[a-z-]+){0,3}?\s+(?:to|→|->)\s+" + _value("b"),
        re.IGNORECASE,
    ),
    re.compile(_value("a") + r"\s*(?:→|->|=>)\s*" + _value("b"), re.IGNORECASE),
)
_AT = re.compile(_value("a") + r"\s+" + _TIME, re.IGNORECASE)
_OF = re.compile(
    r"\b(?P<n>\d+|" + "|".join(_WORDS) + r")\s+(?:of|out of)\s+(?:the\s+)?(?P<total>\d+)\s+"
    r"(?P<unit>patients?|participants?|subjects?|people|persons?|cases?|men|women|children|"
    r"lesions?|neuromas?|tumou?rs?|nodules?|procedures?|sessions?|treatments?|ablations?)"
    r"(?:\s*\(\s*(?P<pct>" + NUM + r")\s*%\s*\))?",
    re.IGNORECASE,
)
_P = re.compile(
    r"\b[pP]\s*(?:-?\s*value)?\s*(?P<op>[<>=≤≥]|&lt;)\s*(?P<p>0?\.\d+|1(?:\.0+)?)"
    r"|\b(?P<ns>not\s+significant|n\.s\.|NS)\b",
)
_TIME_ANY = re.compile(_TIME, re.IGNORECASE)
_HARM = re.compile(
    r"complication|adverse|side[\s-]effect|infection|ha?ematoma|bleed|ha?emorrhage|toxicit|"
    r"death|died|injur|damage|necrosis|thrombos|embolism|paraesthesia|paresthesia|numbness|"
    r"frostbite|chilblain|burn|fracture|readmi|reoperat|reintervention|morbidity",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z(\[])|\n+")
_CLAUSE_START = re.compile(
    r".*(?:^|[,;:()\]]|\b(?:and|while|whereas|but|which|that|results?|conclusions?)\b)\s*",
    re.IGNORECASE | re.DOTALL,
)
_LEADING = re.compile(
    r"^(?:(?:the|a|an|of|in|on|for|and|was|were|had|has|have|is|are|its|their|overall|"
    r"consisted|consisting|included|including|occurred|observed|reported|seen|also|"
    r"significantly|significant|there)\s+)+",
    re.IGNORECASE,
)
_VERBS = re.compile(
    r"\s+(?:(?:was|were|has|had|have)\s+)?(?:significantly\s+)?(?:decreased|increased|"
    r"improved|reduced|fell|dropped|rose|declined|changed|went|was|were|from)\s*$",
    re.IGNORECASE,
)
_SPAN = re.compile(r"\b(?:rang(?:e|ed|es|ing)|aged?|ages|varied|varying)(?:\s+\w+){0,2}\s*$", re.I)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_CHANGED = re.compile(
    r"\b(?:decreased|increased|improved|reduced|lowered|raised|fell|rose|dropped|declined)\s+",
    re.IGNORECASE,
)
_SYNONYMS = {"vas": "pain", "nrs": "pain", "visual analog": "pain", "analgesi": "pain"}
_STOP = {
    "reduction",
    "improvement",
    "improved",
    "increased",
    "reduced",
    "better",
    "change",
    "need",
    "further",
    "with",
    "from",
    "score",
    "worsening",
}
_DONE = r"\s+(?:(?:was|were)\s+)?(?:occurred|developed|seen|observed|reported|noted|found)$"


@dataclass(frozen=True)
class Suggestion:
    """A finding read from the abstract, and the words it was read from."""

    quote: str
    finding: EfficacyFinding | SafetyFinding

    @property
    def kind(self) -> str:
        return "efficacy" if isinstance(self.finding, EfficacyFinding) else "safety"


@dataclass(frozen=True)
class StudyText:
    """A record of the study as the extractor reads it: its title and abstract."""

    record_id: int
    title: str
    abstract: str


def study_texts(store: Store, s: Study) -> list[StudyText]:
    """The title and abstract of each of the study's records, its main record first."""
    records = store.records_by_id([r.record_id for r in s.records])
    return [
        StudyText(r.record_id, records[r.record_id].title, records[r.record_id].abstract)
        for r in sorted(s.records, key=lambda r: not r.main)
        if r.record_id in records
    ]


def study_suggestions(texts: list[StudyText], protocol: Protocol | None) -> list[Suggestion]:
    """Every record's suggestions, each finding once (a trial's two papers repeat numbers)."""
    unique: dict[tuple, Suggestion] = {}
    for t in texts:
        for s in suggestions(t.abstract, protocol):
            unique.setdefault((s.kind, s.finding), s)
    return list(unique.values())


def suggestions(abstract: str, protocol: Protocol | None = None) -> list[Suggestion]:
    """Every finding the abstract's numbers propose, in the order they appear, each once."""
    found: list[Suggestion] = []
    for sentence in _SENTENCE.split(abstract or ""):
        taken: list[tuple[int, int]] = []
        for reader in (_changes, _series, _counts):
            for span, suggestion in reader(sentence, protocol):
                if any(span[0] < end and start < span[1] for start, end in taken):
                    continue
                found.append(suggestion)
            taken += [span for span, _ in reader(sentence, protocol)]
    unique: dict[tuple, Suggestion] = {}
    for s in found:
        unique.setdefault((s.kind, s.finding), s)
    return list(unique.values())


# -- the readers: each yields ((start, end) in the sentence, suggestion) ------------------------


def _changes(sentence: str, protocol):
    matches = [m for pattern in _CHANGES for m in pattern.finditer(sentence)]
    for m in sorted(matches, key=lambda m: m.start()):
        label = _label(sentence[: m.start()])
        if _SPAN.search(sentence[: m.start()]):  # "ranged from 22 to 55": a range, no change
            continue
        if not label or _YEAR.match(m.group("a").strip()) and _YEAR.match(m.group("b").strip()):
            continue
        later = [n.start() for n in matches if n.start() > m.start()]
        rest = sentence[m.end() : min(later, default=len(sentence))]
        time = _time(rest) or "Follow-up"
        p = _p_value(rest)
        outcome = _outcome(label, protocol)
        start = sentence.rfind(label, 0, m.start())
        quote = _quote(sentence, start, m.end() + len(_clause(rest)))
        before = _finding(m, "a", outcome, label, "Baseline", "")
        after = _finding(m, "b", outcome, label, time, p)
        yield (m.start(), m.end()), Suggestion(quote, before)
        yield (m.start(), m.end()), Suggestion(quote, after)


def _series(sentence: str, protocol):
    label = ""
    for m in _AT.finditer(sentence):
        own = _label(sentence[: m.start()], near=True)
        label = own or label
        if not label or re.search(r"[<>≤≥]", m.group("a")) and not own:
            continue
        end = m.end()
        tail = sentence[end:]
        paren = re.match(r"\s*\(([^()]*)\)", tail)
        p = _p_value(paren.group(1)) if paren else ""
        if paren:
            end += paren.end()
        time = _clean_time(m.group("time"))
        outcome = _outcome(label, protocol)
        finding = _finding(m, "a", outcome, label, time, p)
        start = sentence.rfind(label, 0, m.start()) if own else m.start()
        yield (m.start(), end), Suggestion(_quote(sentence, start, end), finding)


def _counts(sentence: str, protocol):
    for m in _OF.finditer(sentence):
        n, total = _whole(m.group("n")), int(m.group("total"))
        if n is None or n > total or total == 0:
            continue
        unit_word = m.group("unit").lower()
        unit = (
            "lesion" if re.match(r"lesion|neuroma|tumou?r|nodule", unit_word)
            else "procedure" if re.match(r"procedure|session|treatment|ablation", unit_word)
            else "patient"
        )  # fmt: skip
        before = _label(sentence[: m.start()], keep_in=True)
        start = sentence.rfind(before, 0, m.start()) if before else m.start()
        before = re.sub(r"\s+(?:in|among|for|of)$", "", before, flags=re.IGNORECASE)
        before = re.sub(_DONE, "", before, flags=re.IGNORECASE)
        after = _after_count(sentence[m.end() :])
        clause = _clause(sentence[m.end() :])
        quote = _quote(sentence, start, m.end() + len(clause))
        time = _time(sentence[m.end() :]) or _time(sentence[: m.start()])
        lead_in = _CLAUSE_START.sub("", sentence[: m.start()])
        if _HARM.search(lead_in) or _HARM.search(after):
            event = before if before and _HARM.search(lead_in) else after
            finding: EfficacyFinding | SafetyFinding = SafetyFinding(
                event=_sentence_case(event), n=n, total=total, unit=unit, timepoint=time
            )
        else:
            measure = after or before
            if not measure:
                continue
            outcome = _outcome(measure, protocol)
            finding = EfficacyFinding(
                outcome, _sentence_case(measure), time or "Follow-up", n=n, total=total,
                p_value=_p_value(clause),
            )  # fmt: skip
        yield (m.start(), m.end()), Suggestion(quote, finding)


# -- pieces ---------------------------------------------------------------------------------------


def _finding(m: re.Match, g: str, outcome: str, measure: str, time: str, p: str):
    value = re.sub(r"\s+", "", m.group(g))
    kind, spread = _spread(m, g)
    n = m.group(f"{g}n")
    total = m.group(f"{g}total")
    return EfficacyFinding(
        outcome, _sentence_case(measure), time, value=value, spread_kind=kind, spread=spread,
        n=int(n) if n else None, total=int(total) if total else None, p_value=p,
    )  # fmt: skip


def _spread(m: re.Match, g: str) -> tuple[str, str]:
    if m.group(f"{g}pm"):
        return "SD", m.group(f"{g}pm")
    spread = m.group(f"{g}spread")
    if not spread:
        return "", ""
    kind = (m.group(f"{g}kind") or "").upper().replace(" ", "")
    kind = {"SEM": "SE", "95%CI": "95% CI", "CI": "95% CI", "RANGE": "range"}.get(kind, kind)
    spread = re.sub(r"\s*(?:-|–|,)\s*(?=\d)", " to ", spread, count=1) if kind else spread
    return kind, re.sub(r"\s+", " ", spread)


def _label(text: str, *, near: bool = False, keep_in: bool = False) -> str:
    """The words naming what a number measures: the end of the clause before it, without
    leading function words or a trailing verb ("The number of X-rays decreased" -> "number of
    X-rays"). ``near``: only words right before the number (a list's later items have none)."""
    clause = _CLAUSE_START.sub("", text)
    clause = _VERBS.sub("", clause.rstrip())
    if not keep_in:
        clause = re.sub(r"\s+(?:at|in|of|by|to|was|were|is|are)$", "", clause, flags=re.IGNORECASE)
        clause = _CHANGED.split(clause)[-1]
    words = clause.split()[-8:]
    label = _LEADING.sub("", " ".join(words)).strip(" ,;:-")
    if near and re.search(r"\d", label):
        return ""
    if not re.search(r"[A-Za-z]{2,}", label):
        return ""
    return label


def _after_count(text: str) -> str:
    """What n of N patients did or had: "had a decline of half or more in PSA" -> "decline of
    half or more in PSA"."""
    clause = _clause(text)
    time = _TIME_ANY.search(clause)
    clause = clause[: time.start()] if time else clause
    clause = re.split(r"\s+(?:with|compared|versus|vs)\b", clause)[0]
    clause = re.sub(r"^\s*(?:\(\s*" + NUM + r"\s*%\s*\))?", "", clause)
    clause = _LEADING.sub("", clause.strip())
    return clause.strip(" ,;:.")


def _clause(text: str) -> str:
    """The text up to the end of its clause (a comma before a new number ends it too)."""
    m = re.search(r"[;.](?:\s|$)|,\s+(?=[^,]*\d)(?![^()]*\))|\s+(?:and|while|whereas|but)\s+", text)
    return text[: m.start()] if m else text


def _time(text: str) -> str:
    m = _TIME_ANY.search(_clause(text))
    return _clean_time(m.group("time")) if m else ""


def _clean_time(time: str) -> str:
    time = re.sub(r"\s+", " ", time.strip())
    if time.lower() in {"baseline"}:
        return "Baseline"
    if re.match(r"(?:last|final|end of) follow", time, re.IGNORECASE):
        return "Last follow-up"
    return time


def _p_value(text: str) -> str:
    m = _P.search(text)
    if not m:
        return ""
    if m.group("ns"):
        return "NS"
    op = "<" if m.group("op") == "&lt;" else m.group("op")
    return ("" if op == "=" else op) + m.group("p")


def _whole(word: str) -> int | None:
    return int(word) if word.isdigit() else _WORDS.get(word.lower())


def _outcome(text: str, protocol: Protocol | None) -> str:
    """The protocol's efficacy outcome the words name, if one does ("VAS" names pain)."""
    if protocol is None:
        return ""
    lowered = text.lower()
    words = set(re.findall(r"[a-z]{4,}", lowered))
    words |= {v for k, v in _SYNONYMS.items() if k in lowered}
    for outcome in protocol.efficacy:
        own = set(re.findall(r"[a-z]{4,}", outcome.name.lower())) - _STOP
        if own & words:
            return outcome.name
    return ""


def _sentence_case(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text and not text[:2].isupper() else text


def _quote(sentence: str, start: int, end: int) -> str:
    start = max(0, start)
    return sentence[start:end].strip(" ,;")
