"""Message catalogs: every text a person reads, in Korean and English.

Catalogs are gettext `.po` files under `catalog/<lang>/<feature>.po`, one per feature so features
do not collide. Message ids are symbolic keys (`help.title`, `error.unknown_subcommand`), and texts
use named placeholders (`{name}`). A text that counts uses a plural block,
`{count, plural, one {# item} other {# items}}` (`bot/i18n/plural.py`), so each language says "1 item" and
"2 items" its own way. Dates and numbers are formatted for the language with Babel.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _babel_format_decimal
from babel.numbers import format_percent as _babel_format_percent

from bot.domain import Language
from bot.i18n import plural

log = logging.getLogger(__name__)

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
LANGUAGES: tuple[Language, ...] = (Language.KO, Language.EN)
_BABEL_LOCALE = {Language.KO: "ko_KR", Language.EN: "en_US"}


@dataclass(frozen=True)
class Localized:
    """A message parameter written in the reader's language when the message is (e.g. a list of output types
    with their names): code that raises an error does not know who will read it."""

    render: Callable[[Language], str]


class MissingMessage(KeyError):
    """A key is in neither catalog: a programming error that the catalog tests catch."""


@cache
def catalog(lang: Language) -> Mapping[str, str]:
    """All messages of one language, merged from its feature files."""
    messages: dict[str, str] = {}
    for path in sorted((CATALOG_DIR / lang.value).glob("*.po")):
        with path.open("rb") as handle:
            po = read_po(handle, locale=_BABEL_LOCALE[lang])
        for message in po:
            if not message.id or not isinstance(message.id, str):
                continue
            if message.id in messages:
                raise ValueError(f"{path.name}: message {message.id!r} is defined twice for {lang.value}")
            messages[message.id] = str(message.string)
    return messages


def has(key: str) -> bool:
    return key in catalog(Language.EN) or key in catalog(Language.KO)


def t(lang: Language | str, key: str, /, **params: object) -> str:
    """The text for `key` in `lang`, with `{placeholders}` filled from `params`.

    Falls back to the other language if a text is empty in one catalog (never to the raw key in
    production code paths: the catalog tests require every key in both languages).
    """
    language = Language(str(lang))
    text = catalog(language).get(key) or ""
    if not text:
        other = Language.EN if language is Language.KO else Language.KO
        text = catalog(other).get(key) or ""
        if not text:
            raise MissingMessage(key)
        log.warning("message %s has no %s text; using %s", key, language.value, other.value)
    if not params:
        return text
    resolved = {k: v.render(language) if isinstance(v, Localized) else v for k, v in params.items()}
    text = plural.resolve(
        text, resolved, _locale(language).plural_form, lambda value: format_number(value, language)
    )
    return _one_club_word(text.format_map(_Params(resolved)))


@cache
def _locale(language: Language) -> Locale:
    return Locale.parse(_BABEL_LOCALE[language])


#: A club's name that already ends with the word "club" followed by the word a message adds after names
#: (`“수소 에너지 클럽” 클럽`, `Quantum Hardware Club 클럽`, `the Hydrogen Club club`): said once.
_DOUBLED_CLUB = re.compile(r"(클럽|동아리|[Cc]lub)([”\"’'*_]*) (?:클럽|[Cc]lub(?![A-Za-z]))")


def _one_club_word(text: str) -> str:
    return _DOUBLED_CLUB.sub(r"\1\2", text)


class _Params(dict[str, object]):
    def __missing__(self, key: str) -> str:
        log.error("message placeholder {%s} not given", key)
        return "{" + key + "}"


def placeholders(text: str) -> set[str]:
    """The named placeholders a text uses, those of its plural blocks included (for the catalog tests)."""
    return {name for _, name, _, _ in string.Formatter().parse(plural.skeleton(text)) if name}


_KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_-]+)+$")


def is_valid_key(key: str) -> bool:
    return bool(_KEY.match(key))


# --- formatting for the language --------------------------------------------------------------


def format_date(value: date, lang: Language | str, *, style: str = "medium") -> str:
    """`2026년 11월 21일` / `Nov 21, 2026`."""
    return _babel_format_date(value, format=style, locale=_BABEL_LOCALE[Language(str(lang))])


def format_datetime(value: datetime, lang: Language | str, *, tz: object = None, style: str = "medium") -> str:
    return _babel_format_datetime(
        value,
        format=style,
        tzinfo=tz,  # type: ignore[arg-type]
        locale=_BABEL_LOCALE[Language(str(lang))],
    )


def format_number(value: float, lang: Language | str, *, digits: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return _babel_format_decimal(value, format=pattern, locale=_BABEL_LOCALE[Language(str(lang))])


def format_percent(value: float, lang: Language | str) -> str:
    return _babel_format_percent(value, locale=_BABEL_LOCALE[Language(str(lang))])
