"""What the news digest talks about, defined once: a club's feeds as shown (`FeedView`), what a refresh did
(`FeedOutcome`, `FeedNotice`, `RefreshReport`, `RefreshSummary`), a drafted digest (`DraftItem`, `Draft`), a
recorded and a posted one, a club's digest schedule (`DigestSchedule`), a preview and a shared link.

Plain frozen dataclasses: the store returns them, the service passes them on, the views render them; no ORM
object is among them. Texts in `DraftItem` and `FeedNotice` from feeds and people are already escaped for
Slack mrkdwn (`FeedView` titles and addresses are not: the views escape them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.digests.feeds.errors import FeedError
from bot.domain import FeedStatus, FieldKey, Language
from bot.periods import latest_weekly

# --- feeds -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedView:
    feed_id: int
    url: str
    title: str | None
    status: FeedStatus
    is_catalog: bool
    keywords: str
    last_success_at: datetime | None
    consecutive_failures: int
    error: FeedError | None
    problem: str | None
    last_fetched_at: datetime | None = None
    #: The first failed fetch since the last success (None while it works).
    failing_since: datetime | None = None
    #: Not fetched again before this instant, as the server asked (`Retry-After`).
    retry_not_before: datetime | None = None


@dataclass(frozen=True)
class AddFeedResult:
    """`feed` when the club now follows it (`already` if it did before), else `error` says why not."""

    feed: FeedView | None = None
    error: FeedError | None = None
    already: bool = False

    @property
    def ok(self) -> bool:
        return self.feed is not None


# --- refreshing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedOutcome:
    """What one refresh did to one feed: `updated`, `not_modified` or `failed` (`disabled` on 410)."""

    feed_id: int
    url: str
    outcome: str
    new_items: int = 0
    error: FeedError | None = None
    problem: str | None = None
    moved_to: str | None = None


@dataclass(frozen=True)
class FeedNotice:
    """A feed that has become unhealthy or disabled and whose clubs' leaders have not been told yet."""

    feed_id: int
    url: str
    title: str | None
    status: FeedStatus
    error: FeedError | None
    consecutive_failures: int
    club_ids: tuple[int, ...]


@dataclass(frozen=True)
class RefreshReport:
    outcomes: tuple[FeedOutcome, ...]
    notices: tuple[FeedNotice, ...]

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
        return counts

    @property
    def new_items(self) -> int:
        return sum(o.new_items for o in self.outcomes)


@dataclass(frozen=True)
class RefreshSummary:
    report: RefreshReport
    leaders_told: int
    pruned: int

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.report.counts.items())) or "none"
        return (
            f"{len(self.report.outcomes)} feeds read ({counts}); {self.report.new_items} new items; "
            f"{self.leaders_told} messages to leaders; {self.pruned} old items pruned"
        )


# --- digests -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftItem:
    """One digest line. `title`, `summary`, `source` and `sharer` are plain text escaped for Slack mrkdwn;
    `url` is safe inside `<url|label>`. The keys are what `record_digest` remembers."""

    title: str
    url: str | None
    source: str | None
    date: datetime | None
    summary: str
    sharer: str | None
    score: float
    reasons: tuple[str, ...]
    feed_item_id: int | None = None
    shared_item_id: int | None = None
    entry_key: str | None = None
    url_key: str | None = None
    title_key: str = ""
    #: The item's DOI in normal form (plain text, not escaped), or None.
    doi: str | None = None


@dataclass(frozen=True)
class Draft:
    club_id: int
    generated_at: datetime
    items: tuple[DraftItem, ...]

    @property
    def is_empty(self) -> bool:
        return not self.items


@dataclass(frozen=True)
class RecordedDigest:
    digest_id: int
    club_id: int
    period: str
    item_count: int
    created: bool


@dataclass(frozen=True)
class PostedDigest:
    digest_id: int
    club_id: int
    period: str
    item_count: int
    outbox_id: int


@dataclass(frozen=True)
class DigestSchedule:
    """When and how a club's digest is posted, and where."""

    club_id: int
    club_name: str
    channel_id: str | None
    language: Language
    field: FieldKey
    timezone: str
    weekday: int  # 0 = Monday
    hour: int
    minute: int
    max_items: int

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def latest_slot(self, now: datetime) -> tuple[str, datetime]:
        """The ISO week key and instant of the latest digest time at or before `now`."""
        return latest_weekly(now, self.tz, weekday=self.weekday, hour=self.hour, minute=self.minute)

    def next_slot(self, now: datetime) -> datetime:
        """The first digest time after `now`."""
        _, slot = latest_weekly(now + timedelta(days=7), self.tz, weekday=self.weekday, hour=self.hour,
                                minute=self.minute)  # fmt: skip
        return slot if slot > now else slot + timedelta(days=7)

    def slot_of_period(self, period: str) -> datetime | None:
        """The digest time in ISO week `period` (`2026-W48`), or None when `period` is not a week key."""
        try:
            year, week = period.split("-W")
            day = datetime.fromisocalendar(int(year), int(week), self.weekday + 1)
        except ValueError:
            return None
        local = datetime(day.year, day.month, day.day, self.hour, self.minute, tzinfo=self.tz)
        return local.astimezone(UTC)


@dataclass(frozen=True)
class Preview:
    schedule: DigestSchedule
    draft: Draft
    next_at: datetime


@dataclass(frozen=True)
class SharedLink:
    """A link queued for the club's next digest. `created` False: it was already queued (by `shared_by`)."""

    shared_id: int
    url: str
    created: bool
    shared_by: str
    next_at: datetime
    schedule: DigestSchedule
