"""The Web API methods the bot calls: each one's rate-limit tier and the bot scopes it needs."""

from __future__ import annotations

from dataclasses import dataclass

TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}


@dataclass(frozen=True)
class MethodInfo:
    """A Web API method the bot calls: its rate-limit tier (None: special) and the bot scopes it needs here
    (for conversations.* methods, those of the conversation types the bot uses: public and private
    channels, and its direct messages)."""

    tier: int | None
    scopes: frozenset[str]
    #: Scopes that unlock more of the answer, not the method itself (e.g. `users:read.email` for emails).
    data_scopes: frozenset[str] = frozenset()

    @property
    def all_scopes(self) -> frozenset[str]:
        return self.scopes | self.data_scopes


def _m(tier: int | None, *scopes: str, data: tuple[str, ...] = ()) -> MethodInfo:
    return MethodInfo(tier, frozenset(scopes), frozenset(data))


#: Every Web API method the code calls. `tests/test_manifest.py` checks that the code calls nothing else,
#: that the scopes agree with Slack's published description, and that manifest.yml asks for exactly these.
METHODS: dict[str, MethodInfo] = {
    "auth.test": _m(None),
    "users.info": _m(4, "users:read", data=("users:read.email",)),
    "users.lookupByEmail": _m(3, "users:read.email"),
    "conversations.create": _m(2, "channels:manage", "groups:write"),
    "conversations.list": _m(2, "channels:read", "groups:read"),
    "conversations.setTopic": _m(2, "channels:manage", "groups:write"),
    "conversations.setPurpose": _m(2, "channels:manage", "groups:write"),
    "conversations.invite": _m(3, "channels:manage", "groups:write"),
    "conversations.inviteShared": _m(2, "conversations.connect:write"),
    "conversations.archive": _m(2, "channels:manage", "groups:write"),
    "conversations.open": _m(3, "im:write"),
    "conversations.history": _m(3, "channels:history", "groups:history", "im:history"),
    "conversations.replies": _m(3, "channels:history", "groups:history", "im:history"),
    "chat.postMessage": _m(None, "chat:write"),
    "chat.update": _m(3, "chat:write"),
    "pins.add": _m(2, "pins:write"),
    "chat.postEphemeral": _m(4, "chat:write"),
    "views.open": _m(4),
    "views.update": _m(4),
    "views.push": _m(4),
    "views.publish": _m(4),
    "files.getUploadURLExternal": _m(4, "files:write"),
    "files.completeUploadExternal": _m(4, "files:write"),
}
#: chat.postMessage: "about one message per second per channel, short bursts allowed".
POST_INTERVAL_PER_CHANNEL = 1.0
