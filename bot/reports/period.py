"""The period a report covers: a calendar quarter (`2026Q4`), any date range (`2026-01-01..2026-02-15`) or a
calendar year (`2026`, the annual report).

Dates are local dates in the report's time zone (`CLUBBOT_TIMEZONE`, Asia/Seoul): an item filed at
23:30 on 31 December in Seoul belongs to Q4 even though it is 14:30 UTC. Instants are compared with
`start(tz) <= instant < end(tz)`; dates with `first <= day <= last`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Quarter

_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*$")


@dataclass(frozen=True)
class Period:
    """A closed range of local dates; `quarter` is set when it is exactly a calendar quarter."""

    first: date
    last: date
    quarter: Quarter | None = None
    #: Set when it is exactly a calendar year (the annual report): its key is the year, `2026`.
    year: int | None = None

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period must end on or after its first day")

    @classmethod
    def of_quarter(cls, quarter: Quarter) -> Period:
        return cls(quarter.first_day, quarter.last_day, quarter)

    @classmethod
    def of_range(cls, first: date, last: date) -> Period:
        """A date range; a range that is exactly a quarter is that quarter."""
        quarter = Quarter.containing(first)
        if first == quarter.first_day and last == quarter.last_day:
            return cls.of_quarter(quarter)
        return cls(first, last)

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), year=year)

    @property
    def quarters(self) -> tuple[Period, ...]:
        """The calendar quarters of a year (empty for any other period)."""
        return tuple(Period.of_quarter(Quarter(self.year, n)) for n in range(1, 5)) if self.year else ()

    @classmethod
    def of_key(cls, key: str) -> Period:
        """The period a stored report's key names: a quarter, a date range or a year (`2026`)."""
        text = key.strip()
        if re.fullmatch(r"\d{4}", text):
            return cls.of_year(int(text))
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> Period:
        """`2026Q4` or `2026-01-01..2026-02-15`. Raises ValueError otherwise."""
        match = _RANGE.match(text)
        if match:
            return cls.of_range(date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2)))
        return cls.of_quarter(Quarter.parse(text))

    @property
    def key(self) -> str:
        """The key reports and narratives are stored under."""
        if self.year:
            return str(self.year)
        return str(self.quarter) if self.quarter else f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def start(self, tz: ZoneInfo) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=tz).astimezone(UTC)

    def end(self, tz: ZoneInfo) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)

    def contains_day(self, day: date) -> bool:
        return self.first <= day <= self.last

    def contains(self, instant: datetime, tz: ZoneInfo) -> bool:
        return self.start(tz) <= instant < self.end(tz)

    def previous(self) -> Period:
        """The period before, to compare with: the previous quarter, or the same number of days just before."""
        if self.quarter:
            return Period.of_quarter(self.quarter.previous())
        if self.year:
            return Period.of_year(self.year - 1)
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def is_finished(self, now: datetime, tz: ZoneInfo) -> bool:
        return now >= self.end(tz)
