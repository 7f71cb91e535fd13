"""Times as the publisher meant them: a feed's date text read to one UTC instant, with what was wrong.

Which element (`entry_date`), first that gives an instant wins; the problems of those passed over are kept:

1. `published` — feedparser's name for RSS `pubDate`, `dc:date`, `dcterms:issued`, Atom 1.0 `published`,
   Atom 0.3 `issued`;
2. `updated` — Atom `updated`, Atom 0.3 `modified`, `dcterms:modified`, RSS `lastBuildDate`;
3. `created` — Atom 0.3 `created`, `dcterms:created`;
4. `date_published`, then `date_modified` — a JSON Feed item's (RFC 3339, or RFC 822 as some servers write).

For each, the raw text is read by this module's parsers (below); feedparser's `<name>_parsed` is used
only when they cannot read the text, and then only if it passes the sanity check.

The forms read (`parse_date`), each with or without seconds and with or without a zone:

* RFC 822/1123: `Wed, 02 Oct 2024 09:00:00 KST`, `2 Oct 24 09:00 +0900`, `... +0900 (KST)`;
* ISO 8601/RFC 3339/W3CDTF: `2024-10-02T09:00:00+09:00`, `2024-10-02 09:00:00`, `2024-10-02`, `...Z`;
* Korean: `2024.10.02`, `2024. 10. 2.`, `2024.10.02 09:00`, `2024/10/02 오후 3:05`,
  `2024년 10월 2일 09:00`, `2024년 10월 2일 (수) 오전 9시 5분`.

Zones: a numeric offset; an abbreviation from `ZONES` (KST, JST, feedparser's US and UT/GMT/Z names and
others in use); an ambiguous one from `AMBIGUOUS` (CST, IST, BST, AST, SST) resolved by the feed's
language (`zh` -> China +08:00, `en-US` -> US Central -06:00, `hi`/`en-IN` -> India +05:30,
`en-IE`/`ga` -> Irish +01:00...) and otherwise read in its first meaning and flagged `ambiguous_zone`.
An unknown abbreviation is flagged `unknown_zone` and the time read as naive.

THE rule for a naive time (no zone, or an unknown one), `feed_zone`: a feed whose language is `ko` or
whose host ends in `.kr` is in Asia/Seoul; `ja` or `.jp` in Asia/Tokyo (the language decides first);
any other naive time is taken as UTC and flagged `naive`.

The sanity check (`check_parsed`, and every result): an instant more than a day after `now` is refused
(`future`); feedparser's reading of a text whose year-month-day disagrees with it by more than a day is
refused (`misread`; feedparser reads `2024.10.02 09:00` as 2024-12-01). A refused or unreadable date
gives `instant=None`, and the caller falls back to when the item was first seen.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from enum import StrEnum
from typing import Any

from bot.time import zone

#: The date elements in order of preference (see the module docstring).
DATE_ELEMENTS = ("published", "updated", "created", "date_published", "date_modified")
#: How far after now a date may be (clocks and zones disagree a little) before it is refused.
FUTURE_TOLERANCE = timedelta(days=1)
#: How far feedparser's reading (its UTC calendar date) may be from the calendar date the text says.
MISREAD_TOLERANCE = timedelta(days=1)


class DateProblemKind(StrEnum):
    UNPARSED = "unparsed"
    NAIVE = "naive"
    AMBIGUOUS_ZONE = "ambiguous_zone"
    UNKNOWN_ZONE = "unknown_zone"
    MISREAD = "misread"
    FUTURE = "future"


@dataclass(frozen=True)
class DateProblem:
    """One thing wrong with a date text: `kind`, the `text` it was found in, and a short `detail`."""

    kind: DateProblemKind
    text: str
    detail: str = ""

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.kind.value}: {self.text!r}{detail}"


@dataclass(frozen=True)
class DateResult:
    """The instant (UTC) a date text means, or None when it was unreadable or refused; its problems."""

    instant: datetime | None
    problems: tuple[DateProblem, ...] = ()
    #: The element it came from (`published`, `updated`...), for `entry_date`.
    source: str | None = None

    @property
    def kinds(self) -> tuple[DateProblemKind, ...]:
        return tuple(problem.kind for problem in self.problems)


def _offset(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


#: Unambiguous abbreviations: feedparser's (UT, GMT, Z, the US zones) and those seen in this program's feeds.
ZONES: dict[str, timezone] = {
    "UT": UTC, "UTC": UTC, "GMT": UTC, "Z": UTC, "WET": UTC,
    "EST": _offset(-5), "EDT": _offset(-4), "ET": _offset(-5),
    "CDT": _offset(-5), "CT": _offset(-6),
    "MST": _offset(-7), "MDT": _offset(-6), "MT": _offset(-7),
    "PST": _offset(-8), "PDT": _offset(-7), "PT": _offset(-8),
    "ADT": _offset(-3), "AT": _offset(-4),
    "NST": _offset(-3.5), "NDT": _offset(-2.5),
    "AKST": _offset(-9), "AKDT": _offset(-8), "HST": _offset(-10),
    "KST": _offset(9), "JST": _offset(9), "KDT": _offset(10),
    "HKT": _offset(8), "SGT": _offset(8), "PHT": _offset(8), "AWST": _offset(8),
    "WIB": _offset(7), "ICT": _offset(7),
    "ACST": _offset(9.5), "ACDT": _offset(10.5), "AEST": _offset(10), "AEDT": _offset(11),
    "NZST": _offset(12), "NZDT": _offset(13),
    "CET": _offset(1), "CEST": _offset(2), "MET": _offset(1), "MEST": _offset(2), "WEST": _offset(1),
    "EET": _offset(2), "EEST": _offset(3), "MSK": _offset(3), "IDT": _offset(3),
}  # fmt: skip


@dataclass(frozen=True)
class ZoneMeaning:
    """One meaning of an ambiguous abbreviation and the language tags (lower case) that choose it."""

    name: str
    offset: timezone
    languages: tuple[str, ...]


#: Ambiguous abbreviations; the first meaning is the one taken (and flagged) when the language does not choose.
AMBIGUOUS: dict[str, tuple[ZoneMeaning, ...]] = {
    "CST": (
        ZoneMeaning("US Central Standard Time", _offset(-6), ("en-us", "en-ca", "en", "es-mx")),
        ZoneMeaning("China Standard Time", _offset(8), ("zh", "zh-cn", "zh-tw", "zh-hk", "zh-sg")),
        ZoneMeaning("Cuba Standard Time", _offset(-5), ("es-cu",)),
    ),
    "IST": (
        ZoneMeaning("India Standard Time", _offset(5.5), ("hi", "en-in", "bn-in", "ta", "te", "mr", "kn", "ml", "gu")),
        ZoneMeaning("Irish Standard Time", _offset(1), ("en-ie", "ga")),
        ZoneMeaning("Israel Standard Time", _offset(2), ("he", "iw", "en-il")),
    ),
    "BST": (
        ZoneMeaning("British Summer Time", _offset(1), ("en-gb", "en", "cy", "gd")),
        ZoneMeaning("Bangladesh Standard Time", _offset(6), ("bn", "bn-bd", "en-bd")),
    ),
    "AST": (
        ZoneMeaning("Atlantic Standard Time", _offset(-4), ("en", "en-ca", "en-us", "fr-ca", "es-pr")),
        ZoneMeaning("Arabia Standard Time", _offset(3), ("ar",)),
    ),
    "SST": (
        ZoneMeaning("Singapore Standard Time", _offset(8), ("en-sg", "zh-sg", "ms")),
        ZoneMeaning("Samoa Standard Time", _offset(-11), ("sm", "en-as")),
    ),
}


def _language_tag(language: str | None) -> str:
    return (language or "").strip().lower().replace("_", "-")


def resolve_zone(abbreviation: str, *, language: str | None = None) -> tuple[timezone | None, bool]:
    """(offset, ambiguous) for a zone abbreviation; (None, False) when unknown.

    An ambiguous one is chosen by the full language tag, then by its primary subtag against the tags
    without a region; `ambiguous` is True only when the language chose nothing.
    """
    name = abbreviation.strip().upper()
    if name in ZONES:
        return ZONES[name], False
    meanings = AMBIGUOUS.get(name)
    if not meanings:
        return None, False
    tag = _language_tag(language)
    primary = tag.split("-", 1)[0]
    for meaning in meanings:
        if tag and tag in meaning.languages:
            return meaning.offset, False
    for meaning in meanings:
        if primary and primary in meaning.languages:
            return meaning.offset, False
    return meanings[0].offset, True


def feed_zone(*, language: str | None = None, host: str | None = None) -> tzinfo | None:
    """THE rule for naive times: the zone a feed's own times are in, or None when the feed does not say."""
    primary = _language_tag(language).split("-", 1)[0]
    if primary == "ko":
        return zone("Asia/Seoul", "UTC")
    if primary == "ja":
        return zone("Asia/Tokyo", "UTC")
    name = (host or "").strip().lower().rstrip(".")
    if name.endswith(".kr"):
        return zone("Asia/Seoul", "UTC")
    if name.endswith(".jp"):
        return zone("Asia/Tokyo", "UTC")
    return None


# --- the forms -----------------------------------------------------------------------------------------

_ZONE = r"(?:\s*(?P<zone>Z|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5}))?"
_HMS = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
_MERIDIEM = r"(?:(?P<meridiem>오전|오후|AM|PM|am|pm)\s*)?"
_ISO = re.compile(rf"^(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})(?:[Tt ]\s*{_HMS})?{_ZONE}$")
_DOTTED = re.compile(
    rf"^(?P<year>\d{{4}})\s*(?P<sep>[./])\s*(?P<month>\d{{1,2}})\s*(?P=sep)\s*(?P<day>\d{{1,2}})\s*\.?"
    rf"(?:\s*\(?[월화수목금토일]\)?)?(?:\s+{_MERIDIEM}{_HMS})?{_ZONE}$"
)
_KOREAN = re.compile(
    r"^(?P<year>\d{4})\s*년\s*(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일(?:\s*\(?[월화수목금토일]\)?)?"
    r"(?:\s*(?:(?P<meridiem>오전|오후)\s*)?(?:(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"|(?P<khour>\d{1,2})\s*시(?:\s*(?P<kminute>\d{1,2})\s*분)?(?:\s*(?P<ksecond>\d{1,2})\s*초)?))?" + _ZONE + "$"
)
_RFC822 = re.compile(
    rf"^(?:[A-Za-z]{{3,9}}\.?,?\s+)?(?P<day>\d{{1,2}})[\s-]+(?P<monthname>[A-Za-z]{{3,9}})\.?[\s-]+"
    rf"(?P<year>\d{{2}}|\d{{4}})(?:\s+{_HMS})?{_ZONE}$"
)
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
)}  # fmt: skip
_COMMENT = re.compile(r"\s*\([^)]*\)\s*$")
#: A year-first calendar date anywhere in a text, for the misread check.
_LOOSE_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*[-./년]\s*(?P<month>\d{1,2})\s*[-./월]\s*(?P<day>\d{1,2})(?!\d)"
)


@dataclass(frozen=True)
class _Reading:
    wall: datetime  # naive
    zone: str | None


def _int(value: str | None) -> int:
    return int(value) if value else 0


def _read(text: str) -> _Reading | None:
    cleaned = _COMMENT.sub("", " ".join(text.split()))
    for pattern in (_ISO, _DOTTED, _KOREAN, _RFC822):
        match = pattern.match(cleaned)
        if match:
            return _reading(match.groupdict())
    return None


def _reading(groups: dict[str, str | None]) -> _Reading | None:
    year = int(groups["year"] or 0)
    if groups.get("monthname") is not None:
        month = _MONTHS.get((groups["monthname"] or "")[:3].lower(), 0)
        if year < 100:
            year += 2000 if year < 50 else 1900
    else:
        month = _int(groups["month"])
    hour = _int(groups.get("hour") or groups.get("khour"))
    minute = _int(groups.get("minute") or groups.get("kminute"))
    second = _int(groups.get("second") or groups.get("ksecond"))
    meridiem = (groups.get("meridiem") or "").lower()
    if meridiem in {"오후", "pm"} and hour < 12:
        hour += 12
    elif meridiem in {"오전", "am"} and hour == 12:
        hour = 0
    try:
        wall = datetime(year, month, _int(groups["day"]), hour, minute, min(second, 59))
    except ValueError:
        return None
    return _Reading(wall, groups.get("zone"))


def _numeric_offset(text: str) -> timezone | None:
    match = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?", text, re.IGNORECASE)
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes = int(match.group(2)), _int(match.group(3))
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _localize(reading: _Reading, text: str, language: str | None, host: str | None) -> DateResult:
    problems: list[DateProblem] = []
    offset: tzinfo | None = None
    if reading.zone:
        offset = _numeric_offset(reading.zone)
        if offset is None:
            offset, ambiguous = resolve_zone(reading.zone, language=language)
            if ambiguous:
                detail = f"{reading.zone} read as {AMBIGUOUS[reading.zone.upper()][0].name}"
                problems.append(DateProblem(DateProblemKind.AMBIGUOUS_ZONE, text, detail))
            elif offset is None:
                problems.append(DateProblem(DateProblemKind.UNKNOWN_ZONE, text, reading.zone))
    if offset is None:
        offset = feed_zone(language=language, host=host)
        if offset is None:
            offset = UTC
            problems.append(DateProblem(DateProblemKind.NAIVE, text, "taken as UTC"))
    return DateResult(reading.wall.replace(tzinfo=offset).astimezone(UTC), tuple(problems))


def _refuse_future(result: DateResult, text: str, now: datetime) -> DateResult:
    if result.instant is not None and result.instant > now + FUTURE_TOLERANCE:
        problem = DateProblem(DateProblemKind.FUTURE, text, result.instant.isoformat())
        return DateResult(None, (*result.problems, problem), result.source)
    return result


def text_calendar_date(text: str) -> date | None:
    """The year-month-day a text says, wherever it is in it (`2024.10.02 09:00` -> 2024-10-02)."""
    match = _LOOSE_DATE.search(text)
    if not match:
        return None
    try:
        return date(int(match.group("year")), int(match.group("month")), int(match.group("day")))
    except ValueError:
        return None


def struct_instant(value: object) -> datetime | None:
    """feedparser's `*_parsed` (a UTC `struct_time`) as an aware datetime, or None."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def check_parsed(text: str, instant: datetime, *, now: datetime) -> DateResult:
    """The sanity check on another parser's reading of `text`: refused when it is more than a day from the
    calendar date the text says (`misread`) or more than a day after `now` (`future`)."""
    said = text_calendar_date(text)
    if said is not None and abs(instant.date() - said) > MISREAD_TOLERANCE:
        detail = f"read as {instant.date().isoformat()}, the text says {said.isoformat()}"
        return DateResult(None, (DateProblem(DateProblemKind.MISREAD, text, detail),))
    return _refuse_future(DateResult(instant), text, now)


def parse_date(
    text: str,
    *,
    now: datetime,
    language: str | None = None,
    host: str | None = None,
    parsed: object = None,
) -> DateResult:
    """The instant a date text means (see the module docstring for the forms and rules).

    `language` is the feed's (or the entry's) language tag, `host` the feed's host; `parsed` is
    feedparser's `*_parsed` for the text, used only when this module cannot read the text itself.
    """
    stripped = text.strip()
    reading = _read(stripped)
    if reading is not None:
        return _refuse_future(_localize(reading, stripped, language, host), stripped, now)
    fallback = struct_instant(parsed)
    if fallback is not None:
        return check_parsed(stripped, fallback, now=now)
    return DateResult(None, (DateProblem(DateProblemKind.UNPARSED, stripped),))


def entry_date(
    entry: Mapping[str, Any],
    *,
    now: datetime,
    language: str | None = None,
    host: str | None = None,
) -> DateResult:
    """The best instant of a feedparser entry (or a JSON Feed item dict), with the problems met on the way.

    Elements are tried in `DATE_ELEMENTS` order; an element with only a `*_parsed` value (no text) is
    taken as feedparser read it, after the future check.
    """
    problems: list[DateProblem] = []
    # dict.get: feedparser's own `get` maps a missing `updated` onto `published` (with a warning), which would
    # read the same text twice; its entries store each element under its own name
    get = (lambda key: dict.get(entry, key)) if isinstance(entry, dict) else entry.get
    for name in DATE_ELEMENTS:
        text = get(name)
        parsed = get(f"{name}_parsed")
        if isinstance(text, str) and text.strip():
            result = parse_date(text, now=now, language=language, host=host, parsed=parsed)
        elif (instant := struct_instant(parsed)) is not None:
            result = _refuse_future(DateResult(instant), name, now)
        else:
            continue
        problems.extend(result.problems)
        if result.instant is not None:
            return DateResult(result.instant, tuple(problems), name)
    return DateResult(None, tuple(problems))
