"""The app's default grant: the bot scopes and event subscriptions used when the caller passes none
(the console), and the public-channel events every app receives."""

from __future__ import annotations

# Used when the caller passes no scopes / bot_events (the console): a typical bot's grant.
DEFAULT_BOT_SCOPES = frozenset(
    {
        "app_mentions:read",
        "channels:history",
        "channels:join",
        "channels:manage",
        "channels:read",
        "chat:write",
        "chat:write.public",
        "commands",
        "files:read",
        "files:write",
        "groups:history",
        "groups:read",
        "groups:write",
        "im:history",
        "im:read",
        "im:write",
        "mpim:history",
        "mpim:read",
        "mpim:write",
        "pins:read",
        "pins:write",
        "reactions:read",
        "reactions:write",
        "team:read",
        "users:read",
        "users:read.email",
        "conversations.connect:write",
    }
)
DEFAULT_BOT_EVENTS = frozenset(
    {
        "app_home_opened",
        "app_mention",
        "channel_archive",
        "channel_created",
        "channel_rename",
        "channel_unarchive",
        "group_archive",
        "group_rename",
        "group_unarchive",
        "member_joined_channel",
        "member_left_channel",
        "message.channels",
        "message.groups",
        "message.im",
        "message.mpim",
        "pin_added",
        "reaction_added",
        "reaction_removed",
        "team_join",
    }
)
# events about a public channel that reach apps whether or not the bot is a member
WORKSPACE_CHANNEL_EVENTS = frozenset({"channel_rename", "channel_archive", "channel_unarchive", "channel_created"})
