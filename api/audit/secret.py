"""The server's audit key: HMAC key for signed chain heads.

From `CAREPOST_AUDIT_SECRET` when set (required in production). Otherwise, for
development and `make run`, a random key is generated once into
`<data_dir>/audit.key` (mode 0600) and read from there afterwards. The key is
never logged or printed; losing it means old checkpoints can no longer be checked.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from api.settings import Settings

AUDIT_KEY_FILE = "audit.key"


class AuditSecretError(RuntimeError):
    """No usable audit key; the message says where one is expected, never a value."""


def audit_key_path(settings: Settings) -> Path:
    return settings.data_dir / AUDIT_KEY_FILE


def load_audit_key(settings: Settings, *, create: bool = True) -> bytes:
    """The audit key; generates the development key file on first use when `create`."""
    if settings.audit_secret is not None:
        return settings.audit_secret.get_secret_value().encode()
    if settings.env == "production":
        raise AuditSecretError("CAREPOST_AUDIT_SECRET must be set when CAREPOST_ENV=production")
    path = audit_key_path(settings)
    try:
        return _read(path)
    except FileNotFoundError:
        if not create:
            raise AuditSecretError(
                f"no audit key: set CAREPOST_AUDIT_SECRET or start the service once to create {path}"
            ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting together create one key; the loser reads the winner's.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    return _read(path)


def _read(path: Path) -> bytes:
    key = path.read_text().strip().encode()
    if not key:
        raise AuditSecretError(f"the audit key file {path} is empty")
    return key
