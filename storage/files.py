"""Report files in the database, streamed in and out in chunks (`ReportFile` + `ReportFileChunk`).

A file is written chunk by chunk (each chunk its own INSERT, so the bytes are never held twice) and read back
chunk by chunk (`stream_results`, one row at a time), on SQLite (blobs) and PostgreSQL (`bytea`) alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from storage.models import ReportFile, ReportFileChunk

#: The largest chunk stored in one row.
CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class FileInfo:
    id: int
    name: str
    kind: str
    lang: str
    size: int
    sha256: str


def _pieces(data: bytes | Iterable[bytes]) -> Iterator[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        view = memoryview(data)
        for start in range(0, len(view), CHUNK_SIZE):
            yield bytes(view[start : start + CHUNK_SIZE])
        return
    for piece in data:
        view = memoryview(piece)
        for start in range(0, len(view), CHUNK_SIZE):
            yield bytes(view[start : start + CHUNK_SIZE])


def save_file(
    session: Session,
    data: bytes | Iterable[bytes],
    *,
    name: str,
    kind: str,
    lang: str,
    period: str,
    scope: str,
    club_id: int | None = None,
    report_id: int | None = None,
) -> FileInfo:
    """Store a file's bytes in the caller's transaction; its size and SHA-256 are computed on the way."""
    row = ReportFile(report_id=report_id, period=period, scope=scope, club_id=club_id, lang=lang, kind=kind, name=name)
    session.add(row)
    session.flush()
    digest = hashlib.sha256()
    size = 0
    for seq, chunk in enumerate(_pieces(data)):
        digest.update(chunk)
        size += len(chunk)
        session.execute(insert(ReportFileChunk).values(file_id=row.id, seq=seq, data=chunk))
    row.size = size
    row.sha256 = digest.hexdigest()
    session.flush()
    return FileInfo(row.id, name, kind, lang, size, row.sha256)


def file_info(session: Session, file_id: int) -> FileInfo | None:
    row = session.get(ReportFile, file_id)
    if row is None:
        return None
    return FileInfo(row.id, row.name, row.kind, row.lang, row.size, row.sha256)


def iter_chunks(session: Session, file_id: int) -> Iterator[bytes]:
    """The file's bytes, one chunk at a time (the session must stay open while they are read)."""
    result = session.execute(
        select(ReportFileChunk.data)
        .where(ReportFileChunk.file_id == file_id)
        .order_by(ReportFileChunk.seq)
        .execution_options(yield_per=1)
    )
    for (data,) in result:
        yield bytes(data)


def read_bytes(session: Session, file_id: int) -> bytes:
    """The whole file (for small files and tests; the outbox streams with `iter_chunks`)."""
    return b"".join(iter_chunks(session, file_id))


def delete_files(session: Session, file_ids: Iterable[int]) -> int:
    ids = list(file_ids)
    if not ids:
        return 0
    session.execute(delete(ReportFileChunk).where(ReportFileChunk.file_id.in_(ids)))
    result = session.execute(delete(ReportFile).where(ReportFile.id.in_(ids)))
    return int(getattr(result, "rowcount", 0) or 0)
