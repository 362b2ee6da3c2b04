"""The review protocol: key outcomes, inclusion criteria and reasons, from TOML or the app.

The protocol is one setting (JSON) of the review; importing a TOML file replaces it whole, so the
file a team agreed on is exactly what the review uses. Screening exclusion reasons in the protocol
become the Screen page's reasons.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, fields, replace
from pathlib import Path

from review.errors import ProtocolError
from review.extraction.model import BETTER, OUTCOME_KINDS, Criteria, Outcome, Protocol
from review.permissions import require
from review.screening.model import Reviewer

KEY = "protocol"
_TOP = {"title", "efficacy", "safety", "criteria", "exclusion_reasons", "appendix_reasons"}


def protocol(store) -> Protocol:
    value = store.settings_values().get(KEY)
    return protocol_from_dict(value) if value else Protocol()


def save_protocol(store, new: Protocol, by: Reviewer) -> None:
    require(by, "edit_protocol")
    problems = check_protocol(new)
    if problems:
        raise ProtocolError("The protocol was not saved: " + "; ".join(problems) + ".")
    values = {KEY: protocol_to_dict(new)}
    if new.exclusion_reasons:
        values["exclusion_reasons"] = list(new.exclusion_reasons)
    store.set_settings(values, by.name)


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
    )


def read_protocol(path: str | Path) -> Protocol:
    """Read a protocol TOML file; every problem is named with the file and the setting."""
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
    result = Protocol(
        title=str(data.get("title", "")),
        efficacy=tuple(outcomes["efficacy"]),
        safety=tuple(outcomes["safety"]),
        criteria=Criteria(**{k: str(v) for k, v in criteria.items()}),
        exclusion_reasons=lists["exclusion_reasons"],
    )
    if lists["appendix_reasons"]:
        result = replace(result, appendix_reasons=lists["appendix_reasons"])
    problems.extend(check_protocol(result))
    if problems:
        raise ProtocolError(f"{path}: " + "; ".join(problems) + ". Nothing was changed.")
    return result


def protocol_toml(p: Protocol) -> str:
    """The protocol as a TOML file that ``read_protocol`` reads back to the same protocol."""

    def s(value: str) -> str:
        # A JSON string is a TOML basic string, once DEL (which JSON leaves raw) is escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")

    lines = [f"title = {s(p.title)}", ""]
    for key in ("exclusion_reasons", "appendix_reasons"):
        items = getattr(p, key)
        lines.append(f"{key} = [" + ", ".join(s(v) for v in items) + "]")
    lines += ["", "[criteria]"]
    lines += [f"{f.name} = {s(getattr(p.criteria, f.name))}" for f in fields(Criteria)]
    for role, outcomes in (("efficacy", p.efficacy), ("safety", p.safety)):
        for o in outcomes:
            lines += ["", f"[[{role}]]"]
            lines += [
                f"{k} = {s(getattr(o, k))}" for k in ("name", "kind", "better", "description")
            ]
    return "\n".join(lines) + "\n"
