"""The `/club update` and `/club output` filings on the request path, in Core statements (the ORM's unit of work
in `filing` does the same for every other caller and case).

The router read the caller's standing, the club, the caller's name and what `output_prefetch` asks for in one
query on the request's connection (`bot.standing.channel_standing`). The filing then writes the item, its first
status, its audit entry and its card's outbox row together: on PostgreSQL as ONE statement (INSERTs chained in a
CTE, one implicit transaction: committed when it returns), on SQLite as separate statements inside one
`BEGIN IMMEDIATE` transaction. The card is rendered before the item's ID is known, with a mark in the ID's place
that the write replaces with the ID (in SQL on PostgreSQL).

A filing the quick path does not cover (co-authors, a DOI the club or the DOI cache already knows, a caller
without a participant record) returns None and is filed by `filing` as before.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, Table, cast, exists, func, insert, literal, select
from sqlalchemy.sql.expression import Select

from bot import audit
from bot.access import Caller
from bot.domain import OutboxStatus, OutputSource, default_status
from bot.people import name_shown
from bot.refs import ClubRef
from bot.slack import outbox
from bot.slack.forms import FieldErrors
from bot.standing import Standing
from bot.tracking.service.checks import Problem, output_problems, raise_problems
from bot.tracking.service.permissions import require_member
from bot.tracking.types import AnyItem, Filed, ItemKind, ItemRef, OutputDraft, OutputItem, StatusStep, UpdateItem
from bot.tracking.values import text_problems
from bot.tracking.views.cards import item_card
from storage.db import Database
from storage.models import AuditEntry, Club, DoiMetadata, OutboxMessage, Output, OutputStatusChange, Update

_UPDATES: Table = Update.__table__  # type: ignore[assignment]
_OUTPUTS: Table = Output.__table__  # type: ignore[assignment]
_CHANGES: Table = OutputStatusChange.__table__  # type: ignore[assignment]
_AUDIT: Table = AuditEntry.__table__  # type: ignore[assignment]
_OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]


def output_prefetch(doi: str | None) -> dict[str, ColumnElement[Any]]:
    """What filing an output with `doi` needs read with the caller's standing: whether the club already has an
    output with that DOI (then it is the same output) and whether the DOI cache knows it (its card shows it)."""
    if not doi:
        return {}
    return {
        "doi_in_club": exists().where(Output.club_id == Club.id, Output.doi == doi),
        "doi_cached": exists().where(DoiMetadata.doi == doi),
    }


def _mark() -> int:
    """A number standing for the item's ID in its card until the ID is known (18 digits: never in a person's text
    by chance)."""
    return 10**17 + secrets.randbelow(9 * 10**17)


def _author(standing: Standing, caller: Caller) -> tuple[int, str | None] | None:
    if caller.participant_id is None:
        return None
    return caller.participant_id, name_shown(standing.name_en, standing.name_ko, standing.forgotten_at)


def file_update_quick(
    db: Database, connection: Connection, standing: Standing, caller: Caller, text: str, *, now: datetime
) -> Filed | None:
    """`filing.file_update` on the request's connection (None: not a case for the quick path)."""
    require_member(caller)
    if not text.strip():
        raise FieldErrors({"text": ("tracking.error.update_needs_text", {})})
    raise_problems(text_problems("text", text.strip()))
    author = _author(standing, caller)
    if author is None:
        return None
    club = standing.club
    mark = _mark()
    item = UpdateItem(
        ref=ItemRef(ItemKind.UPDATE, mark),
        club_id=club.id,
        author_id=author[0],
        author_user_id=caller.user_id,
        author_name=author[1],
        created_at=now,
        updated_at=now,
        text=text.strip(),
    )
    values = {"club_id": club.id, "author_id": author[0], "text": item.text, "created_at": now, "updated_at": now}
    new_id = _write(db, connection, _UPDATES, values, club=club, caller=caller, item=item, mark=mark, now=now)
    assert new_id is not None
    return Filed(replace(item, ref=ItemRef(ItemKind.UPDATE, new_id)))


def file_output_quick(
    db: Database,
    connection: Connection,
    standing: Standing,
    caller: Caller,
    draft: OutputDraft,
    *,
    now: datetime,
    today: date,
    form_problems: dict[str, Problem] | None = None,
) -> Filed | None:
    """`filing.file_output` on the request's connection (None: not a case for the quick path)."""
    require_member(caller)
    raise_problems({**output_problems(draft, today), **(form_problems or {})})
    author = _author(standing, caller)
    if author is None or draft.people:
        return None
    extra = standing.extra
    if draft.doi and ("doi_in_club" not in extra or extra["doi_in_club"] or extra["doi_cached"]):
        return None  # the same output again (or the prefetch was not made), or a card that shows the DOI cache
    club = standing.club
    status = draft.status or default_status(draft.type)
    mark = _mark()
    item = OutputItem(
        ref=ItemRef(ItemKind.OUTPUT, mark),
        club_id=club.id,
        author_id=author[0],
        author_user_id=caller.user_id,
        author_name=author[1],
        created_at=now,
        updated_at=now,
        type=draft.type,
        title=draft.title.strip(),
        status=status,
        occurred_on=draft.occurred_on,
        doi=draft.doi,
        url=draft.url,
        note=(draft.note or "").strip() or None,
        history=(StatusStep(None, status, now, caller.user_id),),
    )
    values = {
        "club_id": club.id,
        "filed_by_id": author[0],
        "type": draft.type,
        "title": item.title,
        "status": status.value,
        "occurred_on": draft.occurred_on,
        "doi": draft.doi,
        "url": draft.url,
        "note": item.note,
        "source": OutputSource.FILED,
        "created_at": now,
        "updated_at": now,
    }
    history = {"from_status": None, "to_status": status.value, "changed_at": now, "changed_by_id": author[0]}
    new_id = _write(
        db, connection, _OUTPUTS, values, club=club, caller=caller, item=item, mark=mark, now=now, history=history
    )
    if new_id is None:  # the club filed the DOI meanwhile: the same output
        return None
    return Filed(replace(item, ref=ItemRef(ItemKind.OUTPUT, new_id)))


def _rows(
    item_id: Any, *, club: ClubRef, caller: Caller, item: AnyItem, mark: int, now: datetime, history: dict | None
) -> list[tuple[Table, dict[str, Any]]]:
    """The rows written with the item: its first status, its audit entry and its card. `item_id` is the ID, or
    the SQL expression of it (the CTE's column)."""
    entity = item.kind.entity
    as_text = str(item_id) if isinstance(item_id, int) else cast(item_id, String)
    rows: list[tuple[Table, dict[str, Any]]] = []
    if history is not None:
        rows.append((_CHANGES, {"output_id": item_id, **history}))
    entry = audit.entry(actor=caller.user_id, action="item.filed", entity=entity, entity_id=0, club_id=club.id)
    rows.append((_AUDIT, {**entry, "entity_id": as_text, "at": now}))
    if club.channel_id:
        card = outbox.post_columns(club.channel_id, item_card(club.language, item), ref=f"{entity}:{mark}")
        payload_text = json.dumps(card["payload"], ensure_ascii=False)
        if isinstance(item_id, int):
            payload: Any = json.loads(payload_text.replace(str(mark), str(item_id)))
            ref: Any = f"{entity}:{item_id}"
        else:
            payload = cast(func.replace(literal(payload_text), str(mark), as_text), _OUTBOX.c.payload.type)
            ref = literal(f"{entity}:") + as_text
        rows.append(
            (
                _OUTBOX,
                {
                    **card,
                    "payload": payload,
                    "ref": ref,
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                    "created_at": now,
                    "next_attempt_at": now,
                },
            )
        )
    return rows


def _typed(value: Any, type_: Any) -> ColumnElement[Any]:
    """A parameter with its column's type, cast in SQL (a NULL in a SELECT list would be text to PostgreSQL)."""
    return cast(literal(value, type_), type_)


def _write(
    db: Database,
    connection: Connection,
    table: Table,
    values: dict[str, Any],
    *,
    club: ClubRef,
    caller: Caller,
    item: AnyItem,
    mark: int,
    now: datetime,
    history: dict | None = None,
) -> int | None:
    """Write the item and its rows in one transaction; the item's ID (None: an output whose DOI the club has)."""
    parts = {"club": club, "caller": caller, "item": item, "mark": mark, "now": now, "history": history}
    doi = values.get("doi")
    if db.is_sqlite:
        with db.transaction(connection):
            if doi and connection.scalar(select(exists().where(Output.club_id == club.id, Output.doi == doi))):
                return None
            item_id = connection.execute(insert(table).values(values).returning(table.c.id)).scalar_one()
            for target, row in _rows(item_id, **parts):  # type: ignore[arg-type]
                connection.execute(insert(target).values(row))
        return item_id
    # PostgreSQL: one statement, one implicit transaction (autocommit): the item, then everything else from it
    source: Select[Any] = select(*(_typed(v, table.c[k].type).label(k) for k, v in values.items()))
    if doi:
        source = source.where(~exists().where(Output.club_id == club.id, Output.doi == doi))
    written = (
        insert(table).from_select(list(values), source, include_defaults=False).returning(table.c.id).cte("item")
    )
    statement = select(written.c.id)
    for n, (target, row) in enumerate(_rows(written.c.id, **parts)):  # type: ignore[arg-type]
        columns = [
            value if isinstance(value, ColumnElement) else _typed(value, target.c[name].type)
            for name, value in row.items()
        ]
        chained = (
            insert(target)
            .from_select(list(row), select(*columns).select_from(written), include_defaults=False)
            .cte(f"row{n}")
        )
        statement = statement.add_cte(chained)
    return connection.execute(statement).scalar()
