"""Block Kit of the news digest: the weekly post, its private preview, the feed list, the settings form,
and the answers to the digest commands. Pure functions of plain values.

The values are `bot.digests.types`. Texts from feeds and people that reach these functions through the
store (`DraftItem`, `FeedNotice`...) are already escaped for Slack mrkdwn and are not escaped again; feed
titles and addresses read from `FeedView` are escaped here. Slack's limits hold: at most 50 blocks per message and
3,000 characters per section (a long item loses its summary, then its link, before it could break one).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.digests.feeds.doi import doi_url
from bot.digests.feeds.text import slack_link_url
from bot.digests.types import AddFeedResult, DigestSchedule, DraftItem, FeedNotice, FeedView, Preview, SharedLink
from bot.domain import FeedStatus, Language
from bot.i18n import format_date, t
from bot.slack.blocks import SECTION_TEXT_LIMIT, Message, context, divider, escape, header, section, shorten
from bot.slack.modals import modal, number_input, select, time_input

MAX_BLOCKS = 50
SETTINGS_CALLBACK = "digest_settings"
MAX_FEED_SECTIONS = 40


def when(lang: Language | str, instant: datetime, tz: ZoneInfo) -> str:
    """`Monday, Nov 30, 2026 at 09:00 (Asia/Seoul)` / `2026. 11. 30. (월요일) 09:00 (Asia/Seoul)`."""
    local = instant.astimezone(tz)
    return t(
        lang,
        "digests.when",
        weekday=t(lang, f"digests.weekday.{local.weekday()}"),
        date=format_date(local.date(), lang),
        time=f"{local:%H:%M}",
        tz=tz.key,
    )


def _day(lang: Language | str, instant: datetime, tz: ZoneInfo) -> str:
    return format_date(instant.astimezone(tz).date(), lang)


# --- the digest -----------------------------------------------------------------------------------------------


def _item_text(lang: Language, item: DraftItem, tz: ZoneInfo) -> str:
    """One item as mrkdwn: linked title, source (or sharer) and date, one-line summary; never over a section."""
    meta = []
    if item.sharer:
        meta.append(t(lang, "digests.post.shared_by", name=item.sharer))
    elif item.source:
        meta.append(item.source)
    if item.date is not None:
        meta.append(_day(lang, item.date, tz))
    if item.doi:
        doi_link = f"<{slack_link_url(doi_url(item.doi))}|{escape(item.doi)}>"
        meta.append(t(lang, "digests.post.doi", doi=doi_link))
    mark = ":star: " if item.sharer else ""

    def build(*, summary: bool, link: bool) -> str:
        title = f"<{item.url}|{item.title}>" if link and item.url else item.title
        lines = [f"{mark}*{title}*"]
        if meta:
            lines.append(" · ".join(meta))
        if summary and item.summary:
            lines.append(item.summary)
        return "\n".join(lines)

    for options in ({"summary": True, "link": True}, {"summary": False, "link": True}):
        text = build(**options)
        if len(text) <= SECTION_TEXT_LIMIT:
            return text
    return _cut_escaped(build(summary=False, link=False), SECTION_TEXT_LIMIT)


def _cut_escaped(text: str, limit: int) -> str:
    """Shorten mrkdwn text without splitting an `&amp;`-style escape."""
    if len(text) <= limit:
        return text
    cut = shorten(text, limit)
    amp = cut.rfind("&", max(0, len(cut) - 6))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp].rstrip() + "…"
    return cut


def _digest_blocks(schedule: DigestSchedule, items: Sequence[DraftItem], now: datetime) -> list[dict[str, Any]]:
    lang, tz = schedule.language, schedule.tz
    blocks = [
        header(t(lang, "digests.post.title", club=escape(schedule.club_name))),
        context(
            t(
                lang,
                "digests.post.intro",
                count=len(items),
                field=t(lang, f"field.{schedule.field.value}"),
                date=_day(lang, now, tz),
            )
        ),
    ]
    shared_done = False
    for item in items:
        if not item.sharer and not shared_done and blocks[-1].get("type") == "section":
            blocks.append(divider())  # members' picks first, then the feeds'
        shared_done = shared_done or not item.sharer
        blocks.append(section(_item_text(lang, item, tz)))
    blocks.append(context(t(lang, "digests.post.footer")))
    return blocks[:MAX_BLOCKS]


def digest_post(schedule: DigestSchedule, items: Sequence[DraftItem], now: datetime) -> Message:
    """The weekly digest in the club's channel, in the club's language."""
    text = t(schedule.language, "digests.post.text", club=escape(schedule.club_name), count=len(items))
    return Message(text=text, blocks=_digest_blocks(schedule, items, now))


#: A digest with more items than this goes as one short parent post, its items in the parent's thread.
THREAD_AFTER_ITEMS = 3
#: Items per reply in a digest's thread.
ITEMS_PER_REPLY = 5


def digest_parent(schedule: DigestSchedule, items: Sequence[DraftItem], now: datetime) -> Message:
    """The short post in the club's channel that a digest with many items starts with: title, count, and that
    the items are in its thread."""
    lang, tz = schedule.language, schedule.tz
    intro = t(
        lang,
        "digests.post.intro",
        count=len(items),
        field=t(lang, f"field.{schedule.field.value}"),
        date=_day(lang, now, tz),
    )
    blocks = [
        header(t(lang, "digests.post.title", club=escape(schedule.club_name))),
        context(intro + " · " + t(lang, "digests.post.in_thread", count=len(items))),
    ]
    text = t(lang, "digests.post.text", club=escape(schedule.club_name), count=len(items))
    return Message(text=text, blocks=blocks)


def digest_reply(schedule: DigestSchedule, items: Sequence[DraftItem], *, last: bool) -> Message:
    """Some of a digest's items, as one reply in the parent's thread; the last reply ends with the footer."""
    lang, tz = schedule.language, schedule.tz
    blocks = [section(_item_text(lang, item, tz)) for item in items[: MAX_BLOCKS - 1]]
    if last:
        blocks.append(context(t(lang, "digests.post.footer")))
    first = items[0].title if items else ""
    return Message(
        text=shorten(first, 300) or t(lang, "digests.post.title", club=escape(schedule.club_name)), blocks=blocks
    )


def digest_thread(schedule: DigestSchedule, items: Sequence[DraftItem], now: datetime) -> tuple[Message, list[Message]]:
    """The digest as it goes to the channel: one post when it is short; else a short parent post and its items
    in the thread, `ITEMS_PER_REPLY` a reply (low noise in the channel)."""
    if len(items) <= THREAD_AFTER_ITEMS:
        return digest_post(schedule, items, now), []
    chunks = [items[i : i + ITEMS_PER_REPLY] for i in range(0, len(items), ITEMS_PER_REPLY)]
    replies = [digest_reply(schedule, chunk, last=n == len(chunks) - 1) for n, chunk in enumerate(chunks)]
    return digest_parent(schedule, items, now), replies


def preview_preparing(lang: Language, club_name: str) -> Message:
    text = t(lang, "digests.preview.preparing", club=escape(club_name))
    return Message(text=text, blocks=[section(":hourglass_flowing_sand: " + text)])


def digest_preview(lang: Language, preview: Preview, now: datetime) -> Message:
    """The next digest as it would be posted (club's language), under a note for the leader (their language)."""
    schedule = preview.schedule
    next_at = when(lang, preview.next_at, schedule.tz)
    if preview.draft.is_empty:
        text = t(lang, "digests.preview.empty", club=escape(schedule.club_name), next=next_at)
        return Message(text=text, blocks=[section(":eyes: " + text)])
    note = t(lang, "digests.preview.note", next=next_at, count=len(preview.draft.items))
    blocks = [context(":eyes: " + note), *_digest_blocks(schedule, preview.draft.items, now)]
    return Message(text=note, blocks=blocks[:MAX_BLOCKS])


# --- feeds -----------------------------------------------------------------------------------------------------


def _feed_title(feed: FeedView) -> str:
    return escape(feed.title or feed.url)


def _status(lang: Language, feed: FeedView, tz: ZoneInfo, now: datetime) -> str:
    reason = feed.error.describe(lang) if feed.error else ""
    since = _day(lang, feed.failing_since, tz) if feed.failing_since else ""
    if feed.status is FeedStatus.DISABLED:
        return ":black_circle: " + t(lang, "digests.feeds.disabled", reason=reason)
    if feed.status is FeedStatus.UNHEALTHY:
        return ":red_circle: " + t(lang, "digests.feeds.unhealthy", since=since, count=feed.consecutive_failures,
                                   reason=reason)  # fmt: skip
    if feed.consecutive_failures:
        return ":large_yellow_circle: " + t(
            lang, "digests.feeds.failing", since=since, count=feed.consecutive_failures, reason=reason
        )
    if feed.last_success_at is None:
        return ":white_circle: " + t(lang, "digests.feeds.not_read_yet")
    return ":large_green_circle: " + t(lang, "digests.feeds.ok")


def _feed_lines(lang: Language, feed: FeedView, tz: ZoneInfo, now: datetime) -> str:
    head = f"`#{feed.feed_id}` *<{slack_link_url(feed.url)}|{_feed_title(feed)}>*"
    if feed.is_catalog:
        head += " · " + t(lang, "digests.feeds.catalog")
    if feed.keywords:
        head += " · " + t(lang, "digests.feeds.keywords", keywords=escape(feed.keywords))
    details = [_status(lang, feed, tz, now)]
    if feed.last_success_at is not None:
        details.append(t(lang, "digests.feeds.last_success", when=when(lang, feed.last_success_at, tz)))
    elif feed.last_fetched_at is not None:
        details.append(t(lang, "digests.feeds.never_succeeded"))
    lines = [head, " · ".join(details)]
    if feed.retry_not_before is not None and feed.retry_not_before > now:
        lines.append(t(lang, "digests.feeds.retry_later", when=when(lang, feed.retry_not_before, tz)))
    if feed.problem and feed.status is FeedStatus.OK and not feed.consecutive_failures:
        lines.append(t(lang, "digests.feeds.problem", problem=escape(shorten(feed.problem, 150)).replace("`", "'")))
    return _cut_escaped("\n".join(lines), SECTION_TEXT_LIMIT)


def feed_list(lang: Language, club_name: str, feeds: Sequence[FeedView], tz: ZoneInfo, now: datetime) -> Message:
    """`/club feeds`: each feed with its number, health, last success and last problem."""
    title = t(lang, "digests.feeds.title", club=escape(club_name))
    if not feeds:
        text = t(lang, "digests.feeds.none", club=escape(club_name))
        return Message(text=text, blocks=[section(text)])
    blocks = [header(title)]
    for feed in feeds[:MAX_FEED_SECTIONS]:
        blocks.append(section(_feed_lines(lang, feed, tz, now)))
    if len(feeds) > MAX_FEED_SECTIONS:
        blocks.append(context(t(lang, "digests.feeds.more", count=len(feeds) - MAX_FEED_SECTIONS)))
    blocks.append(context(t(lang, "digests.feeds.footer")))
    return Message(text=title, blocks=blocks)


def feed_checking(lang: Language, url: str) -> Message:
    text = t(lang, "digests.feeds.checking", url=escape(url))
    return Message(text=text, blocks=[section(":hourglass_flowing_sand: " + text)])


def feed_added(lang: Language, url: str, result: AddFeedResult) -> Message:
    """The outcome of `/club feeds add`: added (or already followed), or refused with the reason."""
    if result.feed is None:
        reason = result.error.describe(lang) if result.error else t(lang, "feeds.error.not_a_feed")
        text = t(lang, "digests.feeds.refused", url=escape(url), reason=reason)
        return Message(text=text, blocks=[section(":warning: " + text)])
    feed = result.feed
    key = "digests.feeds.already" if result.already else "digests.feeds.added"
    text = t(lang, key, title=_feed_title(feed), id=feed.feed_id)
    if feed.keywords and not result.already:
        text += "\n" + t(lang, "digests.feeds.keywords", keywords=escape(feed.keywords))
    icon = ":information_source: " if result.already else ":white_check_mark: "
    return Message(text=text, blocks=[section(icon + text)])


def feed_removed(lang: Language, feed: FeedView) -> Message:
    text = t(lang, "digests.feeds.removed", title=_feed_title(feed), id=feed.feed_id)
    return Message(text=text, blocks=[section(":wastebasket: " + text)])


def feed_problem_dm(lang: Language, notice: FeedNotice, club_names: Sequence[str]) -> Message:
    """A direct message to a leader: a feed their club follows stopped working (sent once per outage)."""
    title = escape(notice.title or notice.url)
    reason = notice.error.describe(lang) if notice.error else t(lang, "feeds.error.connection_failed")
    clubs = ", ".join(escape(name) for name in club_names)
    if notice.status is FeedStatus.DISABLED:
        body = t(lang, "feeds.notice.disabled", title=f"*{title}*", reason=reason)
    else:
        body = t(lang, "feeds.notice.unhealthy", title=f"*{title}*", count=notice.consecutive_failures, reason=reason)
    text = t(lang, "digests.notice.club", clubs=clubs) + "\n" + body
    return Message(
        text=text,
        blocks=[section(":warning: " + text), context(f"`#{notice.feed_id}` <{slack_link_url(notice.url)}>")],
    )


# --- keywords ---------------------------------------------------------------------------------------------------


def keywords_shown(lang: Language, club_name: str, keywords: Sequence[str]) -> Message:
    if not keywords:
        text = t(lang, "digests.keywords.none", club=escape(club_name))
    else:
        text = t(lang, "digests.keywords.current", club=escape(club_name), keywords=escape(", ".join(keywords)))
    return Message(text=text, blocks=[section(text), context(t(lang, "digests.keywords.hint"))])


def keywords_saved(lang: Language, club_name: str, keywords: Sequence[str]) -> Message:
    if not keywords:
        text = t(lang, "digests.keywords.cleared", club=escape(club_name))
    else:
        text = t(lang, "digests.keywords.saved", club=escape(club_name), keywords=escape(", ".join(keywords)))
    return Message(text=text, blocks=[section(":white_check_mark: " + text), context(t(lang, "digests.keywords.hint"))])


# --- settings ---------------------------------------------------------------------------------------------------


def settings_modal(lang: Language, schedule: DigestSchedule) -> dict[str, Any]:
    """The digest settings form: day, time (in the club's time zone) and length."""
    channel = f"<#{schedule.channel_id}>" if schedule.channel_id else escape(schedule.club_name)
    days = [(str(day), t(lang, f"digests.weekday.{day}")) for day in range(7)]
    blocks = [
        section(t(lang, "digests.settings.intro", club=escape(schedule.club_name), channel=channel)),
        select("weekday", t(lang, "digests.settings.weekday"), days, initial=str(schedule.weekday)),
        time_input(
            "time",
            t(lang, "digests.settings.time", tz=schedule.timezone),
            initial=f"{schedule.hour:02d}:{schedule.minute:02d}",
        ),
        number_input(
            "max_items",
            t(lang, "digests.settings.max_items"),
            initial=schedule.max_items,
            minimum=1,
            maximum=20,
        ),
        context(t(lang, "digests.settings.language", language=t(lang, f"digests.language.{schedule.language.value}"))),
    ]
    return modal(
        SETTINGS_CALLBACK,
        t(lang, "digests.settings.title"),
        blocks,
        submit=t(lang, "modal.save"),
        close=t(lang, "modal.cancel"),
        metadata={"club": schedule.club_id},
    )


def settings_saved_modal(lang: Language, schedule: DigestSchedule, now: datetime) -> dict[str, Any]:
    """What the form turns into once saved (`response_action: update`)."""
    text = t(
        lang,
        "digests.settings.saved",
        club=escape(schedule.club_name),
        weekday=t(lang, f"digests.weekday.{schedule.weekday}"),
        time=f"{schedule.hour:02d}:{schedule.minute:02d}",
        tz=schedule.timezone,
        max=schedule.max_items,
        next=when(lang, schedule.next_slot(now), schedule.tz),
    )
    return modal(
        "digest_settings_saved",
        t(lang, "digests.settings.title"),
        [section(":white_check_mark: " + text)],
        close=t(lang, "modal.close"),
    )


def settings_title(lang: Language) -> str:
    return t(lang, "digests.settings.title")


# --- sharing ------------------------------------------------------------------------------------------------------


def share_queued(lang: Language, shared: SharedLink) -> Message:
    next_at = when(lang, shared.next_at, shared.schedule.tz)
    link = f"<{slack_link_url(shared.url)}>"
    if shared.created:
        text = t(lang, "digests.share.queued", club=escape(shared.schedule.club_name), url=link, next=next_at)
        icon = ":inbox_tray: "
    else:
        text = t(lang, "digests.share.already", url=link, name=escape(shared.shared_by), next=next_at)
        icon = ":information_source: "
    return Message(text=text, blocks=[section(icon + text)])
