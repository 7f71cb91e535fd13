"""Time, defined once: the current instant and the time zone a club's schedule runs in.

Instants are aware and in UTC everywhere in the program; a club's calendar (its quarters, its digest day,
its reminders) is computed in the club's own zone, else the program's (`CLUBBOT_TIMEZONE`). Quarters are
`bot.domain.Quarter`; which run of a scheduled job is due is `bot.periods`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)


#: How far the program's clock is ahead of the machine's: zero, except in `clubbot console` after `:clock`.
_offset = timedelta(0)


def now() -> datetime:
    """The program's notion of the current instant (UTC). The clock and the jobs read it through this
    module (`bot.time.now()`), so a benchmark can run them on virtual time by replacing it, and the console
    can move it forward (`move_to`)."""
    return datetime.now(UTC) + _offset


def move_to(instant: datetime) -> None:
    """Set the program's clock so that `now()` reads `instant` from here on (it then runs on at the machine's
    pace). Only the console's `:clock` does this; a served bot never does."""
    global _offset
    if instant.tzinfo is None:
        raise ValueError("instant must be aware")
    _offset = instant.astimezone(UTC) - datetime.now(UTC)


def zone(timezone: str | None, default: str) -> ZoneInfo:
    """A club's time zone: its own (`Club.timezone`) when set and valid, else `default` (the program's)."""
    if timezone:
        try:
            return ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("club time zone %r is not a time zone; using %s", timezone, default)
    return ZoneInfo(default)
