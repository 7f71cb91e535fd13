"""Discovered joint works put to a club's leaders, and their decisions.

- `record`: each new suggestion is stored (unique per club and DOI) and a DM to each of the club's leaders is
  queued in the SAME transaction (deduplicated per suggestion and leader), so a run that fails stores and
  sends nothing, and a run made again never asks a leader twice. A joint work whose DOI the club filed already
  is matched to that output: the members on it are added as its co-authors, nothing is filed twice.
- `decide`: a leader's *Record as the club's output* files a published paper with the DOI, the members as
  co-authors and `source=discovered` (or links the output already filed with that DOI); *Not ours* marks it
  rejected, never suggested again. Every leader's DM is then updated to show the decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.domain import (
    ClubRole,
    LanguageOf,
    OutputSource,
    OutputStatus,
    OutputType,
    SuggestionStatus,
)
from bot.errors import UserError
from bot.people import display_name
from bot.refs import ClubRef
from bot.scholarly.types import Suggestion, SuggestionCard
from bot.scholarly.views import suggestion_message
from bot.slack import outbox
from bot.standing import club_leaders, language_for_person, participant_of, role_in
from bot.tracking.service.cards import post_card, refresh_card
from bot.tracking.service.items import output_item
from storage.models import Club, OutboxMessage, Output, OutputPerson, OutputStatusChange, OutputSuggestion, Participant


def _ref(suggestion_id: int) -> str:
    return f"suggestion:{suggestion_id}"


def card_of(session: Session, row: OutputSuggestion) -> SuggestionCard:
    club = session.get(Club, row.club_id)
    names = []
    for participant_id in row.member_ids:
        person = session.get(Participant, int(participant_id))
        name = display_name(person)
        if name:
            names.append(name)
    return SuggestionCard(
        id=row.id,
        club_name=club.name if club else "",
        doi=row.doi,
        title=row.title,
        venue=row.venue,
        published=row.published_on,
        member_names=tuple(names),
        international=row.international,
        countries=tuple(str(c) for c in row.countries),
        status=row.status.value,
        decided_by_user_id=row.decided_by,
        output_id=row.output_id,
    )


def _link_members(session: Session, output: Output, participant_ids: Iterable[int]) -> int:
    """Add the members not yet among the output's people; returns how many were added."""
    linked = {p.participant_id for p in output.people}
    added = 0
    for participant_id in participant_ids:
        if participant_id not in linked:
            output.people.append(OutputPerson(participant_id=participant_id))
            linked.add(participant_id)
            added += 1
    return added


def record(
    session: Session, suggestions: Iterable[Suggestion], already_filed: Iterable[Suggestion], *, language_of: LanguageOf
) -> tuple[int, int, int]:
    """Store the new suggestions and queue their leaders' DMs; link members to outputs already filed.
    Returns (suggestions stored, DMs queued, filed outputs matched)."""
    stored = messages = matched = 0
    for suggestion in suggestions:
        exists = session.scalar(
            select(OutputSuggestion.id).where(
                OutputSuggestion.club_id == suggestion.club_id, OutputSuggestion.doi == suggestion.doi
            )
        )
        if exists is not None:
            continue
        work = suggestion.work
        row = OutputSuggestion(
            club_id=suggestion.club_id,
            doi=suggestion.doi,
            openalex_id=work.openalex_id,
            title=work.title or suggestion.doi,
            venue=work.venue[:500] if work.venue else None,
            published_on=work.published,
            international=suggestion.international,
            countries=list(suggestion.countries),
            member_ids=[m.participant_id for m in suggestion.members],
            status=SuggestionStatus.PENDING,
        )
        session.add(row)
        session.flush()
        stored += 1
        club = session.get(Club, suggestion.club_id)
        card = card_of(session, row)
        for leader in club_leaders(session, suggestion.club_id):
            assert leader.slack_user_id is not None
            lang = language_for_person(leader, language_of, club.language if club else "ko")
            outbox.enqueue_dm(
                session,
                leader.slack_user_id,
                suggestion_message(lang, card),
                ref=_ref(row.id),
                dedupe_key=f"suggestion:{row.id}:{leader.slack_user_id}",
            )
            messages += 1
        audit.record(
            session,
            actor="job:outputs-discovery",
            action="discovery.suggested",
            entity="output_suggestion",
            entity_id=row.id,
            club_id=suggestion.club_id,
            details={"doi": suggestion.doi, "international": suggestion.international},
        )
    for filed in already_filed:
        output = session.scalar(
            select(Output).where(Output.club_id == filed.club_id, Output.doi == filed.doi, Output.deleted_at.is_(None))
        )
        if output is not None and _link_members(session, output, (m.participant_id for m in filed.members)):
            matched += 1
    session.flush()
    return stored, messages, matched


def _file(session: Session, row: OutputSuggestion, filer: Participant | None, now: datetime) -> tuple[Output, bool]:
    """The club's output for a confirmed suggestion: the one filed with its DOI, else a new published paper
    (and whether it is new)."""
    existing = session.scalar(
        select(Output).where(Output.club_id == row.club_id, Output.doi == row.doi, Output.deleted_at.is_(None))
    )
    member_ids = [int(p) for p in row.member_ids]
    if existing is not None:
        _link_members(session, existing, member_ids)
        return existing, False
    filed_by = filer.id if filer is not None else member_ids[0]
    status = OutputStatus.PUBLISHED.value
    output = Output(
        club_id=row.club_id,
        filed_by_id=filed_by,
        type=OutputType.PAPER,
        title=row.title,
        status=status,
        occurred_on=row.published_on,
        doi=row.doi,
        source=OutputSource.DISCOVERED,
        confirmed_at=now,
        confirmed_by_id=filer.id if filer is not None else None,
        created_at=now,
        updated_at=now,
    )
    output.people = [OutputPerson(participant_id=p) for p in member_ids]
    output.status_changes.append(
        OutputStatusChange(from_status=None, to_status=status, changed_at=now, changed_by_id=filed_by)
    )
    session.add(output)
    session.flush()
    return output, True


def decide(
    session: Session,
    suggestion_id: int,
    user_id: str,
    *,
    confirm: bool,
    is_admin: bool,
    now: datetime,
    language_of: LanguageOf,
) -> tuple[SuggestionCard, bool]:
    """A leader's (or an admin's) answer to a suggestion. Returns the suggestion as it now is and whether this
    click decided it (False when it already was decided)."""
    row = session.get(OutputSuggestion, suggestion_id)
    if row is None:
        raise UserError("scholarly.error.suggestion_gone")
    if not is_admin and role_in(session, row.club_id, user_id) is not ClubRole.LEADER:
        raise UserError("scholarly.error.leaders_only")
    if row.status is not SuggestionStatus.PENDING:
        return card_of(session, row), False
    club = session.get(Club, row.club_id)
    assert club is not None
    if confirm:
        output, created = _file(session, row, participant_of(session, user_id), now)
        row.output_id = output.id
        row.status = SuggestionStatus.CONFIRMED
        item = output_item(session, output)
        if created:
            post_card(session, ClubRef.of(club), item)
        else:
            refresh_card(session, ClubRef.of(club), item)
    else:
        row.status = SuggestionStatus.REJECTED
    row.decided_by = user_id
    row.decided_at = now
    session.flush()
    audit.record(
        session,
        actor=user_id,
        action=f"discovery.{row.status.value}",
        entity="output_suggestion",
        entity_id=row.id,
        club_id=row.club_id,
        details={"doi": row.doi, "output_id": row.output_id},
    )
    card = card_of(session, row)
    dms = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.ref == _ref(row.id), OutboxMessage.kind == outbox.KIND_DM)
        .order_by(OutboxMessage.id)
    )
    for dm in dms:
        outbox.enqueue_update(session, dm, suggestion_message(language_of(dm.channel), card))
    return card, True
