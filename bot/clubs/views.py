"""Block Kit for clubs: the welcome post, the provisioning summary, member lists, the App Home, and the
new-club and member-record modals. Pure: plain values in, messages and views out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.clubs.types import ClubSummary, MemberLine, PersonOutcome, ProvisionResult
from bot.domain import CareerStage, ClubRole, FieldKey, Language, MembershipStatus
from bot.i18n import format_date, has, t
from bot.participants.values import country_name
from bot.slack.blocks import Message, context, divider, escape, escaped, header, packed_sections, section, shorten
from bot.slack.modals import date_input, modal, multi_select, radio, select, text_input, users_input

if TYPE_CHECKING:  # only for annotations: views never touch the database
    from bot.due import DueItem
    from bot.refs import ClubRef

NEW_CLUB_CALLBACK = "club_new"
RECORD_CALLBACK = "member_record"
MEETING_PICKED_ACTION = "club_new_meeting"


def channel_topic(name: str, field: FieldKey) -> tuple[str, str]:
    """The channel's topic and purpose: the club's full name and field, in Korean and English (≤ 250 chars)."""
    name = escape(name)
    topic = shorten(f"{name} · {t('ko', f'field.{field.value}')} / {t('en', f'field.{field.value}')}", 250)
    purpose = shorten(f"{t('ko', 'clubs.purpose', name=name)} / {t('en', 'clubs.purpose', name=name)}", 250)
    return topic, purpose


def welcome(club: ClubRef, leader_ids: Sequence[str]) -> Message:
    """Pinned in the new channel, in the club's language."""
    lang = club.language
    leaders = ", ".join(f"<@{u}>" for u in leader_ids) or t(lang, "clubs.welcome.no_leaders")
    field = t(lang, f"field.{club.field.value}")
    blocks = [
        header(t(lang, "clubs.welcome.title", name=escape(club.name))),
        section(t(lang, "clubs.welcome.purpose", field=field)),
        section(t(lang, "clubs.welcome.leaders", leaders=leaders)),
        section(t(lang, "clubs.welcome.commands")),
        context(t(lang, "clubs.welcome.privacy")),
    ]
    return Message(text=t(lang, "clubs.welcome.title", name=escape(club.name)), blocks=blocks)


def _people_lines(lang: Language, people: Sequence[PersonOutcome], *, with_email: bool) -> str:
    lines = []
    for person in people:
        who = f"<@{person.user_id}>" if person.user_id else escape(person.label)
        if with_email and person.email and not person.user_id:
            who += f" ({escape(person.email)})"
        reason = f" — {reason_text(lang, person.reason)}" if person.reason else ""
        lines.append(f"• {who}{reason}")
    return "\n".join(lines)


def reason_text(lang: Language, code: str) -> str:
    """Why someone could not be invited, in words; Slack's own error code for anything unforeseen."""
    key = f"clubs.reason.{code}"
    return t(lang, key) if has(key) else t(lang, "clubs.reason.other", code=escape(code))


def provision_summary(lang: Language, result: ProvisionResult) -> Message:
    """For the admin who ran `/club new`: channel, invited, pending, failed with reasons."""
    club = result.club
    title_key = "clubs.summary.created" if result.created else "clubs.summary.existing"
    blocks = [section(t(lang, title_key, name=escape(club.name), channel=f"<#{club.channel_id}>"))]
    if result.channel_reused and result.created:
        blocks.append(context(t(lang, "clubs.summary.channel_reused")))
    invited = result.of("invited") + result.of("already")
    groups = [
        ("clubs.summary.invited", invited, False),
        ("clubs.summary.shared", result.of("shared"), True),
        ("clubs.summary.pending", result.of("pending"), True),
        ("clubs.summary.held", result.of("held"), False),
        ("clubs.summary.failed", result.of("failed"), True),
    ]
    for key, people, with_email in groups:
        if people:
            blocks.append(
                section(t(lang, key, count=len(people)) + "\n" + _people_lines(lang, people, with_email=with_email))
            )
    if not result.people:
        blocks.append(context(t(lang, "clubs.summary.nobody")))
    text = t(lang, title_key, name=escape(club.name), channel=f"<#{club.channel_id}>")
    return Message(text=text, blocks=blocks)


def invite_summary(lang: Language, club: ClubRef, outcomes: Sequence[PersonOutcome]) -> Message:
    return provision_summary(lang, ProvisionResult(club, created=False, channel_reused=True, people=list(outcomes)))


def guests_to_invite(club: ClubRef, people: Sequence[PersonOutcome], lang: Language | str) -> Message:
    """To the secretariat channel: people not in the workspace, to invite as guests to the club's channel."""
    language = Language(str(lang))
    lines = "\n".join(f"• {escape(p.label)} — {escape(p.email or '')}" for p in people)
    text = t(
        language, "clubs.guests.to_invite", club=escape(club.name), channel=f"<#{club.channel_id}>", count=len(people)
    )
    return Message(text=text, blocks=[section(text + "\n" + lines)])


def guests_to_add(club: ClubRef, people: Sequence[PersonOutcome], lang: Language | str) -> Message:
    """To the secretariat channel: guests Slack will not let the bot invite, for a workspace admin to add."""
    language = Language(str(lang))
    channel = f"<#{club.channel_id}>"
    text = t(language, "clubs.guests.admin_needed", club=escape(club.name), channel=channel, count=len(people))
    return Message(
        text=shorten(text, 3000), blocks=[section(text + "\n" + _people_lines(language, people, with_email=True))]
    )


def members_list(lang: Language, club: ClubRef, members: Sequence[MemberLine], *, emails_shown: bool) -> Message:
    active = [m for m in members if m.status is MembershipStatus.ACTIVE]
    pending = [m for m in members if m.status is MembershipStatus.PENDING]
    lines = []
    for member in active:
        who = f"<@{member.user_id}>" if member.user_id else escape(member.name)
        details = [
            escape(member.affiliation) if member.affiliation else None,
            escape(country_name(member.country, lang)) if member.country else None,
        ]
        if emails_shown and member.email:
            details.append(escape(member.email))
        role = f" *{t(lang, 'role.leader')}*" if member.role is ClubRole.LEADER else ""
        shown = " · ".join(d for d in details if d)
        lines.append(f"• {who}{role} — {shown}" if shown else f"• {who}{role}")
    blocks = [header(t(lang, "clubs.members.title", name=escape(club.name), count=len(active)))]
    blocks.extend(packed_sections(lines))  # split by size: a long member list is never cut
    if pending:
        names = ", ".join(escape(m.name) for m in pending)
        blocks.append(context(t(lang, "clubs.members.pending", count=len(pending), names=names)))
    if not emails_shown:
        blocks.append(context(t(lang, "clubs.members.emails_hidden")))
    return Message(text=t(lang, "clubs.members.title", name=escape(club.name), count=len(active)), blocks=blocks)


def clubs_list(lang: Language, clubs: Sequence[ClubSummary]) -> Message:
    if not clubs:
        return Message(text=t(lang, "clubs.list.none"), blocks=[section(t(lang, "clubs.list.none"))])
    lines = []
    for summary in clubs:
        role = t(lang, f"role.{summary.role.value}") if summary.role else t(lang, "home.not_a_member")
        channel = f"<#{summary.club.channel_id}>" if summary.club.channel_id else ""
        lines.append(
            t(
                lang,
                "clubs.list.line",
                name=escape(summary.club.name),
                channel=channel,
                role=role,
                members=summary.members,
                pending=summary.pending,
            )
            + (t(lang, "clubs.list.archived") if not summary.club.is_active else "")
        )
    blocks = [header(t(lang, "clubs.list.title"))]
    blocks.extend(packed_sections(lines))
    return Message(text=t(lang, "clubs.list.title"), blocks=blocks)


def members_modal(lang: Language, club: ClubRef, members: Sequence[MemberLine], emails_shown: bool) -> dict[str, Any]:
    message = members_list(lang, club, members, emails_shown=emails_shown)
    return modal("club_members", escape(club.name), message.blocks[:100], close=t(lang, "modal.close"))


def form_title(lang: Language) -> str:
    return t(lang, "clubs.form.title")


def simple(lang: Language, key: str, **params: object) -> Message:
    text = t(lang, key, **params)
    return Message(text=text, blocks=[section(text)])


# --- App Home ---------------------------------------------------------------------------------------


AWAY_CALLBACK = "home:away_form"
AWAY_ACTION = "home_away"


def home(
    lang: Language,
    clubs: Sequence[ClubSummary],
    due: Sequence[DueItem],
    *,
    is_admin: bool,
    name: str,
    away_until: date | None = None,
    has_record: bool = False,
    orcid_nudge: bool = False,
) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [header(t(lang, "home.title", name=escape(name)))]
    if orcid_nudge:
        nudge = section(":bulb: " + t(lang, "home.orcid_nudge"))
        nudge["accessory"] = _button(t(lang, "home.orcid_button"), "home_my_record", value="orcid")
        blocks.append(nudge)
    if is_admin:
        blocks.append(section(t(lang, "home.admin_intro", count=len(clubs))))
        blocks.append(
            {"type": "actions", "elements": [_button(t(lang, "home.new_club"), "home_new_club", style="primary")]}
        )
    blocks.append(divider())
    blocks.append(section("*" + t(lang, "home.due_title") + "*"))
    if due:
        for item in due[:10]:
            line = f"• {format_date(item.due_on, lang)} — " + t(lang, item.text_key, **escaped(item.params))
            if item.club_name:
                line += f" ({escape(item.club_name)})"
            block = section(line)
            if item.action_id:
                block["accessory"] = _button(t(lang, "home.do_it"), item.action_id, value=item.action_value)
            blocks.append(block)
    else:
        blocks.append(context(t(lang, "home.nothing_due")))
    blocks.append(divider())
    blocks.append(section("*" + t(lang, "home.clubs_title") + "*"))
    if not clubs:
        blocks.append(context(t(lang, "home.no_clubs")))
    for summary in clubs[:40]:
        role = t(lang, f"role.{summary.role.value}") if summary.role else t(lang, "home.not_a_member")
        field = t(lang, f"field.{summary.club.field.value}")
        text = t(
            lang,
            "home.club_line",
            name=escape(summary.club.name),
            channel=f"<#{summary.club.channel_id}>",
            role=role,
            field=field,
            members=summary.members,
        )
        block = section(text)
        block["accessory"] = _button(t(lang, "home.members"), "home_members", value=str(summary.club.id))
        blocks.append(block)
    elements = [_button(t(lang, "home.my_record"), "home_my_record")]
    if has_record:
        elements.append(_button(t(lang, "home.away.button"), AWAY_ACTION))
    blocks.append({"type": "actions", "elements": elements})
    if away_until is not None:
        blocks.append(context(t(lang, "home.away.line", date=format_date(away_until, lang))))
    blocks.append(context(t(lang, "home.help")))
    return {"type": "home", "blocks": blocks[:100]}


def _button(text: str, action_id: str, *, value: str | None = None, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": shorten(text, 75)},
        "action_id": action_id,
    }
    if value is not None:
        button["value"] = value
    if style:
        button["style"] = style
    return button


# --- modals ------------------------------------------------------------------------------------------


def new_club_form(
    lang: Language,
    meetings: Sequence[tuple[str, str]],
    *,
    meeting: str | None = None,
    attendees: Sequence[tuple[str, str]] = (),
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`/club new` as a form. Picking a meeting fills the member list with its attendees (all selected)."""
    fields = [(f.value, f"{t(lang, f'field.{f.value}')}") for f in FieldKey]
    blocks = [
        text_input("name", t(lang, "clubs.form.name"), max_length=120, placeholder=t(lang, "clubs.form.name_hint")),
        select("field", t(lang, "clubs.form.field"), fields),
    ]
    if meetings:
        meeting_block = select(
            "meeting",
            t(lang, "clubs.form.meeting"),
            [(value, escape(label)) for value, label in meetings][:100],
            initial=meeting,
            optional=True,
        )
        meeting_block["dispatch_action"] = True
        meeting_block["element"]["action_id"] = MEETING_PICKED_ACTION
        blocks.append(meeting_block)
    blocks.append(users_input("leaders", t(lang, "clubs.form.leaders"), optional=True))
    if attendees:
        blocks.append(
            multi_select(
                "attendees",
                t(lang, "clubs.form.attendees"),
                [(value, escape(label)) for value, label in attendees][:100],
                initial=[value for value, _ in attendees][:100],
                optional=True,
            )
        )
    blocks.append(
        users_input("members", t(lang, "clubs.form.members"), optional=True, hint=t(lang, "clubs.form.members_hint"))
    )
    blocks.append(
        text_input(
            "emails",
            t(lang, "clubs.form.emails"),
            optional=True,
            multiline=True,
            hint=t(lang, "clubs.form.emails_hint"),
        )
    )
    blocks.append(
        radio(
            "visibility",
            t(lang, "clubs.form.visibility"),
            [("public", t(lang, "clubs.form.public")), ("private", t(lang, "clubs.form.private"))],
            initial="public",
        )
    )
    blocks.append(
        radio("language", t(lang, "clubs.form.language"), [("ko", "한국어"), ("en", "English")], initial=lang.value)
    )
    return modal(
        NEW_CLUB_CALLBACK,
        t(lang, "clubs.form.title"),
        blocks,
        submit=t(lang, "clubs.form.submit"),
        close=t(lang, "modal.cancel"),
        metadata=metadata,
    )


def record_form(
    lang: Language, record: dict[str, Any], *, show_email: bool, metadata: dict[str, Any]
) -> dict[str, Any]:
    """A person's participant record, for themselves, their club's leaders, or the secretariat."""
    stages = [(s.value, t(lang, f"career.{s.value}")) for s in CareerStage]
    blocks = [
        section(t(lang, "clubs.record.intro")),
        text_input(
            "name_ko", t(lang, "clubs.record.name_ko"), initial=record.get("name_ko"), optional=True, max_length=120
        ),
        text_input(
            "name_en", t(lang, "clubs.record.name_en"), initial=record.get("name_en"), optional=True, max_length=200
        ),
        text_input(
            "affiliation",
            t(lang, "clubs.record.affiliation"),
            initial=record.get("affiliation"),
            optional=True,
            max_length=300,
        ),
        text_input(
            "country",
            t(lang, "clubs.record.country"),
            initial=record.get("country"),
            optional=True,
            max_length=60,
            hint=country_name(record["country"], lang) if record.get("country") else None,
        ),
        select(
            "career_stage",
            t(lang, "clubs.record.career_stage"),
            stages,
            initial=record.get("career_stage"),
            optional=True,
        ),
        text_input("orcid", t(lang, "clubs.record.orcid"), initial=record.get("orcid"), optional=True, max_length=60),
        radio(
            "overseas_korean",
            t(lang, "clubs.record.overseas_korean"),
            [("yes", t(lang, "clubs.record.yes")), ("no", t(lang, "clubs.record.no"))],
            initial="yes" if record.get("overseas_korean") else "no",
        ),
        text_input(
            "overseas_association",
            t(lang, "clubs.record.association"),
            initial=record.get("overseas_association"),
            optional=True,
            max_length=200,
        ),
    ]
    if show_email:
        blocks.insert(
            3,
            text_input(
                "email", t(lang, "clubs.record.email"), initial=record.get("email"), optional=True, max_length=320
            ),
        )
    return modal(
        RECORD_CALLBACK,
        t(lang, "clubs.record.title"),
        blocks,
        submit=t(lang, "modal.save"),
        close=t(lang, "modal.cancel"),
        metadata=metadata,
    )


def away_form(lang: Language, away_until: date | None) -> dict[str, Any]:
    """ "Away until…": the last day away; left empty, the person is back."""
    return modal(
        AWAY_CALLBACK,
        t(lang, "home.away.title"),
        [
            section(t(lang, "home.away.intro")),
            date_input(
                "until", t(lang, "home.away.label"), initial=away_until, optional=True, hint=t(lang, "home.away.hint")
            ),
        ],
        submit=t(lang, "home.away.submit"),
        close=t(lang, "home.away.close"),
    )


ARCHIVE_CONFIRM_ACTION = "clubs:archive_confirm"
ARCHIVE_CANCEL_ACTION = "clubs:archive_cancel"


def archive_confirm(lang: Language, club: ClubRef) -> Message:
    """`/club archive` asks first: what closing means, and a button to do it (the value is the club's id)."""
    channel = f"<#{club.channel_id}>" if club.channel_id else ""
    text = t(lang, "clubs.archive.confirm", club=escape(club.name), channel=channel)
    buttons = [
        _button(t(lang, "clubs.archive.confirm_button"), ARCHIVE_CONFIRM_ACTION, value=str(club.id), style="danger"),
        _button(t(lang, "clubs.archive.cancel_button"), ARCHIVE_CANCEL_ACTION, value=str(club.id)),
    ]
    return Message(text=text, blocks=[section(text), {"type": "actions", "elements": buttons}])
