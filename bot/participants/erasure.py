"""Erasing a person's personal data on their request (keeping what is counted anonymously), and the audit
tool that finds where given values are still stored."""

from __future__ import annotations

import json
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, String, Text, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from bot import audit
from bot.participants.types import ErasureResult, ParticipantNotFound, PersonalDataHit
from bot.participants.values import InvalidValue, parse_email
from bot.slack import outbox
from bot.slack.blocks import Message
from storage.models import (
    AuditEntry,
    Base,
    ClubMeeting,
    Meeting,
    OutboxMessage,
    Output,
    OutputPerson,
    Participant,
    Plan,
    Report,
    ReportNarrative,
    SharedItem,
    SlackUser,
    SurveyResponse,
    Update,
    utcnow,
)

ERASED = "[…]"

#: Texts people wrote that may name someone else; an erased person's identifiers are replaced there.
FREE_TEXT_COLUMNS = (
    Meeting.organizers,
    Update.text,
    Output.title,
    Output.note,
    ClubMeeting.summary,
    Plan.text,
    ReportNarrative.highlights,
    ReportNarrative.difficulties,
    ReportNarrative.plans,
    ReportNarrative.support,
    SharedItem.title,
    SharedItem.note,
)
#: JSON documents that may hold identifiers (audit details, queued and sent posts, built reports' figures).
FREE_JSON_COLUMNS = (AuditEntry.details, OutboxMessage.payload, Report.summary)


def find_participant_by_email(session: Session, email: str) -> Participant | None:
    try:
        address = parse_email(email)
    except InvalidValue:
        address = email.strip().lower()
    return session.scalar(select(Participant).where(Participant.email == address, Participant.forgotten_at.is_(None)))


def _redactor(person: Participant) -> re.Pattern[str] | None:
    """One pattern for the person's email, ORCID and names (both orders). Latin names match only as whole
    words and only with two words or more (`Kim` alone would erase every other Kim); Hangul names match
    inside words too, since Korean particles attach to them (`김서연은`)."""
    parts = [re.escape(value) for value in (person.email, person.orcid) if value]
    for name in (person.name_ko, person.name_en):
        if not name:
            continue
        words = name.split()
        if len(words) < 2 and name.isascii():
            continue
        for order in {tuple(words), tuple(words[1:] + words[:1])}:
            body = r"\s+".join(re.escape(word) for word in order)
            parts.append(body if not order[0].isascii() else rf"(?<!\w){body}(?!\w)")
    if not parts:
        return None
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(parts), re.IGNORECASE)


def _redact(value: Any, pattern: re.Pattern[str] | None, slack_id: str | None, token: str) -> Any:
    if isinstance(value, str):
        text = value.replace(slack_id, token) if slack_id else value
        return pattern.sub(ERASED, text) if pattern else text
    if isinstance(value, list):
        return [_redact(item, pattern, slack_id, token) for item in value]
    if isinstance(value, dict):
        return {
            _redact(key, pattern, slack_id, token): _redact(item, pattern, slack_id, token)
            for key, item in value.items()
        }
    return value


def forget_participant(session: Session, participant_id: int, *, actor: str = "cli:forget") -> ErasureResult:
    """Erase a person's personal data on their request, keeping what is counted anonymously.

    Erased: names, email, affiliation, ORCID, Slack user ID and overseas association of the participant
    row (which stays, with `forgotten_at`, so memberships, outputs, updates, attendance and survey scores
    still count); their Slack profile cache; their name and email wherever they are listed on an
    output; their survey comments. Their Slack user ID is replaced by one random `anon-…` token in
    every column that holds Slack user IDs (activity counts, audit actors, `created_by`/`deleted_by`...),
    so per-person counts stay right. Their email, ORCID, names and Slack ID are replaced by `[…]` in
    free texts and JSON documents (updates, outputs, plans, narratives, audit details, posts). Kept:
    country, career stage, overseas-Korean flag and language, which are counted in reports. The
    audit entry of the erasure holds only the participant id and counts.
    """
    person = session.get(Participant, participant_id)
    if person is None or person.forgotten_at is not None:
        raise ParticipantNotFound(participant_id)
    token = f"anon-{secrets.token_hex(8)}"
    slack_id = person.slack_user_id
    email = person.email
    names = [name for name in (person.name_ko, person.name_en) if name]
    pattern = _redactor(person)
    counts: dict[str, int] = {}

    # The Slack profile cache, by user ID and by email.
    cache_filter = [SlackUser.user_id == slack_id] if slack_id else []
    if email:
        cache_filter.append(SlackUser.email == email)
    cached = session.scalars(select(SlackUser).where(or_(*cache_filter))).all() if cache_filter else []
    for row in cached:
        session.delete(row)
    counts["slack_users"] = len(cached)

    # Outputs listing them by participant, email or name.
    people_filter = [OutputPerson.participant_id == participant_id]
    if email:
        people_filter.append(func.lower(OutputPerson.email) == email)
    if names:
        people_filter.append(func.lower(OutputPerson.name).in_([name.lower() for name in names]))
    listed = session.scalars(select(OutputPerson).where(or_(*people_filter))).all()
    for listing in listed:
        listing.name = None
        listing.email = None
    counts["output_people"] = len(listed)

    comments = session.scalars(
        select(SurveyResponse).where(
            SurveyResponse.participant_id == participant_id, SurveyResponse.comment.is_not(None)
        )
    ).all()
    for response in comments:
        response.comment = None
    counts["survey_comments"] = len(comments)

    person.name_ko = person.name_en = person.email = person.affiliation = None
    person.orcid = person.slack_user_id = person.overseas_association = None
    person.forgotten_at = utcnow()
    session.flush()

    if slack_id:
        replaced = 0
        for column in _slack_id_columns(len(token)):
            result = session.execute(update(column.table).where(column == slack_id).values({column.name: token}))
            assert isinstance(result, CursorResult)  # an UPDATE's result counts its rows
            replaced += result.rowcount or 0
        counts["slack_id_references"] = replaced

    changed_posts: set[int] = set()
    counts["texts"] = _redact_free_texts(session, pattern, slack_id, token, changed_posts)
    session.flush()
    counts["posts_edited"] = _edit_posts(session, changed_posts, token)
    audit.record(
        session,
        actor=actor,
        action="participant.forget",
        entity="participant",
        entity_id=participant_id,
        details={"counts": counts},
    )
    return ErasureResult(participant_id=participant_id, counts=counts)


def _slack_id_columns(min_length: int) -> list[Any]:
    """The string columns that may hold a Slack user ID as their whole value (`slack_user_id`, `actor`,
    `created_by`, `deleted_by`...): every short string column, since an exact match is unambiguous."""
    skip = {("participants", "slack_user_id"), ("slack_users", "user_id")}
    return [
        column
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String)
        and not isinstance(column.type, Text)
        and not getattr(column.type, "enums", None)
        and (column.type.length or 0) >= min_length
        and not column.primary_key
        and (table.name, column.name) not in skip
    ]


def _edit_posts(session: Session, changed: set[int], token: str) -> int:
    """Edit, through the outbox, the bot's channel posts whose content named the person (cards, summaries):
    each post gets its latest content as redacted, with the person's mention shown as `[…]`. Returns how many."""
    targets: set[int] = set()
    for row in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(changed))).all():
        target = row.payload.get("target_id") if row.kind == outbox.KIND_UPDATE else row.id
        if isinstance(target, int):
            targets.add(target)
    edited = 0
    for target_id in sorted(targets):
        target = session.get(OutboxMessage, target_id)
        if target is None or target.kind != outbox.KIND_MESSAGE or target.ts is None:
            continue  # not a channel post, or not posted yet (it goes out redacted)
        latest = target
        if target.ref:
            updates = select(OutboxMessage).where(
                OutboxMessage.kind == outbox.KIND_UPDATE, OutboxMessage.ref == target.ref
            )
            for row in session.scalars(updates.order_by(OutboxMessage.id)).all():
                if row.payload.get("target_id") == target.id:
                    latest = row
        content = _unmention(latest.payload, token)
        outbox.enqueue_update(session, target, Message(text=content.get("text", ""), blocks=content.get("blocks", [])))
        edited += 1
    return edited


def _unmention(value: Any, token: str) -> Any:
    if isinstance(value, str):
        return re.sub(rf"<@{re.escape(token)}(?:\|[^>]*)?>", ERASED, value)
    if isinstance(value, list):
        return [_unmention(item, token) for item in value]
    if isinstance(value, dict):
        return {key: _unmention(item, token) for key, item in value.items()}
    return value


def _redact_free_texts(
    session: Session, pattern: re.Pattern[str] | None, slack_id: str | None, token: str, changed_posts: set[int]
) -> int:
    """Replace the identifiers in every free text and JSON document; returns the number of cells changed (and
    notes in `changed_posts` the outbox messages whose content changed)."""
    by_entity: dict[Any, list[str]] = defaultdict(list)
    for column in (*FREE_TEXT_COLUMNS, *FREE_JSON_COLUMNS):
        by_entity[column.class_].append(column.key)
    changed = 0
    for entity, keys in by_entity.items():
        for row in session.scalars(select(entity)).all():
            for key in keys:
                value = getattr(row, key)
                redacted = _redact(value, pattern, slack_id, token)
                if redacted != value:
                    setattr(row, key, redacted)
                    changed += 1
                    if isinstance(row, OutboxMessage):
                        changed_posts.add(row.id)
    return changed


def find_personal_data(session: Session, values: Iterable[str]) -> list[PersonalDataHit]:
    """Every text or JSON cell, in every table, containing one of `values` (case-insensitive).

    It takes the values rather than a participant id because after an erasure the participant row no
    longer holds them: capture them first, erase, then search. JSON is searched as decoded text, so
    Korean stored as `\\uXXXX` escapes is found too. It reads every row: an audit tool, not a hot path.
    """
    needles = [value.casefold() for value in values if value and value.strip()]
    hits: list[PersonalDataHit] = []
    if not needles:
        return hits
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        for row in session.execute(select(*keys, *columns)).mappings():
            for column in columns:
                value = row[column.name]
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                folded = text.casefold()
                if any(needle in folded for needle in needles):
                    hits.append(PersonalDataHit(table.name, column.name, ",".join(str(row[k.name]) for k in keys)))
    return hits
