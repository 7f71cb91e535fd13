"""Linking the participant database with the overseas Korean scientists and engineers database: the people
found there are marked as overseas Koreans, with their association. Ambiguities are reported, never guessed."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.participants.names import both_names, person_keys
from bot.participants.types import (
    LinkedParticipant,
    OverseasAmbiguity,
    OverseasLink,
    OverseasLinkResult,
    OverseasRecord,
    OverseasSheet,
)
from storage.models import Participant, utcnow

LINK_RULES = ("email", "orcid", "name_affiliation")


def link_overseas_db(
    session: Session, sheet: OverseasSheet, *, dry_run: bool = False, actor: str = "cli:import"
) -> OverseasLinkResult:
    """Mark the participants found in the overseas database as overseas Koreans, with their association.

    A record is matched by email, else ORCID, else (name, affiliation) as `bot.participants.names`
    normalises them. A record whose email and ORCID point at two people, a record matching several
    people by name and affiliation, and a person matched by several records are ambiguous: reported
    with their candidates, not linked.
    """
    people = session.execute(
        select(
            Participant.id,
            Participant.name_ko,
            Participant.name_en,
            Participant.email,
            Participant.orcid,
            Participant.affiliation,
            Participant.overseas_korean,
            Participant.overseas_association,
        ).where(Participant.forgotten_at.is_(None))
    ).all()
    refs = {
        row.id: LinkedParticipant(row.id, both_names(row.name_ko, row.name_en), row.email, row.affiliation)
        for row in people
    }
    state = {row.id: (row.overseas_korean, row.overseas_association) for row in people}
    by_email = {row.email: row.id for row in people if row.email}
    by_orcid = {row.orcid: row.id for row in people if row.orcid}
    by_key: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in people:
        for key in person_keys((row.name_ko, row.name_en), row.affiliation):
            by_key[key].add(row.id)

    matches: dict[int, list[tuple[OverseasRecord, str]]] = defaultdict(list)
    ambiguous: list[OverseasAmbiguity] = []
    unmatched: list[OverseasRecord] = []
    for record in sheet.records:
        email_id = by_email.get(record.email or "")
        orcid_id = by_orcid.get(record.orcid or "")
        if email_id and orcid_id and email_id != orcid_id:
            ambiguous.append(OverseasAmbiguity((record,), (refs[email_id], refs[orcid_id])))
        elif person_id := email_id or orcid_id:
            matches[person_id].append((record, "email" if email_id else "orcid"))
        else:
            candidates = set().union(
                *(by_key.get(key, set()) for key in person_keys((record.name_ko, record.name_en), record.affiliation))
            )
            if len(candidates) == 1:
                matches[candidates.pop()].append((record, "name_affiliation"))
            elif candidates:
                ambiguous.append(OverseasAmbiguity((record,), tuple(refs[i] for i in sorted(candidates))))
            else:
                unmatched.append(record)

    links: list[OverseasLink] = []
    changes: list[dict[str, Any]] = []
    now = utcnow()
    for person_id, found in matches.items():
        if len(found) > 1:
            ambiguous.append(OverseasAmbiguity(tuple(record for record, _ in found), (refs[person_id],)))
            continue
        record, rule = found[0]
        is_overseas, association = state[person_id]
        new_association = record.association or association
        changed = not is_overseas or new_association != association
        links.append(OverseasLink(record, refs[person_id], rule, changed))
        if changed:
            changes.append(
                {"id": person_id, "overseas_korean": True, "overseas_association": new_association, "updated_at": now}
            )
    ambiguous.sort(key=lambda item: item.records[0].row)
    links.sort(key=lambda link: link.record.row)
    if changes and not dry_run:
        session.execute(update(Participant), changes)
        audit.record(
            session,
            actor=actor,
            action="participant.link_overseas",
            entity="participant",
            details={
                "linked": {rule: sum(1 for link in links if link.rule == rule) for rule in LINK_RULES},
                "changed": len(changes),
                "ambiguous": len(ambiguous),
                "unmatched": len(unmatched),
            },
        )
    return OverseasLinkResult(tuple(links), tuple(ambiguous), tuple(unmatched), sheet.warnings, dry_run)
