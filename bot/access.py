"""Who may do what: the roles a subcommand or form may require (`Rule`), and the one rule deciding whether a
caller may run it (`allowed`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain import ClubRole


class Rule(StrEnum):
    """Who may run a subcommand. The authorization matrix test is derived from this table."""

    ANYONE = "anyone"  # any Slack user of the workspace
    MEMBER = "member"  # a member (or leader) of the club, or an admin
    LEADER = "leader"  # a leader of the club, or an admin
    ADMIN = "admin"  # secretariat staff (CLUBBOT_ADMINS)


@dataclass(frozen=True)
class Caller:
    """A person's standing for one request: secretariat admin or not, and their role in the club acted on."""

    user_id: str
    is_admin: bool = False
    club_role: ClubRole | None = None
    #: The caller's participant record, when they have one (resolved with their role).
    participant_id: int | None = None


def allowed(rule: Rule, caller: Caller) -> bool:
    """Admins may do everything; leaders what members may; members what anyone may."""
    if caller.is_admin:
        return True
    match rule:
        case Rule.ANYONE:
            return True
        case Rule.MEMBER:
            return caller.club_role in (ClubRole.MEMBER, ClubRole.LEADER)
        case Rule.LEADER:
            return caller.club_role is ClubRole.LEADER
        case Rule.ADMIN:
            return False


# --- forms (modal submissions) ---------------------------------------------------------------------


@dataclass(frozen=True)
class FormRule:
    """Who may submit a form. A club-scoped form carries its club in `private_metadata["club"]`."""

    rule: Rule
    club_scoped: bool


#: Every modal the app accepts, with its rule; the guard refuses a submission of any other form. Filled by the
#: features when they register their listeners (`register_form`).
FORMS: dict[str, FormRule] = {}


def register_form(callback_id: str, rule: Rule, *, club_scoped: bool) -> None:
    existing = FORMS.get(callback_id)
    if existing is not None and existing != FormRule(rule, club_scoped):
        raise ValueError(f"form {callback_id!r} registered with two rules")
    FORMS[callback_id] = FormRule(rule, club_scoped)
