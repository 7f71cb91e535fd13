"""`/club` subcommands of the news digest: feeds, keywords, digest settings and preview, sharing a link.

    /club feeds                             any member: the club's feeds and whether each works
    /club feeds add URL [keywords:WORDS]    leaders: follow a feed (checked once before it is added)
    /club feeds remove ID                   leaders: stop following feed ID (as numbered by `feeds`)
    /club keywords [WORDS, … | clear]       leaders: show or set the club's interests
    /club digest settings                   leaders: day, time and length of the weekly digest (a form)
    /club digest now                        leaders: a private preview of the next digest
    /club share URL [NOTE]                  any member: put a link in the next digest, with their name

Slack sends links in command text as `<https://…>` (`Link` tokens); an address typed without a scheme
(`example.org/feed`) is read as https.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.access import Rule
from bot.digests.feeds.rank import split_keywords
from bot.parsing import Args, Link, Quoted, Request, Subcommand, Token, Word, register, token_text

MAX_KEYWORDS = 30
MAX_KEYWORD_LENGTH = 60
MAX_URL_LENGTH = 2000
MAX_NOTE_LENGTH = 500
CLEAR_WORDS = frozenset({"clear", "none", "-", "지우기", "없음"})
#: An address typed without its scheme: a host name with a dot (and a top-level domain), then a path.
_BARE_ADDRESS = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(:\d{1,5})?([/?#]\S*)?$")


@dataclass(frozen=True)
class FeedsRequest(Request):
    pass


@dataclass(frozen=True)
class AddFeedRequest(Request):
    url: str = ""
    keywords: str = ""


@dataclass(frozen=True)
class RemoveFeedRequest(Request):
    feed_id: int = 0


@dataclass(frozen=True)
class KeywordsRequest(Request):
    """`keywords` None: show them; an empty tuple with `clear`: remove them all."""

    keywords: tuple[str, ...] | None = None
    clear: bool = False


@dataclass(frozen=True)
class DigestSettingsRequest(Request):
    pass


@dataclass(frozen=True)
class DigestNowRequest(Request):
    pass


@dataclass(frozen=True)
class ShareRequest(Request):
    url: str = ""
    note: str = ""


# --- pieces ----------------------------------------------------------------------------------------------


def web_url(token: Token) -> str | None:
    """The http(s) address a token names, or None when it is not one."""
    match token:
        case Link(url, _):
            text = url.strip()
        case Word(text) | Quoted(text):
            text = text.strip().strip("<>")
            if "://" not in text:
                if not _BARE_ADDRESS.match(text):
                    return None
                text = "https://" + text
        case _:
            return None
    if len(text) > MAX_URL_LENGTH or any(ch.isspace() for ch in text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname or "@" in parts.netloc:
        return None  # no user:password@ in addresses people share
    return text


def _take_url(args: Args, missing_key: str) -> str:
    """Remove and return the first positional token that is a web address; errors name the problem."""
    for index, token in enumerate(args.positional):
        url = web_url(token)
        if url is not None:
            del args.positional[index]
            return url
    if args.positional:
        raise args.fail("digests.error.url_invalid", text=token_text(args.positional[0])[:200])
    raise args.fail(missing_key)


def parse_keywords(args: Args, text: str) -> tuple[str, ...]:
    """Comma-separated keywords, cleaned, duplicates (any case) dropped; too many or too long is an error."""
    seen: set[str] = set()
    words: list[str] = []
    for word in split_keywords(text):
        if word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    too_long = next((w for w in words if len(w) > MAX_KEYWORD_LENGTH), None)
    if too_long is not None:
        raise args.fail("digests.error.keyword_too_long", keyword=too_long[:80], max=MAX_KEYWORD_LENGTH)
    if len(words) > MAX_KEYWORDS:
        raise args.fail("digests.error.too_many_keywords", count=len(words), max=MAX_KEYWORDS)
    return tuple(words)


# --- parsers ---------------------------------------------------------------------------------------------


def _parse_feeds(args: Args) -> Request:
    if args.positional:
        raise args.fail("digests.error.feeds_unexpected", text=args.text()[:200])
    return FeedsRequest()


def _parse_add(args: Args) -> Request:
    url = _take_url(args, "digests.error.url_missing")
    given = args.option_text("keywords")
    rest = args.text()
    if rest and given is None:
        raise args.fail("digests.error.unexpected_text", text=rest[:200])
    keywords = parse_keywords(args, " ".join(part for part in (given or "", rest) if part))
    return AddFeedRequest(url=url, keywords=", ".join(keywords))


def _parse_remove(args: Args) -> Request:
    if not args.positional:
        raise args.fail("digests.error.feed_id_missing")
    text = args.text().lstrip("#").strip()
    if len(args.positional) != 1 or not text.isdigit() or int(text) <= 0:
        raise args.fail("digests.error.feed_id_invalid", text=args.text()[:60])
    return RemoveFeedRequest(feed_id=int(text))


def _parse_keywords(args: Args) -> Request:
    text = args.text()
    if not text:
        return KeywordsRequest()
    if text.casefold() in CLEAR_WORDS:
        return KeywordsRequest(keywords=(), clear=True)
    return KeywordsRequest(keywords=parse_keywords(args, text))


def _parse_settings(args: Args) -> Request:
    if args.positional:
        raise args.fail("digests.error.unexpected_text", text=args.text()[:200])
    return DigestSettingsRequest()


def _parse_now(args: Args) -> Request:
    if args.positional:
        raise args.fail("digests.error.unexpected_text", text=args.text()[:200])
    return DigestNowRequest()


def _parse_share(args: Args) -> Request:
    url = _take_url(args, "digests.error.share_url_missing")
    note = args.text()
    if len(note) > MAX_NOTE_LENGTH:
        raise args.fail("digests.error.note_too_long", count=len(note), max=MAX_NOTE_LENGTH)
    return ShareRequest(url=url, note=note)


register(Subcommand("feeds", Rule.MEMBER, _parse_feeds, club_scoped=True, aliases=("피드",)))
register(
    Subcommand(
        "feeds add",
        Rule.LEADER,
        _parse_add,
        club_scoped=True,
        aliases=("피드 추가",),
        options={"keywords": ("키워드",)},
    )
)
register(Subcommand("feeds remove", Rule.LEADER, _parse_remove, club_scoped=True, aliases=("피드 삭제",)))
register(Subcommand("keywords", Rule.LEADER, _parse_keywords, club_scoped=True, aliases=("키워드",)))
register(Subcommand("digest settings", Rule.LEADER, _parse_settings, club_scoped=True, aliases=("다이제스트 설정",)))
register(Subcommand("digest now", Rule.LEADER, _parse_now, club_scoped=True, aliases=("다이제스트 미리보기",)))
register(Subcommand("share", Rule.MEMBER, _parse_share, club_scoped=True, aliases=("공유",)))
