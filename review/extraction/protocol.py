"""The review protocol: key outcomes, inclusion criteria and reasons, from TOML or the app.

Its ``[sections]`` table is the lead's text for the overview's sections the database cannot
fill (the procedure, existing assessments, experts' and patients' views, ongoing trials ...):
kept with the protocol because it is agreed and revised the same way.

The protocol is one setting (JSON) of the review; importing a TOML file replaces it whole, so the
file a team agreed on is exactly what the review uses. Screening exclusion reasons in the protocol
become the Screen page's reasons, and its ``[screening]`` table holds the other screening
settings (question, criteria, keywords, single or dual), so a review can be set up from one file.
Those stay the review's own settings, not part of the protocol: a key the table leaves out keeps
its current value, and a file without the table changes none of them.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from review.errors import ProtocolError
from review.extraction.model import (
    BETTER,
    OUTCOME_KINDS,
    Criteria,
    Outcome,
    Protocol,
    Sections,
)
from review.permissions import require
from review.screening.model import Reviewer, Settings

if TYPE_CHECKING:
    from review.store import Store

KEY = "protocol"
_TOP = {
    "title", "efficacy", "safety", "criteria", "exclusion_reasons", "appendix_reasons", "screening",
    "sections",
}  # fmt: skip
MODES = ("single", "dual")


@dataclass(frozen=True)
class ScreeningSetup:
    """A protocol file's [screening] table; None where the file does not give a key."""

    mode: str | None = None  # "single" or "dual"
    question: str | None = None
    criteria: str | None = None  # the screeners' inclusion criteria, as free text
    include_terms: tuple[str, ...] | None = None  # highlighted green
    exclude_terms: tuple[str, ...] | None = None  # highlighted red

    def values(self) -> dict:
        """The review settings (as ``store.set_settings`` keys them) this table changes."""
        values = {k: getattr(self, k) for k in _SCREENING_TEXT + _SCREENING_LISTS}
        values = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
        values["dual"] = None if self.mode is None else self.mode == "dual"
        return {k: v for k, v in values.items() if v is not None}


_SCREENING_TEXT = ("question", "criteria")
_SCREENING_LISTS = ("include_terms", "exclude_terms")
_SCREENING_KEYS = ("mode", *_SCREENING_TEXT, *_SCREENING_LISTS)


def current_protocol(store: Store) -> Protocol:
    value = store.settings_values().get(KEY)
    return protocol_from_dict(value) if value else Protocol()


def save_protocol(
    store, new: Protocol, by: Reviewer, screening: ScreeningSetup | None = None
) -> None:
    """Replace the protocol and, from a file's [screening] table, the settings it gives: one
    change, so the app never sees the new protocol with the old screening mode."""
    require(by, "edit_protocol")
    problems = check_protocol(new)
    if problems:
        raise ProtocolError("The protocol was not saved: " + "; ".join(problems) + ".")
    values: dict[str, object] = {KEY: protocol_to_dict(new)}
    if new.exclusion_reasons:
        values["exclusion_reasons"] = list(new.exclusion_reasons)
    if screening is not None:
        values.update(screening.values())
    store.set_settings(values, by.name)


def save_review_setup(store: Store, new: Protocol, rules: Settings, by: Reviewer) -> None:
    """The Protocol page's one save: the protocol and every screening setting (question,
    criteria, exclusion reasons, keywords, single or dual) as one change, so the two never
    disagree. The screening exclusion reasons are the settings' (an empty list clears them)."""
    from review.screening.decisions import setting_values

    require(by, "edit_protocol")
    values = setting_values(rules)
    new = replace(new, exclusion_reasons=tuple(values["exclusion_reasons"]))
    problems = check_protocol(new)
    if problems:
        raise ProtocolError("The protocol was not saved: " + "; ".join(problems) + ".")
    store.set_settings({KEY: protocol_to_dict(new), **values}, by.name)


def check_protocol(p: Protocol) -> list[str]:
    """What is wrong with a protocol, in words a reviewer can act on (empty when fine)."""
    problems = []
    seen: set[str] = set()
    for role, outcomes in (("efficacy", p.efficacy), ("safety", p.safety)):
        for i, o in enumerate(outcomes, 1):
            where = f"{role} outcome {i}"
            if not o.name.strip():
                problems.append(f"{where} has no name")
                continue
            where = f"{where} ({o.name!r})"
            if o.name.casefold() in seen:
                problems.append(f"{where} is named twice; outcome names must be unique")
            seen.add(o.name.casefold())
            if o.kind not in OUTCOME_KINDS:
                problems.append(
                    f"{where}: kind {o.kind!r} is not one of {', '.join(OUTCOME_KINDS)}"
                )
            if o.better not in BETTER:
                problems.append(f"{where}: better {o.better!r} is not one of {', '.join(BETTER)}")
    return problems


def protocol_to_dict(p: Protocol) -> dict:
    return asdict(p)


def protocol_from_dict(value: dict) -> Protocol:
    return Protocol(
        title=value.get("title", ""),
        efficacy=tuple(Outcome(**{**o, "role": "efficacy"}) for o in value.get("efficacy", ())),
        safety=tuple(Outcome(**{**o, "role": "safety"}) for o in value.get("safety", ())),
        criteria=Criteria(**value.get("criteria", {})),
        exclusion_reasons=tuple(value.get("exclusion_reasons", ())),
        appendix_reasons=tuple(value.get("appendix_reasons", Protocol().appendix_reasons)),
        sections=Sections(**value.get("sections", {})),  # a protocol saved before sections: none
    )


def read_protocol(path: str | Path) -> Protocol:
    """Read a protocol TOML file; every problem is named with the file and the setting."""
    return read_protocol_file(path)[0]


def read_protocol_file(path: str | Path) -> tuple[Protocol, ScreeningSetup | None]:
    """The protocol and the [screening] table (None without one) of a protocol TOML file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProtocolError(f"{path}: no such file.") from None
    except UnicodeDecodeError:
        raise ProtocolError(f"{path}: not a UTF-8 text file; save it as UTF-8 TOML.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError(f"{path}: not valid TOML ({exc}). Fix that line.") from None
    problems = []
    for key in sorted(set(data) - _TOP):
        problems.append(f"unknown setting {key!r} (known: {', '.join(sorted(_TOP))})")
    outcome_keys = {f.name for f in fields(Outcome)} - {"role"}
    outcomes: dict[str, list[Outcome]] = {"efficacy": [], "safety": []}
    for role in outcomes:
        items = data.get(role, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            problems.append(f"{role!r} must be a list of [[{role}]] tables")
            continue
        for i, item in enumerate(items, 1):
            extra = set(item) - outcome_keys
            if extra:
                problems.append(
                    f"[[{role}]] number {i}: unknown key(s) {', '.join(sorted(extra))} "
                    f"(known: {', '.join(sorted(outcome_keys))})"
                )
                continue
            if not all(isinstance(v, str) for v in item.values()):
                problems.append(f"[[{role}]] number {i}: every value must be a quoted string")
                continue
            default = "continuous" if role == "efficacy" else "event"
            better = "none" if role == "efficacy" else "lower"
            outcomes[role].append(
                Outcome(**{"name": "", "kind": default, "better": better, **item, "role": role})
            )
    criteria = data.get("criteria", {})
    criteria_keys = {f.name for f in fields(Criteria)}
    if not isinstance(criteria, dict) or set(criteria) - criteria_keys:
        problems.append(f"[criteria] may hold only {', '.join(sorted(criteria_keys))}")
        criteria = {}
    lists = {}
    for key in ("exclusion_reasons", "appendix_reasons"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{key!r} must be a list of quoted strings")
            value = []
        lists[key] = tuple(v.strip() for v in value if v.strip())
    sections = data.get("sections", {})
    section_keys = [f.name for f in fields(Sections)]
    if not isinstance(sections, dict) or set(sections) - set(section_keys):
        problems.append(f"[sections] may hold only {', '.join(section_keys)}")
        sections = {}
    elif not all(isinstance(v, str) for v in sections.values()):
        problems.append("[sections]: every value must be a quoted string")
        sections = {}
    result = Protocol(
        title=str(data.get("title", "")),
        efficacy=tuple(outcomes["efficacy"]),
        safety=tuple(outcomes["safety"]),
        criteria=Criteria(**{k: str(v) for k, v in criteria.items()}),
        exclusion_reasons=lists["exclusion_reasons"],
        sections=Sections(**sections),
    )
    if lists["appendix_reasons"]:
        result = replace(result, appendix_reasons=lists["appendix_reasons"])
    problems.extend(check_protocol(result))
    screening = _screening(data.get("screening"), problems)
    if problems:
        raise ProtocolError(f"{path}: " + "; ".join(problems) + ". Nothing was changed.")
    return result, screening


def _screening(table, problems: list[str]) -> ScreeningSetup | None:
    """The [screening] table read, its problems added to ``problems`` with the key named."""
    if table is None:
        return None
    if not isinstance(table, dict):
        problems.append("'screening' must be a [screening] table")
        return None
    given = {}
    for key in sorted(set(table) - set(_SCREENING_KEYS)):
        hint = " (exclusion_reasons is a top-level setting)" if key == "exclusion_reasons" else ""
        problems.append(
            f"[screening] unknown key {key!r}{hint} (known: {', '.join(_SCREENING_KEYS)})"
        )
    if "mode" in table:
        if table["mode"] in MODES:
            given["mode"] = table["mode"]
        else:
            problems.append(f'[screening] mode {table["mode"]!r} is not "single" or "dual"')
    for key in _SCREENING_TEXT:
        if key in table:
            if isinstance(table[key], str):
                given[key] = table[key].strip()
            else:
                problems.append(f"[screening] {key} must be a quoted string")
    for key in _SCREENING_LISTS:
        if key in table:
            value = table[key]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                given[key] = tuple(v.strip() for v in value if v.strip())
            else:
                problems.append(f"[screening] {key} must be a list of quoted strings")
    return ScreeningSetup(**given)


def review_toml(store: Store) -> str:
    """The review's protocol file: the protocol, the Screen page's exclusion reasons and every
    other screening setting in [screening]; importing it sets up the same review."""
    from review.screening.decisions import settings

    current = settings(store)
    return protocol_toml(
        replace(current_protocol(store), exclusion_reasons=current.exclusion_reasons),
        ScreeningSetup(
            mode="dual" if current.dual else "single",
            question=current.question,
            criteria=current.criteria,
            include_terms=current.include_terms,
            exclude_terms=current.exclude_terms,
        ),
    )


def protocol_toml(p: Protocol, screening: ScreeningSetup | None = None) -> str:
    """The protocol as a TOML file that ``read_protocol`` reads back to the same protocol (and
    ``read_protocol_file`` to the same [screening] table, when one is given)."""

    def s(value: str) -> str:
        # A JSON string is a TOML basic string, once DEL (which JSON leaves raw) is escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")

    lines = [f"title = {s(p.title)}", ""]
    for key in ("exclusion_reasons", "appendix_reasons"):
        items = getattr(p, key)
        lines.append(f"{key} = [" + ", ".join(s(v) for v in items) + "]")
    lines += ["", "[criteria]"]
    lines += [f"{f.name} = {s(getattr(p.criteria, f.name))}" for f in fields(Criteria)]
    if screening is not None:
        lines += ["", "[screening]"]
        for key in _SCREENING_KEYS:
            value = getattr(screening, key)
            if isinstance(value, str):
                lines.append(f"{key} = {s(value)}")
            elif value is not None:
                lines.append(f"{key} = [" + ", ".join(s(v) for v in value) + "]")
    lines += ["", "[sections]"]  # multi-line text as one escaped line: read back exactly
    lines += [f"{f.name} = {s(getattr(p.sections, f.name))}" for f in fields(Sections)]
    for role, outcomes in (("efficacy", p.efficacy), ("safety", p.safety)):
        for o in outcomes:
            lines += ["", f"[[{role}]]"]
            lines += [
                f"{k} = {s(getattr(o, k))}" for k in ("name", "kind", "better", "description")
            ]
    return "\n".join(lines) + "\n"
