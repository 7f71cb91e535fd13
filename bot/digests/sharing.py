"""Links members share for their club's next digest: queued under the sharer's name (`share_link`), and the
shared page's title read once, politely, afterwards (`read_shared_title`). Part of the digest service
(`bot.digests.service`); no database transaction is open while the page is fetched.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.digests import store
from bot.digests.feeds.fetch import fetch_one
from bot.digests.feeds.normalize import url_key
from bot.digests.feeds.pages import html_title
from bot.digests.feeds.types import FetchOptions
from bot.digests.service import schedule_of
from bot.digests.types import SharedLink
from bot.errors import UserError
from bot.people import display_name
from bot.standing import participant_of
from storage.db import Database
from storage.models import Participant, SharedItem

log = logging.getLogger(__name__)


def title_options(allow_private: bool) -> FetchOptions:
    """For reading the title of a shared page: short, small, and given up quickly."""
    return FetchOptions(
        allow_private=allow_private, connect_timeout=3.0, read_timeout=3.0, deadline=5.0, max_bytes=2 * 1024 * 1024
    )


def share_link(
    session: Session, club_id: int, user_id: str, url: str, note: str, now: datetime, *, default_tz: str
) -> SharedLink:
    """Queue a link for the club's next digest under the sharer's name (the page's title is read later,
    by `read_shared_title`). The same link queued twice is kept once."""
    club = store.club_of(session, club_id)
    person = participant_of(session, user_id)
    if person is None:
        raise UserError("digests.error.not_a_participant")
    schedule = schedule_of(club, default_tz)
    wanted = url_key(url)
    for queued, sharer in session.execute(
        select(SharedItem, Participant)
        .join(Participant, Participant.id == SharedItem.shared_by_id)
        .where(SharedItem.club_id == club_id, SharedItem.digest_id.is_(None))
    ).all():
        if url_key(queued.url) == wanted:
            return SharedLink(
                queued.id,
                queued.url,
                False,
                display_name(sharer, club.language) or "",
                schedule.next_slot(now),
                schedule,
            )
    item = SharedItem(club_id=club_id, shared_by_id=person.id, url=url, note=note or None, created_at=now)
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor=user_id,
        action="digest.shared",
        entity="club",
        entity_id=item.id,
        club_id=club_id,
        details={"url": url},
    )
    return SharedLink(item.id, url, True, display_name(person, club.language) or "", schedule.next_slot(now), schedule)


def read_shared_title(database: Database, shared_id: int, *, allow_private: bool) -> str | None:
    """Fetch a shared page once, politely (same address checks as feeds, short time limits), and store its
    title; None when it has none or does not answer, and the digest shows the link itself."""
    with database.session() as session:
        item = session.get(SharedItem, shared_id)
        url = item.url if item is not None and item.title is None else None
    if url is None:
        return None
    try:
        result = fetch_one(url, title_options(allow_private))
        title = html_title(result.body, result.content_type) if result.ok and result.body else None
        if title:
            with database.session() as session:
                session.execute(
                    update(SharedItem).where(SharedItem.id == shared_id, SharedItem.title.is_(None)).values(title=title)
                )
    except Exception:  # the link is queued either way; the digest then shows the address
        log.exception("could not read the title of shared link %s", shared_id)
        return None
    return title
