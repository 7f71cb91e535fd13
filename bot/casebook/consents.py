"""A person's answer to the consent DM: stored (one per person per year), changeable until the casebook is built,
and the DM updated through the outbox to say the current answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.casebook.picks import is_built
from bot.casebook.types import Consent, ConsentAsk
from bot.casebook.views import consent_message
from bot.domain import Language
from bot.errors import UserError
from bot.slack import outbox
from storage.models import CasebookConsent, Club, OutboxMessage, Participant


def answer(
    session: Session, consent_id: int, user_id: str, choice: Consent, *, lang: Language, now: datetime
) -> tuple[ConsentAsk, bool]:
    """Record `choice` for the person's consent; (what the DM now shows, whether the answer changed). Refuses
    someone else's consent, and any change once the year's casebook is built."""
    row = session.get(CasebookConsent, consent_id)
    person = session.get(Participant, row.participant_id) if row is not None else None
    if row is None or person is None or person.slack_user_id != user_id:
        raise UserError("cases.error.consent_not_yours")
    club_name = (session.scalar(select(Club.name).where(Club.id == row.club_id)) if row.club_id else None) or ""
    if row.answer == choice.value:
        return ConsentAsk(row.id, row.year, club_name, choice), False
    if is_built(session, row.year):
        raise UserError("cases.error.already_built", year=row.year)
    previous = row.answer
    row.answer = choice.value
    row.answered_at = now
    audit.record(
        session,
        actor=user_id,
        action="casebook_consent",
        entity="casebook_consent",
        entity_id=row.id,
        club_id=row.club_id,
        details={"year": row.year, "from": previous, "to": choice.value},
    )
    ask = ConsentAsk(row.id, row.year, club_name, choice)
    target = session.get(OutboxMessage, row.message_id) if row.message_id else None
    if target is not None:
        outbox.enqueue_update(session, target, consent_message(lang, ask))
    return ask, True
