"""What happens to content when a consent it used is revoked or expires.

The registry knows which drafts used a consent (`consent_uses`); the review
workflow moves those drafts back to re-review and emits `content.takedown` for
published ones (`api.workflow.withdrawal.rereview_withdrawn`). Both the API
(revocation) and `carepost consents sweep` (expiry) take the handler from
`withdrawal_handler(settings)` below. The handler runs inside the transaction that
records the revocation or expiry, so both commit or neither.

`record_pending` is the plain audit-only handler the registry was built with: one
`consent.withdrawal_pending` event per affected draft (tests of the registry use it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from sqlalchemy.orm import Session

from api.settings import Settings
from api.store.repositories import AuditRepository
from api.workflow.withdrawal import rereview_withdrawn

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
    """The handler in use: the review workflow's re-review (and takedown of published content)."""
    return rereview_withdrawn
