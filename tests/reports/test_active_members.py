"""The report counts a member active exactly when THE rule does (`bot.domain.is_active_member`): who posted
(a message, a thread reply or a file) in the period; reactions alone do not count."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import is_active_member
from bot.reports.figures import program_figures
from bot.reports.rows import ActivityRow, ClubRow, Dataset, MemberRow, PersonRow
from bot.reports.settings import load_report_settings
from tests.reports.data import AI, Q4, SEOUL, seoul

SETTINGS = load_report_settings()
MEMBER = PersonRow(1, None, "Grace Park", slack_user_id="U1")
CLUB: ClubRow = AI


@pytest.mark.parametrize(
    ("messages", "replies", "files", "reactions", "active"),
    [
        (0, 0, 0, 0, False),  # silent
        (0, 0, 0, 3, False),  # reactions only
        (0, 0, 1, 0, True),  # one file share
        (0, 0, 1, 5, True),  # a file and reactions
        (1, 0, 0, 0, True),  # one message
        (0, 1, 0, 0, True),  # one thread reply
    ],
)
def test_the_report_and_the_rule_agree_on_who_is_active(messages, replies, files, reactions, active):
    activity = ActivityRow(CLUB.id, "U1", date(2026, 11, 2), messages, replies, files, reactions)
    dataset = Dataset(
        period=Q4,
        tz=SEOUL,
        clubs=(CLUB,),
        people={MEMBER.id: MEMBER},
        members=(MemberRow(CLUB.id, MEMBER.id, "member", "active", seoul(2026, 10, 10, 9), None),),
        activity=(activity,),
    )
    figures = program_figures(dataset, SETTINGS).clubs[0]

    assert is_active_member(posts=messages + replies + files) is active
    assert figures.engagement.active_members == (1 if active else 0)
    assert figures.engagement.share_active == (1.0 if active else 0.0)
    assert figures.engagement.reactions == reactions
