"""The test harness itself: the network guard and the offline environment."""

from __future__ import annotations

import os
import socket

import pytest

from api.offline import OFFLINE_DEFAULTS
from tests.conftest import NetworkAccessError, NetworkGuard


def test_connections_off_this_machine_are_refused(network_guard: NetworkGuard) -> None:
    before = len(network_guard.attempts)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkAccessError):
        sock.connect(("203.0.113.7", 443))  # TEST-NET-3: never routed
    with pytest.raises(NetworkAccessError):
        socket.getaddrinfo("pypi.org", 443)
    # Clear the record so this test's deliberate attempts do not fail it.
    del network_guard.attempts[before:]


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
    assert socket.getaddrinfo("localhost", 80)


def test_offline_switches_and_caches_are_set() -> None:
    for name, value in OFFLINE_DEFAULTS.items():
        assert os.environ[name] == value
    cache = os.environ["XDG_CACHE_HOME"]
    assert "carepost-test-cache-" in cache
    assert os.environ["TLDEXTRACT_CACHE"].startswith(cache)
