"""Reading a club's items in a period, and its figures for a quarter (`/club status`, the reports)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.domain import ACHIEVED_STATUSES, OUTPUT_STATUSES, OutputStatus, OutputType, Quarter
from bot.refs import ClubRef
from bot.standing import participant_of
from bot.time import zone
from bot.tracking.engagement import club_engagement
from bot.tracking.reminders import club_due_lines
from bot.tracking.service.items import MODELS, meeting_item, output_item, plan_item, update_item
from bot.tracking.surveys import latest_summary
from bot.tracking.types import ClubItems, OutputItem, OutputTally, QuarterFigures
from storage.models import ClubMeeting, Output, OutputStatusChange, Plan, Update


def items_filed(
    session: Session,
    club_id: int,
    start: datetime,
    end: datetime,
    *,
    author_user_id: str | None = None,
    include_deleted: bool = False,
) -> ClubItems:
    """Items filed in [start, end) (meetings by the day they were held, in the same instants' days)."""
    author_id = None
    if author_user_id is not None:
        author = participant_of(session, author_user_id)
        if author is None:
            return ClubItems()
        author_id = author.id

    def rows(model: Any, author_column: Any, *when: Any) -> list[Any]:
        query = select(model).where(model.club_id == club_id, *when).order_by(model.created_at, model.id)
        if not include_deleted:
            query = query.where(model.deleted_at.is_(None))
        if author_id is not None:
            query = query.where(author_column == author_id)
        return list(session.scalars(query))

    filed = (Update.created_at >= start, Update.created_at < end)
    return ClubItems(
        updates=tuple(update_item(session, r) for r in rows(Update, Update.author_id, *filed)),
        outputs=tuple(
            output_item(session, r)
            for r in rows(Output, Output.filed_by_id, Output.created_at >= start, Output.created_at < end)
        ),
        meetings=tuple(
            meeting_item(session, r)
            for r in rows(
                ClubMeeting, ClubMeeting.filed_by_id, ClubMeeting.created_at >= start, ClubMeeting.created_at < end
            )
        ),
        plans=tuple(
            plan_item(session, r) for r in rows(Plan, Plan.author_id, Plan.created_at >= start, Plan.created_at < end)
        ),
    )


def items_in_quarter(session: Session, club: ClubRef, quarter: Quarter, tz: ZoneInfo) -> ClubItems:
    """What a quarterly report covers: updates and plans filed in the quarter, meetings held in it, and outputs
    filed in it or whose status changed in it (the reader takes each output's `status_as_of(quarter end)`)."""
    start, end = quarter.start(tz), quarter.end(tz)
    filed = items_filed(session, club.id, start, end)
    meetings = session.scalars(
        select(ClubMeeting)
        .where(
            ClubMeeting.club_id == club.id,
            ClubMeeting.deleted_at.is_(None),
            ClubMeeting.held_on >= quarter.first_day,
            ClubMeeting.held_on <= quarter.last_day,
        )
        .order_by(ClubMeeting.held_on, ClubMeeting.id)
    )
    moved = select(OutputStatusChange.output_id).where(
        OutputStatusChange.changed_at >= start, OutputStatusChange.changed_at < end
    )
    outputs = session.scalars(
        select(Output)
        .where(
            Output.club_id == club.id,
            Output.deleted_at.is_(None),
            Output.created_at < end,
            or_(Output.created_at >= start, Output.id.in_(moved)),
        )
        .order_by(Output.created_at, Output.id)
    )
    return ClubItems(
        updates=filed.updates,
        outputs=tuple(output_item(session, r) for r in outputs),
        meetings=tuple(meeting_item(session, r) for r in meetings),
        plans=filed.plans,
    )


def output_tallies(outputs: Iterable[OutputItem], end: datetime) -> tuple[OutputTally, ...]:
    """Count outputs by type and by their status as of `end` (pure)."""
    by_type: dict[OutputType, list[OutputItem]] = {}
    for output in outputs:
        if output.status_as_of(end) is not None:
            by_type.setdefault(output.type, []).append(output)
    tallies = []
    for output_type in OutputType:
        items = by_type.get(output_type)
        if not items:
            continue
        statuses: dict[OutputStatus, int] = {}
        for output in items:
            status = output.status_as_of(end)
            assert status is not None
            statuses[status] = statuses.get(status, 0) + 1
        ordered = tuple((s, statuses[s]) for s in OUTPUT_STATUSES[output_type] if s in statuses)
        tallies.append(
            OutputTally(
                type=output_type,
                total=len(items),
                by_status=ordered,
                confirmed=sum(1 for o in items if o.confirmed_as_of(end)),
                achieved=sum(1 for o in items if o.status_as_of(end) in ACHIEVED_STATUSES),
            )
        )
    return tuple(tallies)


def quarter_figures(
    session: Session, club: ClubRef, quarter: Quarter, *, now: datetime, default_tz: str
) -> QuarterFigures:
    """The club's figures for `quarter` (a current quarter: as of now)."""
    tz = zone(club.timezone, default_tz)
    end = min(quarter.end(tz), now)
    items = items_in_quarter(session, club, quarter, tz)
    last_day = min(quarter.last_day, now.astimezone(tz).date())
    engagement = club_engagement(session, club.id, quarter.first_day, max(last_day, quarter.first_day), tz)
    today = now.astimezone(tz).date()
    return QuarterFigures(
        club=club,
        quarter=quarter,
        as_of=end.astimezone(tz),  # its date is the club's day ("as of Dec 7" in Seoul at 07:00 on Dec 7)
        updates=len(items.updates),
        plans=len(items.plans),
        meetings=items.meetings,
        outputs=output_tallies(items.outputs, end),
        engagement=engagement,
        due=tuple(club_due_lines(session, club, today)),
        survey=latest_summary(session, club.id, now=now),
    )


def count_items(session: Session, club_id: int) -> dict[str, int]:
    """How many live items of each kind a club has (for overviews)."""
    counts = {}
    for kind, model in MODELS.items():
        counts[kind.entity] = (
            session.scalar(
                select(func.count()).select_from(model).where(model.club_id == club_id, model.deleted_at.is_(None))
            )
            or 0
        )
    return counts
