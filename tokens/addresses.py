"""Which client a request comes from: its peer, or whom trusted proxies say they forwarded.

A forwarded-for header is only words a client can write, so it is read only when the
direct peer is one of TOKEN_TRUSTED_PROXIES. Then the chain is walked from the right (the
hop our own proxy appended) and the first address that is not a trusted proxy is the
client: anything left of it may have been made up by that client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

from pydantic import IPvAnyNetwork
from starlette.datastructures import Headers

IPV6_PREFIX = 64
"""One IPv6 subscriber usually holds a whole /64, so the rate limit counts per /64."""
MAX_KEY_CHARS = 64

ProxyHeader = Literal["x-forwarded-for", "forwarded"]


def client_address(
    peer: str | None,
    headers: Headers,
    *,
    trusted: Sequence[IPvAnyNetwork],
    header: ProxyHeader = "x-forwarded-for",
) -> str:
    """Return the address a request comes from, believing only trusted proxies."""
    if peer is None:
        return "unknown"
    if not _within(peer, trusted):
        return peer
    hops = _hops(headers, header)
    for hop in reversed(hops):
        if not _within(hop, trusted):
            return hop
    return hops[0] if hops else peer


def rate_key(address: str) -> str:
    """Return the key a client is counted under: its IPv4 address, or its IPv6 /64."""
    ip = _ip(address)
    if ip is None:
        return address[:MAX_KEY_CHARS]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def _within(address: str, networks: Sequence[IPvAnyNetwork]) -> bool:
    """Tell whether `address` is an IP inside one of `networks`."""
    ip = _ip(address) if networks else None
    return ip is not None and any(ip in network for network in networks)


@lru_cache(maxsize=4096)
def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Parse an IP address, or return None; cached, as the same peers and clients recur."""
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def _hops(headers: Headers, header: ProxyHeader) -> list[str]:
    """Return the forwarded-for addresses, client side first, ports and quotes removed."""
    joined = ",".join(headers.getlist(header))
    if header == "x-forwarded-for":
        values = joined.split(",")
    else:  # RFC 7239: Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"
        values = [
            pair.split("=", 1)[1]
            for element in joined.split(",")
            for pair in element.split(";")
            if pair.strip().lower().startswith("for=")
        ]
    return [_host(value) for value in values if value.strip()]


def _host(value: str) -> str:
    """Strip quotes, IPv6 brackets and a port from one hop."""
    host = value.strip().strip('"')
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host
