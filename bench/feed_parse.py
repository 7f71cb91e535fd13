"""CPU time of parsing one large feed: 9,500 items (about 5 MB) against a 300-item feed, same shape.

The bot's parser (`bot.digests.feeds.parse.parse_feed`) reads a large feed 100 items at a time and stops at
the 300-item cap or its CPU budget, whichever comes first. Baseline in the same run: the same function with
the document handed to feedparser whole (`PIECE` set past the item count), which is how every item was
parsed before the cap applied. Reported: CPU seconds (best of the rounds) and each feed's ratio to the
300-item one; the target is a ratio near 1 for the bot and whatever it is for the baseline.

    .venv/bin/python bench/feed_parse.py [--items 9500] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import documented

from bot.digests.feeds import parse

NOW = datetime(2026, 12, 1, tzinfo=UTC)
FILLER = (
    "Trapped-ion qubits with error correction below threshold: a report on logical qubit lifetimes, "
    "gate fidelities and the decoder used, with <b>markup</b> &amp; entities as publishers write them. "
)


def feed(items: int) -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big feed</title>']
    parts.append("<link>https://example.org/</link><language>en</language>")
    for n in range(items):
        date = format_datetime(NOW - timedelta(minutes=n), usegmt=True)
        parts.append(
            f"<item><title>Item {n}: logical qubits</title><link>https://example.org/a/{n}</link>"
            f"<guid>https://example.org/a/{n}</guid><pubDate>{date}</pubDate>"
            f"<description><![CDATA[{FILLER * 2}]]></description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def cpu(body: bytes, rounds: int) -> tuple[float, int]:
    best, kept = float("inf"), 0
    for _ in range(rounds):
        started = time.process_time()
        parsed = parse.parse_feed(body, content_type="application/rss+xml", url="https://example.org/feed", now=NOW,
                                  cpu_budget=1e9)  # fmt: skip
        best = min(best, time.process_time() - started)
        kept = len(parsed.entries)
    return best, kept


@documented("feed-parse")
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=9500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    small, large = feed(parse.MAX_ENTRIES), feed(args.items)
    sizes = f"{parse.MAX_ENTRIES} items ({len(small) / 1e6:.2f} MB), {args.items} items ({len(large) / 1e6:.2f} MB)"
    print(f"feeds: {sizes}")
    piece = parse.PIECE
    results = {}
    for label, size in (("bot (pieces, stop at the cap)", piece), ("baseline (whole document)", 10**9)):
        parse.PIECE = size
        small_cpu, small_kept = cpu(small, args.rounds)
        large_cpu, large_kept = cpu(large, args.rounds)
        results[label] = large_cpu
        print(
            f"{label:32} {parse.MAX_ENTRIES:>5} items {small_cpu:6.3f} s CPU ({small_kept} kept)   "
            f"{args.items:>5} items {large_cpu:6.3f} s CPU ({large_kept} kept)   ratio {large_cpu / small_cpu:5.2f}"
        )
    parse.PIECE = piece
    bot, baseline = results.values()
    print(f"large feed: bot {bot:.3f} s vs baseline {baseline:.3f} s CPU ({baseline / bot:.1f}x less)")
    print(f"CPU budget per feed: {parse.CPU_BUDGET:g} s (not reached above: the cap stops first)")
    started = time.process_time()
    tight = parse.parse_feed(large, url="https://example.org/feed", now=NOW, cpu_budget=0.2)
    print(f"with a 0.2 s budget: {time.process_time() - started:.3f} s CPU, {len(tight.entries)} kept; {tight.stopped}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
