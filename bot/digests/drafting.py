"""What a club's next digest holds (`draft_digest`), and remembering what was posted (`record_digest`) so it
never comes again. Part of the store (`bot.digests.store`): plain values out, texts already escaped for Slack
mrkdwn (`DraftItem`); the ranking itself is the engine's (`bot.digests.feeds.rank`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.digests.feed_rows import club_of
from bot.digests.feeds.catalog import load_vocabulary
from bot.digests.feeds.doi import doi_from_url
from bot.digests.feeds.normalize import is_distinctive_title, title_key, url_key
from bot.digests.feeds.rank import Candidate, RankConfig, SharedCandidate, build_profile, plan_digest
from bot.digests.feeds.text import collapse_whitespace, plain_text, slack_escape, slack_link_url, truncate
from bot.digests.types import Draft, DraftItem, RecordedDigest
from bot.domain import FieldKey
from bot.people import display_name
from storage.models import ClubFeed, Digest, DigestEntry, Feed, FeedItem, Output, Participant, SharedItem

LOOKBACK = timedelta(days=14)
MAX_AGE = timedelta(days=30)
MAX_CANDIDATES = 5000
SUMMARY_LINE = 240


def _is_global_key(key: str | None) -> bool:
    """Entry keys that name the item itself (URIs, tags, hashes), not a feed-local number like `123`."""
    return key is not None and (":" in key or "/" in key) and len(key) >= 8


def draft_digest(
    session: Session,
    club_id: int,
    now: datetime,
    max_items: int | None = None,
    *,
    lookback: timedelta = LOOKBACK,
    max_age: timedelta = MAX_AGE,
    config: RankConfig | None = None,
) -> Draft:
    """What the club's next digest would contain: members' shared items first, then the best new items.

    Candidates are items of the club's feeds first seen within `lookback` (and not published more than
    `max_age` ago), never posted to this club before: not the same item, link (normalised), distinctive
    title (normalised) or global entry id as any earlier digest entry of the club. Off-topic items stay
    out (the relevance floor), so a quiet week gives an empty draft.
    """
    club = club_of(session, club_id)
    limit = max_items or club.digest_max_items
    config = RankConfig(max_items=limit) if config is None else config

    subscriptions = session.execute(
        select(ClubFeed.feed_id, ClubFeed.keywords, Feed.title, Feed.url)
        .join(Feed, Feed.id == ClubFeed.feed_id)
        .where(ClubFeed.club_id == club_id)
    ).all()
    sources = {feed_id: title or urlsplit(url).hostname for feed_id, _, title, url in subscriptions}
    feed_keywords = {feed_id: keywords for feed_id, keywords, _, _ in subscriptions if keywords}

    posted = session.execute(
        select(DigestEntry.feed_item_id, DigestEntry.entry_key, DigestEntry.url_key, DigestEntry.title_key).where(
            DigestEntry.club_id == club_id
        )
    ).all()
    posted_items = {row.feed_item_id for row in posted if row.feed_item_id}
    posted_entries = {row.entry_key for row in posted if _is_global_key(row.entry_key)}
    posted_urls = {row.url_key for row in posted if row.url_key}
    posted_titles = {row.title_key for row in posted if row.title_key}

    items: list[FeedItem] = []
    if sources:
        items = list(
            session.scalars(
                select(FeedItem)
                .where(
                    FeedItem.feed_id.in_(list(sources)),
                    FeedItem.first_seen_at >= now - lookback,
                    FeedItem.first_seen_at <= now,
                    (FeedItem.published_at.is_(None)) | (FeedItem.published_at >= now - max_age),
                )
                .order_by(FeedItem.first_seen_at.desc(), FeedItem.id.desc())
                .limit(MAX_CANDIDATES)
            )
        )
    by_id = {item.id: item for item in items}
    candidates = [
        Candidate(
            id=item.id,
            title=item.title,
            summary=item.summary or "",
            when=item.published_at or item.first_seen_at,
            feed_id=item.feed_id,
            url_key=item.url_key,
            title_key=item.title_key,
        )
        for item in items
        if item.id not in posted_items
        and item.entry_key not in posted_entries
        and not (item.url_key and item.url_key in posted_urls)
        and not (item.title_key in posted_titles and is_distinctive_title(item.title))
    ]

    shared_rows = session.execute(
        select(SharedItem, Participant)
        .join(Participant, Participant.id == SharedItem.shared_by_id, isouter=True)
        .where(SharedItem.club_id == club_id, SharedItem.digest_id.is_(None))
        .order_by(SharedItem.created_at, SharedItem.id)
    ).all()
    shared_by_id = {row[0].id: row for row in shared_rows}
    shared = [
        SharedCandidate(
            id=item.id,
            title=_shared_title(item),
            sharer=display_name(person, club.language) or "",
            url_key=url_key(item.url),
            title_key=title_key(_shared_title(item)),
        )
        for item, person in shared_rows
    ]

    profile = build_profile(
        keywords=club.keywords,
        vocabulary=load_vocabulary()[FieldKey(club.field)],
        output_titles=session.scalars(
            select(Output.title).where(Output.club_id == club_id, Output.deleted_at.is_(None))
        ).all(),
        feed_keywords=feed_keywords,
    )
    draft_items: list[DraftItem] = []
    for pick in plan_digest(shared, candidates, profile, now, config):
        if pick.shared is not None:
            item, _person = shared_by_id[pick.shared.id]
            draft_items.append(
                DraftItem(
                    title=slack_escape(pick.shared.title),
                    url=slack_link_url(item.url),
                    source=None,
                    date=item.created_at,
                    summary=slack_escape(plain_text(item.note, limit=SUMMARY_LINE, is_html=False))
                    if item.title
                    else "",
                    sharer=slack_escape(pick.shared.sharer) if pick.shared.sharer else None,
                    score=0.0,
                    reasons=("shared",),
                    shared_item_id=item.id,
                    url_key=pick.shared.url_key,
                    title_key=pick.shared.title_key or "",
                    doi=doi_from_url(item.url),
                )
            )
        elif pick.ranked is not None:
            feed_item = by_id[pick.ranked.candidate.id]
            draft_items.append(
                DraftItem(
                    title=slack_escape(feed_item.title),
                    url=slack_link_url(feed_item.url) if feed_item.url else None,
                    source=slack_escape(sources.get(feed_item.feed_id) or "") or None,
                    date=feed_item.published_at or feed_item.first_seen_at,
                    summary=slack_escape(truncate(feed_item.summary or "", SUMMARY_LINE)),
                    sharer=None,
                    score=round(pick.ranked.score, 4),
                    reasons=pick.ranked.reasons,
                    feed_item_id=feed_item.id,
                    entry_key=feed_item.entry_key,
                    url_key=feed_item.url_key,
                    title_key=feed_item.title_key,
                    doi=feed_item.doi or (doi_from_url(feed_item.url) if feed_item.url else None),
                )
            )
    return Draft(club_id, now, tuple(draft_items))


def _shared_title(item: SharedItem) -> str:
    for text in (item.title, item.note):
        if text and text.strip():
            return truncate(collapse_whitespace(text), 300)
    return item.url


def record_digest(session: Session, club_id: int, period: str, draft: Draft) -> RecordedDigest:
    """Write the digest and remember its items so they are never posted to this club again.

    One digest per (club, period): a second call for the same period returns the existing one unchanged
    (`created=False`), also when two calls race (the unique constraint decides).
    """
    existing = session.scalar(select(Digest).where(Digest.club_id == club_id, Digest.period == period))
    if existing is not None:
        return RecordedDigest(existing.id, club_id, period, existing.item_count, created=False)
    try:
        with session.begin_nested():
            digest = Digest(club_id=club_id, period=period, item_count=len(draft.items))
            session.add(digest)
            session.flush()
            for item in draft.items:
                session.add(
                    DigestEntry(
                        digest_id=digest.id,
                        club_id=club_id,
                        feed_item_id=item.feed_item_id,
                        shared_item_id=item.shared_item_id,
                        entry_key=item.entry_key,
                        url_key=item.url_key,
                        title_key=item.title_key,
                    )
                )
            shared_ids = [item.shared_item_id for item in draft.items if item.shared_item_id]
            if shared_ids:
                session.execute(
                    update(SharedItem)
                    .where(SharedItem.id.in_(shared_ids), SharedItem.digest_id.is_(None))
                    .values(digest_id=digest.id)
                )
            session.flush()
    except IntegrityError:
        existing = session.scalar(select(Digest).where(Digest.club_id == club_id, Digest.period == period))
        if existing is None:
            raise
        return RecordedDigest(existing.id, club_id, period, existing.item_count, created=False)
    return RecordedDigest(digest.id, club_id, period, digest.item_count, created=True)
