"""The client's address, behind trusted reverse proxies (rate limits, logs).

`REMOTE_ADDR` is the peer that opened the connection. When that peer is one of
`MEETUP_TRUSTED_PROXIES` (addresses or networks: `10.0.0.0/8,127.0.0.1`), the client is the
right-most address of `X-Forwarded-For` that is not itself a trusted proxy: each proxy appends
the peer it saw, so addresses left of the last untrusted one are whatever the client claimed.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """The client's address as a string ("" when the request has none)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "MEETUP_TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(_parse(remote), networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            return remote  # a mangled header: trust only what we saw
        if not _trusted(address, networks):
            return str(address)
    return str(_parse(hops[0])) if hops else remote
