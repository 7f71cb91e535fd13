"""Which addresses feeds may be fetched from: public unicast addresses only (`is_public_address`), unless the
options allow private ones or trust given networks (`AddressPolicy`).

The fetcher (`bot.digests.feeds.fetch`) enforces this policy on every connection it opens, after resolving
the host name itself, so a redirect or a second DNS answer cannot reach an address this policy refuses.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from bot.digests.feeds.types import FetchOptions

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class BlockedAddressError(Exception):
    """The host resolves to an address feeds may not be fetched from."""

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
    def from_options(cls, options: FetchOptions) -> AddressPolicy:
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
