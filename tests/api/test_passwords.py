from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from api.passwords import Passwords, PasswordTooWeak

# Cheap parameters keep the tests fast; the production hasher uses the library defaults.
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def test_a_hashed_password_verifies_and_a_wrong_one_does_not() -> None:
    passwords = Passwords(FAST)
    stored = passwords.hash("correct horse battery")  # pragma: allowlist secret
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert passwords.verify(stored, "correct horse battery")  # pragma: allowlist secret
    assert not passwords.verify(stored, "correct horse battery!")  # pragma: allowlist secret


def test_missing_or_malformed_hashes_never_verify() -> None:
    passwords = Passwords(FAST)
    assert not passwords.verify(None, "anything at all here")
    assert not passwords.verify("not-a-hash", "anything at all here")


def test_short_passwords_are_refused_without_echoing_them() -> None:
    with pytest.raises(PasswordTooWeak) as caught:
        Passwords(FAST).hash("short1")
    assert "short1" not in str(caught.value)


def test_a_hash_with_weaker_parameters_asks_for_a_rehash() -> None:
    weak = Passwords(FAST).hash("correct horse battery")  # pragma: allowlist secret
    assert Passwords().needs_rehash(weak)
