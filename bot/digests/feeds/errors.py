"""Typed feed errors, shared by fetching and parsing, with the message keys a person reads.

A feed's error is stored on the feed row as `kind: detail` (see `FeedError.to_text` / `from_text`) so the
list of a club's feeds can show the reason in the reader's language later.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain import Language
from bot.i18n import t


class FeedErrorKind(StrEnum):
    INVALID_URL = "invalid_url"
    BLOCKED_ADDRESS = "blocked_address"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    HTTP_STATUS = "http_status"
    CONNECTION_FAILED = "connection_failed"
    NOT_A_FEED = "not_a_feed"
    UNSAFE_XML = "unsafe_xml"
    UNSUPPORTED_ENCODING = "unsupported_encoding"


@dataclass(frozen=True)
class FeedError:
    """Why one feed could not be fetched or read. `status` is the HTTP status for `HTTP_STATUS`."""

    kind: FeedErrorKind
    detail: str = ""
    status: int | None = None

    @property
    def message_key(self) -> str:
        """The catalog key of the reason shown to a person (`feeds.error.<kind>`)."""
        return f"feeds.error.{self.kind.value}"

    def describe(self, lang: Language | str) -> str:
        """The reason in `lang`, e.g. `the site answered HTTP 404`."""
        return t(lang, self.message_key, status=self.status if self.status is not None else "")

    def to_text(self) -> str:
        """A one-line form for `Feed.last_error`: `http_status: 404 Not Found`."""
        detail = self.detail.replace("\n", " ").strip()
        if self.status is not None and not detail.startswith(str(self.status)):
            detail = f"{self.status} {detail}".strip()
        return f"{self.kind.value}: {detail}" if detail else self.kind.value

    @classmethod
    def from_text(cls, text: str | None) -> FeedError | None:
        """Read back `to_text`; unknown text becomes `CONNECTION_FAILED` with the text as detail."""
        if not text:
            return None
        head, _, detail = text.partition(":")
        try:
            kind = FeedErrorKind(head.strip())
        except ValueError:
            return cls(FeedErrorKind.CONNECTION_FAILED, text)
        detail = detail.strip()
        status = None
        if kind is FeedErrorKind.HTTP_STATUS:
            first = detail.split(" ", 1)[0]
            status = int(first) if first.isdigit() else None
        return cls(kind, detail, status)

    def __str__(self) -> str:
        return self.to_text()
