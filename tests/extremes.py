"""Values for walking the bot's views: a realistic one and an extreme one for any annotated type.

`Maker(lang, extreme=...)` builds a value of a type from its annotation, recursively through dataclasses,
sequences, mappings, unions, enums and literals. Extreme values are the largest the product lets in:
the lengths the commands and the database columns enforce (a club name of 120 characters, a person's
name of 200, an email address of 320, a URL of 2,000), 3,000 characters for free text that has no limit
(as issue 14 sets), 100 items in every list, and text full of Slack's control characters (`<`, `&`, `*`)
so escaping that grows a text is exercised too. Realistic values are short, with three items.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import Language, Quarter
from bot.reports.period import Period

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=SEOUL)

#: The longest text the product lets in, by the name of the field or parameter that holds it.
#: Club names: bot/clubs/parse.py (120); people's names, email addresses: bot/participants/values.py
#: MAX_LENGTH; URLs: bot/tracking/values.py and bot/digests/parse.py (2,000); keywords: digests/parse.py.
NAMED_LENGTHS: dict[str, int] = {
    "club_name": 120,
    "club": 120,
    "name": 200,
    "real_name": 200,
    "label": 200,
    "display_name": 200,
    "leader": 200,
    "email": 320,
    "affiliation": 300,
    "overseas_association": 200,
    "venue": 120,
    "organizers": 500,
    "keyword": 60,
    "keywords": 60,
    "club_names": 120,
    "channel_name": 80,
    "title": 3000,
    "note": 500,
}
FREE_TEXT = 3000
LIST_ITEMS = 100
# Characters that Slack's escaping or Markdown make longer or special.
NASTY = "<&>*_~`"


def _text(length: int, seed: int) -> str:
    """Text of exactly `length` characters: words with Hangul, Latin and Slack control characters."""
    word = f"연구{seed}{NASTY}word "
    return (word * (length // len(word) + 1))[:length]


#: Values of types that check themselves (a period must end after it starts, a quarter is 1..4).
FACTORIES: dict[Any, Callable[[Maker], Any]] = {
    Period: lambda maker: Period.of_quarter(Quarter(2026, 4)),
    Quarter: lambda maker: Quarter(2026, 4),
}


class Maker:
    """Builds values for annotations; `extreme` chooses the largest values the product allows."""

    def __init__(
        self, lang: Language, *, extreme: bool, namespace: Mapping[str, Any] | None = None, variant: int = 0
    ) -> None:
        self.lang = lang
        self.extreme = extreme
        self.namespace = dict(namespace or {})
        #: Different variants choose different enum members, literals and kinds of items.
        self.counter = variant
        self.overrides: dict[str, Callable[[int], Any]] = {}
        #: Values of types that check themselves (a period must end after it starts), by type.
        self.factories: dict[Any, Callable[[Maker], Any]] = dict(FACTORIES)

    @property
    def items(self) -> int:
        return LIST_ITEMS if self.extreme else 3

    def _seed(self) -> int:
        self.counter += 1
        return self.counter

    def string(self, name: str) -> str:
        seed = self._seed()
        low = name.lower()
        if low in ("lang", "language", "locale"):
            return self.lang.value
        if low in ("timezone", "tz", "zone"):
            return "Asia/Seoul"
        if low.endswith("user_id") or low in ("user", "slack_id", "by", "owner", "requester"):
            return f"U{seed:09d}"
        if low.endswith("channel_id") or low == "channel":
            return f"C{seed:09d}"
        if low.endswith("_id") or low == "id":
            return f"X{seed:09d}"
        if "url" in low or low == "link":
            base = f"https://example.org/{seed}/"
            return base + ("p" * (2000 - len(base)) if self.extreme else "paper")
        if "email" in low:
            if not self.extreme:
                return f"person{seed}@example.org"
            local = ("a" * 60 + ".") * 1
            return local[:64] + "@" + ("d" * 60 + ".") * 4 + "example.org"
        if low in ("doi",):
            return f"10.1234/{'x' * (200 if self.extreme else 6)}{seed}"
        if low in ("period", "quarter"):
            return "2026-Q4"
        if low == "code" or low == "reason" or low.endswith("_code"):
            return "ura_max_channels"
        if low in ("field",):
            return "ai"
        if low == "country":
            return ("KR", "US", "DE", "JP")[seed % 4]
        if low == "text_key":
            return "tracking.reminder.outcome_report"
        if low == "due_key":
            return "tracking.due.outcome_report"
        if low == "step":
            return "reminder_7d"
        if low == "stage":
            return ("start", "loading", "writing", "storing")[seed % 4]
        if low == "done_label_key":
            return "tracking.reminder.mark_submitted"
        if low == "question":
            from bot.tracking.types import QUESTIONS

            return QUESTIONS[seed % len(QUESTIONS)]
        if low in ("value", "action_value", "subject"):
            return f"v{seed}"
        limit = NAMED_LENGTHS.get(low)
        if limit is None:
            for key, value in NAMED_LENGTHS.items():
                if low.endswith(key) or low.startswith(key):
                    limit = value
                    break
        if not self.extreme:
            return f"연구 {name} {seed} <b>&"
        return _text(limit or FREE_TEXT, seed)

    def make(self, tp: Any, name: str = "") -> Any:
        if name in self.overrides:
            return self.overrides[name](self._seed())
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if tp is Any or tp is object:
            return self.string(name)
        if origin in (typing.Union, types.UnionType):
            options = [a for a in args if a is not type(None)]
            if Language in options:
                return self.lang
            if all(dataclasses.is_dataclass(o) for o in options):  # each kind of item in turn
                return self.make(options[self._seed() % len(options)], name)
            return self.make(options[0], name)
        if origin is typing.Literal:
            return args[self._seed() % len(args)]
        if origin is typing.Annotated:
            return self.make(args[0], name)
        if tp is str:
            return self.string(name)
        if tp is bool:
            return self.extreme or self._seed() % 2 == 0
        if tp is int:
            seed = self._seed()
            if name == "hour":
                return 9
            if name == "minute":
                return 30
            if name in ("weekday", "day_of_week"):
                return seed % 7
            if name.endswith("id") or name == "id":
                return seed
            return 123456 + seed if self.extreme else 3
        if tp is float:
            return 98765.4321 if self.extreme else 2.5
        if tp is Decimal:
            return Decimal("98765.43")
        if tp is datetime:
            return NOW - timedelta(hours=self._seed())
        if tp is date:
            return (NOW - timedelta(days=self._seed() % 60)).date()
        if tp is time:
            return time(9, 30)
        if tp is timedelta:
            return timedelta(days=7)
        if tp in self.factories:
            return self.factories[tp](self)
        if origin is Callable or tp is Callable:
            return lambda *args, **kwargs: None
        if name == "params" and origin in (dict, Mapping):
            keys = ("meeting", "club", "due", "period", "name", "title", "count")
            return {key: (3 if key == "count" else self.string(key)) for key in keys}
        if tp is ZoneInfo or tp is tzinfo:
            return SEOUL
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            if tp is Language:
                return self.lang
            members = list(tp)
            return members[self._seed() % len(members)]
        if origin in (list, Sequence, tuple, set, frozenset, typing.Iterable) or tp in (list, tuple):
            if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
                names = ("value", name) if len(args) == 2 and args[0] is str else (name,) * len(args)
                return tuple(self.make(a, n) for a, n in zip(args, names, strict=True))
            item = args[0] if args else str
            singular = name[:-1] if name.endswith("s") else name
            values = [self.make(item, singular) for _ in range(self.items)]
            if origin in (set, frozenset):
                return origin(values)
            return tuple(values) if origin is tuple else values
        if origin in (dict, Mapping) or tp is dict:
            key, value = args if args else (str, Any)
            if key is str and value is Any:
                return {}
            return {self.make(key, name): self.make(value, name) for _ in range(self.items)}
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self.dataclass(tp)
        raise TypeError(f"no value for {tp!r} ({name})")

    def dataclass(self, cls: type) -> Any:
        hints = typing.get_type_hints(cls, localns=self.namespace)
        values = {}
        for spec in dataclasses.fields(cls):
            if not spec.init:
                continue
            values[spec.name] = self.make(hints[spec.name], spec.name)
        return cls(**values)

    def arguments(self, fn: Callable[..., Any], **given: Any) -> dict[str, Any]:
        """Keyword arguments for every named parameter of `fn` (given ones win)."""
        import inspect

        hints = typing.get_type_hints(fn, localns=self.namespace)
        out: dict[str, Any] = {}
        for param in inspect.signature(fn).parameters.values():
            if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
                continue
            if param.name in given:
                out[param.name] = given[param.name]
            else:
                out[param.name] = self.make(hints[param.name], param.name)
        return out
