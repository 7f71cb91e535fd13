"""The console's clock: `:clock` moves the program's time forward so one can watch who gets what when, and
`:people` shows each person's own local time and zone and whether they are away.

`parse_target` reads `+3h`, `+2d`, `+1d6h30m` or `2026-12-08 09:00` (the program's zone, `CLUBBOT_TIMEZONE`)
and is pure. `ConsoleClock.advance` walks from now to the target an hour at a time: at each step it moves
`bot.time.now()` there, runs every scheduled job owed then (the clock's own claims, so nothing runs twice) and
sends the posts due then, saying the time first, so each message shows under the hour it reached its reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot import time
from bot.app import run_jobs_at
from bot.domain import Language, OutboxStatus
from bot.i18n import format_datetime, t
from bot.runtime import Runtime
from storage.models import OutboxMessage, Participant

_STEP = re.compile(r"(\d+)\s*([dhm])")
#: How far one `:clock` may move (an hour at a time): a quarter and a little more.
AT_MOST = timedelta(days=100)
STEP = timedelta(hours=1)
#: Jobs the console's clock leaves out: they read the Internet (feeds, OpenAlex), which the console does not
#: count on; `/club digest now` and the demo's discovery at start-up show them.
SKIPPED_JOBS = frozenset({"digest", "outputs-discovery"})


class ClockError(ValueError):
    """What is wrong with a `:clock` argument, said to the person."""


def parse_target(text: str, now: datetime, zone: ZoneInfo, lang: Language = Language.EN) -> datetime:
    """The instant `:clock TEXT` means at `now`: `+3h`/`+2d`/`+1d6h30m` ahead, or a local date and time in
    `zone` (`2026-12-08 09:00`, `2026-12-08` = 00:00). Raises `ClockError` for anything else, for a moment
    not ahead of now, or further than `AT_MOST`, saying so in `lang`."""
    text = text.strip()
    if text.startswith("+"):
        rest = text[1:].replace(" ", "")
        parts = _STEP.findall(rest)
        if not parts or "".join(n + u for n, u in parts) != rest:
            raise ClockError(t(lang, "console.clock.bad_step", text=repr(text)))
        units = {"d": "days", "h": "hours", "m": "minutes"}
        target = now + sum((timedelta(**{units[u]: int(n)}) for n, u in parts), timedelta())
    else:
        try:
            local = (
                datetime.fromisoformat(text)
                if " " in text or "T" in text
                else datetime.combine(date.fromisoformat(text), datetime.min.time())
            )
        except ValueError as error:
            raise ClockError(t(lang, "console.clock.bad_date", text=repr(text), zone=zone.key)) from error
        target = local.replace(tzinfo=zone) if local.tzinfo is None else local
    if target <= now:
        raise ClockError(t(lang, "console.clock.backwards"))
    if target - now > AT_MOST:
        raise ClockError(t(lang, "console.clock.too_far", days=AT_MOST.days))
    return target


def steps(now: datetime, target: datetime, step: timedelta = STEP) -> list[datetime]:
    """The instants the clock stops at between `now` (excluded) and `target` (included): each whole hour, then
    the target."""
    first = now.replace(minute=0, second=0, microsecond=0) + step
    moments = []
    moment = first
    while moment < target:
        moments.append(moment)
        moment += step
    return [*moments, target]


def weekday(local: datetime, lang: Language) -> str:
    """The short name of the day in the reader's language: `Mon` / `월`."""
    return format_datetime(local, lang, tz=local.tzinfo, style="EEE")


@dataclass(frozen=True)
class PersonClock:
    """What `:people` shows of a person besides their name."""

    zone: str
    local: datetime
    away_until: date | None


class ConsoleClock:
    """The running app's time, as the console moves it."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @property
    def zone(self) -> ZoneInfo:
        return self.runtime.settings.tz

    def now(self) -> datetime:
        return time.now()

    def advance(
        self,
        target: datetime,
        *,
        say: Callable[[str], None],
        settle: Callable[[], None],
        lang: Language = Language.EN,
    ) -> int:
        """Walk to `target` (see the module's doc); returns how many posts went out on the way."""
        sent = 0
        previous = self.now()
        for moment in steps(previous, target):
            time.move_to(moment)
            run_jobs_at(self.runtime, moment, owner="console:clock", skip=SKIPPED_JOBS)
            first = self._first_due(moment)
            if first is not None:  # said at the moment the first of them is due (within this step)
                say(f"── {self.label(max(first, previous), lang)} ──")
                report = self.runtime.outbox.dispatcher.dispatch_due(now=moment)
                sent += report.sent
                settle()
            previous = moment
        time.move_to(target)
        return sent

    def _first_due(self, moment: datetime) -> datetime | None:
        with self.runtime.db.read() as session:
            first: datetime | None = session.scalar(
                select(func.min(OutboxMessage.next_attempt_at)).where(
                    OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= moment
                )
            )
            return first

    def label(self, moment: datetime, lang: Language = Language.EN) -> str:
        """`Mon 2026-12-07 09:00 Asia/Seoul` / `2026-12-07(월) 09:00 Asia/Seoul`: the moment in the program's zone."""
        local = moment.astimezone(self.zone)
        return t(
            lang,
            "console.clock.label",
            weekday=weekday(local, lang),
            day=f"{local:%Y-%m-%d}",
            time=f"{local:%H:%M}",
            zone=self.zone.key,
        )

    def people(self, users: Iterable[tuple[str, str | None]]) -> dict[str, PersonClock]:
        """Each (Slack user id, Slack `tz`): their zone (the program's when Slack has none), local time now,
        and the last day they said they are away (when still ahead)."""
        now = self.now()
        pairs = list(users)
        with self.runtime.db.read() as session:
            rows = session.execute(
                select(Participant.slack_user_id, Participant.away_until).where(
                    Participant.slack_user_id.in_([u for u, _ in pairs])
                )
            )
            away = {row[0]: row[1] for row in rows}
        result = {}
        for user_id, tz in pairs:
            zone = time.zone(tz, self.zone.key)
            until = away.get(user_id)
            local = now.astimezone(zone)
            result[user_id] = PersonClock(zone.key, local, until if until and until >= local.date() else None)
        return result
