"""API key format, hashing and verification.

A key looks like `cp_<43 url-safe characters>`: 32 random bytes from `secrets`.
It is shown once when created; the database keeps only its lookup prefix and a
SHA-256 digest.

Why SHA-256 and not a slow password hash (argon2, bcrypt): slow hashes exist to
make guessing low-entropy passwords expensive. A 256-bit random key cannot be
guessed whatever the hash, so a fast digest is as safe here and keeps
authentication cheap on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_MARKER = "cp_"
KEY_RANDOM_BYTES = 32
# The marker plus 9 random characters (54 bits): unique enough to find a key by
# index, far too short to help anyone guess the rest.
PREFIX_LENGTH = len(KEY_MARKER) + 9


@dataclass(frozen=True)
class NewKey:
    secret: str
    prefix: str
    digest: str


def generate_key() -> NewKey:
    secret = KEY_MARKER + secrets.token_urlsafe(KEY_RANDOM_BYTES)
    return NewKey(secret=secret, prefix=key_prefix(secret), digest=hash_key(secret))


def key_prefix(secret: str) -> str:
    return secret[:PREFIX_LENGTH]


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_key(secret: str) -> bool:
    return secret.startswith(KEY_MARKER) and len(secret) > PREFIX_LENGTH


def digest_matches(secret: str, stored_digest: str) -> bool:
    """Constant-time comparison, so response timing says nothing about how close a guess was."""
    return hmac.compare_digest(hash_key(secret), stored_digest)
