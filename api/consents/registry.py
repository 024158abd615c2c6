"""Creating, reading and revoking consents, and the questions other parts ask of them.

The caller owns the transaction and commits. Every change leaves an audit event
holding ids and codes only: never the subject hint or the document reference.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from api.consents.schemas import ConsentCreate, ConsentOut, ConsentScope, ConsentStatus, RevocationReason
from api.consents.withdrawal import ConsentWithdrawal, WithdrawalCause, WithdrawalHandler
from api.keyring import Actor
from api.store.consent_models import ConsentRow, ConsentUse
from api.store.models import utcnow
from api.store.repositories import AuditRepository
from guardrails.context import Consent, MediaKind


class ConsentAlreadyRevokedError(Exception):
    """Revoking twice: the first revocation's time and reason stand."""


def status_of(row: ConsentRow, on: date) -> ConsentStatus:
    if row.revoked_at is not None:
        return ConsentStatus.revoked
    if row.expires_on is not None and row.expires_on < on:
        return ConsentStatus.expired
    return ConsentStatus.active


def to_out(row: ConsentRow, on: date) -> ConsentOut:
    return ConsentOut(
        id=row.id,
        subject_hint=row.subject_hint,
        scope=ConsentScope.model_validate(
            {
                "content_types": row.content_types,
                "platforms": row.platforms,
                "media_kinds": row.media_kinds,
                "topic": row.topic,
            }
        ),
        signed_on=row.signed_on,
        expires_on=row.expires_on,
        document_ref=row.document_ref,
        status=status_of(row, on),
        revoked_at=row.revoked_at,
        revocation_reason=None if row.revocation_reason is None else RevocationReason(row.revocation_reason),
        created_at=row.created_at,
    )


def _record(
    session: Session, row: ConsentRow, event_type: str, actor: Actor | None, **details: object
) -> None:
    AuditRepository(session).record(
        organisation_id=row.organisation_id,
        event_type=event_type,
        subject_type="consent",
        subject_id=str(row.id),
        actor_key_id=None if actor is None else actor.key_id,
        actor_user_id=None if actor is None else actor.user_id,
        details={"source": "sweep" if actor is None else actor.source, **details},
    )


def create(session: Session, organisation_id: uuid.UUID, data: ConsentCreate, *, actor: Actor) -> ConsentRow:
    row = ConsentRow(
        id=uuid.uuid4(),
        organisation_id=organisation_id,
        subject_hint=data.subject_hint,
        content_types=[value.value for value in data.scope.content_types],
        platforms=[value.value for value in data.scope.platforms],
        media_kinds=[value.value for value in data.scope.media_kinds],
        topic=data.scope.topic,
        signed_on=data.signed_on,
        expires_on=data.expires_on,
        document_ref=data.document_ref,
        created_by_key_id=actor.key_id,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    _record(
        session,
        row,
        "consent.created",
        actor,
        content_types=row.content_types,
        platforms=row.platforms,
        media_kinds=row.media_kinds,
        expires=row.expires_on is not None,
    )
    return row


def get(session: Session, organisation_id: uuid.UUID, consent_id: uuid.UUID) -> ConsentRow | None:
    return session.scalar(
        select(ConsentRow).where(ConsentRow.id == consent_id, ConsentRow.organisation_id == organisation_id)
    )


@dataclass(frozen=True)
class ConsentListing:
    items: Sequence[ConsentRow]
    total: int


def _status_condition(status: ConsentStatus, on: date) -> ColumnElement[bool]:
    not_expired = or_(ConsentRow.expires_on.is_(None), ConsentRow.expires_on >= on)
    if status is ConsentStatus.revoked:
        return ConsentRow.revoked_at.is_not(None)
    if status is ConsentStatus.expired:
        return and_(ConsentRow.revoked_at.is_(None), ConsentRow.expires_on < on)
    return and_(ConsentRow.revoked_at.is_(None), not_expired)


def listing(
    session: Session,
    organisation_id: uuid.UUID,
    *,
    on: date,
    limit: int,
    offset: int,
    status: ConsentStatus | None = None,
) -> ConsentListing:
    condition: ColumnElement[bool] = ConsentRow.organisation_id == organisation_id
    if status is not None:
        condition = and_(condition, _status_condition(status, on))
    total = session.scalar(select(func.count()).select_from(ConsentRow).where(condition)) or 0
    items = session.scalars(
        select(ConsentRow)
        .where(condition)
        .order_by(ConsentRow.created_at.desc(), ConsentRow.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return ConsentListing(items=items, total=total)


def affected_by(session: Session, consent_id: uuid.UUID) -> list[str]:
    """Ids of the drafts that used this consent, oldest use first."""
    return list(
        session.scalars(
            select(ConsentUse.draft_id)
            .where(ConsentUse.consent_id == consent_id)
            .order_by(ConsentUse.recorded_at, ConsentUse.draft_id)
        )
    )


def record_use(session: Session, organisation_id: uuid.UUID, consent_id: uuid.UUID, draft_id: str) -> None:
    """Note that `draft_id` relies on the consent (repeating it is harmless). For the drafting code."""
    if get(session, organisation_id, consent_id) is None:
        raise LookupError("no such consent in this organisation")
    if session.get(ConsentUse, (consent_id, draft_id)) is None:
        session.add(ConsentUse(consent_id=consent_id, draft_id=draft_id, recorded_at=utcnow()))
        session.flush()


def _withdraw(
    session: Session, row: ConsentRow, cause: WithdrawalCause, at: datetime, handler: WithdrawalHandler
) -> ConsentWithdrawal:
    withdrawal = ConsentWithdrawal(
        organisation_id=row.organisation_id,
        consent_id=row.id,
        cause=cause,
        draft_ids=tuple(affected_by(session, row.id)),
        at=at,
    )
    handler(session, withdrawal)
    return withdrawal


def revoke(
    session: Session,
    row: ConsentRow,
    reason: RevocationReason,
    *,
    actor: Actor,
    handler: WithdrawalHandler,
) -> ConsentWithdrawal:
    # Conditional update: of two concurrent revocations exactly one changes the row.
    now = utcnow()
    changed = session.execute(
        update(ConsentRow)
        .where(ConsentRow.id == row.id, ConsentRow.revoked_at.is_(None))
        .values(revoked_at=now, revocation_reason=reason.value)
        .returning(ConsentRow.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if changed is None:
        raise ConsentAlreadyRevokedError
    session.refresh(row)
    withdrawal = _withdraw(session, row, "revoked", now, handler)
    _record(
        session, row, "consent.revoked", actor, reason=reason.value, affected_drafts=len(withdrawal.draft_ids)
    )
    return withdrawal


def sweep_expired(
    session: Session, *, clock: Callable[[], datetime], handler: WithdrawalHandler
) -> list[ConsentWithdrawal]:
    """Handle every consent that has expired (the day after `expires_on`, UTC) since the last sweep.

    Each is claimed with a conditional update, so concurrent sweeps handle it once;
    revoked consents were handled when revoked. The caller commits.
    """
    now = clock()
    today = now.date()
    due = session.scalars(
        select(ConsentRow)
        .where(
            ConsentRow.expires_on < today,
            ConsentRow.revoked_at.is_(None),
            ConsentRow.expiry_handled_at.is_(None),
        )
        .order_by(ConsentRow.expires_on, ConsentRow.id)
    ).all()
    handled = []
    for row in due:
        claimed = session.execute(
            update(ConsentRow)
            .where(ConsentRow.id == row.id, ConsentRow.expiry_handled_at.is_(None))
            .values(expiry_handled_at=now)
            .returning(ConsentRow.id)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if claimed is None:
            continue
        withdrawal = _withdraw(session, row, "expired", now, handler)
        _record(session, row, "consent.expired", None, affected_drafts=len(withdrawal.draft_ids))
        handled.append(withdrawal)
    return handled


def valid_consents(
    session: Session,
    organisation_id: uuid.UUID,
    ids: Iterable[str],
    *,
    on: date,
    media: Sequence[MediaKind] = (),
    topics: Sequence[str] = (),
) -> list[Consent]:
    """The consents among `ids` that are valid on `on`, as the guardrails' `Consent` facts.

    For the drafting API: pass the brief's `consent_ids`, the kinds of its media and
    its topics and product ids. Unknown, malformed, foreign, revoked, expired or
    not-yet-signed ids are left out (so PHI stays blocked), as are consents whose
    media kinds do not cover the post's media or whose topic is not among `topics`.
    Platform and content-type scope go into `Consent.scope` for `Consent.covers()`.
    """
    wanted = set()
    for value in ids:
        try:
            wanted.add(uuid.UUID(value))
        except ValueError:
            continue
    if not wanted:
        return []
    rows = session.scalars(
        select(ConsentRow)
        .where(
            ConsentRow.organisation_id == organisation_id,
            ConsentRow.id.in_(wanted),
            ConsentRow.revoked_at.is_(None),
            ConsentRow.signed_on <= on,
            or_(ConsentRow.expires_on.is_(None), ConsentRow.expires_on >= on),
        )
        .order_by(ConsentRow.id)
    ).all()
    post_media = {kind.value for kind in media}
    return [
        Consent(
            id=str(row.id),
            subject_hint=row.subject_hint,
            scope=[*row.content_types, *row.platforms],
            expires=row.expires_on,
        )
        for row in rows
        if post_media <= set(row.media_kinds) and (row.topic is None or row.topic in topics)
    ]
