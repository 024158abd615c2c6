"""Edits as new immutable versions, checked again by the guardrails, and word-level diffs between versions."""

from __future__ import annotations

import difflib
import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from agents.brief import Brief
from agents.errors import AgentError
from api.consents.registry import record_use, valid_consents
from api.drafting.handler import content_sha256
from api.problems import ProblemError
from api.store.drafting_models import BriefRow, DraftRow, DraftVersionRow
from api.store.library_repository import knowledge_org
from api.workflow.actor import WorkflowActor
from api.workflow.deps import WorkflowDeps
from api.workflow.schemas import DiffOp, DiffOut, VersionIn
from api.workflow.states import Action, State, targets
from api.workflow.transitions import current_version, lock_draft, move
from guardrails.context import Platform
from guardrails.findings import Finding, Severity

_TOKENS = re.compile(r"\S+")


def _draft(session: Session, actor: WorkflowActor, draft_id: uuid.UUID) -> DraftRow:
    draft = session.scalar(
        select(DraftRow).where(DraftRow.id == draft_id, DraftRow.organisation_id == actor.organisation_id)
    )
    if draft is None:
        raise ProblemError(404, "No such draft in this organisation.")
    return draft


def _brief(session: Session, draft: DraftRow) -> Brief:
    row = session.get(BriefRow, draft.brief_id)
    if row is None or row.content is None:
        # Without the brief there is no context to check the edit against; never check it blind.
        raise ProblemError(
            409,
            "The brief of this draft was purged, so an edit cannot be checked; start a new brief.",
            kind="brief-purged",
            title="Brief purged",
        )
    return Brief.model_validate(row.content)


def edit(
    session: Session, deps: WorkflowDeps, actor: WorkflowActor, draft_id: uuid.UUID, body: VersionIn
) -> DraftRow:
    """Store `body` as the draft's next version with fresh findings; the draft goes to needs_review or blocked."""
    draft = _draft(session, actor, draft_id)
    targets(Action.edit, draft.state)  # refuse early, before spending a guardrail run
    seen_version = draft.current_version
    previous = current_version(session, draft)
    brief = _brief(session, draft)
    extra = [str(c) for c in body.consent_ids if str(c) not in brief.consent_ids]
    brief = brief.model_copy(update={"consent_ids": [*brief.consent_ids, *extra]})
    now = deps.clock()
    consents = valid_consents(
        session,
        actor.organisation_id,
        brief.consent_ids,
        on=now.date(),
        media=[m.kind for m in brief.media],
        topics=[*brief.topics, *brief.product_ids],
    )
    valid_ids = {c.id for c in consents}
    if any(c not in valid_ids for c in extra):
        raise ProblemError(
            422,
            "A consent to attach is unknown, revoked, expired or out of scope for this content.",
            kind="consent-not-valid",
            title="Consent not valid",
        )
    alt_texts = previous.alt_texts if body.alt_texts is None else body.alt_texts
    try:
        findings = deps.orchestrator.check_edit(
            knowledge_org(actor.organisation_id),
            brief,
            Platform(draft.platform),
            body.text,
            consents=consents,
            alt_texts=alt_texts,
        )
    except AgentError:
        raise ProblemError(
            409, "This organisation has no knowledge library to check the edit against.", kind="no-library"
        ) from None
    locked = lock_draft(session, actor.organisation_id, draft_id, now)
    assert locked is not None  # drafts are never deleted
    if locked.current_version != seen_version:
        raise ProblemError(409, "The draft changed while the edit was checked; reload and edit again.")
    targets(Action.edit, locked.state)
    version = DraftVersionRow(
        draft_id=locked.id,
        number=seen_version + 1,
        text=body.text,
        content_sha256=content_sha256(body.text),
        findings=[f.model_dump(mode="json") for f in findings],
        alt_texts=list(alt_texts),
        rounds=0,
        citations=list(previous.citations),
        author=actor.ref,
        author_key_id=actor.key_id,
        author_user_id=actor.user_id,
        created_at=now,
    )
    session.add(version)
    locked.current_version = version.number
    locked.review_round += 1
    locked.approved_version = None
    locked.approval_expires_at = None
    session.flush()
    for consent_id in extra:
        record_use(session, actor.organisation_id, uuid.UUID(consent_id), str(locked.id))
    blocked = any(f.severity is Severity.BLOCK for f in findings)
    move(
        session,
        locked,
        Action.edit,
        State.blocked if blocked else State.needs_review,
        version=version,
        actor=actor,
        now=now,
        details={"previous_version": previous.number, "consents_attached": len(extra)},
    )
    return locked


def version_of(session: Session, actor: WorkflowActor, draft_id: uuid.UUID, number: int) -> DraftVersionRow:
    draft = _draft(session, actor, draft_id)
    version = session.get(DraftVersionRow, (draft.id, number))
    if version is None:
        raise ProblemError(404, "This draft has no such version.")
    return version


def word_diff(before: str, after: str) -> list[DiffOp]:
    """Word-level diff: difflib over whitespace-separated tokens; a replacement is a delete and an insert."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(DiffOp(op="equal", text=" ".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            ops.append(DiffOp(op="delete", text=" ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(DiffOp(op="insert", text=" ".join(b[j1:j2])))
    return ops


def diff(session: Session, actor: WorkflowActor, draft_id: uuid.UUID, start: int, end: int) -> DiffOut:
    before = version_of(session, actor, draft_id, start)
    after = version_of(session, actor, draft_id, end)
    return DiffOut(
        draft_id=draft_id, from_version=start, to_version=end, ops=word_diff(before.text, after.text)
    )


def findings_of(version: DraftVersionRow) -> list[Finding]:
    return [Finding.model_validate(f) for f in version.findings]
