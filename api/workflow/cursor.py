"""An opaque position in the drafts' change order (updated_at, id), for CMS polling.

A CMS asks for "approved content changed after the last item I saw": keyset
pagination over the order the listing already uses, so a poll neither skips nor
repeats a draft when others change between polls, as offsets would.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

PREFIX = "c1."


class BadCursor(ValueError):
    """The cursor was not made by `encode` (the message never repeats it)."""


@dataclass(frozen=True)
class ChangeCursor:
    updated_at: datetime
    draft_id: uuid.UUID

    def encode(self) -> str:
        raw = f"{self.updated_at.astimezone(UTC).isoformat()}|{self.draft_id}".encode()
        return PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> ChangeCursor:
        if not token.startswith(PREFIX):
            raise BadCursor("not a cursor this service issued")
        body = token[len(PREFIX) :]
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
            stamp, _, draft_id = raw.partition("|")
            when = datetime.fromisoformat(stamp)
            if when.tzinfo is None:
                raise BadCursor("not a cursor this service issued")
            return cls(when.astimezone(UTC), uuid.UUID(draft_id))
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise BadCursor("not a cursor this service issued") from exc
