"""One participant's record edited from Slack, validated by the import's rules (`bot.participants.values`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.domain import CareerStage
from bot.participants.types import ParticipantNotFound, RecordUpdate
from bot.participants.values import (
    InvalidValue,
    check_length,
    clean_text,
    parse_career_stage,
    parse_country,
    parse_email,
    parse_name,
    parse_orcid,
    parse_yes_no,
)
from storage.models import Participant

EDITABLE_FIELDS = (
    "name_ko",
    "name_en",
    "email",
    "affiliation",
    "country",
    "career_stage",
    "orcid",
    "overseas_korean",
    "overseas_association",
)


def _parse_edit(name: str, value: str) -> Any:
    if name in {"name_ko", "name_en"}:
        return parse_name(name, value)
    if name == "email":
        return parse_email(value)
    if name == "country":
        return parse_country(value)
    if name == "career_stage":
        return parse_career_stage(value)
    if name == "orcid":
        return parse_orcid(value)
    if name == "overseas_korean":
        return parse_yes_no(value)
    return check_length(name, value)


def update_participant_record(
    session: Session,
    participant_id: int,
    changes: Mapping[str, str | bool | CareerStage | None],
    actor: str,
) -> RecordUpdate:
    """Validate and apply a person's edited fields (by the import's rules); all or nothing.

    A blank value clears an optional field. A person keeps at least one name, and an email or an
    ORCID. The audit entry names the fields changed, never their values.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    person = session.get(Participant, participant_id)
    if person is None or person.forgotten_at is not None:
        raise ParticipantNotFound(participant_id)
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for name, raw in changes.items():
        if isinstance(raw, bool) or raw is None:
            parsed[name] = bool(raw) if name == "overseas_korean" else None
            continue
        text = clean_text(raw)
        if not text:
            parsed[name] = False if name == "overseas_korean" else None
            continue
        try:
            parsed[name] = _parse_edit(name, text)
        except InvalidValue as problem:
            errors[name] = problem.key
    after = {name: parsed.get(name, getattr(person, name)) for name in EDITABLE_FIELDS}
    if not after["name_ko"] and not after["name_en"]:
        for name in ("name_ko", "name_en"):
            if name in changes:
                errors.setdefault(name, "participants.error.missing_name")
    if not after["email"] and not after["orcid"]:
        for name in ("email", "orcid"):
            if name in changes:
                errors.setdefault(name, "participants.error.no_identifier")
    for name, key in (("email", "participants.error.email_taken"), ("orcid", "participants.error.orcid_taken")):
        value = parsed.get(name)
        if value and name not in errors:
            column = getattr(Participant, name)
            other = session.scalar(select(Participant.id).where(column == value, Participant.id != participant_id))
            if other is not None:
                errors[name] = key
    if errors:
        return RecordUpdate(participant_id, errors=errors)
    changed = tuple(name for name in EDITABLE_FIELDS if name in parsed and getattr(person, name) != parsed[name])
    for name in changed:
        setattr(person, name, parsed[name])
    if changed:
        audit.record(
            session,
            actor=actor,
            action="participant.update",
            entity="participant",
            entity_id=participant_id,
            details={"fields": list(changed)},
        )
    return RecordUpdate(participant_id, changed=changed)
