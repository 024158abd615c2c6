"""Whether a version's findings still stand on valid consents.

A version is checked once, with the consents valid at that moment: a named patient
covered by a consent is an annotation, not a block. If one of those consents is
revoked or expires later, the stored findings are too lenient, so the version must
not be approved or published; an edit reruns the guardrails without the consent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.problems import ProblemError
from api.store.consent_models import ConsentRow, ConsentUse
from api.store.drafting_models import DraftRow, DraftVersionRow
from api.workflow.states import Action


def _valid_at(row: ConsentRow, moment: datetime) -> bool:
    if row.revoked_at is not None and row.revoked_at <= moment:
        return False
    if row.signed_on > moment.date():
        return False
    return row.expires_on is None or row.expires_on >= moment.date()


def withdrawn_consents(
    session: Session, draft: DraftRow, version: DraftVersionRow, now: datetime
) -> list[str]:
    """Ids of consents the draft used that were valid when `version` was checked and are not now."""
    rows = session.scalars(
        select(ConsentRow)
        .join(ConsentUse, ConsentUse.consent_id == ConsentRow.id)
        .where(ConsentUse.draft_id == str(draft.id), ConsentRow.organisation_id == draft.organisation_id)
        .order_by(ConsentRow.id)
    ).all()
    return [str(r.id) for r in rows if _valid_at(r, version.created_at) and not _valid_at(r, now)]


def require_consent_basis(
    session: Session, draft: DraftRow, version: DraftVersionRow, now: datetime, action: Action
) -> None:
    if withdrawn_consents(session, draft, version, now):
        raise ProblemError(
            409,
            f"Cannot {action.value} this version: a consent it relied on was revoked or has expired. "
            "Edit the draft so the guardrails check it again.",
            kind="consent-withdrawn",
            title="Consent withdrawn",
        )
