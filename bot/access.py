"""Who may do what: the one rule deciding whether a caller may run a subcommand."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands import Rule
from bot.domain import ClubRole


@dataclass(frozen=True)
class Caller:
    """A person's standing for one request: secretariat admin or not, and their role in the club acted on."""

    user_id: str
    is_admin: bool = False
    club_role: ClubRole | None = None


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
