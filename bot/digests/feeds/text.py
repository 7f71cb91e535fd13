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

from bot.slack.blocks import escape

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


_LITERAL = frozenset({"pre", "code", "kbd", "samp", "tt"})


class _TextExtractor(HTMLParser):
    """Collects text; `reparse` keeps text from code-like elements escaped, for a second pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.reparse: list[str] = []
        self._skip_depth = 0
        self._literal_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _LITERAL:
            self._literal_depth += 1
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag in _BLOCK:
            self._space()
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self._skip_depth:
                self.parts.append(f" {alt} ")
                self.reparse.append(f" {alt} ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._space()
        elif tag == "img":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _LITERAL:
            self._literal_depth = max(0, self._literal_depth - 1)
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            self._space()

    def _space(self) -> None:
        self.parts.append(" ")
        self.reparse.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)
            self.reparse.append(html.escape(data, quote=False) if self._literal_depth else data)


def collapse_whitespace(text: str) -> str:
    """NFC text without control or invisible formatting characters, whitespace runs as one space."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags and scripts removed, entities decoded, whitespace collapsed.

    Double-escaped HTML (`&lt;b&gt;` in the feed, so `<b>` after the first pass) is stripped a second time.
    """
    extractor = _TextExtractor()
    extractor.feed(fragment)
    extractor.close()
    text = "".join(extractor.parts)
    if _LOOKS_LIKE_TAG.search(text):  # markup escaped twice by the publisher (code samples excepted)
        second = _TextExtractor()
        second.feed("".join(extractor.reparse))
        second.close()
        text = "".join(second.parts)
    return collapse_whitespace(_unescape_leftovers(text))


def _unescape_leftovers(text: str) -> str:
    """Decode entity references still present in text (the publisher escaped them twice)."""
    return html.unescape(text) if _ENTITY_REF.search(text) else text


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
    text = html_to_text(value) if is_html else collapse_whitespace(_unescape_leftovers(value))
    return truncate(text, limit)


def slack_escape(text: str) -> str:
    """Escape Slack's control characters so the text shows literally in mrkdwn (the bot's one escaping
    function, `bot.slack.blocks.escape`)."""
    return escape(text)


def slack_link_url(url: str) -> str:
    """A URL safe inside Slack's `<url|label>` syntax (`<`, `>`, `|` and spaces percent-encoded)."""
    return url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
