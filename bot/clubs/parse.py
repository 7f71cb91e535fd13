"""`/club new`, `invite`, `leader`, `members`, `member`, `language`, `archive`, `clubs`: parsing. Pure."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from bot.access import Rule
from bot.domain import FieldKey, Language
from bot.i18n import t
from bot.parsing import Args, Email, Mention, Quoted, Request, Subcommand, Token, Word, register, token_text
from bot.participants.values import InvalidValue, parse_field
from bot.refs import PersonRef


@dataclass(frozen=True)
class NewClubRequest(Request):
    """`/club new`; with no arguments, `open_form` asks for the modal."""

    name: str = ""
    field: FieldKey | None = None
    meeting: str | None = None
    leaders: tuple[PersonRef, ...] = ()
    members: tuple[PersonRef, ...] = ()
    private: bool = False
    language: Language = Language.KO
    open_form: bool = False


@dataclass(frozen=True)
class InviteRequest(Request):
    people: tuple[PersonRef, ...] = ()


@dataclass(frozen=True)
class LeaderRequest(Request):
    person: PersonRef = dataclasses.field(default_factory=PersonRef)


@dataclass(frozen=True)
class MembersRequest(Request):
    pass


@dataclass(frozen=True)
class MemberRecordRequest(Request):
    """`/club member [@user]`: a person's record (one's own when nobody is named)."""

    user_id: str | None = None


@dataclass(frozen=True)
class LanguageRequest(Request):
    language: Language | None = None  # None: show the current one


@dataclass(frozen=True)
class ArchiveRequest(Request):
    pass


@dataclass(frozen=True)
class ClubsRequest(Request):
    pass


def _people(tokens: list[Token] | tuple[Token, ...], args: Args, *, allow_empty: bool = False) -> tuple[PersonRef, ...]:
    """Mentions and emails, separated by spaces and/or commas."""
    people: list[PersonRef] = []
    for token in tokens:
        match token:
            case Mention(user_id, _):
                people.append(PersonRef(user_id=user_id))
            case Email(address):
                people.append(PersonRef(email=address))
            case Word(text) if not text.strip(","):
                continue
            case Word(text) if text.startswith("@"):
                # Slack turns a mention of a workspace member into <@U…>; plain "@name" names nobody it knows
                raise args.fail("clubs.error.unknown_mention", value=text.rstrip(","))
            case Word(text) if "," in text:
                for part in filter(None, (p.strip() for p in text.split(","))):
                    if "@" in part and "." in part.rsplit("@", 1)[-1]:
                        people.append(PersonRef(email=part.lower()))
                    else:
                        raise args.fail("clubs.error.not_a_person", value=part)
            case _:
                raise args.fail("clubs.error.not_a_person", value=token_text(token))
    if not people and not allow_empty:
        raise args.fail("clubs.error.nobody_named")
    return tuple(dict.fromkeys(people))


def field_choices() -> str:
    """`key` (한국어 / English) for every field, for the unknown-field message."""
    return ", ".join(f"`{f.value}` ({t('ko', f'field.{f.value}')} / {t('en', f'field.{f.value}')})" for f in FieldKey)


def _parse_new(args: Args) -> Request:
    if not args.positional and not args.options:
        return NewClubRequest(open_form=True)
    private = args.take_word(("private", "비공개")) is not None
    stray_mention = next(
        (token for token in args.positional if isinstance(token, Word) and token.text.startswith("@")), None
    )
    if stray_mention is not None:
        raise args.fail("clubs.error.unknown_mention", value=stray_mention.text)
    name = " ".join(token_text(token) for token in args.positional if isinstance(token, Word | Quoted)).strip()
    if any(not isinstance(token, Word | Quoted) for token in args.positional):
        stray = next(token for token in args.positional if not isinstance(token, Word | Quoted))
        raise args.fail("clubs.error.unexpected", value=token_text(stray))
    if not name:
        raise args.fail("clubs.error.name_missing")
    if len(name) > 120:
        raise args.fail("clubs.error.name_too_long", limit=120)
    field_text = args.option_text("field")
    if not field_text:
        raise args.fail("clubs.error.field_missing", fields=field_choices())
    try:
        field = parse_field(field_text)
    except InvalidValue:
        raise args.fail("clubs.error.unknown_field", field=field_text, fields=field_choices()) from None
    language_text = (args.option_text("lang") or "ko").lower()
    if language_text not in ("ko", "en", "한국어", "영어"):
        raise args.fail("clubs.error.bad_language", value=language_text)
    leaders = args.options.get("leaders")
    members = args.options.get("members")
    return NewClubRequest(
        name=name,
        field=field,
        meeting=args.option_text("meeting") or None,
        leaders=_people(leaders.values, args) if leaders else (),
        members=_people(members.values, args) if members else (),
        private=private,
        language=Language.EN if language_text in ("en", "영어") else Language.KO,
    )


def _parse_invite(args: Args) -> Request:
    return InviteRequest(people=_people(args.positional, args))


def _parse_leader(args: Args) -> Request:
    people = _people(args.positional, args)
    if len(people) != 1:
        raise args.fail("clubs.error.one_person")
    return LeaderRequest(person=people[0])


def _parse_member(args: Args) -> Request:
    people = _people(args.positional, args, allow_empty=True)
    if len(people) > 1 or (people and people[0].user_id is None):
        raise args.fail("clubs.error.one_mention")
    return MemberRecordRequest(user_id=people[0].user_id if people else None)


def _parse_language(args: Args) -> Request:
    text = args.text().lower()
    if not text:
        return LanguageRequest()
    if text in ("ko", "korean", "한국어"):
        return LanguageRequest(language=Language.KO)
    if text in ("en", "english", "영어"):
        return LanguageRequest(language=Language.EN)
    raise args.fail("clubs.error.bad_language", value=text)


def _no_arguments(request: Request) -> Callable[[Args], Request]:
    """A parser for a subcommand that takes no arguments: always `request`."""

    def parse(args: Args) -> Request:
        if args.positional:
            raise args.fail("clubs.error.no_arguments_expected", value=token_text(args.positional[0]))
        return request

    return parse


register(
    Subcommand(
        "new",
        Rule.ADMIN,
        _parse_new,
        aliases=("새클럽",),
        options={
            "field": ("분야",),
            "meeting": ("행사", "모임"),
            "leaders": ("leader", "리더"),
            "members": ("member", "회원"),
            "lang": ("language", "언어"),
        },
        list_options=frozenset({"leaders", "members"}),
    )
)
register(Subcommand("invite", Rule.LEADER, _parse_invite, club_scoped=True, aliases=("초대",)))
register(Subcommand("leader", Rule.LEADER, _parse_leader, club_scoped=True, aliases=("리더",)))
register(Subcommand("members", Rule.MEMBER, _no_arguments(MembersRequest()), club_scoped=True, aliases=("회원목록",)))
register(Subcommand("member", Rule.ANYONE, _parse_member, aliases=("회원정보",)))
register(Subcommand("language", Rule.LEADER, _parse_language, club_scoped=True, aliases=("언어",)))
register(Subcommand("archive", Rule.ADMIN, _no_arguments(ArchiveRequest()), club_scoped=True, aliases=("보관",)))
register(Subcommand("clubs", Rule.ANYONE, _no_arguments(ClubsRequest()), aliases=("클럽목록",)))
