"""Plural forms in catalog texts: the `plural` argument of ICU MessageFormat, and nothing more.

A text that counts something says so in its own language:

    {count, plural, one {# new item} other {# new items}} for {field}
    {count, plural, =0 {no feeds} one {one feed} other {# feeds}}

The branch is chosen by the number's CLDR plural category in the reader's language (Babel's rules: English has
`one` and `other`; Korean only `other`, so Korean texts simply write `{count}개`); an `=N` branch matches that
exact number first. `#` in a branch is the number as the caller gave it, an `int` formatted for the language.
A number given already formatted ("1,234") is read back to choose the branch. Every block needs `other`.

The rest of the text keeps Python's `{placeholder}` syntax; branches may use placeholders too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_START = re.compile(r"\{\s*([a-z_][a-z0-9_]*)\s*,\s*plural\s*,")
_SELECTOR = re.compile(r"\s*(=\d+|zero|one|two|few|many|other)\s*\{")


class PluralSyntaxError(ValueError):
    """A catalog text's plural block cannot be read (the catalog tests catch it)."""


@dataclass(frozen=True)
class PluralBlock:
    name: str
    start: int
    end: int  # one past the block's closing brace
    branches: dict[str, str]


def blocks(text: str) -> Iterator[PluralBlock]:
    """The plural blocks of a text, in order."""
    position = 0
    while True:
        match = _START.search(text, position)
        if match is None:
            return
        branches: dict[str, str] = {}
        cursor = match.end()
        while True:
            selector = _SELECTOR.match(text, cursor)
            if selector is None:
                break
            body_start = selector.end()
            body_end = _closing_brace(text, body_start)
            branches[selector.group(1)] = text[body_start:body_end]
            cursor = body_end + 1
        rest = text[cursor:].lstrip()
        if not rest.startswith("}"):
            raise PluralSyntaxError(f"plural block of {{{match.group(1)}}} is not closed: {text!r}")
        if "other" not in branches:
            raise PluralSyntaxError(f"plural block of {{{match.group(1)}}} has no 'other' branch: {text!r}")
        end = len(text) - len(rest) + 1
        yield PluralBlock(match.group(1), match.start(), end, branches)
        position = end


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    raise PluralSyntaxError(f"unbalanced braces in a plural branch: {text!r}")


def resolve(
    text: str,
    params: dict[str, object],
    category: Callable[[float], str],
    number: Callable[[int], str],
) -> str:
    """`text` with each plural block replaced by the branch for its parameter's value (`#` filled in).

    A block whose parameter is missing or not a number keeps its `other` branch, with `#` as given."""
    found = list(blocks(text))
    if not found:
        return text
    pieces: list[str] = []
    last = 0
    for block in found:
        value = params.get(block.name)
        amount = _amount(value)
        if amount is None:
            chosen = block.branches["other"]
        else:
            exact = f"={amount:g}"
            chosen = block.branches.get(exact) or block.branches.get(category(amount)) or block.branches["other"]
        pieces.append(text[last : block.start])
        if block.name not in params:  # left for the formatter, which reports the missing parameter
            pieces.append(_fill_hash(chosen, "{" + block.name + "}", escape=False))
        else:
            shown = number(value) if isinstance(value, int) and not isinstance(value, bool) else str(value)
            pieces.append(_fill_hash(chosen, shown))
        last = block.end
    pieces.append(text[last:])
    return "".join(pieces)


def _fill_hash(branch: str, shown: str, *, escape: bool = True) -> str:
    """`#` outside nested placeholders becomes the number."""
    if escape:
        shown = shown.replace("{", "{{").replace("}", "}}")
    out: list[str] = []
    depth = 0
    for char in branch:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        out.append(shown if char == "#" and depth == 0 else char)
    return "".join(out)


def _amount(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        digits = value.replace(",", "").replace("\u00a0", "").replace(" ", "")
        try:
            return float(digits)
        except ValueError:
            return None
    return None


def skeleton(text: str) -> str:
    """The text with each plural block replaced by its parameter and every branch (for placeholder checks)."""
    pieces: list[str] = []
    last = 0
    for block in blocks(text):
        pieces.append(text[last : block.start])
        pieces.append("{" + block.name + "}" + " ".join(b.replace("#", "") for b in block.branches.values()))
        last = block.end
    pieces.append(text[last:])
    return "".join(pieces)
