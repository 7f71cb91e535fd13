"""Spreadsheets in and out: CSV (UTF-8, UTF-8 with BOM, UTF-16, CP949) and XLSX, as rows of text.

Reading
    The kind of file is told by its first bytes, not its name: a ZIP archive is XLSX (also `.xlsm`),
    an OLE2 compound file is the old `.xls` (refused: save it as XLSX or CSV), anything else is CSV.
    A CSV's encoding: a UTF-8 BOM → `utf-8-sig`; a UTF-16 BOM (Excel's "Unicode text") → `utf-16`;
    bytes that decode as UTF-8 → `utf-8`; else CP949 (what Korean Excel writes for "CSV"); bytes that
    are none of these are refused. The delimiter is the one of `,` `;` tab that the first line uses most.

    XLSX is opened read-only with openpyxl's `data_only=False`. openpyxl never calculates: with
    `data_only=True` a formula cell gives the value Excel cached when it last saved the file (None
    for a file no spreadsheet program has recalculated, and whatever the file's author put there
    otherwise); with `data_only=False` it gives the formula's text (`=cmd|' /C calc'!A0`). We take
    the text: nothing is evaluated, and what is stored is exactly what the cell shows in the formula
    bar, so a formula where a value belongs fails validation (an email) or is kept as inert text
    (a name), and is neutralised again on export.

Limits
    A file is refused, before it is read or unpacked, when it is bigger than `Limits.file_bytes`; an XLSX
    whose parts unpack (as the archive declares them: zipfile never yields more) to more than
    `Limits.unpacked_bytes`, or whose shared-strings part alone exceeds `Limits.shared_strings_bytes`, is
    refused without unpacking (the 2 MB zip bomb of issue 14 unpacks to 566 MB). While reading: more than
    `Limits.rows` rows, a cell beyond column `Limits.columns`, or more than `Limits.seconds` of reading.
    Each refusal names its limit and says how to split the file. A cell holding a control character (NUL
    included; tab and line breaks are text) is refused with its row and column, whatever the database.

Writing
    Every cell is text. A cell beginning with `=`, `+`, `-`, `@` (or their full-width and small forms
    `＝＋－＠﹦﹢﹣﹫`, and the minus sign `−`, which spreadsheets given East Asian input take the same way),
    a tab or a carriage return would be
    read as a formula by Excel or LibreOffice (CSV injection): in CSV it gets a leading `'`; in XLSX it
    is written as an explicit string cell (`data_type = "s"`) with the quote-prefix style, so no
    exported cell is ever a formula and its text is unchanged. CSV is written as UTF-8 with a BOM
    (Excel then reads Korean correctly) and CRLF line ends.
"""

from __future__ import annotations

import csv
import io
import re
import time as clock
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from bot.participants.values import lookup_key

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫", "−")
#: C0 controls (but tab, line feed, carriage return), DEL and the C1 controls: never text a person typed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MB = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class TableError(Exception):
    """The file cannot be read as a table at all; `key` names the reason in the catalogs."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Limits:
    """What one import reads at most; far above the program's lists (a few thousand rows), far below a bomb."""

    file_bytes: int = 30 * _MB
    unpacked_bytes: int = 200 * _MB
    shared_strings_bytes: int = 50 * _MB
    rows: int = 200_000
    columns: int = 200
    seconds: float = 60.0


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class RawTable:
    """A sheet's non-empty rows as text, each with its row number as the spreadsheet shows it (first row = 1)."""

    rows: tuple[tuple[int, tuple[str, ...]], ...]
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None  # for CSV
    sheet: str | None = None  # for XLSX


def read_table(path: Path, *, sheet_words: Sequence[str] = (), limits: Limits = DEFAULT_LIMITS) -> RawTable:
    """Read a CSV or XLSX file. For XLSX, the first sheet whose name contains one of `sheet_words`
    (compared case- and space-insensitively), else the first sheet."""
    try:
        size = path.stat().st_size
        if size > limits.file_bytes:
            raise TableError("participants.file.too_large", size=_megabytes(size), limit=_megabytes(limits.file_bytes))
        data = path.read_bytes()
    except FileNotFoundError:
        raise TableError("participants.file.not_found", path=str(path)) from None
    except OSError as exc:
        raise TableError("participants.file.unreadable", path=str(path), reason=exc.strerror or str(exc)) from None
    if data.startswith(_ZIP_MAGIC):
        return read_xlsx(data, sheet_words=sheet_words, limits=limits)
    if data.startswith(_OLE_MAGIC):
        raise TableError("participants.file.old_excel")
    return read_csv(data, limits=limits)


def _megabytes(size: int) -> str:
    return f"{size / _MB:,.1f}"


class _Reading:
    """The row, column and time limits, checked as rows are read."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = clock.monotonic() + limits.seconds

    def row(self, number: int, cells: tuple[str, ...]) -> tuple[str, ...]:
        limits = self.limits
        if number > limits.rows:
            raise TableError("participants.file.too_many_rows", limit=f"{limits.rows:,}")
        if number % 1000 == 0 and clock.monotonic() > self.deadline:
            raise TableError("participants.file.too_slow", limit=f"{limits.seconds:g}", row=f"{number:,}")
        if len(cells) > limits.columns:
            if any(cells[limits.columns :]):
                raise TableError("participants.file.too_many_columns", row=number, limit=limits.columns)
            cells = cells[: limits.columns]
        for index, cell in enumerate(cells):
            found = _CONTROL.search(cell)
            if found:
                raise TableError(
                    "participants.file.control_character",
                    row=number,
                    column=column_letter(index + 1),
                    code=f"U+{ord(found.group()):04X}",
                )
        return cells


def column_letter(number: int) -> str:
    """1 → A, 27 → AA: the column as spreadsheets name it."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for the bytes of a CSV file; see the module's doc for the rule."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp949"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TableError("participants.file.undecodable")


def read_csv(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    if len(data) > limits.file_bytes:
        raise TableError("participants.file.too_large", size=_megabytes(len(data)), limit=_megabytes(limits.file_bytes))
    reading = _Reading(limits)
    text, encoding = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    rows: list[tuple[int, tuple[str, ...]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, record in enumerate(reader, start=1):
            cells = reading.row(number, tuple(_unquote(cell.strip()) for cell in record))
            if any(cells):
                rows.append((number, cells))
    except csv.Error as exc:
        raise TableError("participants.file.bad_csv", reason=str(exc)) from None
    return RawTable(rows=tuple(rows), kind="csv", encoding=encoding)


def _unquote(cell: str) -> str:
    """Undo our own export's neutralisation (`'=…` → `=…`), so an exported file imports back unchanged."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_TRIGGERS:
        return cell[1:]
    return cell


def _check_unpacked_size(data: bytes, limits: Limits) -> None:
    """Refuse an archive whose declared contents are too big, before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TableError("participants.file.bad_xlsx", reason=str(exc) or exc.__class__.__name__) from None
    total = sum(part.file_size for part in parts)
    strings = sum(part.file_size for part in parts if part.filename.lower().endswith("sharedstrings.xml"))
    for over, limit in ((total, limits.unpacked_bytes), (strings, limits.shared_strings_bytes)):
        if over > limit:
            raise TableError("participants.file.too_large_unpacked", size=_megabytes(over), limit=_megabytes(limit))


def read_xlsx(data: bytes, *, sheet_words: Sequence[str] = (), limits: Limits = DEFAULT_LIMITS) -> RawTable:
    from openpyxl import load_workbook

    if len(data) > limits.file_bytes:
        raise TableError("participants.file.too_large", size=_megabytes(len(data)), limit=_megabytes(limits.file_bytes))
    _check_unpacked_size(data, limits)
    reading = _Reading(limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise TableError("participants.file.bad_xlsx", reason=str(exc) or exc.__class__.__name__) from None
    try:
        sheet = _pick_sheet(workbook.worksheets, sheet_words)
        sheet.reset_dimensions()  # trust the cells, not the dimension some writers record wrongly
        rows: list[tuple[int, tuple[str, ...]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = reading.row(number, tuple(cell_text(value) for value in values))
            if any(cells):
                rows.append((number, cells))
        return RawTable(rows=tuple(rows), kind="xlsx", sheet=sheet.title)
    finally:
        workbook.close()


def _pick_sheet(sheets: Sequence[Any], words: Sequence[str]) -> Any:
    if not sheets:
        raise TableError("participants.file.empty")
    keys = [lookup_key(word) for word in words]
    for sheet in sheets:
        title = lookup_key(sheet.title)
        if any(key and key in title for key in keys):
            return sheet
    return sheets[0]


def cell_text(value: object) -> str:
    """An XLSX cell's value as the text a person sees: numbers without a spurious `.0`, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


# --- writing ----------------------------------------------------------------------------------------


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_TRIGGERS)


def neutralise_csv_cell(value: str) -> str:
    """`=1+1` → `'=1+1`: spreadsheet programs show the text instead of calculating it."""
    return "'" + value if is_formula_like(value) else value


def write_csv(stream: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """UTF-8 with BOM, CRLF line ends, every cell neutralised."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([neutralise_csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise_csv_cell(cell) for cell in row])
    stream.write(b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"))


def write_xlsx(
    stream: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[str]], *, sheet_title: str = "participants"
) -> None:
    """One sheet, every cell an explicit string (never a formula), the header bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([xlsx_cell(sheet, value, font=bold) for value in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    stream.write(buffer.getvalue())


def xlsx_value(sheet: Any, value: object) -> Any:
    """What to append to a write-only sheet for `value`: the value itself when openpyxl cannot take it for a
    formula (numbers, dates, text not starting with a formula trigger), else an explicit string cell. The fast
    path for large sheets; `xlsx_cell` when the cell needs a style."""
    if isinstance(value, str) and is_formula_like(value):
        return xlsx_cell(sheet, value)
    return value


def xlsx_cell(sheet: Any, value: object, *, font: Any = None, number_format: str | None = None) -> Any:
    """A cell for a write-only sheet: text is always an explicit string (never a formula, whatever it starts
    with), numbers stay numbers (for the reader's own sums), None is an empty cell."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # assigning "=..." made it a formula; force a plain string
        if is_formula_like(value):
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited
    elif value is not None:
        cell.value = value
        if number_format:
            cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell
