"""Webhook signing secrets: generated here, shown once, stored encrypted.

Signing needs the secret itself, so it cannot be stored as a hash the way API
keys are. It is encrypted (Fernet) with a key derived from CAREPOST_SECRET_KEY,
so a copy of the database alone does not let anyone forge deliveries. Changing
CAREPOST_SECRET_KEY therefore means rotating every webhook secret.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SECRET_PREFIX = "whsec_"  # pragma: allowlist secret (the public prefix, not a secret)
_KDF_INFO = b"carepost webhook secrets v1"


class SecretUnreadable(RuntimeError):
    """A stored secret does not decrypt: CAREPOST_SECRET_KEY changed since it was stored."""


def generate_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class SecretBox:
    def __init__(self, server_secret: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KDF_INFO).derive(
            server_secret.encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise SecretUnreadable("a webhook secret does not decrypt with the current server key") from exc
