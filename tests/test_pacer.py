"""The gateway's pacer keeps posts about a second apart per channel and methods within their tier budget."""

from __future__ import annotations

import time

from bot.slack.pacer import Pacer


def test_posts_to_one_channel_are_spaced_but_other_channels_are_not_held_up():
    pacer = Pacer(scale=0.05)  # 1 s becomes 50 ms
    assert pacer.wait("chat.postMessage", "C1") == 0
    assert pacer.wait("chat.postMessage", "C2") == 0  # another channel: no wait
    waited = pacer.wait("chat.postMessage", "C1")
    assert waited > 0.02


def test_a_tier_2_method_gets_its_per_minute_budget_then_waits():
    pacer = Pacer(scale=0.01)  # a minute becomes 0.6 s
    waits = [pacer.wait("pins.add") for _ in range(21)]
    assert waits[:20] == [0.0] * 20  # Tier 2: 20 per minute, as a burst
    assert waits[20] > 0


def test_unknown_methods_are_not_paced():
    pacer = Pacer()
    started = time.monotonic()
    for _ in range(200):
        pacer.wait("some.newMethod")
    assert time.monotonic() - started < 1.0
