"""The extraction domain: the protocol's outcomes and criteria, studies, and their findings.

Field names follow NICE's interventional-procedures overview (see NICE_OVERVIEW.md in the shared
notes): the study-details rows in NICE's order, efficacy results per outcome and time point, safety
events per patient, lesion or procedure. Extracted numbers are kept as the reviewer typed them
("6.20" stays "6.20"): a report must quote the paper, not a float's rendering of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OUTCOME_ROLES = ("efficacy", "safety")
OUTCOME_KINDS = ("continuous", "categorical", "event")
BETTER = ("higher", "lower", "none")
STUDY_ROLES = ("undecided", "key", "appendix")
SAFETY_UNITS = ("patient", "lesion", "procedure")
SPREAD_KINDS = ("", "SD", "SE", "95% CI", "range", "IQR")
# A value or p-value the paper does not give: an explicit answer, unlike a blank (not extracted
# yet). "NR", as NICE's tables print it, is read as the same.
NOT_REPORTED = "not reported"

# Study designs, best evidence first: the order NICE reviewers use to pick the key evidence.
DESIGNS = (
    "randomised controlled trial",
    "non-randomised comparative study",
    "case series",
    "case report",
    "review",
    "other",
)

# The NICE study-details table: (field, row heading), in NICE's order.
DETAIL_ROWS = (
    ("study_type", "Study type"),
    ("country", "Country"),
    ("recruitment", "Recruitment period"),
    ("population", "Study population and number"),
    ("age_sex", "Age and sex"),
    ("selection", "Patient selection criteria"),
    ("technique", "Technique"),
    ("follow_up", "Follow up"),
    ("funding", "Conflict of interest/source of funding"),
    ("analysis", "Analysis"),
)
# NICE's "Analysis" row is four kinds of issue, each a short paragraph.
ANALYSIS_PARTS = (
    ("analysis_follow_up", "Follow-up issues"),
    ("analysis_design", "Study design issues"),
    ("analysis_population", "Study population issues"),
    ("analysis_other", "Other issues"),
)

# The overview's sections that the review's data cannot fill: the lead writes them. (field,
# heading as the report prints it), in NICE's order; the report places each in its part.
SECTION_ROWS = (
    ("indications", "Indications and current treatment"),
    ("procedure", "What the procedure involves"),
    ("anecdotal_events", "Anecdotal and theoretical adverse events"),
    ("existing_assessments", "Existing assessments of this procedure"),
    ("related_guidance", "Related NICE guidance"),
    ("expert_opinions", "Professional experts' opinions"),
    ("patient_commentary", "Patient commentators' opinions"),
    ("company_engagement", "Company engagement"),
    ("ongoing_trials", "Ongoing trials"),
)

CRITERIA_ROWS = (
    ("publication_type", "Publication type"),
    ("patients", "Patients"),
    ("intervention", "Intervention/test"),
    ("outcomes", "Outcome"),
    ("language", "Language"),
)


def p_text(p_value: str) -> str:
    """ "<0.0001" -> "p<0.0001", "0.03" -> "p=0.03"; words ("NS", "not significant") as given."""
    p = p_value.strip()
    if not p:
        return ""
    if p[0] in "<>=":
        return f"p{p}"
    if p[0].isdigit() or p[0] == ".":
        return f"p={p}"
    return p


def percent(n: int, total: int) -> str:
    """NICE's percentages: whole when exact ("10%"), else one decimal ("4.2%", "14.3%")."""
    value = 100 * n / total
    return f"{value:.0f}%" if value == int(value) else f"{value:.1f}%"


@dataclass(frozen=True)
class Outcome:
    name: str
    role: str = "efficacy"  # efficacy or safety
    kind: str = "continuous"  # continuous, categorical, event
    better: str = "none"  # which direction is better: higher, lower, none
    description: str = ""  # e.g. what a pain VAS means


@dataclass(frozen=True)
class Criteria:
    publication_type: str = ""
    patients: str = ""
    intervention: str = ""
    outcomes: str = ""
    language: str = ""


@dataclass(frozen=True)
class Sections:
    """The lead's text for the overview's sections the database cannot fill (SECTION_ROWS),
    kept as typed: the report prints it line by line and never reads it as markup."""

    indications: str = ""
    procedure: str = ""
    anecdotal_events: str = ""
    existing_assessments: str = ""
    related_guidance: str = ""
    expert_opinions: str = ""
    patient_commentary: str = ""
    company_engagement: str = ""
    ongoing_trials: str = ""


@dataclass(frozen=True)
class Protocol:
    title: str = ""  # the procedure and indication, e.g. "Cryoablation of peripheral neuroma"
    efficacy: tuple[Outcome, ...] = ()
    safety: tuple[Outcome, ...] = ()
    criteria: Criteria = field(default_factory=Criteria)
    exclusion_reasons: tuple[str, ...] = ()  # screening reasons; empty keeps the current ones
    appendix_reasons: tuple[str, ...] = (
        "Larger or more recent studies with longer follow-up are included",
        "Review: relevant cited studies are included",
        "Case report",
        "Conference abstract",
        "Mixed population",
    )
    sections: Sections = field(default_factory=Sections)

    def outcome(self, name: str) -> Outcome | None:
        for outcome in (*self.efficacy, *self.safety):
            if outcome.name.casefold() == name.casefold():
                return outcome
        return None


@dataclass(frozen=True)
class StudyDetails:
    """The NICE study-details rows (free text as it will be printed) plus the facts the app
    needs to order studies and write the validity section (design, size, follow-up)."""

    study_type: str = ""
    country: str = ""
    recruitment: str = ""
    population: str = ""
    age_sex: str = ""
    selection: str = ""
    technique: str = ""
    follow_up: str = ""
    funding: str = ""
    analysis_follow_up: str = ""
    analysis_design: str = ""
    analysis_population: str = ""
    analysis_other: str = ""
    design: str = ""  # one of DESIGNS
    retrospective: bool | None = None
    patients: int | None = None  # patients enrolled
    analysed: int | None = None  # "Number of patients analysed"
    follow_up_months: float | None = None  # longest or mean follow-up, for ordering
    lost_to_follow_up: int | None = None
    population_label: str = ""  # "patients with Morton's neuroma", for summary sentences

    @property
    def analysis(self) -> str:
        return "\n".join(
            f"{label}: {getattr(self, key)}" for key, label in ANALYSIS_PARTS if getattr(self, key)
        )


@dataclass(frozen=True)
class AppendixEntry:
    patients_follow_up: str = ""  # "n=12, 6 months", or the design: "Review"
    direction: str = ""  # direction of conclusions, one line
    reason: str = ""  # reason for non-inclusion in the key evidence


@dataclass(frozen=True)
class EfficacyFinding:
    outcome: str
    measure: str
    timepoint: str
    value: str = ""
    spread_kind: str = ""
    spread: str = ""
    n: int | None = None
    total: int | None = None
    p_value: str = ""
    analysed: int | None = None
    note: str = ""

    @property
    def cell(self) -> str:
        """The table cell as NICE prints it: "6.2 (95% CI 5.2 to 7.3)", "15/20 (75%)"."""
        if self.n is not None and self.total:
            text = f"{self.n}/{self.total} ({percent(self.n, self.total)})"
            if self.value:
                text = f"{self.value} ({self.n}/{self.total})"
        else:
            text = self.value
            if self.spread:
                kind = f"{self.spread_kind} " if self.spread_kind else ""
                text = f"{text} ({kind}{self.spread})" if text else f"{kind}{self.spread}"
        if self.p_value:
            text = f"{text} ({p_text(self.p_value)})" if text else p_text(self.p_value)
        return text


@dataclass(frozen=True)
class SafetyFinding:
    event: str
    n: int | None = None
    total: int | None = None
    unit: str = "patient"
    severity: str = ""
    timepoint: str = ""
    note: str = ""

    @property
    def cell(self) -> str:
        """ "2/20 (10%)", or the note alone ("no major complications")."""
        if self.n is None:
            return self.note
        if self.total:
            return f"{self.n}/{self.total} ({percent(self.n, self.total)})"
        return str(self.n)


@dataclass(frozen=True)
class StudyLink:
    """That a record reports a study, as stored; ``main`` marks the record cited for it."""

    study_id: int
    record_id: int
    main: bool = False


@dataclass(frozen=True)
class StudyRecord:
    record_id: int
    citation: str  # "Cazzato RL, Garnon J, ... (2016) Title. Journal 27: 1-9"
    main: bool = False


@dataclass(frozen=True)
class Study:
    id: int
    label: str  # "Cazzato 2016"
    role: str = "undecided"
    position: int | None = None
    details: StudyDetails = field(default_factory=StudyDetails)
    appendix: AppendixEntry = field(default_factory=AppendixEntry)
    records: tuple[StudyRecord, ...] = ()
    efficacy: tuple[EfficacyFinding, ...] = ()
    safety: tuple[SafetyFinding, ...] = ()
    year: int | None = None  # of the main record
    first_author: str = ""  # "Cazzato RL"

    @property
    def heading_name(self) -> str:
        """NICE's heading name: "Cazzato RL (2016)"; a label that ends with the year already
        ("Smith 2016", "Smith (2016)") gives it once."""
        name = self.first_author or self.label
        if not self.year:
            return name
        name = re.sub(rf"[\s,]*\(?{self.year}\)?\s*$", "", name) or name
        return f"{name} ({self.year})"

    @property
    def main_record(self) -> StudyRecord | None:
        for record in self.records:
            if record.main:
                return record
        return self.records[0] if self.records else None


@dataclass(frozen=True)
class ExtractionEvent:
    """One change to a study (create, link, delete, save): who, when, from where (app, cli,
    import:<file>) and what, as the new state the change wrote."""

    id: int
    at: str
    actor: str
    study_id: int | None
    action: str
    detail: dict = field(default_factory=dict)
    source: str = "app"


@dataclass(frozen=True)
class ExtractionDraft:
    """A reviewer's unsaved work on a study (db/012): each part as ``review.extraction.drafts``
    keeps it, and when it was last changed."""

    reviewer: str
    study_id: int
    parts: dict = field(default_factory=dict)
    updated_at: str = ""
