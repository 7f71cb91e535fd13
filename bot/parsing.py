"""The core of `/club` parsing: tokens, arguments, the subcommand table, with the error messages.

Nothing here talks to Slack or the database. `parse_command(text)` returns a `ParsedCommand`
(the subcommand's spec and its typed request) or raises `CommandError` carrying a catalog key, its
parameters and the subcommand whose usage should be shown.

Slack sends slash-command text with `&`, `<`, `>` escaped and (with `should_escape`) mentions,
channels and links as `<@U123|name>`, `<#C123|name>`, `<https://x|label>`, `<mailto:a@b|a@b>`.
The tokenizer turns those into typed tokens, honours "double quotes" (straight or curly), and
recognises `key:value` options that the subcommand declares (with Korean aliases).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from bot.access import Rule
from bot.errors import UserError

# --- errors --------------------------------------------------------------------------------------


class CommandError(UserError):
    """Bad command text. `key` names the catalog message; `usage` the subcommand whose form to show."""

    def __init__(self, key: str, usage: str | None = None, **params: object) -> None:
        super().__init__(key, **params)
        self.usage = usage

    def __repr__(self) -> str:
        return f"CommandError({self.key!r}, usage={self.usage!r}, params={self.params!r})"


# --- tokens --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Quoted:
    text: str


@dataclass(frozen=True)
class Mention:
    user_id: str
    label: str | None = None


@dataclass(frozen=True)
class ChannelRef:
    channel_id: str
    name: str | None = None


@dataclass(frozen=True)
class Link:
    url: str
    label: str | None = None


@dataclass(frozen=True)
class Email:
    address: str


Token = Word | Quoted | Mention | ChannelRef | Link | Email


@dataclass(frozen=True)
class Option:
    key: str
    values: tuple[Token, ...]


#: Opening quotes and the quote that closes each (a straight `"` may also close on `”`).
QUOTES = {'"': '"', "“": "”", "„": "“", "«": "»"}
_ESCAPE = re.compile(r"<([^<>]*)>")
#: An email address as people type it (no spaces, brackets or separators).
EMAIL_PATTERN = re.compile(r"^[^@\s<>,;:\"]+@[^@\s<>,;:\"]+\.[^@\s<>,;:\"]+$")


def unescape(text: str) -> str:
    """Undo Slack's HTML-entity escaping of `&`, `<` and `>` in plain text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _escape_token(inner: str) -> Token:
    target, _, label = inner.partition("|")
    label_or_none = unescape(label) if label else None
    if target.startswith("@"):
        return Mention(target[1:], label_or_none)
    if target.startswith("#"):
        return ChannelRef(target[1:], label_or_none)
    if target.startswith("mailto:"):
        return Email(unescape(target[len("mailto:") :]).lower())
    if target.startswith("!"):
        # special mentions like <!here> or <!subteam^S123|@team>: keep as plain words
        return Word(label_or_none or target)
    return Link(unescape(target), label_or_none)


def _plain_token(text: str) -> Token:
    if EMAIL_PATTERN.match(text):
        return Email(text.lower())
    return Word(text)


def _opens_escape(text: str, index: int) -> bool:
    """Whether `<` at `index` starts a Slack escape (`<…>` with no `<` inside)."""
    if text[index] != "<":
        return False
    end = text.find(">", index + 1)
    return end != -1 and "<" not in text[index + 1 : end]


def tokenize(text: str) -> list[Token]:
    """Split command text into tokens. Never raises: an unclosed quote runs to the end of the text."""
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if _opens_escape(text, i):
            end = text.find(">", i + 1)
            tokens.append(_escape_token(text[i + 1 : end]))
            i = end + 1
            continue
        if ch in QUOTES:
            close = QUOTES[ch]
            end = text.find(close, i + 1)
            if ch == '"' and end == -1:
                end = text.find("”", i + 1)
            if end == -1:
                end = n
            tokens.append(Quoted(_replace_escapes(text[i + 1 : end])))
            i = end + 1
            continue
        j = i + 1  # a word takes at least one character (a "<" that opens no escape is just a character)
        while j < n and not text[j].isspace() and not _opens_escape(text, j):
            if text[j] in QUOTES and text[j - 1] == ":":
                break  # key:"quoted value"
            j += 1
        tokens.append(_plain_token(unescape(text[i:j])))
        i = j
    return tokens


def readable_text(text: str) -> str:
    """Free text as Slack sent it (escaped, with `<@U…|name>` mentions and `<https://…>` links) made readable,
    keeping its line breaks and spacing: for texts stored and shown again (an update, a meeting summary)."""
    return _replace_escapes(text)


def _replace_escapes(text: str) -> str:
    """Inside quotes, Slack escapes become readable text (a link's URL, a mention's label)."""

    def readable(match: re.Match[str]) -> str:
        token = _escape_token(match.group(1))
        return token_text(token)

    return unescape(_ESCAPE.sub(readable, text))


def token_text(token: Token) -> str:
    """A token as a person would read it (for free text such as an update's body)."""
    match token:
        case Word(text) | Quoted(text):
            return text
        case Mention(user_id, label):
            return f"@{label}" if label else f"<@{user_id}>"
        case ChannelRef(channel_id, name):
            return f"#{name}" if name else f"<#{channel_id}>"
        case Link(url, label):
            return url if not label or label == url else f"{label} ({url})"
        case Email(address):
            return address
    raise TypeError(token)  # pragma: no cover


# --- arguments -----------------------------------------------------------------------------------


@dataclass
class Args:
    """A subcommand's tokens after options were taken out; helpers raise `CommandError` with the usage."""

    subcommand: str
    positional: list[Token]
    options: dict[str, Option]
    raw: str

    def text(self) -> str:
        """The positional tokens as free text."""
        return " ".join(token_text(t) for t in self.positional).strip()

    def option_text(self, key: str) -> str | None:
        option = self.options.get(key)
        if option is None:
            return None
        return " ".join(token_text(t) for t in option.values).strip()

    def take_word(self, choices: Iterable[str]) -> str | None:
        """Remove and return the first positional word (case-insensitive) that is one of `choices`."""
        wanted = {c.lower(): c for c in choices}
        for index, token in enumerate(self.positional):
            if isinstance(token, Word) and token.text.lower() in wanted:
                del self.positional[index]
                return wanted[token.text.lower()]
        return None

    def fail(self, key: str, **params: object) -> CommandError:
        return CommandError(key, usage=self.subcommand, **params)


# --- subcommands ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """Base of typed requests. `club` is the `club:NAME` option, when given."""

    club: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class HelpRequest(Request):
    topic: str | None = None


@dataclass(frozen=True)
class Subcommand:
    """One `/club` subcommand: its name, Korean aliases, who may run it, and how to parse its text."""

    name: str
    rule: Rule
    parse: Callable[[Args], Request]
    #: Whether it acts on one club (resolved from the channel or `club:NAME`).
    club_scoped: bool = False
    aliases: tuple[str, ...] = ()
    #: Option keys it accepts, each with aliases (e.g. {"status": ("상태",)}).
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Shown in the help index; hidden ones are still usable (e.g. the Korean alias of help).
    listed: bool = True
    #: Options whose value is a list of people/addresses (`with:<@U1> <@U2>, a@b.org`): they take every
    #: following mention or email, with or without commas.
    list_options: frozenset[str] = frozenset()

    @property
    def usage_key(self) -> str:
        return f"usage.{self.name.replace(' ', '_')}"

    @property
    def summary_key(self) -> str:
        return f"summary.{self.name.replace(' ', '_')}"


def _parse_help(args: Args) -> Request:
    topic = args.text().lower() or None
    return HelpRequest(topic=topic)


SUBCOMMANDS: dict[str, Subcommand] = {}
_ALIASES: dict[str, str] = {}
COMMON_OPTIONS: dict[str, tuple[str, ...]] = {"club": ("클럽",)}


def register(spec: Subcommand) -> Subcommand:
    """Add a subcommand to the table. Names may be two words (`digest now`)."""
    if spec.name in SUBCOMMANDS:
        raise ValueError(f"subcommand {spec.name!r} registered twice")
    SUBCOMMANDS[spec.name] = spec
    for alias in (spec.name, *spec.aliases):
        if alias in _ALIASES and _ALIASES[alias] != spec.name:
            raise ValueError(f"alias {alias!r} used by {_ALIASES[alias]!r} and {spec.name!r}")
        _ALIASES[alias] = spec.name
    return spec


register(Subcommand("help", Rule.ANYONE, _parse_help, aliases=("도움말", "?")))


@dataclass(frozen=True)
class ParsedCommand:
    spec: Subcommand
    request: Request


def _match_subcommand(words: Sequence[Token]) -> tuple[Subcommand | None, int]:
    """Longest match of the leading words against names and aliases (two-word names first)."""
    plain = [t.text.lower() for t in words[:2] if isinstance(t, Word)]
    if len(plain) == 2 and len(words) >= 2 and isinstance(words[1], Word):
        two = f"{plain[0]} {plain[1]}"
        if two in _ALIASES:
            return SUBCOMMANDS[_ALIASES[two]], 2
    if plain and isinstance(words[0], Word) and plain[0] in _ALIASES:
        return SUBCOMMANDS[_ALIASES[plain[0]]], 1
    return None, 0


def _split_options(
    tokens: list[Token], accepted: dict[str, tuple[str, ...]], list_options: frozenset[str] = frozenset()
) -> tuple[list[Token], dict[str, Option]]:
    by_alias: dict[str, str] = {}
    for key, aliases in accepted.items():
        for alias in (key, *aliases):
            by_alias[alias.lower()] = key
    positional: list[Token] = []
    options: dict[str, Option] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if isinstance(token, Word) and ":" in token.text:
            key_text, _, first = token.text.partition(":")
            option_key = by_alias.get(key_text.lower())
            if option_key is not None:
                values: list[Token] = []
                if first:
                    values.append(_plain_token(first))
                elif i + 1 < len(tokens) and not _is_option(tokens[i + 1], by_alias):
                    i += 1
                    values.append(tokens[i])
                # a list continues while the previous value ends with a comma ("with:<@U1>, <@U2>"); a list of
                # people also takes every following mention or email
                while i + 1 < len(tokens) and not _is_option(tokens[i + 1], by_alias):
                    following = tokens[i + 1]
                    if not (
                        _ends_with_comma(values)
                        or _starts_with_comma(following)
                        or (option_key in list_options and isinstance(following, Mention | Email))
                        or (
                            option_key in list_options
                            and isinstance(following, Word)
                            and following.text.startswith("@")
                        )
                    ):
                        break
                    i += 1
                    values.append(following)
                if option_key in options:
                    raise CommandError("error.option_repeated", option=key_text)
                options[option_key] = Option(option_key, tuple(values))
                i += 1
                continue
        positional.append(token)
        i += 1
    return positional, options


def _is_option(token: Token, by_alias: dict[str, str]) -> bool:
    return isinstance(token, Word) and ":" in token.text and token.text.partition(":")[0].lower() in by_alias


def _starts_with_comma(token: Token) -> bool:
    return isinstance(token, Word) and token.text.startswith(",")


def _ends_with_comma(values: list[Token]) -> bool:
    return bool(values) and isinstance(values[-1], Word) and values[-1].text.endswith(",")


def parse_command(text: str) -> ParsedCommand:
    """Parse the text after `/club`. Empty text means help."""
    tokens = tokenize(text.strip())
    if not tokens:
        return ParsedCommand(SUBCOMMANDS["help"], HelpRequest())
    spec, used = _match_subcommand(tokens)
    if spec is None:
        first = token_text(tokens[0])
        raise CommandError("error.unknown_subcommand", usage=None, subcommand=first[:40], suggestion=suggest(first))
    accepted = {**COMMON_OPTIONS, **spec.options} if spec.club_scoped else dict(spec.options)
    try:
        positional, options = _split_options(tokens[used:], accepted, spec.list_options)
    except CommandError as error:
        error.usage = spec.name
        raise
    args = Args(spec.name, positional, options, text)
    request = spec.parse(args)
    club = args.option_text("club") if spec.club_scoped else None
    if club is not None:
        if not club:
            raise args.fail("error.club_option_empty")
        request = _with_club(request, club)
    return ParsedCommand(spec, request)


def _with_club(request: Request, club: str) -> Request:
    return replace(request, club=club)


def suggest(word: str) -> str:
    """The closest listed subcommand name, for "did you mean" (empty when nothing is close)."""
    names = sorted({name for name, spec in SUBCOMMANDS.items() if spec.listed})
    close = difflib.get_close_matches(word.lower(), names, n=1, cutoff=0.6)
    return close[0] if close else ""


def listed_subcommands() -> list[Subcommand]:
    return [spec for spec in SUBCOMMANDS.values() if spec.listed]
