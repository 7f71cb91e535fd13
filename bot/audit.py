"""The audit log: who changed what, written in the transaction of the change itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from storage.models import AuditEntry


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = None,
    club_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add one entry to the audit log in `session` (committed, or rolled back, with the change it describes).
    `actor` is a Slack user ID or `cli:<command>`; `entity_id` is stored as text."""
    session.add(
        AuditEntry(
            **entry(actor=actor, action=action, entity=entity, entity_id=entity_id, club_id=club_id, details=details)
        )
    )


def entry(
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = None,
    club_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of one audit entry, for `record` and for the request path's Core INSERTs (`AuditEntry` table)."""
    return {
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "club_id": club_id,
        "details": details or {},
    }
