"""`clubbot feeds check URL [--json]`: what the bot reads in a feed, for "why does my feed not show up?".

The feed is fetched and parsed exactly as the hourly refresh does it (`bot.digests.upkeep.refresh_options`
and `bot.digests.store.http_fetcher`: the same address rules, `CLUBBOT_ALLOW_PRIVATE_FEEDS`, size and time
limits, parser, item cap and CPU budget), and nothing is stored. Printed: the feed (title, format,
encoding, problems), then one line per item: title, link, published time (ISO 8601 with its offset, in
`CLUBBOT_TIMEZONE`), DOI, the de-duplication key (`url_key`: the DOI's when the item has one) and every
problem its dates had. `--json` prints one object: `feed` (`title`, `encoding`, `problems`, ...) and
`items` (`title`, `link`, `published`, `doi`, `key`, and `problems`).

Exit status: 0 the feed was read, 1 it could not be read (the reason is printed), 2 settings problems.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli.help import help_texts
from bot.digests import store
from bot.digests.feeds.parse import ParsedEntry, ParsedFeed
from bot.digests.feeds.pipeline import Fetched
from bot.digests.feeds.types import FetchRequest
from bot.digests.upkeep import refresh_options
from bot.i18n import t
from bot.settings import SettingsError, load_settings
from bot.startup import fail


def add_commands(subparsers: Any) -> None:
    h = help_texts()
    feeds = subparsers.add_parser("feeds", help=h("feeds.cli.help"))
    actions = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    check = actions.add_parser("check", help=h("feeds.cli.check"))
    check.add_argument("url", metavar="URL", help=h("feeds.cli.url"))
    check.add_argument("--json", action="store_true", help=h("feeds.cli.json"))
    check.set_defaults(handler=run_check)


def read_feed(url: str, *, allow_private: bool) -> Fetched:
    """Fetch and parse one feed the way the hourly refresh does."""
    fetcher = store.http_fetcher(refresh_options(allow_private))
    return fetcher([FetchRequest(url.strip())])[0]


def _feed_problems(feed: ParsedFeed | None, fetched: Fetched) -> list[str]:
    problems = []
    if fetched.result.permanent_url:
        problems.append(f"moved permanently to {fetched.result.permanent_url}")
    if feed is not None and feed.problem:
        problems.append(feed.problem)
    return problems


def _item(entry: ParsedEntry, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "title": entry.title,
        "link": entry.url,
        "published": entry.published_at.astimezone(tz).isoformat() if entry.published_at else None,
        "doi": entry.doi,
        "key": entry.url_key,
        "problems": [str(problem) for problem in entry.date_problems],
    }


def run_check(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error))
    lang, tz = settings.language, settings.tz
    fetched = read_feed(args.url, allow_private=settings.allow_private_feeds)
    feed = fetched.feed
    if fetched.error is not None or feed is None:
        reason = fetched.error.describe(lang) if fetched.error else t(lang, "feeds.error.not_a_feed")
        detail = fetched.error.to_text() if fetched.error else ""
        if args.json:
            refusal = {"reason": reason, "detail": detail, "feeds_advertised": list(fetched.alternates)}
            print(json.dumps({"url": args.url, "error": refusal}, ensure_ascii=False, indent=2))
        else:
            print(t(lang, "feeds.cli.unreadable", url=args.url, reason=reason, detail=detail), file=sys.stderr)
            for alternate in fetched.alternates:
                print(t(lang, "feeds.cli.alternate", url=alternate), file=sys.stderr)
        return 1
    items = [_item(entry, tz) for entry in feed.entries]
    problems = _feed_problems(feed, fetched)
    if args.json:
        document = {
            "feed": {
                "url": fetched.result.final_url,
                "title": feed.title,
                "format": feed.format,
                "encoding": feed.encoding,
                "problems": problems,
                "items_listed": feed.listed,
                "stopped": feed.stopped,
            },
            "items": items,
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    none = t(lang, "feeds.cli.none")
    print(
        t(
            lang,
            "feeds.cli.feed",
            title=feed.title or none,
            format=feed.format,
            encoding=feed.encoding,
            count=len(items),
        )
    )
    for problem in problems:
        print(t(lang, "feeds.cli.problem", problem=problem))
    for item in items:
        line = t(
            lang,
            "feeds.cli.item",
            title=item["title"],
            link=item["link"] or none,
            published=item["published"] or none,
            doi=item["doi"] or none,
            key=item["key"] or none,
        )
        if item["problems"]:
            line += " " + t(lang, "feeds.cli.item_problems", problems="; ".join(item["problems"]))
        print(line)
    return 0
