"""Private answers to the person who filed, changed, deleted or confirmed an item, or asked about the
outcome report."""

from __future__ import annotations

from datetime import date

from bot.domain import Language, OutputStatus
from bot.i18n import t
from bot.slack.blocks import Message, escape, shorten
from bot.tracking.names import format_day, status_name, status_names
from bot.tracking.types import Filed, ItemRef, OutcomeReportState, OutputItem
from bot.tracking.views.common import note_message, ok_message, who


def filed(lang: Language | str, result: Filed, channel_id: str | None) -> Message:
    """The filer's private confirmation, with the item's ID and what to do next."""
    item = result.item
    ref = str(item.ref)
    if result.duplicate:
        assert isinstance(item, OutputItem)
        base = t(
            lang,
            "tracking.filed.same_doi",
            id=ref,
            title=escape(shorten(item.title, 150)),
            status=status_name(lang, item.status),
        )
        if result.status_changed:
            old, new = result.status_changed
            base += "\n" + t(
                lang, "tracking.filed.same_doi_moved", old=status_name(lang, old), new=status_name(lang, new)
            )
        elif result.status_refused:
            base += "\n" + t(
                lang,
                "tracking.filed.same_doi_refused",
                status=status_name(lang, result.status_refused),
                allowed=status_names(lang, result.allowed),
                id=ref,
            )
        return note_message(base)
    where = f"<#{channel_id}>" if channel_id else ""
    text = t(lang, "tracking.filed.saved", id=ref, channel=where) + "\n" + t(lang, "tracking.filed.next", id=ref)
    return ok_message(text)


def output_changed(lang: Language | str, item: OutputItem, change: tuple[OutputStatus, OutputStatus] | None) -> Message:
    if change:
        return ok_message(
            t(
                lang,
                "tracking.changed.status",
                id=str(item.ref),
                old=status_name(lang, change[0]),
                new=status_name(lang, change[1]),
            )
        )
    return ok_message(t(lang, "tracking.changed.saved", id=str(item.ref)))


def edited(lang: Language | str, ref: ItemRef) -> Message:
    return ok_message(t(lang, "tracking.changed.saved", id=str(ref)))


def deleted(lang: Language | str, ref: ItemRef) -> Message:
    return ok_message(t(lang, "tracking.deleted", id=str(ref)))


def confirmed(lang: Language | str, item: OutputItem, newly: bool) -> Message:
    key = "tracking.confirm.done" if newly else "tracking.confirm.already"
    return ok_message(t(lang, key, id=str(item.ref), title=escape(shorten(item.title, 150))))


def plain_note(lang: Language | str, key: str, **params: object) -> Message:
    return note_message(t(lang, key, **params))


def modal_expired(lang: Language | str) -> Message:
    return note_message(t(lang, "error.modal_expired"))


def outcome_report(lang: Language | str, state: OutcomeReportState, today: date) -> Message:
    if state.submitted_on is not None:
        key = "tracking.outcome.marked" if state.newly_marked else "tracking.outcome.submitted"
        text = t(
            lang,
            key,
            meeting=escape(state.meeting_in(str(lang))),
            date=format_day(lang, state.submitted_on),
            by=who(state.submitted_by, None),
        )
        return ok_message(text)
    key = "tracking.outcome.pending" if today <= state.due_on else "tracking.outcome.overdue"
    return note_message(t(lang, key, meeting=escape(state.meeting_in(str(lang))), due=format_day(lang, state.due_on)))
