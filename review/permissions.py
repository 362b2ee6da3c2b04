"""Who may do what to a review: one table, enforced by the library functions that change it.

The app and the CLI only pass the acting reviewer down; the refusal comes from here, so a page
or a command cannot forget a check. The README prints this table (``permission_rows``).
"""

from __future__ import annotations

from review.errors import PermissionDenied
from review.screening.model import Reviewer

LEAD = ("lead",)
EVERYONE = ("lead", "reviewer")

# action -> (roles allowed, what it covers, as the README and error messages say it)
PERMISSIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "screen": (EVERYONE, "decide records at title/abstract and full text, undo their own"),
    "keep_full_text": (EVERYONE, "keep a full text (PDF) with a record"),
    "extract": (EVERYONE, "enter study details and findings"),
    "resolve_conflict": (LEAD, "resolve conflicts and change a final decision"),
    "decide_duplicates": (LEAD, "merge, keep apart or unmerge possible duplicates"),
    "manage_studies": (LEAD, "create, link, split, mark and order studies"),
    "edit_protocol": (LEAD, "edit the protocol and the review's settings"),
    "export_report": (LEAD, "edit the report's summaries, export the report and PRISMA diagram"),
    "manage_reviewers": (LEAD, "add reviewers, change roles, remove reviewers"),
    "see_all_decisions": (LEAD, "see every reviewer's decisions (no blinding)"),
}


def allowed(actor: Reviewer, action: str) -> bool:
    roles, _what = PERMISSIONS[action]
    return actor.role in roles


def require(actor: Reviewer, action: str) -> None:
    """Refuse, with a message that says who may, when the actor's role does not allow it."""
    if not allowed(actor, action):
        roles, what = PERMISSIONS[action]
        who = " or ".join(f"{r}s" for r in roles)
        raise PermissionDenied(
            f"{actor.name} is a {actor.role}: only {who} may {what}. Ask a lead to do it, or "
            "to change your role (review reviewer set-role)."
        )


def permission_rows() -> list[tuple[str, str, str]]:
    """(action, roles, what it covers) for the README and `review reviewer permissions`."""
    return [(a, ", ".join(roles), what) for a, (roles, what) in PERMISSIONS.items()]
