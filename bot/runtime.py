"""What a running process shares between requests and jobs: settings, the database, the Slack gateway, the outbox."""

from __future__ import annotations

import functools
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from slack_sdk.errors import SlackClientError
from sqlalchemy.exc import DBAPIError

from bot.clubs.lifecycle import channel_lost
from bot.domain import Language, language_for_locale
from bot.people import remember, stored_locale
from bot.settings import Settings
from bot.slack.dispatcher import Dispatcher
from bot.slack.gateway import SlackGateway
from bot.slack.pacer import Pacer
from bot.slack.types import OutcomeUnknown, SlackProfile, SlackRefused
from bot.slack.worker import OutboxWorker
from storage.db import Database, describe_database_error

log = logging.getLogger(__name__)

#: How long a unit of work of a process answering Slack waits for SQLite's write lock: Slack waits 3 s for an
#: answer, so a request that cannot write by then is better answered "try again" than saved after Slack gave up.
REQUEST_LOCK_TIMEOUT = 2.0
LOCALE_MEMORY_SECONDS = 3600.0
#: After a failed lookup, how long the default language is used before Slack is asked again.
LOCALE_RETRY_SECONDS = 60.0


@dataclass
class Runtime:
    settings: Settings
    db: Database
    slack: SlackGateway
    outbox: OutboxWorker
    #: Locales read from the database, kept in this process for an hour.
    _locales: dict[str, tuple[float, str | None]] = field(default_factory=dict)
    #: One thread for best-effort writes that no request should wait for (caches).
    _background: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="clubbot-aside")
    )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        pacer: Pacer | None = None,
        outbox_interval: float | None = None,
        dispatcher_options: dict[str, float] | None = None,
        lock_timeout: float = REQUEST_LOCK_TIMEOUT,
    ) -> Runtime:
        """Build the process's shared parts. `outbox_interval` None: the outbox is sent only when poked
        (web process, after each request); a number: also every that many seconds (clock, console).
        `lock_timeout`: how long a unit of work waits for SQLite's write lock (processes that answer no request,
        like the clock, can wait longer)."""
        db = Database(settings.database_url, lock_timeout=lock_timeout)
        gateway = SlackGateway(settings, pacer=pacer)
        dispatcher = Dispatcher(
            db,
            gateway,
            secretariat_channel=settings.secretariat_channel,
            language=settings.language,
            on_channel_lost=functools.partial(channel_lost, settings=settings),
            **(dispatcher_options or {}),  # type: ignore[arg-type]
        )
        return cls(settings=settings, db=db, slack=gateway, outbox=OutboxWorker(dispatcher, interval=outbox_interval))

    def language_of(self, user_id: str) -> Language:
        """The language to answer a person in: their Slack locale, else the configured default.

        The locale is looked up in this process's memory, then in the `slack_users` table (shared by every
        process, kept a week), and only then asked of Slack (`users.info`). Never fails the request: while the
        database is unavailable Slack is asked, and when Slack cannot answer either, the default language is used."""
        profile = self.slack.cached_profile(user_id)
        if profile is not None:
            return language_for_locale(profile.locale, default=self.settings.language)
        remembered = self._locales.get(user_id)
        if remembered is not None and time.monotonic() - remembered[0] < LOCALE_MEMORY_SECONDS:
            return language_for_locale(remembered[1], default=self.settings.language)
        try:
            with self.db.read() as session:
                known, locale = stored_locale(session, user_id)
        except DBAPIError as error:
            # The database is down (or restarting): the request itself will say "try again" if it needs the
            # database; its language must not make it fail. Ask Slack as for a person not stored yet.
            log.warning("could not read the stored locale of %s (%s)", user_id, describe_database_error(error))
            known, locale = False, None
        if known:
            self._locales[user_id] = (time.monotonic(), locale)
            return language_for_locale(locale, default=self.settings.language)
        profile = self._fetch_profile(user_id, quick=True) if self.slack.pacer.available("users.info") else None
        if profile is None:
            # Slack's rate budget is spent, or Slack did not answer at once: inside a request that must be
            # acknowledged within 3 seconds, answer in the default language, don't ask again for a while, and
            # learn the locale aside (waiting for Slack there is harmless).
            self._locales[user_id] = (time.monotonic() - LOCALE_MEMORY_SECONDS + LOCALE_RETRY_SECONDS, None)
            self._background.submit(self._learn_locale, user_id)
            return Language(self.settings.language)
        # Remembering is an optimisation: done aside, so a caller inside its own write transaction (a job,
        # on SQLite) never waits for it.
        self._background.submit(self._remember, profile)
        return language_for_locale(profile.locale, default=self.settings.language)

    def known_zone(self, user_id: str) -> str | None:
        """The person's Slack time zone as this process last saw it in `users.info` (None when it has not asked
        lately): fresher than the `slack_users` table, which learns it aside (`bot.people.Timing`)."""
        profile = self.slack.cached_profile(user_id)
        return profile.tz if profile is not None else None

    def _fetch_profile(self, user_id: str, *, quick: bool = False) -> SlackProfile | None:
        try:
            return self.slack.profile(user_id, quick=quick)
        except SlackRefused as refused:
            # `ratelimited`: Slack's budget for users.info is spent, expected under load and not a fault
            level = logging.INFO if refused.error == "ratelimited" else logging.WARNING
            log.log(
                level, "Slack did not give the locale of %s (%s); using the default language", user_id, refused.error
            )
        except (SlackClientError, OutcomeUnknown, OSError) as error:
            log.warning("could not read the locale of %s (%s); using the default language", user_id, error)
        return None

    def _learn_locale(self, user_id: str) -> None:
        # one quick attempt, no sleeping out a Retry-After: the next request a minute later tries again, and a
        # shutting-down process is not kept waiting
        profile = self._fetch_profile(user_id, quick=True)
        if profile is not None:
            self._locales[user_id] = (time.monotonic(), profile.locale)
            self._remember(profile)

    def _remember(self, profile: SlackProfile) -> None:
        try:
            with self.db.session() as session:
                remember(session, profile)
        except DBAPIError:
            log.info("could not store the profile of %s; it will be fetched again", profile.user_id, exc_info=True)

    def close(self) -> None:
        self.outbox.stop()
        self._background.shutdown(wait=True)
        self.db.dispose()
