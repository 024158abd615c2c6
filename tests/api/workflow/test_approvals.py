"""Approvals: signatures bound to the audit chain, segregation of duties, multi-step policies, hash binding."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.audit.canonical import head_mac
from api.audit.secret import load_audit_key
from api.settings import Settings
from api.store.audit_models import AuditCheckpoint
from api.store.drafting_models import DraftVersionRow
from api.store.models import AuditEvent, Role
from api.store.workflow_models import DecisionRow, SignatureRow
from tests.api.helpers import assert_problem
from tests.api.workflow.helpers import (
    CLEAN_TEXT,
    Org,
    approve,
    delivered,
    edit,
    make_draft,
    signed,
    subscribe_everything,
)
from tests.conftest import IssuedKey


def test_approval_with_a_signature_bound_to_the_audit_chain(
    client: TestClient, org: Org, sessions: sessionmaker[Session], test_settings: Settings
) -> None:
    subscribe_everything(client, org.admin)
    made = make_draft(sessions, org.id)
    response = approve(client, org.reviewer, made.draft_id)
    assert response.status_code == 200, response.text
    review = response.json()
    assert (review["state"], review["pending_steps"], review["content_sha256"]) == (
        "approved",
        [],
        made.content_sha256,
    )
    assert review["steps"] == [{"name": "compliance", "mode": "any", "satisfied": True, "approvals": 1}]
    signature = review["signature"]
    assert (signature["signer"], signature["role"], signature["meaning"]) == (
        f"key:{org.reviewer.key_id}",
        "reviewer",
        "approved_for_publication",
    )
    with sessions() as session:
        row = session.get(SignatureRow, uuid.UUID(signature["id"]))
        assert row is not None
        checkpoint = session.get(AuditCheckpoint, row.checkpoint_id)
        assert checkpoint is not None
        signed_event = session.scalar(select(AuditEvent).where(AuditEvent.seq == row.chain_seq))
    assert row.content_sha256 == made.content_sha256
    assert (checkpoint.seq, checkpoint.head_hash, checkpoint.mac) == (
        row.chain_seq,
        row.chain_head_hash,
        row.chain_mac,
    )
    # The signed head is the approval's own audit event, and its HMAC checks with the server key.
    assert signed_event is not None
    assert signed_event.event_type == "draft.approve"
    assert signed_event.hash == row.chain_head_hash
    key = load_audit_key(test_settings)
    assert row.chain_mac == head_mac(
        key,
        checkpoint_id=row.checkpoint_id,
        seq=row.chain_seq,
        head_hash=row.chain_head_hash,
        signed_at=checkpoint.signed_at,
    )
    assert delivered(sessions, org.id) == ["draft.approved"]
    assert approve(client, org.reviewer2, made.draft_id).status_code == 409  # already approved


def test_nobody_approves_content_they_created_or_edited(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    created = make_draft(sessions, org.id, submitter_key=org.reviewer.key_id)
    assert_problem(approve(client, org.reviewer, created.draft_id), 403, "segregation-of-duties")
    rejected = client.post(
        f"/v1/drafts/{created.draft_id}/reject",
        json=signed(org.reviewer, "rejected_for_publication", reason="No."),
        headers=org.reviewer.headers,
    )
    assert_problem(rejected, 403, "segregation-of-duties")
    assert approve(client, org.reviewer2, created.draft_id).json()["state"] == "approved"

    edited = make_draft(sessions, org.id)
    with sessions() as session:  # a version by reviewer2 (e.g. a user whose role changed since)
        session.add(
            DraftVersionRow(
                draft_id=edited.draft_id,
                number=2,
                text=CLEAN_TEXT + " Edited.",
                content_sha256="a" * 64,
                findings=[],
                alt_texts=[],
                rounds=0,
                citations=[],
                author=f"key:{org.reviewer2.key_id}",
                author_key_id=org.reviewer2.key_id,
            )
        )
        session.commit()
    assert_problem(approve(client, org.reviewer2, edited.draft_id), 403, "segregation-of-duties")
    assert approve(client, org.reviewer, edited.draft_id).status_code == 200


def test_multi_step_policy_any_then_all(
    client: TestClient, org: Org, sessions: sessionmaker[Session], make_key: Callable[..., IssuedKey]
) -> None:
    subscribe_everything(client, org.admin)
    policy = {
        "steps": [
            {"name": "compliance", "mode": "any", "role": "reviewer"},
            {
                "name": "legal",
                "mode": "all",
                "members": [str(org.reviewer2.key_id), str(org.reviewer3.key_id)],
            },
        ]
    }
    put = client.put("/v1/approval-policy", json=policy, headers=org.admin.headers)
    assert put.status_code == 200, put.text
    assert client.get("/v1/approval-policy", headers=org.admin.headers).json()["steps"][1]["mode"] == "all"
    made = make_draft(sessions, org.id)

    # Legal's members wait for compliance: the steps are ordered.
    early = approve(client, org.reviewer2, made.draft_id)
    assert_problem(early, 403, "not-an-approver")
    first = approve(client, org.reviewer, made.draft_id).json()
    assert (first["state"], first["pending_steps"]) == ("needs_review", ["legal"])
    assert_problem(approve(client, org.reviewer, made.draft_id), 409, "conflict")  # never counted twice
    second = approve(client, org.reviewer2, made.draft_id).json()
    assert (second["state"], second["pending_steps"]) == ("needs_review", ["legal"])
    assert second["steps"][1] == {"name": "legal", "mode": "all", "satisfied": False, "approvals": 1}
    outsider = make_key("acme", Role.reviewer, name="r4")
    assert_problem(approve(client, outsider, made.draft_id), 403, "not-an-approver")
    third = approve(client, org.reviewer3, made.draft_id).json()
    assert (third["state"], third["pending_steps"]) == ("approved", [])
    assert delivered(sessions, org.id) == ["draft.approved"]  # partial approvals are not announced


def test_an_edit_after_a_partial_approval_starts_again(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    policy = {
        "steps": [
            {"name": "compliance", "mode": "any", "role": "reviewer"},
            {"name": "legal", "mode": "any", "members": [str(org.reviewer2.key_id)]},
        ]
    }
    assert client.put("/v1/approval-policy", json=policy, headers=org.admin.headers).status_code == 200
    made = make_draft(sessions, org.id)
    assert approve(client, org.reviewer, made.draft_id).json()["pending_steps"] == ["legal"]
    edited = edit(client, org.marketer, made.draft_id, CLEAN_TEXT + " Walk-ins welcome.").json()
    review = client.get(f"/v1/drafts/{made.draft_id}/review", headers=org.reviewer.headers).json()
    assert review["content_sha256"] == edited["content_sha256"] != made.content_sha256
    assert review["pending_steps"] == ["compliance", "legal"]
    assert all(step["approvals"] == 0 for step in review["steps"])
    # Legal alone cannot finish it: compliance must approve the new version first.
    assert_problem(approve(client, org.reviewer2, made.draft_id), 403, "not-an-approver")
    assert approve(client, org.reviewer, made.draft_id).json()["pending_steps"] == ["legal"]
    assert approve(client, org.reviewer2, made.draft_id).json()["state"] == "approved"
    with sessions() as session:
        hashes = session.scalars(
            select(DecisionRow.content_sha256).where(DecisionRow.draft_id == made.draft_id)
        ).all()
    # The first approval stays, bound to the first version's hash.
    assert sorted(hashes) == sorted([made.content_sha256, edited["content_sha256"], edited["content_sha256"]])


@pytest.mark.parametrize(
    "policy",
    [
        {"steps": []},
        {"steps": [{"name": "legal", "mode": "all", "role": "reviewer"}]},
        {"steps": [{"name": "legal", "role": "reviewer", "members": [str(uuid.uuid4())]}]},
        {"steps": [{"name": "a", "role": "reviewer"}, {"name": "a", "role": "reviewer"}]},
        {"steps": [{"name": "a", "role": "admin"}]},
    ],
)
def test_invalid_policies_are_refused(client: TestClient, org: Org, policy: dict[str, Any]) -> None:
    assert_problem(
        client.put("/v1/approval-policy", json=policy, headers=org.admin.headers), 422, "validation"
    )


def test_policy_members_must_be_reviewers_of_the_organisation(
    client: TestClient, org: Org, make_key: Callable[..., IssuedKey]
) -> None:
    foreign = make_key("globex", Role.reviewer)
    for member in (foreign.key_id, org.marketer.key_id, uuid.uuid4()):
        policy = {
            "steps": [{"name": "legal", "mode": "all", "members": [str(org.reviewer.key_id), str(member)]}]
        }
        refused = client.put("/v1/approval-policy", json=policy, headers=org.admin.headers)
        assert str(member) in assert_problem(refused, 422, "unknown-approver")["detail"]
    assert (
        client.get("/v1/approval-policy", headers=org.admin.headers).json()["steps"][0]["name"]
        == "compliance"
    )


def test_a_policy_narrowed_mid_round_lets_the_next_approval_complete_it(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    two_steps = {
        "steps": [
            {"name": "compliance", "mode": "any", "role": "reviewer"},
            {"name": "legal", "mode": "any", "members": [str(org.reviewer3.key_id)]},
        ]
    }
    assert client.put("/v1/approval-policy", json=two_steps, headers=org.admin.headers).status_code == 200
    made = make_draft(sessions, org.id)
    assert approve(client, org.reviewer, made.draft_id).json()["pending_steps"] == ["legal"]
    one_step = {"steps": [{"name": "compliance", "mode": "any", "role": "reviewer"}]}
    assert client.put("/v1/approval-policy", json=one_step, headers=org.admin.headers).status_code == 200
    review = client.get(f"/v1/drafts/{made.draft_id}/review", headers=org.reviewer.headers).json()
    assert (review["state"], review["pending_steps"]) == ("needs_review", [])
    # The draft does not approve itself; the next reviewer's signature completes the round.
    done = approve(client, org.reviewer2, made.draft_id)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "approved"
