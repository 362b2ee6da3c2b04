"""The efficacy and safety summaries, drafted in NICE's sentence pattern and edited by reviewers.

The draft is written from the key studies' extracted findings, one sentence per study under each
key outcome ("In a case series of 21 patients with ..., mean pain score decreased from ... (Prologo
2017)."), so the committee reads numbers quoted exactly as extracted. Reviewers then rewrite the
prose in the app; their text is one setting of the review and wins over the draft, except for
outcomes that gained findings since it was saved, which get their draft rather than nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from review.errors import ReviewError
from review.extraction.model import EfficacyFinding, SafetyFinding, Study, p_text
from review.extraction.protocol import current_protocol
from review.extraction.studies import key_studies
from review.permissions import require
from review.report.model import Section, Summaries
from review.screening.model import Reviewer

if TYPE_CHECKING:
    from review.store import Store

KEY = "report_summaries"
BASELINE = re.compile(r"^\s*(baseline|pre-?(procedure|operative|treatment|op)\b|before)", re.I)
NUMBER = re.compile(r"-?\d+(\.\d+)?")
OTHER = "Other outcomes"
PEOPLE = {
    "patients", "people", "persons", "adults", "children", "adolescents", "infants", "women",
    "men", "participants", "subjects", "individuals", "veterans", "athletes", "survivors",
    "amputees", "recipients", "volunteers", "users", "smokers", "runners", "workers",
}  # fmt: skip
HEAD_ENDS = {"with", "who", "after", "undergoing", "having", "in", "of", "from", "on", "at"}
PREPOSITIONS = ("at ", "within ", "after ", "during ", "by ", "up to ", "in ", "before ", "over ")

# -- the draft ----------------------------------------------------------------------------------


def draft_summaries(store: Store) -> Summaries:
    """The summaries written from the key studies' findings, in the protocol's outcome order.

    Efficacy outcomes the protocol does not list go under one "Other outcomes" heading, after the
    key outcomes. A safety event written "<protocol outcome>: <event>" ("Damage to adjacent
    structures: chilblains") goes under that outcome's heading, so one study's several events of
    one kind are read together."""
    p = current_protocol(store)
    keys = key_studies(store)
    efficacy = []
    protocol = [o.name for o in p.efficacy]
    found = [f.outcome for s in keys for f in s.efficacy]
    named = _ordered(protocol, found)
    if protocol:
        key_names = [o for o in named if any(_same(o, k) for k in protocol)]
        others = [o for o in named if o not in key_names]
    else:
        key_names, others = named, []
    for outcome in key_names:
        sentences = [
            _efficacy_sentences(s, [f for f in s.efficacy if _same(f.outcome, outcome)])
            for s in keys
        ]
        sentences = [s for s in sentences if s]
        if sentences:
            efficacy.append((outcome, "\n".join(sentences)))
    other = [
        _efficacy_sentences(s, [f for f in s.efficacy if _same(f.outcome, outcome)])
        for outcome in others
        for s in keys
    ]
    if any(other):
        efficacy.append((OTHER, "\n".join(s for s in other if s)))
    safety = []
    outcomes = [o.name for o in p.safety]
    for heading in _ordered(
        outcomes, [safety_heading(f.event, outcomes) for s in keys for f in s.safety]
    ):
        sentences = [
            _safety_sentence(s, f, outcomes)
            for s in keys
            for f in s.safety
            if _same(safety_heading(f.event, outcomes), heading)
        ]
        if sentences:
            safety.append((heading, "\n".join(sentences)))
    return Summaries(tuple(efficacy), tuple(safety), edited=False)


def safety_heading(event: str, outcomes: list[str]) -> str:
    """The protocol outcome an event is reported under: "Damage to adjacent structures:
    chilblains" -> "Damage to adjacent structures"; an event of no outcome is its own heading."""
    head, sep, _ = event.partition(":")
    for name in outcomes:
        if sep and _same(head, name):
            return name
    return event.strip()


def safety_event(event: str, outcomes: list[str]) -> str:
    """What happened, without the outcome it is filed under: "chilblains"."""
    head, sep, rest = event.partition(":")
    if sep and rest.strip() and any(_same(head, name) for name in outcomes):
        return rest.strip()
    return event.strip()


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _ordered(first: list[str], found: list[str]) -> list[str]:
    """The protocol's names, then any other names the findings use, first seen first."""
    result: list[str] = []
    for name in (*first, *found):
        if name.strip() and not any(_same(name, r) for r in result):
            result.append(name.strip())
    return result


def study_phrase(s: Study, *, population: bool = True) -> str:
    """ "a retrospective case series of 20 patients with Morton's neuroma"; a population label that
    already names people is used as written: "a case series of 21 amputees with phantom limb
    pain"."""
    d = s.details
    design = d.design if d.design and d.design != "other" else "study"
    if d.retrospective and "retrospective" not in design:
        design = f"retrospective {design}"
    n = d.patients if d.patients is not None else d.analysed
    label = re.sub(r"^(patients|people) with\s+", "", d.population_label.strip(), flags=re.I)
    people = population and bool(label) and names_people(label)
    if people:
        text = design + (f" of {n} " if n is not None else " of ") + _lower_first(label)
    else:
        text = design + (f" of {n} patients" if n is not None else "")
        if population and label:
            text += f" with {label}" if n is not None else f" of patients with {label}"
    article = "an" if design[0].lower() in "aeiou" else "a"
    return f"{article} {text}"


def names_people(label: str) -> bool:
    """Whether a population label names people ("amputees with phantom limb pain", "adults who
    ..."): the last word before its first preposition is a word for people."""
    head = []
    for word in label.casefold().split():
        if word in HEAD_ENDS:
            break
        head.append(word.strip(",;()"))
    last = head[-1] if head else ""
    return last in PEOPLE or (last.endswith("ees") and len(last) > 4)


def _lower_first(text: str) -> str:
    """ "Mean pain score (VAS)" -> "mean pain score (VAS)"; acronyms ("VAS score") stay."""
    word = text.split(" ", 1)[0]
    if len(word) > 1 and (word.isupper() or not word[1:].islower()):
        return text
    return text[:1].lower() + text[1:]


def _when(timepoint: str) -> str:
    t = _lower_first(timepoint.strip())
    return t if t.lower().startswith(PREPOSITIONS) else f"at {t}"


def _value(f: EfficacyFinding) -> str:
    """The cell without its p-value, which the sentence puts after the time point."""
    return replace(f, p_value="").cell


def _point(f: EfficacyFinding) -> str:
    p = p_text(f.p_value)
    return f"{_value(f)} {_when(f.timepoint)}" + (f" ({p})" if p else "")


def _number(text: str) -> float | None:
    match = NUMBER.search(text.split("(")[0])
    return float(match.group()) if match else None


def _verb(start: EfficacyFinding, end: EfficacyFinding) -> str:
    a, b = _number(start.value), _number(end.value)
    if start.n is not None or end.n is not None or a is None or b is None or a == b:
        return "changed"
    return "decreased" if b < a else "increased"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _efficacy_sentences(s: Study, findings: list[EfficacyFinding]) -> str:
    """One sentence per measure; the first names the study, each ends with its citation. A time
    point without a value (only a note) gives its note, never an empty "from  at baseline"."""
    measures: dict[str, list[EfficacyFinding]] = {}
    for f in findings:
        measures.setdefault(f.measure, []).append(f)
    sentences: list[str] = []
    for measure, points in measures.items():
        name = _lower_first(measure) if not sentences else measure
        valued = [f for f in points if _value(f)]
        base = next((f for f in valued if BASELINE.match(f.timepoint)), None)
        later = [f for f in valued if f is not base]
        if base is not None and later:
            what = (
                f"{name} {_verb(base, later[-1])} from {_value(base)} at baseline "
                f"to {_join([_point(f) for f in later])}"
            )
        elif valued:
            what = f"{name} was {_join([_point(f) for f in valued])}"
        else:
            what = f"{name} was reported {_join([_when(f.timepoint) for f in points])}"
        notes = "; ".join(
            f.note.strip().rstrip(".") if _value(f) or not valued else _noted(f)
            for f in points
            if f.note.strip()
        )
        if notes:
            what += f" ({notes})"
        intro = f"In {study_phrase(s)}, " if not sentences else ""
        sentences.append(_capital(f"{intro}{what} ({s.label})."))
    return " ".join(sentences)


def _noted(f: EfficacyFinding) -> str:
    """The note of a time point that has no value, said with its time point: "at baseline: not
    reported"."""
    return f"{_when(f.timepoint)}: {f.note.strip().rstrip('.')}"


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _plural(event: str) -> bool:
    """Whether an event's head noun (the last word before a preposition) is plural:
    "Minor complications" and "Chilblains" are, "Pain" and "Damage to adjacent structures" are
    not. The verb agrees with the event, not with how many patients had it."""
    head = ""
    for word in re.sub(r"\(.*?\)", "", event).casefold().split():
        if word in HEAD_ENDS or word in ("for", "to", "by"):
            break
        head = word.strip(",;")
    return len(head) > 3 and head.endswith("s") and not head.endswith(("ss", "us", "is", "ics"))


def _safety_sentence(s: Study, f: SafetyFinding, outcomes: list[str] | None = None) -> str:
    where = f"in {study_phrase(s, population=False)} ({s.label})."
    event = safety_event(f.event, outcomes or [])
    severity = f.severity.strip()
    note = f.note.strip().rstrip(".")
    if severity and re.search(rf"\b{re.escape(severity)}\b", f"{event} {note}", re.I):
        severity = ""  # "Minor complications" already says how severe
    when = f" {_when(f.timepoint)}" if f.timepoint.strip() else ""
    unit = f.unit if f.total is None and f.n == 1 else f"{f.unit}s"  # "1 patient", "1/20 patients"
    if f.n is None:
        text = note or event
        if text.lower().startswith("no "):
            return _capital(f"There were {_lower_first(text)}{when} {where}")
        if note and not _same(note, event) and severity:
            text = f"{event} ({severity}: {note})"
        elif severity:
            text = f"{text} ({severity})"
        return _capital(f"{text}{when} {where}")
    said = "; ".join(t for t in (severity, note) if t and not _same(t, event))
    said = f" ({said})" if said else ""
    if f.n == 0:
        of = f" (0/{f.total} {unit})" if f.total else ""
        return _capital(f"No cases of {_lower_first(event)}{said} were reported{of}{when} {where}")
    verb = "were" if _plural(event) else "was"
    return _capital(f"{event}{said} {verb} reported in {f.cell} {unit}{when} {where}")


# -- the reviewers' text ------------------------------------------------------------------------


def summaries(store: Store) -> Summaries:
    """The saved text if any, with a draft for each outcome that is new since it was saved; else
    the draft."""
    saved = store.settings_values().get(KEY)
    draft = draft_summaries(store)
    if not saved:
        return draft
    sections = {}
    for name in ("efficacy", "safety"):
        kept = [(str(h), str(p)) for h, p in saved.get(name, [])]
        known = {h.casefold() for h in saved.get("known", {}).get(name, [])}
        known |= {h.casefold() for h, _ in kept}
        sections[name] = _merge(kept, getattr(draft, name), known)
    return Summaries(sections["efficacy"], sections["safety"], edited=True)


def _merge(kept: list[tuple[str, str]], draft: Section, known: set[str]) -> Section:
    """Insert each draft section no one has seen after its predecessor in the draft."""
    result = list(kept)
    for i, (heading, text) in enumerate(draft):
        if heading.casefold() in known:
            continue
        before = {h.casefold() for h, _ in draft[:i]}
        at = max((j + 1 for j, (h, _) in enumerate(result) if h.casefold() in before), default=0)
        result.insert(at, (heading, text))
    return tuple(result)


def save_summaries(store: Store, s: Summaries, by: Reviewer) -> None:
    """Keep the reviewers' text. The headings of the current draft are remembered too, so a
    section the reviewer deleted stays deleted rather than coming back as "new"."""
    require(by, "export_report")
    problems = []
    for name in ("efficacy", "safety"):
        seen: set[str] = set()
        for heading, text in getattr(s, name):
            if not isinstance(heading, str) or not isinstance(text, str) or not heading.strip():
                problems.append(f"{name}: every section needs a heading and a paragraph")
            elif heading.strip().casefold() in seen:
                problems.append(f"{name}: the heading {heading.strip()!r} is used twice")
            else:
                seen.add(heading.strip().casefold())
    if problems:
        raise ReviewError("The summaries were not saved: " + "; ".join(problems) + ".")
    draft = draft_summaries(store)
    value: dict[str, object] = {
        name: [[h.strip(), t.strip()] for h, t in getattr(s, name)]
        for name in ("efficacy", "safety")
    }
    value["known"] = {name: [h for h, _ in getattr(draft, name)] for name in ("efficacy", "safety")}
    store.set_settings({KEY: value}, by.name)
