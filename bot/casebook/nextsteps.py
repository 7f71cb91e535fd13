"""The suggested next steps of a club's December brief, derived from its record by one pure rule each.

Each rule reads `BriefFacts` and names a `Step` (its text is `casebook.step.<step>`); the brief shows them in this
order, the most pressing first. A club with nothing to suggest is told to keep going.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.casebook.types import BriefFacts, Step

#: A club whose members are active below this share is asked to bring the channel back to life.
QUIET_SHARE = 0.25

RULES: tuple[tuple[Step, Callable[[BriefFacts], bool]], ...] = (
    (Step.NARRATIVE, lambda f: f.narrative_due),
    (Step.MEETING, lambda f: f.meetings_this_quarter == 0),
    (Step.JOINT_PAPER, lambda f: f.joint_papers == 0),
    (Step.INTERNATIONAL, lambda f: f.joint_papers > 0 and f.international_papers == 0),
    (Step.PROPOSAL, lambda f: f.proposals == 0),
    (Step.ORCID, lambda f: f.members_without_orcid > 0),
    (Step.UPDATES, lambda f: f.updates_last_90_days == 0),
    (Step.ENGAGEMENT, lambda f: f.members > 0 and f.active_share < QUIET_SHARE),
)


def next_steps(facts: BriefFacts) -> tuple[Step, ...]:
    """The steps to suggest, most pressing first (never empty)."""
    steps = tuple(step for step, applies in RULES if applies(facts))
    return steps or (Step.KEEP_GOING,)
