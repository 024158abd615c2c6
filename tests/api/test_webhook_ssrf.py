"""The SSRF guard: only public https targets unless settings allow more; checked by address, not by name."""

from __future__ import annotations

import ipaddress

import pytest

from api.webhooks.ssrf import UrlPolicy, UrlRefused, resolve_target
from tests.api.webhook_helpers import PUBLIC_ADDRESS, fake_resolver

DNS = fake_resolver(
    {
        "hooks.example.org": [PUBLIC_ADDRESS],
        "intranet.example.org": ["10.1.2.3"],
        "rebind.example.org": [PUBLIC_ADDRESS, "127.0.0.1"],
        "metadata.example.org": ["169.254.169.254"],
        "six.example.org": ["2606:2800:220:1:248:1893:25c8:1946"],
        "six-local.example.org": ["fd00::1"],
    }
)
STRICT = UrlPolicy(resolver=DNS)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://10.0.0.5/hook", "address"),
        ("https://10.255.255.255:8443/hook", "address"),
        ("https://172.16.3.4/hook", "address"),
        ("https://192.168.1.1/hook", "address"),
        ("https://127.0.0.1/hook", "address"),
        ("https://127.8.9.10/hook", "address"),
        ("https://[::1]/hook", "address"),
        ("https://169.254.169.254/latest/meta-data", "address"),
        ("https://[fe80::1]/hook", "address"),
        ("https://0.0.0.0/hook", "address"),
        ("https://224.0.0.1/hook", "address"),
        ("https://240.0.0.1/hook", "address"),
        ("https://100.64.0.1/hook", "address"),
        ("https://[::ffff:10.0.0.1]/hook", "address"),
        ("https://[fd00::1]/hook", "address"),
        ("https://intranet.example.org/hook", "address"),
        ("https://metadata.example.org/hook", "address"),
        ("https://rebind.example.org/hook", "address"),
        ("https://six-local.example.org/hook", "address"),
        ("https://nowhere.example.org/hook", "unresolvable"),
        ("http://hooks.example.org/hook", "scheme"),
        ("ftp://hooks.example.org/hook", "invalid"),
        ("hooks.example.org/hook", "invalid"),
        ("https://user:pw@hooks.example.org/hook", "credentials"),  # pragma: allowlist secret
        ("https://hooks.example.org/hook#frag", "invalid"),
        ("https:///hook", "invalid"),
    ],
)
def test_refused(url: str, reason: str) -> None:
    with pytest.raises(UrlRefused) as refused:
        resolve_target(url, STRICT)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("https://hooks.example.org/hook", PUBLIC_ADDRESS),
        ("https://hooks.example.org:8443/a/b?c=d", PUBLIC_ADDRESS),
        ("https://93.184.216.34/hook", PUBLIC_ADDRESS),
        ("https://six.example.org/hook", "2606:2800:220:1:248:1893:25c8:1946"),
    ],
)
def test_public_targets_pass_and_pin_the_checked_address(url: str, address: str) -> None:
    target = resolve_target(url, STRICT)
    assert target.address == ipaddress.ip_address(address)
    pinned = target.pinned_url()
    assert pinned.host == address
    assert pinned.path == target.url.path
    assert pinned.port == target.url.port


def test_settings_can_allow_private_and_http() -> None:
    loose = UrlPolicy(allow_http=True, allow_private=True, resolver=DNS)
    assert str(resolve_target("http://127.0.0.1:9000/hook", loose).address) == "127.0.0.1"
    assert str(resolve_target("https://intranet.example.org/hook", loose).address) == "10.1.2.3"


def test_an_allowed_network_admits_only_itself() -> None:
    policy = UrlPolicy(allowed_networks=(ipaddress.ip_network("10.1.0.0/16"),), resolver=DNS)
    assert str(resolve_target("https://intranet.example.org/hook", policy).address) == "10.1.2.3"
    with pytest.raises(UrlRefused):
        resolve_target("https://10.2.0.1/hook", policy)
    with pytest.raises(UrlRefused):
        resolve_target("https://127.0.0.1/hook", policy)
