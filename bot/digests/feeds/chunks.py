"""Bounded work per feed: an XML feed cut into pieces of a few items each, so the parser can stop early.

feedparser reads a whole document before it returns, so a 5 MB feed of 9,500 items costs every item's
parse even though only the first `MAX_ENTRIES` are kept. `split_items(text)` finds the items
(`<item>` of RSS 0.9x/1.0/2.0, `<entry>` of Atom, with or without a namespace prefix; CDATA sections and
comments are skipped) and `pieces(split, size)` rebuilds documents of `size` items each: the head (the XML
declaration, the root and channel elements up to the first item), those items, and the tail (whatever
follows the last item: the closing tags, RDF's `<textinput>`). Each piece is a well-formed feed in the
document's own namespaces, and the parser (`bot.digests.feeds.parse`) reads them one at a time until the
item cap or its CPU-time budget is reached.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_SCAN = re.compile(
    r"<!\[CDATA\[.*?\]\]>|<!--.*?-->"
    r"|(?P<open><(?:[A-Za-z_][\w.-]*:)?(?:item|entry)(?=[\s>/])[^>]*?(?P<empty>/)?>)"
    r"|(?P<close></(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Split:
    """A document as head, items (each its full text) and tail."""

    head: str
    items: tuple[str, ...]
    tail: str


def split_items(text: str) -> Split | None:
    """The document's items, or None when it has no well-nested top-level items to cut between."""
    depth = 0
    start = 0
    spans: list[tuple[int, int]] = []
    for match in _SCAN.finditer(text):
        if match.group("open"):
            if depth == 0:
                start = match.start()
            if match.group("empty"):
                if depth == 0:
                    spans.append((start, match.end()))
                continue
            depth += 1
        elif match.group("close"):
            if depth == 0:
                return None  # a closing tag without its opening one: not something to cut
            depth -= 1
            if depth == 0:
                spans.append((start, match.end()))
    if depth != 0 or not spans:
        return None
    items = tuple(text[begin:end] for begin, end in spans)
    return Split(head=text[: spans[0][0]], items=items, tail=text[spans[-1][1] :])


def pieces(split: Split, size: int) -> Iterator[str]:
    """Documents of `size` items each, in order (the whitespace between items is dropped)."""
    for first in range(0, len(split.items), size):
        yield split.head + "\n".join(split.items[first : first + size]) + split.tail
