"""Which addresses feeds may be fetched from: the bot's one address guard, `bot.net` (public unicast addresses
only, unless the options allow private ones or trust given networks), named here for the feed engine.
"""

from __future__ import annotations

from bot.net import AddressPolicy, BlockedAddressError, IPAddress, IPNetwork, is_public_address, literal_ip

__all__ = ["AddressPolicy", "BlockedAddressError", "IPAddress", "IPNetwork", "is_public_address", "literal_ip"]
