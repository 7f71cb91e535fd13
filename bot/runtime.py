"""What a running process shares between requests and jobs: settings, the database, the Slack gateway."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.domain import Language, language_for_locale
from bot.settings import Settings
from bot.slack import SlackGateway
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    slack: SlackGateway

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        return cls(settings=settings, db=Database(settings.database_url), slack=SlackGateway(settings))

    def language_of(self, user_id: str) -> Language:
        """The language to answer a person in: their Slack locale, else the configured default."""
        try:
            profile = self.slack.profile(user_id)
        except (SlackApiError, SlackClientError, OSError):
            log.warning("could not read the locale of %s; using the default language", user_id, exc_info=True)
            profile = None
        return language_for_locale(profile.locale if profile else None, default=self.settings.language)

    def close(self) -> None:
        self.db.dispose()
