"""Block Kit for follow-up tracking: item cards, confirmations, lists, the status card, the forms, reminders and
surveys. Pure functions of plain values (the services' dataclasses) and a language.

Channel cards never show personal data: co-authors appear as Slack mentions or names, never email addresses.
Long texts are kept whole in the database and shortened on cards (`shorten`), never in forms: a text longer
than one input allows is split over several inputs and joined again when saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo
from typing import TYPE_CHECKING, Any

from bot.domain import OUTPUT_STATUSES, Language, MeetingFormat, OutputStatus, OutputType, Quarter
from bot.i18n import format_date, format_number, format_percent, t
from bot.slack.blocks import (
    Message,
    context,
    divider,
    escape,
    header,
    public_text,
    section,
    shorten,
    without_emails,
)
from bot.slack.modals import (
    PLAIN_INPUT_LIMIT,
    date_input,
    modal,
    notice,
    number_input,
    radio,
    select,
    text_input,
    users_input,
)
from bot.tracking.parse import ItemKind, ItemRef

if TYPE_CHECKING:
    from bot.tracking.engagement import EngagementFigures
    from bot.tracking.reminders import Deadline, OutcomeReportState, ReminderKind
    from bot.tracking.service import AnyItem, ClubItems, Filed, OutputItem, QuarterFigures
    from bot.tracking.surveys import Answer, SurveyInfo, SurveyResults, SurveySummary

CARD_TEXT_LIMIT = 700
TITLE_LIMIT = 300
LIST_LINE_LIMIT = 160
LIST_MAX_ITEMS = 80

TYPE_EMOJI = {
    OutputType.PAPER: ":page_facing_up:",
    OutputType.PROPOSAL: ":memo:",
    OutputType.PROJECT: ":microscope:",
    OutputType.EXCHANGE: ":airplane:",
    OutputType.WORKSHOP: ":busts_in_silhouette:",
    OutputType.PATENT: ":bulb:",
    OutputType.POLICY: ":classical_building:",
    OutputType.ROADMAP: ":world_map:",
    OutputType.SOFTWARE: ":computer:",
    OutputType.AWARD: ":trophy:",
    OutputType.OTHER: ":sparkles:",
}
KIND_EMOJI = {
    ItemKind.UPDATE: ":speech_balloon:",
    ItemKind.MEETING: ":handshake:",
    ItemKind.PLAN: ":spiral_calendar_pad:",
}

# action ids and callback ids (handlers/tracking.py listens to these)
CONFIRM_ACTION = "tracking:confirm_output"
SNOOZE_ACTION = "tracking:snooze_reminder"
SURVEY_OPEN_ACTION = "tracking:survey_open"
SWITCH_TO_OUTPUT = "tracking:switch_to_output"
SWITCH_TO_UPDATE = "tracking:switch_to_update"
UPDATE_FORM = "tracking:update_form"
PLAN_FORM = "tracking:plan_form"
MEETING_FORM = "tracking:meeting_form"
OUTPUT_FORM = "tracking:output_form"
SURVEY_FORM = "tracking:survey_form"


# --- names ------------------------------------------------------------------------------------------------


def type_name(lang: Language | str, output_type: OutputType) -> str:
    return t(lang, f"output.type.{output_type.value}")


def status_name(lang: Language | str, status: OutputStatus) -> str:
    return t(lang, f"output.status.{status.value}")


def status_names(lang: Language | str, statuses: Sequence[OutputStatus]) -> str:
    """`submitted` (제출), `published` (게재)... as a person types them, with their names."""
    if not statuses:
        return t(lang, "tracking.no_further_status")
    return ", ".join(_status_with_name(lang, s) for s in statuses)


def _status_with_name(lang: Language | str, status: OutputStatus) -> str:
    name = status_name(lang, status)
    return f"`{status.value}`" if name == status.value.replace("-", " ") else f"`{status.value}` ({name})"


def output_type_lines(lang: Language | str) -> str:
    return "\n".join(
        f"• `{o.value}` — *{type_name(lang, o)}*: {t(lang, f'output.type_help.{o.value}')}" for o in OutputType
    )


def format_name(lang: Language | str, meeting_format: MeetingFormat) -> str:
    return t(lang, f"tracking.format.{meeting_format.value}")


def _day(lang: Language | str, day: date) -> str:
    return format_date(day, lang)


format_day = _day


def _who(user_id: str | None, name: str | None) -> str:
    if user_id:
        return f"<@{user_id}>"
    return escape(name) if name else "—"


def _people(lang: Language | str, item: OutputItem) -> str | None:
    """Who the output was done with, for the channel: mentions and names; people known only by their email
    address are counted, never shown."""
    shown: list[str] = []
    hidden = 0
    for person in item.people:
        if person.user_id:
            shown.append(f"<@{person.user_id}>")
        elif person.name and person.name.startswith("<@"):
            shown.append(person.name)  # a Slack user not in the participant database
        elif person.name:
            shown.append(escape(person.name))
        else:
            hidden += 1
    if shown and hidden:
        return t(lang, "tracking.card.with_and_others", people=", ".join(shown), count=hidden)
    if shown:
        return t(lang, "tracking.card.with", people=", ".join(shown))
    if hidden:
        return t(lang, "tracking.card.with_others_only", count=hidden)
    return None


# --- cards ------------------------------------------------------------------------------------------------


def safe_url(url: str) -> str:
    """A URL that cannot break Slack's `<url|label>` link markup."""
    return url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C").replace(" ", "%20")


def _link(url: str | None, text: str) -> str:
    return f"<{safe_url(url)}|{text}>" if url else text


def item_card(lang: Language | str, item: AnyItem) -> Message:
    """The card of a filed item in the club channel."""
    from bot.tracking.service import MeetingItem, OutputItem, PlanItem, UpdateItem

    ref = f"`{item.ref}`"
    if item.deleted_at is not None:
        text = t(lang, "tracking.card.deleted", id=str(item.ref), by=_who(item.deleted_by, None))
        return Message(text=text, blocks=[context(":wastebasket: " + text)])
    author = _who(item.author_user_id, item.author_name)
    match item:
        case OutputItem():
            return _output_card(lang, item)
        case UpdateItem():
            label = t(lang, "tracking.card.update")
            body = public_text(item.text, CARD_TEXT_LIMIT)
            lines = [f"{KIND_EMOJI[ItemKind.UPDATE]} *{label}* · {ref} · {author}", body]
        case PlanItem():
            label = t(lang, "tracking.card.plan")
            body = public_text(item.text, CARD_TEXT_LIMIT)
            lines = [f"{KIND_EMOJI[ItemKind.PLAN]} *{label}* · {ref} · {author}", body]
        case MeetingItem():
            label = t(lang, "tracking.card.meeting")
            facts = [_day(lang, item.held_on), format_name(lang, item.format)]
            if item.attendees is not None:
                facts.append(t(lang, "tracking.card.attendees", count=item.attendees))
            lines = [
                f"{KIND_EMOJI[ItemKind.MEETING]} *{label}* · {ref} · {' · '.join(facts)}",
                public_text(item.summary, CARD_TEXT_LIMIT),
            ]
    blocks = [section("\n".join(lines))]
    if isinstance(item, MeetingItem):
        blocks.append(context(t(lang, "tracking.card.filed_by", who=author)))
    return Message(text=t(lang, "tracking.card.fallback", kind=label, id=str(item.ref)), blocks=blocks)


def _output_card(lang: Language | str, item: OutputItem) -> Message:
    title = public_text(item.title, TITLE_LIMIT)
    head = f"{TYPE_EMOJI[item.type]} *{type_name(lang, item.type)}* · `{item.ref}`"
    lines = [head, f"*{_link(item.link, title)}*"]
    facts = [t(lang, "tracking.card.status", status=status_name(lang, item.status))]
    if item.occurred_on:
        facts.append(_day(lang, item.occurred_on))
    lines.append(" · ".join(facts))
    people = _people(lang, item)
    lines.append(t(lang, "tracking.card.filed_by", who=_who(item.author_user_id, item.author_name)))
    if people:
        lines.append(people)
    if item.doi:
        lines.append(f"DOI: <{safe_url('https://doi.org/' + item.doi)}|{escape(item.doi)}>")
    if item.note:
        lines.append("_" + public_text(item.note, CARD_TEXT_LIMIT) + "_")
    blocks: list[dict[str, Any]] = [section("\n".join(lines))]
    if item.confirmed:
        by = _who(item.confirmed_by_user_id, None) if item.confirmed_by_user_id else ""
        blocks.append(context(":white_check_mark: " + t(lang, "tracking.card.confirmed", by=by).strip()))
    else:
        blocks.append(context(":hourglass: " + t(lang, "tracking.card.unconfirmed")))
        blocks.append(
            {
                "type": "actions",
                "block_id": f"output-{item.ref.id}",
                "elements": [
                    {
                        "type": "button",
                        "action_id": CONFIRM_ACTION,
                        "text": {"type": "plain_text", "text": t(lang, "tracking.card.confirm_button")},
                        "value": str(item.ref.id),
                        "style": "primary",
                    }
                ],
            }
        )
    text = t(
        lang,
        "tracking.card.output_fallback",
        type=type_name(lang, item.type),
        title=shorten(without_emails(item.title), 150),
    )
    return Message(text=text, blocks=blocks)


# --- answers to the person ----------------------------------------------------------------------------------


def _ok(text: str) -> Message:
    return Message(text=text, blocks=[section(":white_check_mark: " + text)])


def _note(text: str) -> Message:
    return Message(text=text, blocks=[section(":information_source: " + text)])


def filed(lang: Language | str, result: Filed, channel_id: str | None) -> Message:
    """The filer's private confirmation, with the item's ID and what to do next."""
    item = result.item
    ref = str(item.ref)
    if result.duplicate:
        from bot.tracking.service import OutputItem

        assert isinstance(item, OutputItem)
        base = t(
            lang,
            "tracking.filed.same_doi",
            id=ref,
            title=shorten(item.title, 150),
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
        return _note(base)
    where = f"<#{channel_id}>" if channel_id else ""
    text = t(lang, "tracking.filed.saved", id=ref, channel=where) + "\n" + t(lang, "tracking.filed.next", id=ref)
    return _ok(text)


def output_changed(lang: Language | str, item: OutputItem, change: tuple[OutputStatus, OutputStatus] | None) -> Message:
    if change:
        return _ok(
            t(
                lang,
                "tracking.changed.status",
                id=str(item.ref),
                old=status_name(lang, change[0]),
                new=status_name(lang, change[1]),
            )
        )
    return _ok(t(lang, "tracking.changed.saved", id=str(item.ref)))


def edited(lang: Language | str, ref: ItemRef) -> Message:
    return _ok(t(lang, "tracking.changed.saved", id=str(ref)))


def deleted(lang: Language | str, ref: ItemRef) -> Message:
    return _ok(t(lang, "tracking.deleted", id=str(ref)))


def confirmed(lang: Language | str, item: OutputItem, newly: bool) -> Message:
    key = "tracking.confirm.done" if newly else "tracking.confirm.already"
    return _ok(t(lang, key, id=str(item.ref), title=shorten(item.title, 150)))


def plain_note(lang: Language | str, key: str, **params: object) -> Message:
    return _note(t(lang, key, **params))


def modal_expired(lang: Language | str) -> Message:
    return _note(t(lang, "error.modal_expired"))


# --- /club list -----------------------------------------------------------------------------------------------


def _list_line(lang: Language | str, item: AnyItem, tz: tzinfo) -> str:
    from bot.tracking.service import MeetingItem, OutputItem, PlanItem, UpdateItem

    when = _day(lang, item.created_at.astimezone(tz).date())
    who = _who(item.author_user_id, item.author_name)
    match item:
        case OutputItem():
            status = status_name(lang, item.status)
            what = f"{TYPE_EMOJI[item.type]} {type_name(lang, item.type)}: “{shorten(item.title, 90)}” ({status})"
            if item.confirmed:
                what += " :white_check_mark:"
        case MeetingItem():
            label = t(lang, "tracking.card.meeting")
            what = f"{KIND_EMOJI[ItemKind.MEETING]} {label} {_day(lang, item.held_on)}: {shorten(item.summary, 80)}"
        case UpdateItem():
            what = f"{KIND_EMOJI[ItemKind.UPDATE]} {shorten(item.text, 100)}"
        case PlanItem():
            what = f"{KIND_EMOJI[ItemKind.PLAN]} {t(lang, 'tracking.card.plan')}: {shorten(item.text, 90)}"
    return f"`{item.ref}` {escape(shorten(what, LIST_LINE_LIMIT))} — {who}, {when}"


def item_list(
    lang: Language | str, club_name: str, quarter: Quarter, items: ClubItems, *, mine: bool, tz: tzinfo
) -> Message:
    everything = items.all()
    title_key = "tracking.list.title_mine" if mine else "tracking.list.title"
    title = t(lang, title_key, club=club_name, quarter=str(quarter))
    if not everything:
        return Message(
            text=title, blocks=[header(title), section(t(lang, "tracking.list.empty", quarter=str(quarter)))]
        )
    lines = [_list_line(lang, item, tz) for item in everything[:LIST_MAX_ITEMS]]
    blocks: list[dict[str, Any]] = [header(title)]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2800:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if len(everything) > LIST_MAX_ITEMS:
        blocks.append(context(t(lang, "tracking.list.more", count=len(everything) - LIST_MAX_ITEMS)))
    blocks.append(context(t(lang, "tracking.list.hint")))
    return Message(text=title, blocks=blocks)


# --- /club status ----------------------------------------------------------------------------------------------


def engagement_lines(lang: Language | str, figures: EngagementFigures) -> list[str]:
    from bot.tracking.engagement import Level

    levels = figures.by_level
    return [
        t(
            lang,
            "tracking.status.active_members",
            active=figures.active_members,
            members=figures.members,
            share=format_percent(figures.share_active, lang),
        ),
        t(
            lang,
            "tracking.status.messages",
            messages=format_number(figures.messages, lang),
            replies=format_number(figures.replies, lang),
            files=format_number(figures.files, lang),
            reactions=format_number(figures.reactions, lang),
        ),
        t(
            lang,
            "tracking.status.levels",
            core=levels[Level.CORE],
            active=levels[Level.ACTIVE],
            occasional=levels[Level.OCCASIONAL],
            silent=levels[Level.SILENT],
        ),
    ]


def status_card(lang: Language | str, figures: QuarterFigures, today: date) -> Message:
    title = t(lang, "tracking.status.title", club=figures.club.name, quarter=str(figures.quarter))
    blocks: list[dict[str, Any]] = [header(title)]
    summary = [
        t(lang, "tracking.status.updates", count=figures.updates),
        t(lang, "tracking.status.meetings", count=len(figures.meetings)),
        t(lang, "tracking.status.plans", count=figures.plans),
        t(lang, "tracking.status.outputs", count=figures.outputs_total, confirmed=figures.outputs_confirmed),
    ]
    blocks.append(section("\n".join(summary)))
    if figures.outputs:
        lines = []
        for tally in figures.outputs:
            statuses = ", ".join(f"{status_name(lang, s)} {n}" for s, n in tally.by_status)
            lines.append(
                f"{TYPE_EMOJI[tally.type]} *{type_name(lang, tally.type)}* {tally.total} ({statuses}) · "
                + t(lang, "tracking.status.confirmed_count", count=tally.confirmed)
            )
        blocks.append(section("\n".join(lines)))
    if figures.meetings:
        meetings = [
            f"{KIND_EMOJI[ItemKind.MEETING]} {_day(lang, m.held_on)} · {format_name(lang, m.format)} · "
            f"{escape(shorten(m.summary, 80))}"
            for m in figures.meetings
        ]
        blocks.append(section("\n".join(meetings)))
    blocks.append(
        section(
            "*" + t(lang, "tracking.status.engagement") + "*\n" + "\n".join(engagement_lines(lang, figures.engagement))
        )
    )
    if figures.survey is not None:
        blocks.append(section(survey_summary_line(lang, figures.survey)))
    due_lines = []
    for line in figures.due:
        text = t(lang, line.text_key, **{**line.params, "due": _day(lang, line.due_on)})
        if line.done:
            due_lines.append(":white_check_mark: " + text + " — " + t(lang, "tracking.status.done"))
        elif line.due_on < today:
            due_lines.append(":red_circle: " + text + " — " + t(lang, "tracking.status.overdue"))
        else:
            due_lines.append(":calendar: " + text)
    if due_lines:
        blocks.append(section("*" + t(lang, "tracking.status.due_title") + "*\n" + "\n".join(due_lines)))
    blocks.append(
        context(t(lang, "tracking.status.as_of", quarter=str(figures.quarter), date=_day(lang, figures.as_of.date())))
    )
    return Message(text=title, blocks=blocks)


def survey_summary_line(lang: Language | str, summary: SurveySummary) -> str:
    key = "tracking.status.survey_open" if summary.is_open else "tracking.status.survey_closed"
    overall = format_number(summary.overall, lang, digits=1) if summary.overall is not None else "—"
    return t(
        lang,
        key,
        responses=summary.responses,
        invited=summary.invited,
        rate=format_percent(summary.response_rate, lang),
        overall=overall,
        closes=_day(lang, summary.survey.closes_on),
    )


# --- forms ---------------------------------------------------------------------------------------------------


def split_text(text: str, limit: int = PLAIN_INPUT_LIMIT) -> tuple[list[str], list[str]]:
    """Parts of at most `limit` characters, cut at a line break or space, and the separator each cut removed
    (so `join_text(parts, joins)` gives the text back)."""
    parts: list[str] = []
    joins: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        if cut <= limit // 2:
            parts.append(rest[:limit])
            joins.append("")
            rest = rest[limit:]
        else:
            parts.append(rest[:cut])
            joins.append(rest[cut])
            rest = rest[cut + 1 :]
    parts.append(rest)
    return parts, joins


def join_text(parts: Sequence[str], joins: Sequence[str]) -> str:
    text = parts[0] if parts else ""
    for index, part in enumerate(parts[1:]):
        text += (joins[index] if index < len(joins) else "\n") + part
    return text


def long_text_blocks(
    block_id: str,
    label: str,
    text: str | None,
    *,
    lang: Language | str,
    placeholder: str | None = None,
    optional: bool = False,
) -> tuple[list[dict[str, Any]], list[str]]:
    """One multiline input, or several when the text is longer than an input holds (`text`, `text_2`, ...)."""
    parts, joins = split_text(text or "")
    blocks = []
    for index, part in enumerate(parts):
        block = block_id if index == 0 else f"{block_id}_{index + 1}"
        part_label = (
            label if len(parts) == 1 else t(lang, "tracking.form.part", label=label, n=index + 1, total=len(parts))
        )
        blocks.append(
            text_input(
                block,
                part_label,
                initial=part or None,
                multiline=True,
                optional=optional or index > 0,
                placeholder=placeholder if index == 0 else None,
            )
        )
    return blocks, joins


def _meta(base: dict[str, Any], joins: list[str], field: str) -> dict[str, Any]:
    meta = dict(base)
    if joins:
        meta.setdefault("joins", {})[field] = joins
    return meta


def text_form(
    lang: Language | str, kind: ItemKind, meta: dict[str, Any], initial: str | None = None, *, switchable: bool = False
) -> dict[str, Any]:
    """The form of an update or a plan (new, edited, or from a message)."""
    callback = UPDATE_FORM if kind is ItemKind.UPDATE else PLAN_FORM
    key = "update" if kind is ItemKind.UPDATE else "plan"
    blocks: list[dict[str, Any]] = []
    if switchable:
        blocks.append(_switch_block(lang, SWITCH_TO_OUTPUT, "tracking.form.switch_to_output"))
    text_blocks, joins = long_text_blocks(
        "text",
        t(lang, f"tracking.form.{key}_label"),
        initial,
        lang=lang,
        placeholder=t(lang, f"tracking.form.{key}_placeholder"),
    )
    blocks += text_blocks
    title_key = f"tracking.form.{key}_title_edit" if meta.get("item") else f"tracking.form.{key}_title"
    return modal(
        callback,
        t(lang, title_key),
        blocks,
        submit=t(lang, "modal.save"),
        close=t(lang, "modal.cancel"),
        metadata=_meta(meta, joins, "text"),
    )


def _switch_block(lang: Language | str, action_id: str, key: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": "switch",
        "elements": [{"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": t(lang, key)}}],
    }


def meeting_form(lang: Language | str, meta: dict[str, Any], item: Any = None) -> dict[str, Any]:
    formats = [(f.value, format_name(lang, f)) for f in MeetingFormat]
    summary_blocks, joins = long_text_blocks(
        "summary",
        t(lang, "tracking.form.summary_label"),
        item.summary if item else None,
        lang=lang,
        placeholder=t(lang, "tracking.form.summary_placeholder"),
    )
    blocks = [
        date_input("held_on", t(lang, "tracking.form.held_on_label"), initial=item.held_on if item else None),
        radio(
            "format",
            t(lang, "tracking.form.format_label"),
            formats,
            initial=(item.format.value if item else MeetingFormat.OFFLINE.value),
        ),
        number_input(
            "attendees",
            t(lang, "tracking.form.attendees_label"),
            initial=item.attendees if item else None,
            minimum=0,
            maximum=10000,
            optional=True,
        ),
        *summary_blocks,
    ]
    title_key = "tracking.form.meeting_title_edit" if meta.get("item") else "tracking.form.meeting_title"
    return modal(
        MEETING_FORM,
        t(lang, title_key),
        blocks,
        submit=t(lang, "modal.save"),
        close=t(lang, "modal.cancel"),
        metadata=_meta(meta, joins, "summary"),
    )


def output_form(
    lang: Language | str,
    meta: dict[str, Any],
    *,
    output_type: OutputType | None = None,
    item: OutputItem | None = None,
    statuses: Sequence[OutputStatus] | None = None,
    title: str | None = None,
    note: str | None = None,
    url: str | None = None,
    doi: str | None = None,
    switchable: bool = False,
) -> dict[str, Any]:
    """The form of an output: new (optionally with its type chosen, or pre-filled from a message) or edited."""
    chosen = item.type if item else output_type
    if statuses is None:
        statuses = OUTPUT_STATUSES[chosen] if chosen else tuple(OutputStatus)
    type_options = [(o.value, type_name(lang, o)) for o in OutputType]
    status_options = [(s.value, status_name(lang, s)) for s in statuses]
    people_users = [p.user_id for p in item.people if p.user_id] if item else []
    people_others = ", ".join(p.email or p.name or "" for p in item.people if not p.user_id) if item else ""
    blocks: list[dict[str, Any]] = []
    if switchable:
        blocks.append(_switch_block(lang, SWITCH_TO_UPDATE, "tracking.form.switch_to_update"))
    note_blocks, joins = long_text_blocks(
        "note", t(lang, "tracking.form.note_label"), item.note if item else note, lang=lang, optional=True
    )
    blocks += [
        select(
            "type",
            t(lang, "tracking.form.type_label"),
            type_options,
            initial=chosen.value if chosen else None,
            hint=t(lang, "tracking.form.type_hint"),
        ),
        text_input("title", t(lang, "tracking.form.title_label"), initial=item.title if item else title),
        select(
            "status",
            t(lang, "tracking.form.status_label"),
            status_options,
            initial=item.status.value if item else None,
            optional=True,
            hint=t(lang, "tracking.form.status_hint"),
        ),
        date_input(
            "date",
            t(lang, "tracking.form.date_label"),
            initial=item.occurred_on if item else None,
            optional=True,
            hint=t(lang, "tracking.form.date_hint"),
        ),
        text_input(
            "doi",
            "DOI",
            initial=item.doi if item else doi,
            optional=True,
            max_length=300,
            placeholder="10.1234/abcd.5678",
        ),
        text_input(
            "url",
            t(lang, "tracking.form.url_label"),
            initial=item.url if item else url,
            optional=True,
            max_length=2000,
            placeholder="https://",
        ),
        users_input("with_users", t(lang, "tracking.form.with_users_label"), initial=people_users, optional=True),
        text_input(
            "with_others",
            t(lang, "tracking.form.with_others_label"),
            initial=people_others or None,
            optional=True,
            hint=t(lang, "tracking.form.with_others_hint"),
        ),
        *note_blocks,
    ]
    title_key = "tracking.form.output_title_edit" if meta.get("item") else "tracking.form.output_title"
    return modal(
        OUTPUT_FORM,
        t(lang, title_key),
        blocks,
        submit=t(lang, "modal.save"),
        close=t(lang, "modal.cancel"),
        metadata=_meta(meta, joins, "note"),
    )


def saved_view(lang: Language | str, text: str) -> dict[str, Any]:
    """What a form turns into once saved (when no channel is there to answer in)."""
    return modal(
        "tracking:saved",
        t(lang, "tracking.form.saved_title"),
        [section(":white_check_mark: " + text)],
        close=t(lang, "modal.close"),
    )


def notice_view(lang: Language | str, text: str) -> dict[str, Any]:
    return notice(Language(str(lang)), text)


# --- reminders ------------------------------------------------------------------------------------------------


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
    params = {**deadline.params, "club": club_name, "due": _day(lang, deadline.due_on)}
    text = t(lang, kind.text_key, **params)
    days = (deadline.due_on - today).days
    if state == "done":
        when = ":white_check_mark: " + t(lang, "tracking.reminder.done")
    elif state == "snoozed" and snoozed_until is not None:
        when = ":zzz: " + t(lang, "tracking.reminder.snoozed", date=_day(lang, snoozed_until))
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


def outcome_report(lang: Language | str, state: OutcomeReportState, today: date) -> Message:
    if state.submitted_on is not None:
        key = "tracking.outcome.marked" if state.newly_marked else "tracking.outcome.submitted"
        text = t(
            lang, key, meeting=state.meeting, date=_day(lang, state.submitted_on), by=_who(state.submitted_by, None)
        )
        return _ok(text)
    key = "tracking.outcome.pending" if today <= state.due_on else "tracking.outcome.overdue"
    return _note(t(lang, key, meeting=state.meeting, due=_day(lang, state.due_on)))


# --- surveys ----------------------------------------------------------------------------------------------------

SCORES = ("5", "4", "3", "2", "1")
SCORE_KEYS = {
    "5": "tracking.survey.score_5",
    "4": "tracking.survey.score_4",
    "3": "tracking.survey.score_3",
    "2": "tracking.survey.score_2",
    "1": "tracking.survey.score_1",
}
QUESTION_KEYS = {
    "overall": "tracking.survey.q_overall",
    "program": "tracking.survey.q_program",
    "speakers": "tracking.survey.q_speakers",
    "networking": "tracking.survey.q_networking",
}


def survey_invitation(lang: Language | str, info: SurveyInfo, *, reminder: bool) -> Message:
    meeting = info.meeting_title or info.club_name
    key = "tracking.survey.reminder" if reminder else "tracking.survey.invitation"
    text = t(lang, key, meeting=meeting, club=info.club_name, closes=_day(lang, info.closes_on))
    button = {
        "type": "button",
        "action_id": SURVEY_OPEN_ACTION,
        "value": str(info.id),
        "style": "primary",
        "text": {"type": "plain_text", "text": t(lang, "tracking.survey.button")},
    }
    return Message(
        text=text,
        blocks=[
            section(":clipboard: " + text),
            {"type": "actions", "block_id": f"survey-{info.id}", "elements": [button]},
        ],
    )


def survey_form(lang: Language | str, info: SurveyInfo, answer: Answer | None) -> dict[str, Any]:
    options = [(value, t(lang, SCORE_KEYS[value])) for value in SCORES]
    blocks: list[dict[str, Any]] = [
        section(
            t(
                lang,
                "tracking.survey.form_intro",
                meeting=escape(info.meeting_title or info.club_name),
                closes=_day(lang, info.closes_on),
            )
        )
    ]
    for question in ("overall", "program", "speakers", "networking"):
        initial = str(answer.score(question)) if answer else None
        blocks.append(radio(question, t(lang, QUESTION_KEYS[question]), options, initial=initial))
    blocks.append(
        text_input(
            "comment",
            t(lang, "tracking.survey.q_comment"),
            initial=answer.comment if answer else None,
            multiline=True,
            optional=True,
            hint=t(lang, "tracking.survey.comment_hint"),
        )
    )
    if answer:
        blocks.append(context(t(lang, "tracking.survey.changing")))
    return modal(
        SURVEY_FORM,
        t(lang, "tracking.survey.form_title"),
        blocks,
        submit=t(lang, "tracking.survey.submit"),
        close=t(lang, "modal.cancel"),
        metadata={"survey": info.id},
    )


def survey_thanks(lang: Language | str, replaced: bool, info_closes: date) -> dict[str, Any]:
    key = "tracking.survey.thanks_changed" if replaced else "tracking.survey.thanks"
    return modal(
        "tracking:survey_done",
        t(lang, "tracking.survey.form_title"),
        [section(":pray: " + t(lang, key, closes=_day(lang, info_closes)))],
        close=t(lang, "modal.close"),
    )


def survey_opened(lang: Language | str, invited: int, not_in_slack: int, closes: date) -> Message:
    text = t(lang, "tracking.survey.opened", invited=invited, closes=_day(lang, closes))
    if not_in_slack:
        text += "\n" + t(lang, "tracking.survey.not_in_slack", count=not_in_slack)
    return _ok(text)


def survey_results(lang: Language | str, results: SurveyResults, *, with_comments: bool) -> Message:
    info = results.survey
    title = t(lang, "tracking.survey.results_title", meeting=(info.meeting_title or info.club_name) if info else "")
    lines = [
        t(
            lang,
            "tracking.survey.results_rate",
            responses=results.responses,
            invited=results.invited,
            rate=format_percent(results.response_rate, lang),
        )
    ]
    for q in results.questions:
        average = format_number(q.average, lang, digits=2) if q.average is not None else "—"
        spread = " · ".join(
            f"{value}: {count}" for value, count in zip(range(5, 0, -1), reversed(q.distribution), strict=True)
        )
        lines.append(f"*{t(lang, QUESTION_KEYS[q.question])}* — {average} / 5  ({spread})")
    blocks: list[dict[str, Any]] = [header(title), section("\n".join(lines))]
    if info is not None:
        blocks.append(context(t(lang, "tracking.survey.results_closes", closes=_day(lang, info.closes_on))))
    if with_comments:
        blocks.append(divider())
        if results.comments:
            text = "\n".join(f"• {escape(shorten(c, 500))}" for c in results.comments)
            blocks.append(section("*" + t(lang, "tracking.survey.comments") + "*\n" + shorten(text, 2800)))
        else:
            blocks.append(context(t(lang, "tracking.survey.no_comments")))
    return Message(text=title, blocks=blocks)
