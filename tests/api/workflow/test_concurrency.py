"""Reviewers deciding at the same moment: every approval counts once, the draft is approved once.

Runs the workflow service from threads with their own sessions, released together
by a barrier, on SQLite and (when configured) PostgreSQL.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.audit.chain import attach_audit_key
from api.audit.verify import verify_chain
from api.passwords import Passwords
from api.problems import ProblemError
from api.store.database import make_engine, make_sessionmaker
from api.store.drafting_models import DraftRow
from api.store.models import AuditEvent, Role
from api.store.workflow_models import DecisionRow, SignatureRow
from api.workflow import review
from api.workflow.actor import WorkflowActor
from api.workflow.deps import WorkflowDeps
from api.workflow.policy import ApprovalPolicy, ApprovalStep, save_policy
from api.workflow.schemas import ApproveIn
from api.workflow.signing import CredentialCheck
from tests.api.workflow.helpers import make_draft, signed
from tests.conftest import IssuedKey

AUDIT_KEY = b"concurrency-test-audit-key-0123456789"  # pragma: allowlist secret


@pytest.fixture
def app_sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions as the app makes them: signing the audit chain at commit."""
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    attach_audit_key(sessions, AUDIT_KEY)
    try:
        yield sessions
    finally:
        engine.dispose()


def deps() -> WorkflowDeps:
    return WorkflowDeps(
        orchestrator=None,  # type: ignore[arg-type]  # approvals never check text
        credentials=CredentialCheck(Passwords()),
        overridable=lambda rule_id: False,
        approval_lifetime=timedelta(days=30),
    )


def actor(key: IssuedKey) -> WorkflowActor:
    return WorkflowActor(organisation_id=key.organisation_id, role=key.role, key_id=key.key_id)


def approve_together(
    sessions: sessionmaker[Session], draft_id: uuid.UUID, keys: list[IssuedKey]
) -> list[str]:
    """Each key approves at once from its own thread; returns "ok" or the problem type per key."""
    barrier = threading.Barrier(len(keys))
    outcomes = [""] * len(keys)

    def run(index: int) -> None:
        key = keys[index]
        with sessions() as session:
            body = ApproveIn.model_validate(signed(key))
            barrier.wait()
            try:
                review.approve(session, deps(), actor(key), draft_id, body)
                session.commit()
                outcomes[index] = "ok"
            except ProblemError as exc:
                session.rollback()
                outcomes[index] = exc.kind or str(exc.status)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(keys))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_reviewers_at_once_on_an_any_step(
    app_sessions: sessionmaker[Session], make_key: Callable[..., IssuedKey]
) -> None:
    keys = [make_key("acme", Role.reviewer, name=f"r{i}") for i in range(2)]
    made = make_draft(app_sessions, keys[0].organisation_id)
    outcomes = approve_together(app_sessions, made.draft_id, keys)
    # One approval satisfies the policy; the other reviewer then finds the draft approved.
    assert sorted(outcomes) == ["illegal-transition", "ok"]
    with app_sessions() as session:
        draft = session.get(DraftRow, made.draft_id)
        assert draft is not None
        assert draft.state == "approved"
        assert session.scalar(select(func.count()).select_from(DecisionRow)) == 1
        assert session.scalar(select(func.count()).select_from(SignatureRow)) == 1
        approved = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.event_type == "draft.approve")
        )
        assert approved == 1
        assert verify_chain(session, AUDIT_KEY).ok


def test_all_members_at_once_approve_exactly_once(
    app_sessions: sessionmaker[Session], make_key: Callable[..., IssuedKey]
) -> None:
    keys = [make_key("acme", Role.reviewer, name=f"r{i}") for i in range(3)]
    organisation_id = keys[0].organisation_id
    with app_sessions() as session:
        policy = ApprovalPolicy(
            steps=[ApprovalStep(name="board", mode="all", members=[k.key_id for k in keys])]
        )
        save_policy(session, organisation_id, policy, actor(make_key("acme", Role.admin)))
        session.commit()
    made = make_draft(app_sessions, organisation_id)
    outcomes = approve_together(app_sessions, made.draft_id, keys)
    assert outcomes == ["ok", "ok", "ok"]  # serialised by the draft's lock, none lost
    with app_sessions() as session:
        draft = session.get(DraftRow, made.draft_id)
        assert draft is not None
        assert draft.state == "approved"
        steps = session.scalars(select(DecisionRow.step).where(DecisionRow.draft_id == made.draft_id)).all()
        assert steps == ["board", "board", "board"]
        to_states = [
            e.details["to_state"]
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.event_type == "draft.approve").order_by(AuditEvent.seq)
            )
        ]
        assert to_states == ["needs_review", "needs_review", "approved"]
        assert verify_chain(session, AUDIT_KEY).ok
