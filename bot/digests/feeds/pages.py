"""Web pages that are not feeds: the feeds a page advertises (`discover_feed_links`, followed when a leader
adds a page's address) and a page's title (`html_title`, for a link a member shares).
"""

from __future__ import annotations

from html.parser import HTMLParser

from bot.digests.feeds.decode import decode_document
from bot.digests.feeds.normalize import absolute_link
from bot.digests.feeds.parse import TITLE_LIMIT
from bot.digests.feeds.text import collapse_whitespace, truncate

_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
        "text/xml",
        "application/xml",
    }
)


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {name: (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        if "alternate" in rels and values.get("type", "").lower() in _FEED_TYPES and values.get("href"):
            self.links.append(values["href"])


def discover_feed_links(body: bytes, *, base_url: str, content_type: str | None = None) -> list[str]:
    """Feed links an HTML page advertises (`<link rel="alternate" type="application/rss+xml" href=...>`)."""
    text, _, _ = decode_document(body[:512_000], content_type)
    finder = _LinkFinder()
    finder.feed(text)
    found: list[str] = []
    for href in finder.links:
        absolute = absolute_link(href, base_url)
        if absolute and absolute not in found:
            found.append(absolute)
    return found


class _TitleFinder(HTMLParser):
    """A page's `og:title` / `twitter:title` meta tag, else its `<title>` (in the document head)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: str | None = None
        self.title_parts: list[str] = []
        self._in_title = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self.title_parts:
            self._in_title = True
        elif tag == "meta" and self.meta is None:
            values = {name: (value or "") for name, value in attrs}
            if (values.get("property") or values.get("name") or "").lower() in {"og:title", "twitter:title"}:
                self.meta = values.get("content") or None
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)


def html_title(body: bytes, content_type: str | None = None) -> str | None:
    """The title of a web page (its `og:title`, else `<title>`), as one line of plain text; None if it has none.

    Only the first 256 KB are read: the title is in the document's head."""
    text, _, _ = decode_document(body[:256_000], content_type)
    finder = _TitleFinder()
    for start in range(0, len(text), 8192):  # stop reading once the head is over
        finder.feed(text[start : start + 8192])
        if finder.done or finder.meta:
            break
    return truncate(collapse_whitespace(finder.meta or "".join(finder.title_parts)), TITLE_LIMIT) or None
