"""users.*, team.info and auth.test."""

from __future__ import annotations

import time
from typing import Any

from .context import CallContext, SlackError
from .paging import paginate


def _can_see_email(ctx: CallContext) -> bool:
    return not ctx.is_bot or "users:read.email" in ctx.standin.scopes


def users_info(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("users:read")
    user = ctx.user(ctx.str_arg("user"))
    return {
        "user": user.to_api(
            ctx.standin.team_id, include_locale=ctx.bool_arg("include_locale"), include_email=_can_see_email(ctx)
        )
    }


def users_lookup_by_email(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("users:read.email")
    email = (ctx.str_arg("email") or "").strip().lower()
    user = next((u for u in ctx.ws.users.values() if u.email and u.email.lower() == email and not u.deleted), None)
    if user is None:
        raise SlackError("users_not_found")
    return {"user": user.to_api(ctx.standin.team_id, include_email=True)}


def users_list(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("users:read")
    users = sorted(ctx.ws.users.values(), key=lambda u: u.id)
    page, cursor = paginate(ctx, users, lambda u: u.id, "user", 0)
    include_locale = ctx.bool_arg("include_locale")
    members = [
        u.to_api(ctx.standin.team_id, include_locale=include_locale, include_email=_can_see_email(ctx)) for u in page
    ]
    return {"members": members, "cache_ts": int(time.time()), "response_metadata": {"next_cursor": cursor}}


def team_info(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("team:read")
    team = ctx.str_arg("team")
    if team and team != ctx.standin.team_id:
        raise SlackError("team_not_found")
    return {
        "team": {
            "id": ctx.standin.team_id,
            "name": ctx.standin.team_name,
            "url": f"https://{ctx.standin.team_domain}.slack.com/",
            "domain": ctx.standin.team_domain,
            "email_domain": "",
            "icon": {
                "image_default": True,
                "image_34": "https://a.slack-edge.invalid/team_34.png",
                "image_44": "https://a.slack-edge.invalid/team_44.png",
                "image_68": "https://a.slack-edge.invalid/team_68.png",
            },
            "avatar_base_url": "https://ca.slack-edge.invalid/",
            "is_verified": False,
            "lob_sales_home_enabled": False,
        }
    }


def auth_test(ctx: CallContext) -> dict[str, Any]:
    data: dict[str, Any] = {
        "url": f"https://{ctx.standin.team_domain}.slack.com/",
        "team": ctx.standin.team_name,
        "user": ctx.actor.name,
        "team_id": ctx.standin.team_id,
        "user_id": ctx.actor.id,
    }
    if ctx.is_bot:
        data["bot_id"] = ctx.standin.bot_id
    data["is_enterprise_install"] = False
    return data
