"""The review protocol: read from TOML, written back as TOML, kept in the review file."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest

from review.errors import ProtocolError
from review.extraction.model import Criteria, Outcome, Protocol, Sections
from review.extraction.protocol import (
    ScreeningSetup,
    check_protocol,
    current_protocol,
    protocol_from_dict,
    protocol_to_dict,
    protocol_toml,
    read_protocol,
    read_protocol_file,
    review_toml,
    save_protocol,
)
from review.screening.decisions import settings
from review.screening.model import Reviewer, Settings
from review.store import open_store
from tests.extraction.ipg747 import PROTOCOL

LEAD = Reviewer("lead", "lead")


def test_the_ipg747_protocol_is_read_as_written():
    p = read_protocol(PROTOCOL)
    raw = tomllib.loads(PROTOCOL.read_text(encoding="utf-8"))
    assert p.title == raw["title"]
    assert [o.name for o in p.efficacy] == [o["name"] for o in raw["efficacy"]]
    assert [o.name for o in p.safety] == [o["name"] for o in raw["safety"]]
    assert {o.role for o in p.efficacy} == {"efficacy"} and {o.role for o in p.safety} == {"safety"}
    pain = p.outcome("REDUCTION IN PAIN")
    assert (pain.kind, pain.better) == (
        "continuous",
        "lower",
    ) and "visual analogue" in pain.description
    assert p.criteria == Criteria(**raw["criteria"])
    assert p.exclusion_reasons == tuple(raw["exclusion_reasons"])
    assert p.appendix_reasons == tuple(raw["appendix_reasons"])


def test_defaults_differ_for_efficacy_and_safety(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[[efficacy]]\nname = "Pain relief"\n[[safety]]\nname = "Bleeding"\n')
    p = read_protocol(path)
    assert p.efficacy == (Outcome("Pain relief", "efficacy", "continuous", "none"),)
    assert p.safety == (Outcome("Bleeding", "safety", "event", "lower"),)
    assert p.appendix_reasons == Protocol().appendix_reasons  # none given: the usual ones


@pytest.mark.parametrize(
    "p",
    [
        read_protocol(PROTOCOL),
        Protocol(),
        Protocol(
            title='Quotes " and \\ backslashes, tabs\t, new\nlines, ünïcödé, DEL \x7f, bell \x07',
            efficacy=(Outcome("Ω score", "efficacy", "categorical", "higher", "a\nb"),),
            criteria=Criteria(language='English "only"'),
            exclusion_reasons=("Wrong population", "Zweitpublikation"),
            appendix_reasons=("Only one",),
        ),
        Protocol(
            sections=Sections(
                indications="Line one\n\n  indented line two\n",
                procedure='Triple """quotes""" and \\ and \ttab, DEL \x7f, bell \x07',
                expert_opinions="# not a heading\n<script>x</script> [a](b)",
                ongoing_trials="NCT01234567; NCT07654321",
            )
        ),
    ],
    ids=["ipg747", "empty", "awkward text", "sections"],
)
def test_protocol_toml_reads_back_to_the_same_protocol(tmp_path, p):
    path = tmp_path / "round.toml"
    path.write_text(protocol_toml(p), encoding="utf-8")
    assert read_protocol(path) == p


def test_the_ipg747_sections_are_read_as_written():
    p = read_protocol(PROTOCOL)
    raw = tomllib.loads(PROTOCOL.read_text(encoding="utf-8"))["sections"]
    assert p.sections == Sections(**raw)
    assert p.sections.indications.startswith("A neuroma is") and "\n" in p.sections.indications
    assert p.sections.existing_assessments == ""


def test_the_printed_protocol_keeps_the_sections_and_old_protocols_have_none(tmp_path):
    p = read_protocol(PROTOCOL)
    assert tomllib.loads(protocol_toml(p))["sections"] == protocol_to_dict(p)["sections"]
    old = {k: v for k, v in protocol_to_dict(p).items() if k != "sections"}  # saved before them
    assert protocol_from_dict(old) == replace(p, sections=Sections())


def test_saved_protocol_is_the_reviews_and_sets_the_screening_reasons(tmp_path):
    p = read_protocol(PROTOCOL)
    with open_store(tmp_path / "r.db") as store:
        assert current_protocol(store) == Protocol()
        save_protocol(store, p, by=LEAD)
        assert current_protocol(store) == p
        assert store.settings_values()["exclusion_reasons"] == list(p.exclusion_reasons)
        bad = replace(p, efficacy=(*p.efficacy, Outcome("reduction in PAIN")))
        with pytest.raises(ProtocolError, match="named twice"):
            save_protocol(store, bad, by=LEAD)
        assert current_protocol(store) == p  # the old one stays


BAD = {
    "syntax": ('title = "unclosed\n', "not valid TOML"),
    "unknown setting": ('titel = "x"\n', "unknown setting 'titel'"),
    "unknown outcome key": (
        '[[efficacy]]\nname = "a"\n[[efficacy]]\nname = "b"\ncolour = "red"\n',
        "[[efficacy]] number 2: unknown key(s) colour",
    ),
    "not a string": ('[[safety]]\nname = "Pain"\nkind = 3\n', "[[safety]] number 1: every value"),
    "bad kind": ('[[efficacy]]\nname = "Pain"\nkind = "ordinal"\n', "kind 'ordinal' is not one of"),
    "bad better": ('[[safety]]\nname = "Pain"\nbetter = "up"\n', "better 'up' is not one of"),
    "twice": ('[[efficacy]]\nname = "Pain"\n[[safety]]\nname = "pain"\n', "named twice"),
    "no name": ('[[efficacy]]\ndescription = "x"\n', "efficacy outcome 1 has no name"),
    "criteria": ('[criteria]\nage = "adults"\n', "[criteria] may hold only"),
    "reasons": ("exclusion_reasons = 3\n", "'exclusion_reasons' must be a list"),
    "outcomes not tables": ('efficacy = ["Pain"]\n', "'efficacy' must be a list of [[efficacy]]"),
    "screening mode": ('[screening]\nmode = "triple"\n', "[screening] mode 'triple' is not"),
    "screening key": ('[screening]\nmoed = "dual"\n', "[screening] unknown key 'moed'"),
    "screening reasons": (
        '[screening]\nexclusion_reasons = ["x"]\n',
        "[screening] unknown key 'exclusion_reasons' (exclusion_reasons is a top-level setting)",
    ),
    "screening terms": ('[screening]\ninclude_terms = "rct"\n', "[screening] include_terms must"),
    "screening text": ("[screening]\nquestion = 3\n", "[screening] question must be a quoted"),
    "screening table": ("screening = 3\n", "'screening' must be a [screening] table"),
    "sections key": ('[sections]\nbackground = "x"\n', "[sections] may hold only indications,"),
    "sections value": ("[sections]\nongoing_trials = 3\n", "[sections]: every value must be"),
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_protocol_file_names_the_file_and_the_setting(tmp_path, name):
    text, expected = BAD[name]
    path = tmp_path / "protocol.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProtocolError) as caught:
        read_protocol(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and expected in message


def test_unreadable_files_are_named(tmp_path):
    with pytest.raises(ProtocolError, match="no such file"):
        read_protocol(tmp_path / "missing.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes('title = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ProtocolError, match=f"{latin}: not a UTF-8 text file"):
        read_protocol(latin)


def test_check_protocol_lists_every_problem():
    p = Protocol(efficacy=(Outcome("", kind="x"), Outcome("A", kind="x", better="y")))
    problems = check_protocol(p)
    assert problems == [
        "efficacy outcome 1 has no name",
        "efficacy outcome 2 ('A'): kind 'x' is not one of continuous, categorical, event",
        "efficacy outcome 2 ('A'): better 'y' is not one of higher, lower, none",
    ]


SETUP = """
title = "Cryoablation"
exclusion_reasons = ["Wrong population", "Not in English"]

[screening]
mode = "dual"
question = "Is cryoablation \\"safe\\" for neuroma pain?"
criteria = \"\"\"Adults with peripheral neuroma.
Any study design.\"\"\"
include_terms = ["cryoablation", "cryoneurolysis"]
exclude_terms = ["rat", "mice"]
"""


def test_the_screening_table_sets_every_value_of_the_settings_page(tmp_path):
    path = tmp_path / "setup.toml"
    path.write_text(SETUP, encoding="utf-8")
    p, screening = read_protocol_file(path)
    assert read_protocol(path) == p
    with open_store(tmp_path / "r.db") as store:
        save_protocol(store, p, LEAD, screening=screening)
        assert settings(store) == Settings(
            question='Is cryoablation "safe" for neuroma pain?',
            criteria="Adults with peripheral neuroma.\nAny study design.",
            exclusion_reasons=("Wrong population", "Not in English"),
            include_terms=("cryoablation", "cryoneurolysis"),
            exclude_terms=("rat", "mice"),
            dual=True,
        )
        assert current_protocol(store) == p
        # A file without the table, or with only some keys, leaves the others as they are.
        path.write_text('title = "Cryo"\n[screening]\nmode = "single"\n', encoding="utf-8")
        save_protocol(store, *read_protocol_file(path)[:1], LEAD, read_protocol_file(path)[1])
        changed = settings(store)
        assert changed.dual is False and changed.include_terms == ("cryoablation", "cryoneurolysis")
        path.write_text('title = "Cryo"\n', encoding="utf-8")
        assert read_protocol_file(path)[1] is None


@pytest.mark.parametrize(
    "setup",
    [
        Settings(),
        Settings(dual=True, question="Q", criteria="C", include_terms=("a",), exclude_terms=("b",)),
        Settings(
            question='Quotes " and \\ and\ttabs, new\nlines, ünïcödé, DEL \x7f',
            criteria="Line one\nline two",
            exclusion_reasons=("Zweitpublikation", 'Wrong "design"'),
            include_terms=("naïve", "a\\b"),
            exclude_terms=(),
            dual=True,
        ),
    ],
    ids=["defaults", "simple", "awkward text"],
)
def test_the_printed_protocol_reads_back_to_the_same_review(tmp_path, setup):
    p = read_protocol(PROTOCOL)
    with open_store(tmp_path / "a.db") as first:
        save_protocol(first, p, LEAD)
        first.set_settings(
            {k: list(v) if isinstance(v, tuple) else v for k, v in setup.__dict__.items()}, "lead"
        )
        printed = review_toml(first)
    assert tomllib.loads(printed)["screening"]["mode"] == ("dual" if setup.dual else "single")
    path = tmp_path / "printed.toml"
    path.write_text(printed, encoding="utf-8")
    with open_store(tmp_path / "b.db") as second:
        save_protocol(second, *read_protocol_file(path)[:1], LEAD, read_protocol_file(path)[1])
        assert settings(second) == setup
        assert review_toml(second) == printed


def test_screening_setup_values_are_the_settings_keys():
    assert ScreeningSetup().values() == {}
    assert ScreeningSetup(mode="dual", include_terms=("x",)).values() == {
        "dual": True,
        "include_terms": ["x"],
    }
