"""Password hashing for people (web sign-in and re-authentication at signing), with argon2-cffi.

argon2id with the library's defaults (RFC 9106 "low memory" profile); a hash made
with older parameters verifies and is reported by `needs_rehash` so the caller can
store a fresh one after a successful sign-in.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12


class PasswordTooWeak(ValueError):
    """The password is shorter than MIN_PASSWORD_LENGTH (never carries the password)."""


class Passwords:
    """Hash and verify passwords; build one per app (PasswordHasher holds only parameters)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()

    def hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise PasswordTooWeak(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """True when `password` matches; False for a mismatch, a missing or a malformed hash."""
        if not stored_hash:
            # Spend the same effort as a real check so timing does not tell which accounts have passwords.
            self._hasher.hash(password)
            return False
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)
