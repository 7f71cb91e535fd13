"""Slack's cursor pagination (``cursor``, ``limit``, ``response_metadata.next_cursor``)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from .context import CallContext, SlackError


def encode_cursor(kind: str, value: str) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def decode_cursor(cursor: str | None, kind: str) -> str | None:
    if not cursor:
        return None
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise SlackError("invalid_cursor") from None
    prefix, _, value = decoded.partition(":")
    if prefix != kind or not value:
        raise SlackError("invalid_cursor")
    return value


def paginate(
    ctx: CallContext, items: list[Any], key: Callable[[Any], str], kind: str, default_limit: int, max_limit: int = 1000
) -> tuple[list[Any], str]:
    limit = ctx.int_arg("limit", default_limit, error="invalid_limit")
    if limit < 0:
        raise SlackError("invalid_limit")
    if limit == 0:
        limit = max_limit
    limit = min(limit, max_limit)
    start_key = decode_cursor(ctx.str_arg("cursor"), kind)
    start = 0
    if start_key is not None:
        keys = [key(i) for i in items]
        if start_key not in keys:
            raise SlackError("invalid_cursor")
        start = keys.index(start_key)
    page = items[start : start + limit]
    rest = items[start + limit :]
    return page, encode_cursor(kind, key(rest[0])) if rest else ""
