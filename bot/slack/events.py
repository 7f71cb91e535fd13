"""Events API deliveries: each event is processed once, even when Slack delivers it again."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import SlackEvent, utcnow


def first_delivery(session: Session, event_id: str | None) -> bool:
    """Record `event_id` in the caller's transaction; False when it was already processed (a redelivery).

    Call it in the same transaction as the event's effects, so an event whose processing failed is not
    marked as done.
    """
    if not event_id:
        return True
    try:
        with session.begin_nested():
            session.add(SlackEvent(event_id=event_id))
    except IntegrityError:
        return False
    return True


def forget_old_events(
    session: Session, *, older_than: timedelta = timedelta(days=7), now: datetime | None = None
) -> int:
    """Slack retries for minutes, not days: old delivery records can go."""
    cutoff = (now or utcnow()) - older_than
    return session.execute(delete(SlackEvent).where(SlackEvent.received_at < cutoff)).rowcount  # type: ignore[attr-defined]
