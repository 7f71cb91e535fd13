"""Opening modals right after `ack()`: at once when the form is ready, or a loading view first when
building it needs data (a `trigger_id` expires after 3 seconds, so the person's click is never lost)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.domain import Language
from bot.runtime import Runtime
from bot.slack.modals import loading
from bot.slack.types import SlackRefused

log = logging.getLogger(__name__)

TRIGGER_ERRORS = {"expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id"}


def open_modal(runtime: Runtime, trigger_id: str | None, view: dict[str, Any]) -> bool:
    """Open a ready modal; False when the trigger had expired (tell the person to try again)."""
    if not trigger_id:
        return False
    try:
        runtime.slack.open_view(trigger_id, view)
    except SlackRefused as refused:
        if refused.error in TRIGGER_ERRORS:
            log.warning("could not open a modal: %s", refused.error)
            return False
        raise
    return True


def open_modal_loading(
    runtime: Runtime, trigger_id: str | None, lang: Language, title: str, build: Callable[[], dict[str, Any]]
) -> bool:
    """Open a loading view at once, then replace it with `build()` (which may query the database)."""
    if not trigger_id:
        return False
    try:
        handle = runtime.slack.open_view(trigger_id, loading(lang, title))
    except SlackRefused as refused:
        if refused.error in TRIGGER_ERRORS:
            log.warning("could not open a modal: %s", refused.error)
            return False
        raise
    runtime.slack.update_view(handle.id, build(), hash_=handle.hash)
    return True
