"""The typed failures of the scholarly clients: one exception class with a kind, like the feeds' `FeedError`.

Every failure of a lookup or a listing surfaces as a `ScholarlyError` (never an httpx or json exception), so a
caller can tell a spent budget (stop the run, go on next time) from a refused address (a misconfiguration)
from a service that is down (retry next run). An unknown DOI is not an error: `CrossrefClient.work` gives None.
"""

from __future__ import annotations

from enum import StrEnum


class ScholarlyErrorKind(StrEnum):
    BUDGET_SPENT = "budget_spent"
    BLOCKED_ADDRESS = "blocked_address"
    INVALID_URL = "invalid_url"
    TIMEOUT = "timeout"
    CONNECTION_FAILED = "connection_failed"
    #: 429 after the retries, or a `Retry-After` longer than the client waits.
    RATE_LIMITED = "rate_limited"
    #: 5xx after the retries.
    SERVER_ERROR = "server_error"
    #: Any other unexpected status (400, 401, 403...).
    HTTP_STATUS = "http_status"
    #: The body is not JSON, or not in the documented shape.
    MALFORMED = "malformed"
    TOO_LARGE = "too_large"


class ScholarlyError(Exception):
    """A request to Crossref or OpenAlex failed. `retry_after` is the wait the service asked for, if any."""

    def __init__(
        self,
        kind: ScholarlyErrorKind,
        detail: str = "",
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
        self.kind = kind
        self.detail = detail
        self.status = status
        self.retry_after = retry_after


class BudgetSpent(ScholarlyError):
    """The run's request budget is spent: no request was sent."""

    def __init__(self, limit: int) -> None:
        super().__init__(ScholarlyErrorKind.BUDGET_SPENT, f"the run's budget of {limit} requests is spent")
        self.limit = limit
