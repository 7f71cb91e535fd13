"""What a fetch is asked and what it answers: `FetchOptions` (the limits), `FetchRequest` (an address and the
validators stored for it) and `FetchResult`. Plain values shared by the fetcher (`bot.digests.feeds.fetch`),
its address policy (`bot.digests.feeds.addresses`), the pipeline and the store.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.digests.feeds.errors import FeedError

USER_AGENT = "clubbot/0.1 (BrainLink X-Lab Day club news digest; +https://www.kofst.or.kr/)"


@dataclass(frozen=True)
class FetchOptions:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    #: Seconds one fetch may take from its first connection to its last byte, redirects included.
    deadline: float = 45.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    per_host: int = 2
    total: int = 20
    allow_private: bool = False
    #: Networks trusted even though they are not public (e.g. a secretariat intranet feed server).
    allowed_networks: tuple[str, ...] = ()
    user_agent: str = USER_AGENT

    @property
    def effective_concurrency(self) -> int:
        return max(1, self.total)


@dataclass(frozen=True)
class FetchRequest:
    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    """What happened when one URL was fetched.

    `permanent_url` is set when the fetch began with one or more permanent redirects (301/308): the
    address the stored URL should move to. `not_modified` is a 304 to a conditional request.
    """

    url: str
    final_url: str
    status: int | None = None
    permanent_url: str | None = None
    not_modified: bool = False
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    elapsed: float = 0.0
    redirects: int = 0
    error: FeedError | None = None
    #: Seconds the server asked to wait before the next request (`Retry-After` on a 429 or 503).
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def permanent_redirect(self) -> bool:
        return self.permanent_url is not None
