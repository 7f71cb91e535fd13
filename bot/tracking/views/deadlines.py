"""A deadline reminder to a club leader (a direct message): what is due, when, and its buttons."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain import Language
from bot.i18n import t
from bot.slack.blocks import Message, context, escape, escaped, section
from bot.tracking.names import format_day
from bot.tracking.types import SNOOZE_ACTION, Deadline, ReminderKind


def reminder_message(
    lang: Language | str,
    kind: ReminderKind,
    deadline: Deadline,
    club_name: str,
    *,
    reminder_id: int,
    today: date,
    state: str,
    can_snooze: bool,
    snoozed_until: date | None,
) -> Message:
    """A deadline reminder to a leader (direct message): what is due, when, and buttons to do it or snooze."""
    params = {**escaped(deadline.params), "club": escape(club_name), "due": format_day(lang, deadline.due_on)}
    text = t(lang, kind.text_key, **params)
    days = (deadline.due_on - today).days
    if state == "done":
        when = ":white_check_mark: " + t(lang, "tracking.reminder.done")
    elif state == "snoozed" and snoozed_until is not None:
        when = ":zzz: " + t(lang, "tracking.reminder.snoozed", date=format_day(lang, snoozed_until))
    elif days == 1:
        when = ":calendar: " + t(lang, "tracking.reminder.due_tomorrow")
    elif days > 0:
        when = ":calendar: " + t(lang, "tracking.reminder.due_in", days=days)
    elif days == 0:
        when = ":alarm_clock: " + t(lang, "tracking.reminder.due_today")
    else:
        when = ":red_circle: " + t(lang, "tracking.reminder.overdue", days=-days)
    blocks: list[dict[str, Any]] = [section(":bell: " + text), context(when)]
    buttons = []
    if state != "done" and kind.done_action_id and kind.done_label_key:
        buttons.append(
            {
                "type": "button",
                "action_id": kind.done_action_id,
                "style": "primary",
                "text": {"type": "plain_text", "text": t(lang, kind.done_label_key)},
                "value": f"club:{deadline.club_id}",
            }
        )
    if can_snooze:
        buttons.append(
            {
                "type": "button",
                "action_id": SNOOZE_ACTION,
                "value": str(reminder_id),
                "text": {"type": "plain_text", "text": t(lang, "tracking.reminder.snooze")},
            }
        )
    if buttons:
        blocks.append({"type": "actions", "block_id": f"reminder-{reminder_id}", "elements": buttons})
    return Message(text=text, blocks=blocks)
