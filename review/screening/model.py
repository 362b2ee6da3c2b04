"""The screening domain: stages, decisions, reviewers, settings, conflicts, agreement."""

from __future__ import annotations

from dataclasses import dataclass, field

STAGES = ("title_abstract", "full_text")
STAGE_LABELS = {"title_abstract": "title/abstract", "full_text": "full-text"}
DECISIONS = ("include", "exclude", "maybe")
ROLES = ("lead", "reviewer")
DEFAULT_REASONS = (
    "Wrong population",
    "Wrong intervention",
    "Wrong outcomes",
    "Wrong publication type",
    "Wrong study design",
    "Not in English",
    "Duplicate",
    "Full text not available",
)


@dataclass(frozen=True)
class Reviewer:
    name: str
    role: str = "reviewer"

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"


@dataclass(frozen=True)
class Account:
    """A reviewer's account as stored; a removed one keeps its row (``active`` False) so the name
    stays reserved for the author of its decisions."""

    name: str
    role: str
    created_at: str
    active: bool = True
    removed_at: str | None = None
    credential_version: int = 0  # bumped by a password reset or a removal: ends old sessions
    password_hash: str = field(default="", repr=False)


@dataclass(frozen=True)
class AccountEvent:
    """One change to an account (add, set_role, password, remove), by whom and when."""

    id: int
    at: str
    actor: str
    action: str
    name: str
    detail: dict = field(default_factory=dict)  # the role given, the role before


@dataclass(frozen=True)
class SignIn:
    """One sign-in to the app: who, with which credential version, until when, and how it ended
    (``revoked_why``: sign-out, password or remove; None while it lasts or once it expired)."""

    id: int
    name: str
    credential_version: int
    created_at: str
    expires: float  # seconds since the epoch
    revoked_at: str | None = None
    revoked_why: str | None = None


@dataclass(frozen=True)
class Decision:
    record_id: int  # the record decided on (its group's primary is the unit screened)
    reviewer: str
    stage: str
    decision: str
    reason: str = ""
    note: str = ""
    at: str = ""
    kind: str = "screening"  # or "resolution": a lead settling a conflict


@dataclass(frozen=True)
class FullTextVersion:
    """One kept version of a record's full text (its bytes are read only when asked for)."""

    record_id: int
    version: int
    file_name: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: str


@dataclass(frozen=True)
class DecisionEvent:
    """One stored decision event (a decision, a lead's resolution or an undo), as appended;
    ``unit`` is the record's group primary, the record the event counts for."""

    id: int
    record_id: int
    reviewer: str
    stage: str
    kind: str
    decision: str  # include, exclude, maybe or undo
    reason: str
    note: str
    at: str
    source: str
    unit: int


@dataclass(frozen=True)
class Settings:
    question: str = ""
    criteria: str = ""
    exclusion_reasons: tuple[str, ...] = DEFAULT_REASONS
    include_terms: tuple[str, ...] = ()
    exclude_terms: tuple[str, ...] = ()
    dual: bool = False


@dataclass(frozen=True)
class Conflict:
    record_id: int
    stage: str
    decisions: tuple[Decision, ...]


@dataclass(frozen=True)
class Agreement:
    """Agreement of two reviewers over the records both decided at a stage."""

    records: int
    agreed: int
    kappa: float | None  # Cohen's kappa; None when undefined (no records, or one category)
    reviewers: tuple[str, ...] = field(default=())

    @property
    def percent(self) -> float | None:
        return 100 * self.agreed / self.records if self.records else None


@dataclass(frozen=True)
class Progress:
    stage: str
    total: int  # records to screen at this stage
    decided: int  # records with a final (consensus or resolved) decision
    included: int
    excluded: int
    conflicts: int
    mine: int  # decided by the reviewer asking
    blinded: bool = False  # counts of the asker's own decisions and leads' resolutions only
