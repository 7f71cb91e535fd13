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
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, Table, bindparam, cast, exists, func, insert, select
from sqlalchemy.sql.expression import Select

from bot import audit
from bot.access import Caller
from bot.domain import OutboxStatus, OutputSource, default_status
from bot.people import name_shown
from bot.refs import ClubRef
from bot.slack import outbox
from bot.slack.forms import FieldErrors
from bot.standing import Prefetch, Standing
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


_DOI = bindparam("prefetch_doi", type_=String)
_DOI_CHECKS = {
    "doi_in_club": exists().where(Output.club_id == Club.id, Output.doi == _DOI),
    "doi_cached": exists().where(DoiMetadata.doi == _DOI),
}


def output_prefetch(doi: str | None) -> Prefetch | None:
    """What filing an output with `doi` needs read with the caller's standing: whether the club already has an
    output with that DOI (then it is the same output) and whether the DOI cache knows it (its card shows it)."""
    if not doi:
        return None
    return Prefetch("output-doi", _DOI_CHECKS, {"prefetch_doi": doi})


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


@dataclass(frozen=True)
class _ItemId:
    """The new item's ID in a row (as text with `text=True`), known once the item is inserted."""

    text: bool = False


@dataclass(frozen=True)
class _WithId:
    """Text in which the mark stands for the new item's ID (the card's payload as JSON, `json=True`; its ref)."""

    value: str
    json: bool = False


def _rows(
    *, club: ClubRef, caller: Caller, item: AnyItem, mark: int, now: datetime, history: dict | None
) -> list[tuple[Table, dict[str, Any]]]:
    """The rows written with the item: its first status, its audit entry and its card; where the item's ID goes,
    an `_ItemId` or a `_WithId`."""
    entity = item.kind.entity
    rows: list[tuple[Table, dict[str, Any]]] = []
    if history is not None:
        rows.append((_CHANGES, {"output_id": _ItemId(), **history}))
    entry = audit.entry(actor=caller.user_id, action="item.filed", entity=entity, entity_id=0, club_id=club.id)
    rows.append((_AUDIT, {**entry, "entity_id": _ItemId(text=True), "at": now}))
    if club.channel_id:
        card = outbox.post_columns(club.channel_id, item_card(club.language, item), ref=f"{entity}:{mark}")
        payload = _WithId(json.dumps(card["payload"], ensure_ascii=False), json=True)
        rows.append(
            (
                _OUTBOX,
                {
                    **card,
                    "payload": payload,
                    "ref": _WithId(f"{entity}:{mark}"),
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                    "created_at": now,
                    "next_attempt_at": now,
                },
            )
        )
    return rows


def _resolved(value: Any, item_id: int, mark: int) -> Any:
    if isinstance(value, _ItemId):
        return str(item_id) if value.text else item_id
    if isinstance(value, _WithId):
        text = value.value.replace(str(mark), str(item_id))
        return json.loads(text) if value.json else text
    return value


#: The statements of the request path, built once per shape and executed with parameters (building a statement
#: of this size costs more than running it).
_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _typed(name: str, type_: Any) -> ColumnElement[Any]:
    """A parameter with its column's type, cast in SQL (a NULL in a SELECT list would be text to PostgreSQL)."""
    return cast(bindparam(name, type_=type_), type_)


def _chained(table: Table, keys: tuple[str, ...], doi: bool, rows: list[tuple[Table, dict[str, Any]]]) -> Any:
    """PostgreSQL: the item's INSERT (none when `doi` and the club has that DOI), and each row's INSERT taking the
    item's ID from it, as one statement."""
    source: Select[Any] = select(*(_typed(f"i_{k}", table.c[k].type).label(k) for k in keys))
    if doi:
        source = source.where(
            ~exists().where(
                Output.club_id == bindparam("i_club_id", type_=table.c.club_id.type),
                Output.doi == bindparam("i_doi", type_=table.c.doi.type),
            )
        )
    written = insert(table).from_select(list(keys), source, include_defaults=False).returning(table.c.id).cte("item")
    as_text = cast(written.c.id, String)
    statement = select(written.c.id)
    for n, (target, row) in enumerate(rows):
        columns: list[ColumnElement[Any]] = []
        for name, value in row.items():
            if isinstance(value, _ItemId):
                columns.append(as_text if value.text else written.c.id)
            elif isinstance(value, _WithId):
                text = func.replace(bindparam(f"r{n}_{name}", type_=String), bindparam("mark", type_=String), as_text)
                columns.append(cast(text, target.c[name].type) if value.json else text)
            else:
                columns.append(_typed(f"r{n}_{name}", target.c[name].type))
        chained = (
            insert(target)
            .from_select(list(row), select(*columns).select_from(written), include_defaults=False)
            .cte(f"row{n}")
        )
        statement = statement.add_cte(chained)
    return statement


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
    rows = _rows(club=club, caller=caller, item=item, mark=mark, now=now, history=history)
    doi = values.get("doi")
    if db.is_sqlite:
        with db.transaction(connection):
            if doi and connection.scalar(select(exists().where(Output.club_id == club.id, Output.doi == doi))):
                return None
            item_id = connection.execute(insert(table).returning(table.c.id), values).scalar_one()
            for target, row in rows:
                connection.execute(insert(target), {k: _resolved(v, item_id, mark) for k, v in row.items()})
        return item_id
    # PostgreSQL: one statement, one implicit transaction (autocommit): the item, then everything else from it
    keys = tuple(values)
    shape = (table.name, keys, bool(doi), tuple((target.name, tuple(row)) for target, row in rows))
    statement = _STATEMENTS.get(shape)
    if statement is None:
        statement = _STATEMENTS.setdefault(shape, _chained(table, keys, bool(doi), rows))
    params: dict[str, Any] = {f"i_{k}": v for k, v in values.items()}
    params["mark"] = str(mark)
    for n, (_target, row) in enumerate(rows):
        for name, value in row.items():
            if isinstance(value, _WithId):
                params[f"r{n}_{name}"] = value.value
            elif not isinstance(value, _ItemId):
                params[f"r{n}_{name}"] = value
    item_id = connection.execute(statement, params).scalar()
    connection.commit()  # autocommit: already committed, and no round trip; anything else: committed here
    return item_id
