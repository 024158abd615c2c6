"""E-signatures: re-authentication at the moment of signing, and the signature record.

The signer proves again who they are with the credential they hold (an API key's
secret, a user's password); a session or bearer token alone is not a signature. A
refusal is audited without the credential. A signature binds signer, role, stated
meaning, time and content hash to the signed audit chain head at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from sqlalchemy.orm import Session

from api.audit.chain import checkpoint
from api.credentials import digest_matches
from api.passwords import Passwords
from api.store.drafting_models import DraftVersionRow
from api.store.models import ApiKey, User
from api.store.repositories import AuditRepository
from api.store.workflow_models import DecisionRow, SignatureRow
from api.workflow.actor import WorkflowActor
from api.workflow.states import Action


class Meaning(StrEnum):
    """What the signer states by signing (shown with the signature, kept as a code)."""

    approved_for_publication = "approved_for_publication"
    rejected_for_publication = "rejected_for_publication"
    block_finding_overridden = "block_finding_overridden"


MEANING_TEXT: dict[Meaning, str] = {
    Meaning.approved_for_publication: "I approve this content for publication.",
    Meaning.rejected_for_publication: "I reject this content for publication.",
    Meaning.block_finding_overridden: "I accept the overridden findings for this content, for the reason given.",
}
MEANING_OF: dict[Action, Meaning] = {
    Action.approve: Meaning.approved_for_publication,
    Action.reject: Meaning.rejected_for_publication,
    Action.override: Meaning.block_finding_overridden,
}


class SignatureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meaning: Meaning
    credential: SecretStr = Field(
        min_length=1,
        max_length=1024,
        description="Re-authentication now: the calling API key's secret, or the signed-in user's password.",
    )


class ReauthenticationFailed(Exception):
    """The credential did not prove the actor's identity; the refusal is already audited."""


class MeaningMismatch(Exception):
    """The stated meaning is not the one this action signs."""


@dataclass(frozen=True)
class CredentialCheck:
    """Verifies a signer's credential against the stored key digest or password hash."""

    passwords: Passwords

    def __call__(self, session: Session, actor: WorkflowActor, credential: str) -> bool:
        if actor.key_id is not None:
            key = session.get(ApiKey, actor.key_id)
            return (
                key is not None
                and key.active
                and key.organisation_id == actor.organisation_id
                and digest_matches(credential, key.key_hash)
            )
        user = session.get(User, actor.user_id)
        if user is None or user.organisation_id != actor.organisation_id:
            self.passwords.verify(None, credential)  # same effort either way: timing says nothing
            return False
        return self.passwords.verify(user.password_hash, credential)


def reauthenticate(
    session: Session,
    check: CredentialCheck,
    actor: WorkflowActor,
    signature: SignatureIn,
    *,
    action: Action,
    draft_id: str,
) -> None:
    """Raise MeaningMismatch or ReauthenticationFailed (after auditing `signature.refused`)."""
    if signature.meaning is not MEANING_OF[action]:
        raise MeaningMismatch
    if check(session, actor, signature.credential.get_secret_value()):
        return
    AuditRepository(session).record(
        organisation_id=actor.organisation_id,
        event_type="signature.refused",
        subject_type="draft",
        subject_id=draft_id,
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        details={"source": "api", "action": action.value, "meaning": signature.meaning.value},
    )
    raise ReauthenticationFailed


def sign(
    session: Session,
    decision: DecisionRow,
    version: DraftVersionRow,
    actor: WorkflowActor,
    meaning: Meaning,
    now: datetime,
) -> SignatureRow:
    """Sign `decision` (its audit event already appended): the signed chain head goes with it."""
    head = checkpoint(session)
    row = SignatureRow(
        organisation_id=actor.organisation_id,
        decision_id=decision.id,
        draft_id=decision.draft_id,
        version_number=version.number,
        content_sha256=version.content_sha256,
        signer=actor.ref,
        signer_key_id=actor.key_id,
        signer_user_id=actor.user_id,
        signer_role=actor.role.value,
        meaning=meaning.value,
        signed_at=now,
        checkpoint_id=head.checkpoint_id,
        chain_seq=head.seq,
        chain_head_hash=head.head_hash,
        chain_mac=head.mac,
    )
    session.add(row)
    session.flush()
    AuditRepository(session).record(
        organisation_id=actor.organisation_id,
        event_type="signature.recorded",
        subject_type="signature",
        subject_id=str(row.id),
        actor_key_id=actor.key_id,
        actor_user_id=actor.user_id,
        details={
            "source": "api",
            "draft_id": str(decision.draft_id),
            "decision_id": str(decision.id),
            "meaning": meaning.value,
            "version": version.number,
            "content_sha256": version.content_sha256,
            "chain_seq": head.seq,
            "chain_head_hash": head.head_hash,
        },
    )
    return row
