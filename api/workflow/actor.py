"""Who acts on a draft: an API key or a signed-in user, with their organisation and role.

The workflow service takes this plain value rather than a request principal, so
the API (keys) and the web UI (users) call the same functions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from api.keyring import Actor
from api.store.models import Role


@dataclass(frozen=True)
class WorkflowActor:
    organisation_id: uuid.UUID
    role: Role
    key_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        if (self.key_id is None) == (self.user_id is None):
            raise ValueError("a workflow actor is exactly one of an API key or a user")

    @property
    def id(self) -> uuid.UUID:
        value = self.key_id or self.user_id
        assert value is not None  # __post_init__
        return value

    @property
    def ref(self) -> str:
        """One comparable value for "who": `key:<uuid>` or `user:<uuid>`."""
        return f"key:{self.key_id}" if self.key_id is not None else f"user:{self.user_id}"

    @property
    def audit_actor(self) -> Actor:
        return Actor(source="api", key_id=self.key_id, user_id=self.user_id)


def ref_of(key_id: uuid.UUID | None, user_id: uuid.UUID | None) -> str | None:
    if key_id is not None:
        return f"key:{key_id}"
    if user_id is not None:
        return f"user:{user_id}"
    return None
