"""The ``/api/<method>`` endpoint: argument parsing, tokens, faults, rate limits, scopes and required
arguments, then the method itself; every call is recorded."""

from __future__ import annotations

import json
import time
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from .events import AppEvents
from .faults import FaultPlan
from .server import HttpAnswer, HttpRequest
from .types import RecordedCall
from .webapi import METHODS, READ_ONLY
from .webapi.context import CallContext, SlackError, decode_json_args


class WebApiEndpoint(AppEvents):
    """Answer Web API calls as Slack does, and record each one."""

    def _parse_api_args(self, request: HttpRequest) -> tuple[dict[str, Any], str | None, list[str], str | None]:
        """Arguments, token, warnings, and a request-level error (invalid_json, ...) if any."""
        args: dict[str, Any] = dict(parse_qsl(request.query, keep_blank_values=True))
        warnings: list[str] = []
        content_type = request.headers.get("content-type", "")
        error = None
        if request.body:
            if content_type.startswith("application/json"):
                if "charset" not in content_type.lower():
                    warnings.append("missing_charset")
                try:
                    data = json.loads(request.body.decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    data, error = {}, "invalid_json"
                if not isinstance(data, dict):
                    data, error = {}, error or "json_not_object"
                data.pop("token", None)  # Slack reads JSON callers' tokens from the Authorization header only
                args.update(data)
            elif content_type.startswith("application/x-www-form-urlencoded") or not content_type:
                try:
                    args.update(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
                except UnicodeDecodeError:
                    error = "invalid_form_data"
            elif content_type.startswith("multipart/form-data"):
                args.update(_parse_multipart(content_type, request.body))
            else:
                error = "invalid_post_type"
        token = None
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        if not token:
            token = args.pop("token", None) or None
        else:
            args.pop("token", None)
        return decode_json_args(args), token, warnings, error

    def _api(self, request: HttpRequest, method: str) -> HttpAnswer:
        args, token, warnings, parse_error = self._parse_api_args(request)
        call = RecordedCall(
            method=method,
            args=args,
            token=token,
            ok=False,
            error=None,
            http_status=200,
            time=time.time(),
            warnings=warnings,
        )
        req_id = self.uuid()
        headers = {"X-Slack-Req-Id": req_id, "X-Slack-Backend": "r"}
        # a drop_after or error fault decided for this call, until it happens (a refusal before it unfires it)
        drop_after: list[FaultPlan] = []

        def finish(
            body: dict[str, Any],
            status: int = 200,
            extra: dict[str, str] | None = None,
            *,
            drop: bool = False,
            fault: str | None = None,
        ) -> HttpAnswer:
            call.ok = bool(body.get("ok"))
            call.error = body.get("error")
            call.http_status = 0 if drop else status
            call.response = body
            call.fault = fault
            if drop_after and not drop:  # Slack answered before applying the call: the drop never happened
                self.faults.unfire(drop_after.pop())
            with self._lock:
                self._calls.append(call)
            if drop:
                return HttpAnswer(drop=True)
            return HttpAnswer.json(body, status, {**headers, **(extra or {})})

        spec = self.methods.get(method)
        if spec is None:
            return finish({"ok": False, "error": "unknown_method", "req_method": method})
        if parse_error:
            return finish({"ok": False, "error": parse_error})
        if not token:
            return finish({"ok": False, "error": "not_authed"})
        if method == "apps.connections.open":  # the one method called with the app-level token
            return finish(self.open_socket_connection(token))
        identity = self._identity(token)
        if identity is None:
            return finish({"ok": False, "error": "invalid_auth"})
        actor, is_bot = identity
        call.actor = actor.id
        if is_bot:
            headers["X-OAuth-Scopes"] = ",".join(sorted(self.scopes))
            headers["X-Accepted-OAuth-Scopes"] = ",".join(spec["scopes"]["bot"])
        if method not in METHODS:
            return finish(
                {
                    "ok": False,
                    "error": "not_implemented_in_standin",
                    "standin_note": f"{method} is a real Slack method the stand-in does not serve",
                }
            )

        decision = self.faults.decide(method, args) if is_bot else None
        if decision is not None and decision.latency:
            time.sleep(decision.latency)
        kind = decision.kind if decision else None
        if kind in ("drop_after", "error") and decision is not None and decision.plan is not None:
            drop_after.append(decision.plan)
        if kind == "drop_before":
            return finish({"ok": False, "error": "connection_dropped_before_processing"}, drop=True, fault=kind)
        if kind == "ratelimited":
            assert decision is not None and decision.plan is not None
            return finish(
                {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(decision.plan.retry_after)}, fault=kind
            )
        if kind == "server_error":
            assert decision is not None and decision.plan is not None
            status = decision.plan.status
            error = "service_unavailable" if status == 503 else "internal_error"
            return finish({"ok": False, "error": error}, status, fault=kind)
        if is_bot:
            retry_after = self.limiter.check(token, method, spec.get("tier"), self._rate_channel(method, args))
            if retry_after is not None:
                return finish({"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(retry_after)})

        bot_scopes = spec["scopes"]["bot"]
        if is_bot and bot_scopes and not _family_scoped(bot_scopes) and not self.scopes & set(bot_scopes):
            return finish(
                {
                    "ok": False,
                    "error": "missing_scope",
                    "needed": ",".join(bot_scopes),
                    "provided": ",".join(sorted(self.scopes)),
                }
            )
        missing = [name for name in spec["required"] if args.get(name) is None]
        if missing:
            return finish(
                {
                    "ok": False,
                    "error": "invalid_arguments",
                    "response_metadata": {"messages": [f"[ERROR] missing required field: {name}" for name in missing]},
                }
            )

        if kind == "error" and decision is not None and decision.plan is not None:
            drop_after.clear()  # the injected error is the answer
            return finish(decision.plan.answer(), fault=kind)

        ctx = CallContext(self, actor, is_bot, token, dict(args))
        with self.ws.lock:
            try:
                result = METHODS[method](ctx)
                body: dict[str, Any] = {"ok": True, **result}
            except SlackError as exc:
                body = {"ok": False, "error": exc.error, **exc.extra}
                ctx.events.clear()
        warnings = warnings + ctx.warnings
        if warnings:
            body["warning"] = ",".join(warnings)
            metadata = body.setdefault("response_metadata", {})
            metadata["warnings"] = list(warnings)
        if body["ok"] and method not in READ_ONLY:
            self._save()
        self._dispatch(ctx.events)
        if kind == "drop_after":
            return finish(body, drop=True, fault=kind)
        return finish(body, fault=kind)

    def _rate_channel(self, method: str, args: dict[str, Any]) -> str | None:
        if method != "chat.postMessage":
            return None
        channel = str(args.get("channel") or "")
        return self.ws.dms.get(channel, channel)


def _family_scoped(scopes: list[str]) -> bool:
    return bool(scopes) and all(s.split(":")[0] in ("channels", "groups", "im", "mpim") for s in scopes)


def _parse_multipart(content_type: str, body: bytes) -> dict[str, str]:
    """Minimal multipart/form-data reader for text fields (enough for Web API calls)."""
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name and part.get_filename() is None:
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            fields[str(name)] = data.decode("utf-8", "replace")
    return fields
