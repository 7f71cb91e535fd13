"""What a running process shares between requests and jobs: settings, the database, the Slack gateway, the outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.domain import Language, language_for_locale
from bot.outbox import Dispatcher, OutboxWorker
from bot.settings import Settings
from bot.slack import OutcomeUnknown, Pacer, SlackGateway, SlackRefused
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    slack: SlackGateway
    outbox: OutboxWorker

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        pacer: Pacer | None = None,
        outbox_interval: float | None = None,
        dispatcher_options: dict[str, float] | None = None,
    ) -> Runtime:
        """Build the process's shared parts. `outbox_interval` None: the outbox is sent only when poked
        (web process, after each request); a number: also every that many seconds (clock, console)."""
        db = Database(settings.database_url)
        gateway = SlackGateway(settings, pacer=pacer)
        dispatcher = Dispatcher(
            db,
            gateway,
            secretariat_channel=settings.secretariat_channel,
            language=settings.language,
            files_root=settings.data_dir,
            **(dispatcher_options or {}),  # type: ignore[arg-type]
        )
        return cls(settings=settings, db=db, slack=gateway, outbox=OutboxWorker(dispatcher, interval=outbox_interval))

    def language_of(self, user_id: str) -> Language:
        """The language to answer a person in: their Slack locale, else the configured default."""
        try:
            profile = self.slack.profile(user_id)
        except (SlackApiError, SlackClientError, SlackRefused, OutcomeUnknown, OSError):
            log.warning("could not read the locale of %s; using the default language", user_id, exc_info=True)
            profile = None
        return language_for_locale(profile.locale if profile else None, default=self.settings.language)

    def close(self) -> None:
        self.outbox.stop()
        self.db.dispose()
