"""Bolt's listener runner, answering as soon as a listener acknowledges.

Bolt's `ThreadListenerRunner` starts the listener in its executor and then polls for the ack every 10 ms, so even
an answer ready in 3 ms (a filing confirmed in the ack, `/club status`, `/club help`) waits for the next tick:
at a realistic load that tick is most of the latency. `AckWaitingRunner` does the same work in the same threads,
but the request's thread waits on an event set by `ack()` (or by the listener's end, if it never acknowledged),
so the HTTP answer leaves the moment the ack is ready. Slow listeners keep acknowledging first and carry on
in the executor, as before; nothing else changes (error handlers, lazy listeners, `process_before_response`).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.listener import Listener
from slack_bolt.listener.thread_runner import ThreadListenerRunner
from slack_bolt.logger.messages import warning_did_not_call_ack
from slack_bolt.util.utils import get_name_for_callable

_SIGNALLING: dict[type[Ack], type[Ack]] = {}


def _signalling(ack: Ack, ready: threading.Event) -> Ack:
    """A new `ack` of the same class as `ack` (a middleware may have put its own, e.g. `handlers.errors.KeptAck`)
    whose call also wakes the thread waiting to send the HTTP answer."""
    cls = type(ack)
    signalling = _SIGNALLING.get(cls)
    if signalling is None:

        def call(self: Ack, *args: Any, **kwargs: Any) -> BoltResponse:
            try:
                return cls.__call__(self, *args, **kwargs)
            finally:
                self.__dict__["_ready"].set()

        signalling = _SIGNALLING.setdefault(cls, type(f"Signalling{cls.__name__}", (cls,), {"__call__": call}))
    fresh = signalling()
    fresh.__dict__["_ready"] = ready
    return fresh


class AckWaitingRunner(ThreadListenerRunner):
    """`ThreadListenerRunner` without the 10 ms polling for the ack."""

    @classmethod
    def replacing(cls, app: App) -> AckWaitingRunner:
        """Put this runner in `app` in place of Bolt's (same executor, handlers and logger). Called before any
        listener or error handler is registered."""
        bolt = app.listener_runner
        runner = cls(
            logger=bolt.logger,
            process_before_response=bolt.process_before_response,
            listener_error_handler=bolt.listener_error_handler,
            listener_start_handler=bolt.listener_start_handler,
            listener_completion_handler=bolt.listener_completion_handler,
            listener_executor=bolt.listener_executor,
            lazy_listener_runner=bolt.lazy_listener_runner,
        )
        app._listener_runner = runner  # Bolt has no setter; pinned slack_bolt version (pyproject.toml)
        return runner

    def run(
        self,
        request: BoltRequest,
        response: BoltResponse,
        listener_name: str,
        listener: Listener,
        starting_time: float | None = None,
    ) -> BoltResponse | None:
        if self.process_before_response or request.context.ack.response is not None:
            return super().run(request, response, listener_name, listener, starting_time)
        starting_time = starting_time if starting_time is not None else time.time()
        ready = threading.Event()
        ack = _signalling(request.context.ack, ready)
        request.context["ack"] = ack
        if listener.auto_acknowledgement:
            ack()  # acknowledge at once (Events API)

        if not request.lazy_only:

            def run_ack_function_asynchronously() -> None:
                nonlocal response
                try:
                    self.listener_start_handler.handle(request=request, response=response)
                    listener.run_ack_function(request=request, response=response)
                except Exception as e:  # noqa: BLE001 - as Bolt does: every listener error goes to its handler
                    if listener.auto_acknowledgement:
                        self.listener_error_handler.handle(error=e, request=request, response=response)
                    else:
                        if response is None:
                            response = BoltResponse(status=500)
                        response.status = 500
                        if ack.response is not None:  # already acknowledged
                            response = None  # type: ignore[assignment]
                        self.listener_error_handler.handle(error=e, request=request, response=response)
                        ack.response = response
                finally:
                    self.listener_completion_handler.handle(request=request, response=response)
                    ready.set()

            self.listener_executor.submit(run_ack_function_asynchronously)

        for lazy_func in listener.lazy_functions:
            if request.lazy_function_name:
                if get_name_for_callable(lazy_func) == request.lazy_function_name:
                    self.lazy_listener_runner.run(function=lazy_func, request=request)
                    return BoltResponse(status=200)  # this HTTP response is not sent to Slack
                continue
            self._start_lazy_function(lazy_func, request)

        # the ack (or the listener's end), not the next 10 ms tick
        if request.lazy_only:
            ready.set()
        ready.wait(max(0.0, listener.ack_timeout - (time.time() - starting_time)))
        if response is None and ack.response is None:
            self.logger.warning(warning_did_not_call_ack(listener_name))
            return None
        if response is None and ack.response is not None:
            self._debug_log_completion(starting_time, ack.response)
            return ack.response
        return response
