"""Outbound HTTP that cannot be turned against the bot's own network: the one address guard shared by the feed
fetcher (`bot.digests.feeds.fetch`) and the scholarly clients (`bot.scholarly.http`).

- **Which addresses** (`AddressPolicy`): public unicast addresses only (`is_public_address`: not private,
  loopback, link-local, multicast, reserved, unspecified, shared, nor IPv4-mapped/6to4/Teredo/NAT64 forms of
  those), unless `allow_private` (the `CLUBBOT_ALLOW_PRIVATE_FEEDS=1` setting, for tests and the local console)
  or `allowed_networks` (networks an operator trusts).
- **SSRF and DNS rebinding** (`GuardedBackend`, `GuardedTransport`): httpx connects through an httpcore network
  backend that resolves the host name itself, refuses the connection when any resolved address is not allowed,
  then connects to exactly an address it checked. TLS still checks the certificate against the host name, so
  there is no window between the check and the connection for a second DNS answer. This runs on every
  connection, hence on every redirect hop. Proxies from the environment are ignored (`trust_env=False`).
- `retry_after_seconds` reads a `Retry-After` header; `run_sync` runs a coroutine from synchronous code.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any, Protocol, TypeVar

import certifi
import httpcore
import httpx

#: The longest `Retry-After` honoured (a week): a larger one is read as this.
MAX_RETRY_AFTER = 7 * 24 * 3600.0


class NetworkOptions(Protocol):
    """What the address policy reads from a fetch's or a client's options."""

    @property
    def allow_private(self) -> bool: ...

    @property
    def allowed_networks(self) -> tuple[str, ...]: ...


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class BlockedAddressError(Exception):
    """The host resolves to an address the bot may not connect to."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to {address}, which is not a public address")
        self.host = host
        self.address = address


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in ipaddress.IPv6Network("64:ff9b::/96"):  # NAT64
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """Whether `ip` is a public unicast address (and, for IPv6 forms carrying an IPv4 one, so is that)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is that IPv4 address
            return is_public_address(ip.ipv4_mapped)
        embedded = _embedded_ipv4(ip)
        if embedded is not None and not is_public_address(embedded):
            return False
        if ip.is_site_local:
            return False
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


@dataclass(frozen=True)
class AddressPolicy:
    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_options(cls, options: NetworkOptions) -> AddressPolicy:
        """The policy of a feed fetch's or a scholarly client's options (`allow_private`, `allowed_networks`)."""
        return cls(
            options.allow_private, tuple(ipaddress.ip_network(n, strict=False) for n in options.allowed_networks)
        )

    def allows(self, ip: IPAddress) -> bool:
        if self.allow_private or is_public_address(ip):
            return True
        return any(ip.version == net.version and ip in net for net in self.allowed_networks)

    def check(self, host: str, ip: IPAddress) -> None:
        if not self.allows(ip):
            raise BlockedAddressError(host, str(ip))


def literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


# --- connections only to addresses the policy allows ---------------------------------------------------


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, check every address against the policy, then connect to a checked address only."""

    def __init__(self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def resolve(self, host: str, port: int, timeout: float | None) -> list[IPAddress]:
        literal = literal_ip(host)
        if literal is not None:
            return [literal]
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        addresses: list[IPAddress] = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if ip not in addresses:
                addresses.append(ip)
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no address")
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.resolve(host, port, timeout)
        for ip in addresses:  # any non-public answer refuses the host: a mixed answer is a rebinding trick
            self._policy.check(host, ip)
        last_error: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(ip), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@cache
def ssl_context() -> ssl.SSLContext:
    """The process's one TLS context (certifi's CA bundle). Built once: loading the bundle costs about 20 ms of
    CPU, which every DOI lookup and feed fetch paid when each built its own; an `SSLContext` is safe to share
    between threads and event loops, and nothing changes it after this."""
    return ssl.create_default_context(cafile=certifi.where())


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool built on `GuardedBackend` (httpx 0.28 has no hook for it)."""

    def __init__(self, policy: AddressPolicy, limits: httpx.Limits) -> None:
        context = ssl_context()
        super().__init__(verify=context, trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )


# --- small helpers ------------------------------------------------------------------------------------


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A `Retry-After` header as seconds from `now` (it is a number of seconds or an HTTP date), capped
    at `MAX_RETRY_AFTER`; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        seconds = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code, even if this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="net-run") as pool:
        return pool.submit(asyncio.run, coroutine).result()
