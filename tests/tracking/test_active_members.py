"""Who counts as an active member on the `/club status` card: `bot.domain.is_active_member`, a member who
posted at least once in the period (a message, a thread reply or a shared file); reactions alone do not count."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain import Language, is_active_member
from bot.tracking.engagement import ActivityCount, classify_message, engagement_figures
from bot.tracking.views.status import engagement_lines

FIRST, LAST = date(2026, 10, 1), date(2026, 12, 31)
DAY = date(2026, 11, 4)
TS = str(datetime(2026, 11, 4, 3, tzinfo=UTC).timestamp())


def _day_of(event: dict[str, object]) -> ActivityCount:
    """The counts one message event adds to its author's day, as the channel's events are recorded."""
    activity = classify_message(event)
    assert activity is not None
    return ActivityCount(activity.user_id, DAY, activity.messages, activity.replies, activity.files, activity.reactions)


FILE_SHARE = {"type": "message", "subtype": "file_share", "user": "UMEMBER", "ts": TS, "files": [{"id": "F1"}]}
REPLY = {"type": "message", "user": "UMEMBER", "ts": TS, "thread_ts": "1793000000.000100"}


@pytest.mark.parametrize(
    ("case", "rows", "active"),
    [
        ("nothing in the quarter", [], False),
        ("only reactions", [ActivityCount("UMEMBER", DAY, reactions=12)], False),
        (
            "reactions on many days",
            [ActivityCount("UMEMBER", date(2026, 10, d), reactions=1) for d in (1, 8, 15)],
            False,
        ),
        ("one message", [ActivityCount("UMEMBER", DAY, messages=1)], True),
        ("one thread reply", [ActivityCount("UMEMBER", DAY, replies=1)], True),
        ("one file", [ActivityCount("UMEMBER", DAY, files=1)], True),
        ("one file share, as recorded", [_day_of(FILE_SHARE)], True),
        ("one thread reply, as recorded", [_day_of(REPLY)], True),
        ("a message before the quarter", [ActivityCount("UMEMBER", date(2026, 9, 30), messages=3)], False),
        ("reactions and one file", [ActivityCount("UMEMBER", DAY, files=1, reactions=4)], True),
    ],
)
def test_an_active_member_on_club_status_is_one_who_posted(case, rows, active):
    figures = engagement_figures(rows, ["UMEMBER", "UOTHER"], FIRST, LAST)
    posts = sum(r.posts for r in rows if FIRST <= r.day <= LAST)
    assert is_active_member(posts=posts) is active, case
    assert figures.active_members == (1 if active else 0), case
    line = engagement_lines(Language.EN, figures)[0]
    assert line.startswith(f"Active members: {1 if active else 0} of 2"), (case, line)
