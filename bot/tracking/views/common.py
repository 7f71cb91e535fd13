"""The small pieces every tracking view uses: a person as Slack shows them, the emoji of each kind of item,
a link that cannot break Slack's markup, and a private answer's two shapes (done, or for information)."""

from __future__ import annotations

from bot.domain import OutputType
from bot.slack.blocks import Message, escape, section
from bot.tracking.types import ItemKind

TYPE_EMOJI = {
    OutputType.PAPER: ":page_facing_up:",
    OutputType.PROPOSAL: ":memo:",
    OutputType.PROJECT: ":microscope:",
    OutputType.EXCHANGE: ":airplane:",
    OutputType.WORKSHOP: ":busts_in_silhouette:",
    OutputType.PATENT: ":bulb:",
    OutputType.POLICY: ":classical_building:",
    OutputType.ROADMAP: ":world_map:",
    OutputType.SOFTWARE: ":computer:",
    OutputType.AWARD: ":trophy:",
    OutputType.OTHER: ":sparkles:",
}
KIND_EMOJI = {
    ItemKind.UPDATE: ":speech_balloon:",
    ItemKind.MEETING: ":handshake:",
    ItemKind.PLAN: ":spiral_calendar_pad:",
}


def who(user_id: str | None, name: str | None) -> str:
    if user_id:
        return f"<@{user_id}>"
    return escape(name) if name else "—"


def safe_url(url: str) -> str:
    """A URL that cannot break Slack's `<url|label>` link markup."""
    return url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C").replace(" ", "%20")


def ok_message(text: str) -> Message:
    return Message(text=text, blocks=[section(":white_check_mark: " + text)])


def note_message(text: str) -> Message:
    return Message(text=text, blocks=[section(":information_source: " + text)])
