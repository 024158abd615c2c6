"""What happens to content when a consent it used is revoked or expires: the seam for the workflow.

The registry knows which drafts used a consent (`consent_uses`); moving those
drafts back to re-review and emitting `content.takedown` for published ones is
the review workflow's job. It plugs in by providing a `WithdrawalHandler` from
`withdrawal_handler(settings)` below, the one place both the API (revocation)
and `carepost consents sweep` (expiry) take it from. The handler runs inside the
transaction that records the revocation or expiry, so both commit or neither.

Until the workflow exists, the handler is `record_pending`: it writes one
`consent.withdrawal_pending` audit event per affected draft, so nothing is lost
and the workflow can replay them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from sqlalchemy.orm import Session

from api.settings import Settings
from api.store.repositories import AuditRepository

WithdrawalCause = Literal["revoked", "expired"]


@dataclass(frozen=True)
class ConsentWithdrawal:
    organisation_id: uuid.UUID
    consent_id: uuid.UUID
    cause: WithdrawalCause
    draft_ids: tuple[str, ...]  # every draft that used the consent (consent_uses)
    at: datetime


class WithdrawalHandler(Protocol):
    def __call__(self, session: Session, withdrawal: ConsentWithdrawal) -> None:
        """Act on the affected drafts in `session`'s transaction; raising aborts the revocation too."""


def record_pending(session: Session, withdrawal: ConsentWithdrawal) -> None:
    audit = AuditRepository(session)
    for draft_id in withdrawal.draft_ids:
        audit.record(
            organisation_id=withdrawal.organisation_id,
            event_type="consent.withdrawal_pending",
            subject_type="draft",
            subject_id=draft_id,
            details={"consent_id": str(withdrawal.consent_id), "cause": withdrawal.cause},
        )


def withdrawal_handler(settings: Settings) -> WithdrawalHandler:
    """The handler in use; the review workflow replaces `record_pending` here."""
    return record_pending
