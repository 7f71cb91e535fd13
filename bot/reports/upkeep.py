"""Keeping the stored report files: importing the ones an older version left on disk, pruning old quarters, and
rebuilding the reports that name a person after `clubbot forget`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import Quarter
from bot.errors import UserError
from bot.reports.period import Period
from bot.reports.service import build_for, club_report_target
from bot.reports.store import drop_stale_drafts, record_report, remove_report
from bot.reports.types import PROGRAM, BuiltFile, ReportTarget
from bot.settings import Settings
from storage import files
from storage.db import Database
from storage.models import Membership, OutboxMessage, Report

log = logging.getLogger(__name__)


# --- importing what an older version wrote under CLUBBOT_DATA_DIR/reports --------------------------------------


@dataclass
class Imported:
    moved: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    outbox_rows: int = 0


def import_report_folder(session: Session, reports_root: Path) -> Imported:
    """Store in the database every file a stored report lists by path only (written by a version that kept them
    under `reports_root`), and point the outbox's pending uploads of those files at the stored copies. Files
    already imported are skipped, so running it again does nothing."""
    done = Imported()
    for row in session.scalars(select(Report).order_by(Report.id)):
        listed = [BuiltFile.of_json(f) for f in row.files]
        if all(f.file_id is not None for f in listed):
            continue
        kept = []
        for file in listed:
            if file.file_id is not None:
                kept.append(file)
                continue
            source = reports_root / file.path
            if not source.is_file():
                done.missing.append(file.path)
                continue
            with source.open("rb") as stream:
                stored = files.save_file(
                    session, iter(lambda: stream.read(files.CHUNK_SIZE), b""), name=source.name, kind=file.kind,
                    lang=file.lang, period=row.period, scope=row.scope, club_id=row.club_id, report_id=row.id,
                )  # fmt: skip
            kept.append(BuiltFile(file.kind, file.lang, file.path, file.title_key, stored.id))
            done.moved.append(file.path)
            done.outbox_rows += _repoint_outbox(session, f"reports/{file.path}", stored.id)
        row.files = [f.as_json() for f in kept]
    session.flush()
    return done


def _repoint_outbox(session: Session, path: str, file_id: int) -> int:
    count = 0
    for message in session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "file")):
        if message.payload.get("path") == path and "stored_file" not in message.payload:
            payload = {k: v for k, v in message.payload.items() if k != "path"}
            message.payload = {**payload, "stored_file": file_id}
            count += 1
    return count


# --- retention -------------------------------------------------------------------------------------------------


@dataclass
class Pruned:
    reports: list[str] = field(default_factory=list)  # "2025Q1 program", ...
    drafts: int = 0


def prune_reports(session: Session, before: Quarter, *, now: datetime) -> Pruned:
    """Delete the stored reports (and their files) of periods that end before `before` starts; and draft files
    older than a day."""
    pruned = Pruned()
    first_day = before.first_day
    for row in list(session.scalars(select(Report).order_by(Report.period, Report.scope))):
        try:
            period = Period.of_key(row.period)
        except ValueError:
            continue
        if period.last < first_day:
            remove_report(session, row.period, row.scope)
            pruned.reports.append(f"{row.period} {row.scope}")
    pruned.drafts = drop_stale_drafts(session, now)
    return pruned


def retention_cutoff(keep_quarters: int | None, now: datetime, tz: ZoneInfo) -> Quarter | None:
    """The first quarter kept when only the last `keep_quarters` finished quarters are (None: keep every one)."""
    if keep_quarters is None:
        return None
    quarter = Quarter.of_instant(now, tz)
    for _ in range(keep_quarters):
        quarter = quarter.previous()
    return quarter


# --- erasure -------------------------------------------------------------------------------------------------------


@dataclass
class Rebuilt:
    rebuilt: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def rebuild_naming(db: Database, settings: Settings, participant_id: int, *, now: datetime) -> Rebuilt:
    """After a person was erased: rebuild, from the database, every stored report that may name them (every
    program report, and the reports of their clubs), so that no stored file keeps their name; a report that
    cannot be built again is removed (it is built afresh when asked for), and so is any other stored document
    (the year's casebook: the secretariat builds it again)."""
    with db.session() as session:
        clubs = set(session.scalars(select(Membership.club_id).where(Membership.participant_id == participant_id)))
        stored = [
            (row.period, row.scope)
            for row in session.scalars(select(Report).order_by(Report.period, Report.scope))
            if row.scope == PROGRAM or row.club_id in clubs or not row.scope.startswith("club:")
        ]
    done = Rebuilt()
    for period_key, scope in stored:
        label = f"{period_key} {scope}"
        with db.session() as session:
            try:
                period = Period.of_key(period_key)
                if scope == PROGRAM:
                    target = ReportTarget(period, PROGRAM, None, True)
                elif not scope.startswith("club:"):  # another feature's document (the casebook): built again by hand
                    raise ValueError(scope)
                else:
                    target = club_report_target(session, int(scope.split(":", 1)[1]), period)
                with session.begin_nested():
                    record_report(session, build_for(session, target, settings, now=now), now)
                done.rebuilt.append(label)
            except (UserError, ValueError):
                remove_report(session, period_key, scope)
                done.removed.append(label)
    return done
