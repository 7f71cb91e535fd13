"""Pure text cleaning: HTML fragments from feeds to safe one-paragraph plain text for Slack.

Feeds carry HTML in titles and summaries (`<b>`, entities, CDATA, scripts). What reaches a person is
plain text: tags removed, entities decoded, whitespace collapsed, length-limited on a word boundary.
`slack_escape` then escapes Slack's three control characters (`&`, `<`, `>`) for mrkdwn.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

_SKIPPED = frozenset({"script", "style", "noscript", "iframe", "template", "svg", "math", "head", "object"})
_BLOCK = frozenset(
    {
        "p",
        "br",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "hr",
        "section",
        "article",
        "figure",
        "figcaption",
        "table",
        "dd",
        "dt",
    }
)
_LOOKS_LIKE_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_ENTITY_REF = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]{1,31});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
ELLIPSIS = "…"


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self._skip_depth:
                self.parts.append(f" {alt} ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append(" ")
        elif tag == "img":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def collapse_whitespace(text: str) -> str:
    """NFC text without control or invisible formatting characters, whitespace runs as one space."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags and scripts removed, entities decoded, whitespace collapsed.

    Double-escaped HTML (`&lt;b&gt;` in the feed, so `<b>` after the first pass) is stripped a second time.
    """
    text = fragment
    for _ in range(2):
        extractor = _TextExtractor()
        extractor.feed(text)
        extractor.close()
        text = "".join(extractor.parts)
        if not _LOOKS_LIKE_TAG.search(text):
            break
    if _ENTITY_REF.search(text):  # entities escaped twice by the publisher
        text = html.unescape(text)
    return collapse_whitespace(text)


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters on a word boundary, with an ellipsis when cut."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS


def plain_text(value: str | None, *, limit: int, is_html: bool = True) -> str:
    """Safe one-paragraph plain text of a feed value (HTML or plain), at most `limit` characters."""
    if not value:
        return ""
    text = html_to_text(value) if is_html else collapse_whitespace(value)
    return truncate(text, limit)


def slack_escape(text: str) -> str:
    """Escape Slack's control characters so the text shows literally in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_link_url(url: str) -> str:
    """A URL safe inside Slack's `<url|label>` syntax (`<`, `>`, `|` and spaces percent-encoded)."""
    return url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
