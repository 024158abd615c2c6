"""The SSRF guard: a webhook URL may only make Carepost reach public addresses unless settings allow more.

Checked when a webhook is registered or changed, and again before every
delivery, because a name can resolve differently later (DNS rebinding). The
delivery then connects to the very address that was checked (`Target.pinned_url`),
so a second lookup inside the HTTP client cannot swap it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# host, port -> addresses; injectable so tests never resolve real names.
Resolver = Callable[[str, int], Sequence[str]]


class UrlRefused(ValueError):
    """The URL may not be used; `reason` is a stable code safe to show and store."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True)
class UrlPolicy:
    allow_http: bool = False
    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    resolver: Resolver = field(default=system_resolver, compare=False)


@dataclass(frozen=True)
class Target:
    url: httpx.URL
    address: IPAddress

    def pinned_url(self) -> httpx.URL:
        """The URL with its host replaced by the checked address (Host header and SNI keep the name)."""
        return self.url.copy_with(host=str(self.address))


def _classify(address: IPAddress) -> str | None:
    """Why an address is not public, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_unspecified or address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:  # e.g. 100.64.0.0/10, shared address space
        return "non-public"
    return None


def _permitted(address: IPAddress, policy: UrlPolicy) -> str | None:
    kind = _classify(address)
    if kind is None or policy.allow_private:
        return None
    if any(address in network for network in policy.allowed_networks):
        return None
    return kind


def parse_url(raw: str, policy: UrlPolicy) -> httpx.URL:
    """Check the URL's form (scheme, host, no credentials) without resolving it."""
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, ValueError) as exc:
        raise UrlRefused("invalid", "The webhook URL is not a valid absolute URL.") from exc
    if url.scheme not in ("https", "http") or not url.host:
        raise UrlRefused("invalid", "The webhook URL must be an absolute https:// URL.")
    if url.scheme == "http" and not policy.allow_http:
        raise UrlRefused("scheme", "The webhook URL must use https.")
    if url.userinfo:
        raise UrlRefused("credentials", "The webhook URL must not carry a user name or password.")
    if url.fragment:
        raise UrlRefused("invalid", "The webhook URL must not have a fragment.")
    return url


def _addresses(host: str, port: int, policy: UrlPolicy) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass  # a name, not a literal address
    try:
        resolved = policy.resolver(host, port)
    except (OSError, UnicodeError) as exc:
        raise UrlRefused("unresolvable", "The webhook URL's host name does not resolve.") from exc
    if not resolved:
        raise UrlRefused("unresolvable", "The webhook URL's host name does not resolve.")
    # Scoped IPv6 results carry "%interface"; the address is what is checked.
    return [ipaddress.ip_address(value.split("%")[0]) for value in resolved]


def resolve_target(raw: str, policy: UrlPolicy) -> Target:
    """Parse, resolve and check every address the host resolves to; the first one is the target."""
    url = parse_url(raw, policy)
    host = url.host
    port = url.port or (443 if url.scheme == "https" else 80)
    addresses = _addresses(host, port, policy)
    for address in addresses:
        # One bad address refuses the lot: the client could otherwise pick it on a retry.
        kind = _permitted(address, policy)
        if kind is not None:
            raise UrlRefused(
                "address",
                f"The webhook URL resolves to a {kind} address; only public addresses are allowed "
                "unless CAREPOST_WEBHOOK_ALLOW_PRIVATE or CAREPOST_WEBHOOK_ALLOWED_NETWORKS permit it.",
            )
    return Target(url=url, address=addresses[0])
