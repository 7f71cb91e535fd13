"""Web API method implementations: small functions registered in ``METHODS``, each validating its
arguments and answering the way Slack does (shapes and error codes from Slack's method reference).

Every function receives a :class:`CallContext` (who is calling, with which arguments) and returns the
response fields besides ``ok``; failures raise :class:`SlackError`. Functions run with the workspace
lock held; the events they emit are delivered after the lock is released.

The methods live in one module per family (chat, conversations, membership, settings, users, pins,
views, files) over the shared context, rendering, paging and naming modules; ``METHODS`` maps each
Web API method name to its function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .chat import chat_delete, chat_update, get_permalink, post_ephemeral, post_message
from .context import CallContext
from .conversations import (
    conversations_create,
    conversations_history,
    conversations_info,
    conversations_list,
    conversations_members,
    conversations_open,
    conversations_replies,
    users_conversations,
)
from .files import files_complete_upload, files_get_upload_url
from .membership import (
    conversations_invite,
    conversations_invite_shared,
    conversations_join,
    conversations_kick,
    conversations_leave,
)
from .pins import pins_add, pins_list, reactions_add, reactions_remove
from .settings import (
    conversations_archive,
    conversations_rename,
    conversations_set_purpose,
    conversations_set_topic,
    conversations_unarchive,
)
from .users import auth_test, team_info, users_info, users_list, users_lookup_by_email
from .views import views_open, views_publish, views_push, views_update

METHODS: dict[str, Callable[[CallContext], dict[str, Any]]] = {
    "auth.test": auth_test,
    "chat.delete": chat_delete,
    "chat.getPermalink": get_permalink,
    "chat.postEphemeral": post_ephemeral,
    "chat.postMessage": post_message,
    "chat.update": chat_update,
    "conversations.archive": conversations_archive,
    "conversations.create": conversations_create,
    "conversations.history": conversations_history,
    "conversations.info": conversations_info,
    "conversations.invite": conversations_invite,
    "conversations.inviteShared": conversations_invite_shared,
    "conversations.join": conversations_join,
    "conversations.kick": conversations_kick,
    "conversations.leave": conversations_leave,
    "conversations.list": conversations_list,
    "conversations.members": conversations_members,
    "conversations.open": conversations_open,
    "conversations.rename": conversations_rename,
    "conversations.replies": conversations_replies,
    "conversations.setPurpose": conversations_set_purpose,
    "conversations.setTopic": conversations_set_topic,
    "conversations.unarchive": conversations_unarchive,
    "files.completeUploadExternal": files_complete_upload,
    "files.getUploadURLExternal": files_get_upload_url,
    "pins.add": pins_add,
    "pins.list": pins_list,
    "reactions.add": reactions_add,
    "reactions.remove": reactions_remove,
    "team.info": team_info,
    "users.conversations": users_conversations,
    "users.info": users_info,
    "users.list": users_list,
    "users.lookupByEmail": users_lookup_by_email,
    "views.open": views_open,
    "views.publish": views_publish,
    "views.push": views_push,
    "views.update": views_update,
}

READ_ONLY = frozenset(
    {
        "auth.test",
        "chat.getPermalink",
        "conversations.history",
        "conversations.info",
        "conversations.list",
        "conversations.members",
        "conversations.replies",
        "pins.list",
        "team.info",
        "users.conversations",
        "users.info",
        "users.list",
        "users.lookupByEmail",
    }
)
