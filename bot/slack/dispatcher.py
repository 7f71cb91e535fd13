"""The outbox's dispatcher: it sends due rows (written by `bot.slack.outbox`) through the gateway, exactly once:

1. it claims a row with a compare-and-set (`pending` → `sending`) and commits, so no other process
   can pick it up;
2. it posts, carrying the row's id in the message metadata;
3. on success it stores Slack's `ts` and marks the row `sent`;
4. when Slack refuses, the row goes back to `pending` with its error and an exponential backoff;
   after `max_attempts` it is `dead`, listed by `clubbot outbox`, and the secretariat is told; a refusal
   that sending again cannot cure (`PERMANENT_ERRORS`: the channel is gone, the post too long or its blocks
   refused) makes it `dead` at once, and a channel deleted in Slack is reported through `on_channel_lost`
   (the clubs feature marks the club; docs/reliability.md has the table);
5. when the outcome is unknown (dropped connection, timeout, 5xx) the channel's history is searched
   for the row's id before anything is sent again; a row left `sending` by a process that died is
   resolved the same way once it is stale (a row this process is still sending, e.g. waiting out a
   rate limit, is not stale).

A post enqueued with `pin=True` is pinned by a row of its own (kind `pin`), added in the transaction that
marks the post sent and sent right after it: pinning is idempotent (`already_pinned` counts as done), so a
pin whose outcome is unknown is simply tried again, and a pin Slack refuses is retried with backoff like any
post, instead of being given up after one try.

File uploads (`enqueue_file`, kind `file`) follow Slack's three steps: `files.getUploadURLExternal`
gives a file id, which is written into the row (and committed) *before* the bytes are uploaded and
`files.completeUploadExternal` shares the file; so when the sharing's outcome is unknown, or the
process died, the channel's history is searched for a message carrying that file id, and the file is
uploaded again only when no such message exists. The file itself is streamed from the database when it is
sent (`payload["stored_file"]`, a `storage.files` id, chunk by chunk): no process needs another's disk.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain import OutboxStatus
from bot.i18n import t
from bot.slack.blocks import Message
from bot.slack.gateway import SlackGateway
from bot.slack.outbox import (
    AFTER,
    EVENT_TYPE,
    FOLLOWED,
    KIND_ALERT,
    KIND_DM,
    KIND_FILE,
    KIND_MESSAGE,
    KIND_PIN,
    KIND_UPDATE,
    THREAD_OF,
    OutboxRow,
    enqueue,
    follower_key,
)
from bot.slack.types import OutcomeUnknown, SlackRefused
from storage import files
from storage.db import Database
from storage.models import OutboxMessage, utcnow

log = logging.getLogger(__name__)

#: Refusals that sending again cannot cure: the post itself is wrong for Slack (too long, blocks Slack does not
#: accept, bad arguments) or its channel is gone. Such a row is given up at the first refusal (logged once,
#: the secretariat told), instead of being retried `max_attempts` times.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "msg_too_long",
        "msg_blocks_too_long",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_attachments",
        "too_many_attachments",
        "invalid_arguments",
        "no_text",
    }
)
#: Refusals that mean the channel no longer exists in Slack (deleted there).
CHANNEL_GONE = frozenset({"channel_not_found"})
#: Called in the give-up transaction with the channel id when a post finds its channel gone; True when it
#: told the secretariat itself (then the dispatcher's own alert is not sent).
ChannelLost = Callable[[Session, str], bool]


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    recovered: int = 0  # unknown outcomes found in the channel's history
    errors: list[str] = field(default_factory=list)

    def __add__(self, other: DispatchReport) -> DispatchReport:
        return DispatchReport(
            self.sent + other.sent,
            self.retried + other.retried,
            self.dead + other.dead,
            self.recovered + other.recovered,
            self.errors + other.errors,
        )


class Dispatcher:
    """Sends due outbox rows through the gateway. Safe to run in several processes at once."""

    def __init__(
        self,
        db: Database,
        gateway: SlackGateway,
        *,
        secretariat_channel: str | None,
        language: str = "ko",
        max_attempts: int = 8,
        base_delay: float = 5.0,
        max_delay: float = 3600.0,
        stale_after: float = 120.0,
        on_channel_lost: ChannelLost | None = None,
    ) -> None:
        self.db = db
        self.on_channel_lost = on_channel_lost
        self.gateway = gateway
        self.secretariat_channel = secretariat_channel
        self.language = language
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.stale_after = stale_after
        #: Rows this process is sending right now (a long rate-limit wait is not a dead process).
        self._in_flight: set[int] = set()
        self._in_flight_lock = threading.Lock()

    # --- entry points --------------------------------------------------------------------------

    def dispatch_due(self, *, limit: int = 100, now: datetime | None = None) -> DispatchReport:
        """Resolve stale `sending` rows, then send up to `limit` due `pending` rows, oldest first."""
        now = now or utcnow()
        report = self.resolve_stale(now=now)
        with self.db.read() as session:
            ids = session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.id)
                .limit(limit)
            ).all()
        return report + self.dispatch(ids, now=now)

    def dispatch(self, ids: Iterable[int], *, now: datetime | None = None) -> DispatchReport:
        """Send these rows (each only if it is pending and due at `now`, default the machine's clock)."""
        report = DispatchReport()
        for row_id in ids:
            queue = [row_id]
            at = now
            while queue:  # a post's follow-ups (its pin, its next reply in a thread) go out right after it
                row = self._claim(queue.pop(0), now=at)
                if row is not None:
                    report = report + self._send(row)
                    if row.payload.get("pin") or row.payload.get(FOLLOWED):  # only those have follow-ups
                        queue.extend(self._follow_ups(row.id))
                        # a follow-up may be written while its post is sent (a pin is): due from now on
                        at = max(now, utcnow()) if now is not None else None
        return report

    def _follow_ups(self, row_id: int) -> list[int]:
        with self.db.read() as session:
            return list(
                session.scalars(
                    select(OutboxMessage.id)
                    .where(
                        OutboxMessage.dedupe_key.in_((f"pin:{row_id}", follower_key(row_id))),
                        OutboxMessage.status == OutboxStatus.PENDING,
                    )
                    .order_by(OutboxMessage.id)
                )
            )

    def resolve_stale(self, *, now: datetime | None = None) -> DispatchReport:
        """Rows left `sending` by a process that died: sent if found in history, else back to pending."""
        now = now or utcnow()
        cutoff = now - timedelta(seconds=self.stale_after)
        with self.db.read() as session:
            rows = [
                OutboxRow.of(r)
                for r in session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at <= cutoff
                    )
                )
            ]
        with self._in_flight_lock:
            rows = [row for row in rows if row.id not in self._in_flight]
        report = DispatchReport()
        for row in rows:
            report = report + self._resolve_unknown(row, reason="stale claim")
        return report

    # --- one row -------------------------------------------------------------------------------

    def _claim(self, row_id: int, *, now: datetime | None = None) -> OutboxRow | None:
        now = now or utcnow()
        with self.db.session() as session:
            row = session.scalar(  # one statement: claimed and read back, or None when another sender has it
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == row_id,
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= now,
                )
                .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
                .returning(OutboxMessage)
            )
            return OutboxRow.of(row) if row is not None else None

    def _send(self, row: OutboxRow) -> DispatchReport:
        with self._in_flight_lock:
            self._in_flight.add(row.id)
        try:
            return self._send_claimed(row)
        finally:
            with self._in_flight_lock:
                self._in_flight.discard(row.id)

    def _send_claimed(self, row: OutboxRow) -> DispatchReport:
        try:
            if row.kind == KIND_UPDATE:
                ts = self._send_update(row)
            elif row.kind == KIND_PIN:
                ts = self._send_pin(row)
            elif row.kind == KIND_FILE:
                ts = self._send_file(row)
            else:
                channel = self.gateway.dm_channel(row.channel) if row.kind == KIND_DM else row.channel
                ts = self.gateway.post_message(
                    channel,
                    text=row.payload.get("text") or "",
                    blocks=row.payload.get("blocks"),
                    thread_ts=row.payload.get("thread_ts") or self._thread_ts(row),
                    metadata={"event_type": EVENT_TYPE, "event_payload": {"outbox_id": row.id}},
                )
        except SlackRefused as refused:
            return self._failed(row, refused.error)
        except OutcomeUnknown as unknown:
            log.warning("outbox %s: outcome unknown (%s); checking the channel", row.id, unknown)
            return self._resolve_unknown(row, reason=str(unknown))
        except _NotReady as waiting:
            self._postpone(row, str(waiting))
            return DispatchReport(retried=1)
        self._mark_sent(row, ts)
        return DispatchReport(sent=1)

    def _target(self, row: OutboxRow, doing: str) -> tuple[str, str]:
        """(channel, ts) of the post an update or a pin row acts on; `_NotReady` while it is not posted yet."""
        with self.db.read() as session:
            target = session.get(OutboxMessage, int(row.payload["target_id"]))
            target_channel, target_ts = (target.channel, target.ts) if target else (None, None)
            target_kind = target.kind if target else None
        if target_ts is None:
            raise _NotReady(f"the message to {doing} is not posted yet")
        assert target_channel is not None
        channel = self.gateway.dm_channel(target_channel) if target_kind == KIND_DM else target_channel
        return channel, target_ts

    def _thread_ts(self, row: OutboxRow) -> str | None:
        """The `ts` of the thread a reply goes in (`thread_of`), once the row it waits for (`after`) is sent;
        `_NotReady` before. None for a post that is no reply."""
        if row.payload.get(THREAD_OF) is None:
            return None
        with self.db.read() as session:
            after = session.get(OutboxMessage, int(row.payload.get(AFTER) or row.payload[THREAD_OF]))
            parent = session.get(OutboxMessage, int(row.payload[THREAD_OF]))
            ready = after is not None and after.status == OutboxStatus.SENT
            parent_ts = parent.ts if parent is not None else None
        if not ready or parent_ts is None:
            raise _NotReady("the post before this reply in its thread is not posted yet")
        return parent_ts

    def _send_update(self, row: OutboxRow) -> str:
        channel, ts = self._target(row, "update")
        self.gateway.update_message(channel, ts, text=row.payload.get("text") or "", blocks=row.payload.get("blocks"))
        return ts

    def _send_pin(self, row: OutboxRow) -> str:
        """Pin a sent post (idempotent: a pin already there counts as done)."""
        channel, ts = self._target(row, "pin")
        self.gateway.pin(channel, ts)
        return ts

    def _file_channel(self, row: OutboxRow) -> str:
        return self.gateway.dm_channel(row.channel) if row.payload.get("dm") else row.channel

    def _send_file(self, row: OutboxRow) -> str:
        """Upload and share the file; return its Slack file id (kept in the row's `ts`)."""
        channel = self._file_channel(row)
        earlier = self._current_payload(row.id).get("file_id")
        # an earlier attempt got as far as a file id: was it shared after all?
        if earlier and self.gateway.find_file_post(channel, file_id=earlier, oldest=row.created_at.timestamp() - 5):
            return str(earlier)
        stored_file = row.payload.get("stored_file")
        with self.db.read() as session:
            info = files.file_info(session, int(stored_file)) if stored_file is not None else None
        if info is None:
            raise SlackRefused("file_unreadable: no such stored file", "files.upload")
        file_id, upload_url = self.gateway.start_upload(row.payload["filename"], info.size)
        with self.db.session() as session:  # committed before the file can be shared
            stored = session.get(OutboxMessage, row.id)
            if stored is not None:
                stored.payload = {**stored.payload, "file_id": file_id}
        with self.db.session() as session:  # streamed from the database, one chunk in memory at a time
            self.gateway.upload_bytes(upload_url, files.iter_chunks(session, info.id), size=info.size)
        self.gateway.complete_upload(
            file_id,
            title=row.payload.get("title") or row.payload["filename"],
            channel=channel,
            initial_comment=row.payload.get("comment"),
        )
        return file_id

    def _current_payload(self, row_id: int) -> dict[str, Any]:
        with self.db.session() as session:
            stored = session.get(OutboxMessage, row_id)
            return dict(stored.payload) if stored is not None else {}

    def _resolve_unknown_file(self, row: OutboxRow, *, reason: str) -> DispatchReport:
        file_id = self._current_payload(row.id).get("file_id")
        try:
            found = (
                self.gateway.find_file_post(
                    self._file_channel(row), file_id=file_id, oldest=row.created_at.timestamp() - 5
                )
                if file_id
                else None
            )
        except (SlackRefused, OutcomeUnknown) as error:
            log.warning("outbox %s: cannot check the channel yet (%s); will look again", row.id, error)
            return DispatchReport(errors=[f"{row.id}: {error}"])
        if found is not None:
            log.info("outbox %s: file %s found in the channel; not uploading again", row.id, file_id)
            self._mark_sent(row, str(file_id))
            return DispatchReport(recovered=1)
        self._postpone(row, f"not delivered: {reason}", delay=0.0)
        return DispatchReport(retried=1)

    def _mark_sent(self, row: OutboxRow, ts: str) -> None:
        """Mark the row sent; a post to pin gets its pin row in the same transaction (so it is never lost)."""
        with self.db.session() as session:
            marked = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == OutboxStatus.SENDING)
                .values(status=OutboxStatus.SENT, ts=ts, sent_at=utcnow(), last_error=None)
            )
            if (
                marked.rowcount == 1  # type: ignore[attr-defined]
                and row.payload.get("pin")
                and row.kind in (KIND_MESSAGE, KIND_DM, KIND_ALERT)
            ):
                session.add(
                    OutboxMessage(
                        kind=KIND_PIN,
                        channel=row.channel,
                        payload={"target_id": row.id},
                        ref=row.ref,
                        dedupe_key=f"pin:{row.id}",
                    )
                )

    def _resolve_unknown(self, row: OutboxRow, *, reason: str) -> DispatchReport:
        if row.kind in (KIND_UPDATE, KIND_PIN):  # idempotent: just do it again
            self._postpone(row, reason, delay=0.0)
            return DispatchReport(retried=1)
        if row.kind == KIND_FILE:
            return self._resolve_unknown_file(row, reason=reason)
        try:
            channel = self.gateway.dm_channel(row.channel) if row.kind == KIND_DM else row.channel
            ts = self.gateway.find_post(
                channel,
                event_type=EVENT_TYPE,
                key="outbox_id",
                key_value=row.id,
                oldest=row.created_at.timestamp() - 5,
                thread_ts=self._thread_ts(row),  # a reply is looked for in its thread
            )
        except (SlackRefused, OutcomeUnknown, _NotReady) as error:
            log.warning("outbox %s: cannot check the channel yet (%s); will look again", row.id, error)
            return DispatchReport(errors=[f"{row.id}: {error}"])  # stays `sending`; resolve_stale retries
        if ts is not None:
            log.info("outbox %s: found in the channel (ts %s); not sending again", row.id, ts)
            self._mark_sent(row, ts)
            return DispatchReport(recovered=1)
        self._postpone(row, f"not delivered: {reason}", delay=0.0)
        return DispatchReport(retried=1)

    def _postpone(self, row: OutboxRow, error: str, *, delay: float | None = None) -> None:
        wait = self._backoff(row.attempts) if delay is None else delay
        with self.db.session() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == OutboxStatus.SENDING)
                .values(
                    status=OutboxStatus.PENDING,
                    next_attempt_at=utcnow() + timedelta(seconds=wait),
                    last_error=error[:2000],
                )
            )

    def _failed(self, row: OutboxRow, error: str) -> DispatchReport:
        permanent = error in PERMANENT_ERRORS
        if row.attempts < self.max_attempts and not permanent:
            log.warning("outbox %s: Slack refused (%s); attempt %d, retrying later", row.id, error, row.attempts)
            self._postpone(row, error)
            return DispatchReport(retried=1)
        if permanent:
            log.error("outbox %s: giving up, Slack refused %s (%s); sending again cannot help", row.id, row.kind, error)
        else:
            log.error("outbox %s: giving up after %d attempts (%s)", row.id, row.attempts, error)
        channel_gone = error in CHANNEL_GONE and row.kind != KIND_DM and not row.payload.get("dm")
        with self.db.session() as session:
            marked = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == OutboxStatus.SENDING)
                .values(status=OutboxStatus.DEAD, last_error=error[:2000])
            )
            if marked.rowcount != 1:  # type: ignore[attr-defined]
                return DispatchReport()
            told = channel_gone and self.on_channel_lost is not None and self.on_channel_lost(session, row.channel)
            if self.secretariat_channel and row.kind != KIND_ALERT and not told:
                key = "outbox.channel_gone_alert" if channel_gone else "outbox.dead_alert"
                text = t(self.language, key, id=row.id, channel=row.channel, error=error)
                enqueue(
                    session,
                    self.secretariat_channel,
                    Message(text=text),
                    kind=KIND_ALERT,
                    # one alert per deleted channel, however many posts were on their way to it
                    dedupe_key=f"outbox-gone:{row.channel}" if channel_gone else f"outbox-dead:{row.id}",
                )
        return DispatchReport(dead=1)

    def _backoff(self, attempts: int) -> float:
        return float(min(self.max_delay, self.base_delay * (2 ** max(0, attempts - 1))))


class _NotReady(Exception):
    pass
