"""The outbox: posts the bot decided to make reach Slack eventually, exactly once.

A post is a row written in the same transaction as the record it announces (`enqueue`, `enqueue_dm`,
`enqueue_update`, `enqueue_file`, `enqueue_thread`); `bot.slack.dispatcher` sends due rows, and
`bot.slack.worker` runs it in the background. `undelivered` and `retry_dead` are the operator's view (`clubbot outbox`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain import OutboxStatus
from bot.slack.blocks import Message
from storage.db import Database
from storage.models import OutboxMessage, utcnow

EVENT_TYPE = "clubbot_post"
KIND_MESSAGE = "message"
KIND_DM = "dm"
KIND_UPDATE = "update"
KIND_ALERT = "alert"
KIND_FILE = "file"
KIND_PIN = "pin"


def enqueue(
    session: Session,
    channel: str,
    message: Message,
    *,
    kind: str = KIND_MESSAGE,
    ref: str | None = None,
    dedupe_key: str | None = None,
    pin: bool = False,
    thread_ts: str | None = None,
    at: datetime | None = None,
) -> OutboxMessage:
    """Add a post to the outbox in the caller's transaction, to be sent from `at` on (default: now). With a
    `dedupe_key`, a second call is a no-op."""
    if dedupe_key is not None:
        existing = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    row = OutboxMessage(
        **post_columns(channel, message, kind=kind, ref=ref, pin=pin, thread_ts=thread_ts), dedupe_key=dedupe_key
    )
    if at is not None:
        row.next_attempt_at = at
    session.add(row)
    session.flush()
    return row


#: A row whose payload names another row with `after` is sent only once that one is sent; `thread_of` names
#: the post whose `ts` becomes its `thread_ts`. A row that has such a follower says so with `followed`.
AFTER = "after"
THREAD_OF = "thread_of"
FOLLOWED = "followed"


def follower_key(row_id: int) -> str:
    """The dedupe key of the one row that follows row `row_id` (each row has at most one follower)."""
    return f"after:{row_id}"


def enqueue_thread(
    session: Session,
    channel: str,
    parent: Message,
    replies: Sequence[Message],
    *,
    ref: str | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """A short parent post in a channel and its lines as replies in its thread, in the caller's transaction.
    Each reply waits for the one before it (the first for the parent) and is posted with the parent's `ts` as
    its `thread_ts`, so the thread reads in order whatever process sends it; each row is sent exactly once, as
    any post. With a `dedupe_key` (the parent's), a second call is a no-op. Returns the parent's row."""
    if dedupe_key is not None:
        existing = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    head = enqueue(session, channel, parent, ref=ref, dedupe_key=dedupe_key)
    previous = head
    for reply in replies:
        previous.payload = {**previous.payload, FOLLOWED: True}
        row = OutboxMessage(
            kind=KIND_MESSAGE,
            channel=channel,
            payload={**reply.as_post(), THREAD_OF: head.id, AFTER: previous.id},
            ref=ref,
            dedupe_key=follower_key(previous.id),
        )
        session.add(row)
        session.flush()
        previous = row
    return head
def post_columns(
    channel: str,
    message: Message,
    *,
    kind: str = KIND_MESSAGE,
    ref: str | None = None,
    pin: bool = False,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """The columns of an outbox row for a post, for `enqueue` and for the request path's Core INSERTs (written in
    the transaction of the record it announces all the same)."""
    payload: dict[str, Any] = message.as_post()
    if pin:
        payload["pin"] = True
    if thread_ts:
        payload["thread_ts"] = thread_ts
    return {"kind": kind, "channel": channel, "payload": payload, "ref": ref}


def enqueue_dm(
    session: Session, user_id: str, message: Message, *, at: datetime | None = None, **kwargs: Any
) -> OutboxMessage:
    """A direct message to a person (the bot's IM with them), sent from `at` on (the person's own hour, see
    `bot.people.reach_at`), else as soon as possible."""
    return enqueue(session, user_id, message, kind=KIND_DM, at=at, **kwargs)


def enqueue_update(session: Session, target: OutboxMessage, message: Message) -> OutboxMessage:
    """Replace the content of an earlier post (e.g. a card whose status changed) once it is sent."""
    row = OutboxMessage(
        kind=KIND_UPDATE,
        channel=target.channel,
        payload={**message.as_post(), "target_id": target.id},
        ref=target.ref,
    )
    session.add(row)
    session.flush()
    return row


def enqueue_file(
    session: Session,
    channel: str,
    *,
    file_id: int,
    filename: str,
    title: str,
    comment: str | None = None,
    dm: bool = False,
    ref: str | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Upload a file stored in the database (`storage.files`, its id) into a channel, or to a person's DM with
    `dm=True` (`channel` is then their user id), in the caller's transaction.
    With a `dedupe_key`, a second call is a no-op."""
    if dedupe_key is not None:
        existing = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    payload: dict[str, Any] = {"stored_file": file_id, "filename": filename, "title": title, "dm": dm}
    if comment:
        payload["comment"] = comment
    row = OutboxMessage(kind=KIND_FILE, channel=channel, payload=payload, ref=ref, dedupe_key=dedupe_key)
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class OutboxRow:
    """A plain copy of a row, for the dispatcher and `clubbot outbox` (no session attached)."""

    id: int
    kind: str
    ref: str | None
    channel: str
    payload: dict[str, Any]
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    last_error: str | None
    ts: str | None

    @classmethod
    def of(cls, row: OutboxMessage) -> OutboxRow:
        return cls(
            row.id,
            row.kind,
            row.ref,
            row.channel,
            dict(row.payload),
            row.status.value,
            row.attempts,
            row.created_at,
            row.next_attempt_at,
            row.last_error,
            row.ts,
        )


# --- operator views ------------------------------------------------------------------------------


def undelivered(db: Database, *, include_sent: bool = False, limit: int = 200) -> list[OutboxRow]:
    """Rows not yet sent (pending, sending, dead), newest first, for `clubbot outbox`."""
    with db.session() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if not include_sent:
            query = query.where(OutboxMessage.status != OutboxStatus.SENT)
        return [OutboxRow.of(r) for r in session.scalars(query)]


def exists(db: Database, row_id: int) -> bool:
    """Whether the outbox has a post with this ID (in any state)."""
    with db.session() as session:
        return session.get(OutboxMessage, row_id) is not None


def retry_dead(db: Database, row_id: int) -> bool:
    """Give a dead row another round of attempts."""
    with db.session() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.DEAD)
            .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow())
        )
        return result.rowcount == 1  # type: ignore[attr-defined]
