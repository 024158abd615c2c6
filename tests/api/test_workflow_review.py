"""Review workflow through the API: edits and versions, approvals, signatures, publication, audit."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from api.audit.canonical import head_mac
from api.audit.secret import load_audit_key
from api.cli import build_cli
from api.passwords import Passwords
from api.problems import ProblemError
from api.services import Services
from api.settings import Settings
from api.store.audit_models import AuditCheckpoint
from api.store.drafting_models import DraftVersionRow
from api.store.library_repository import knowledge_org
from api.store.models import AuditEvent, Role, User
from api.store.workflow_models import DecisionRow, SignatureRow
from api.workflow import review, versions
from api.workflow.actor import WorkflowActor
from api.workflow.schemas import ApproveIn, VersionIn
from api.workflow.signing import ReauthenticationFailed
from guardrails.config import load_config
from guardrails.pipeline import Checker, instantiate_families
from guardrails.rules import default_registry
from knowledge.pack.loader import load_pack_library
from tests.api.helpers import assert_problem
from tests.api.test_briefs import BRIEF, work
from tests.api.workflow_helpers import (
    BRAND_BLOCK,
    CLEAN_TEXT,
    PATIENT_STATUS_BLOCK,
    PHI_BLOCK,
    approve,
    delivered,
    make_draft,
    signed,
    subscribe_everything,
)
from tests.conftest import IssuedKey

PHI_TEXT = "So proud of our patient Maria Lopez, 67, after her bypass at Brightwater Clinic."


def services_of(client: TestClient) -> Services:
    services = client.app.state.services  # type: ignore[attr-defined]
    assert isinstance(services, Services)
    return services


@pytest.fixture
def client(test_settings: Settings, app_factory: Callable[[Settings], FastAPI]) -> Iterator[TestClient]:
    with TestClient(app_factory(test_settings.model_copy(update={"rate_limit_enabled": False}))) as client:
        yield client


@dataclasses.dataclass
class Org:
    admin: IssuedKey
    marketer: IssuedKey
    reviewer: IssuedKey
    reviewer2: IssuedKey
    reviewer3: IssuedKey
    integration: IssuedKey

    @property
    def id(self) -> uuid.UUID:
        return self.admin.organisation_id


@pytest.fixture
def org(client: TestClient, make_key: Callable[..., IssuedKey]) -> Org:
    keys = Org(
        admin=make_key("acme", Role.admin),
        marketer=make_key("acme", Role.marketer),
        reviewer=make_key("acme", Role.reviewer, name="r1"),
        reviewer2=make_key("acme", Role.reviewer, name="r2"),
        reviewer3=make_key("acme", Role.reviewer, name="r3"),
        integration=make_key("acme", Role.integration),
    )
    services_of(client).knowledge.libraries.put(knowledge_org(keys.id), load_pack_library())
    return keys


def edit(client: TestClient, key: IssuedKey, draft_id: uuid.UUID, text: str, **extra: Any) -> Any:
    return client.post(f"/v1/drafts/{draft_id}/versions", json={"text": text, **extra}, headers=key.headers)


def events(sessions: sessionmaker[Session], subject_id: uuid.UUID) -> list[AuditEvent]:
    with sessions() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.subject_id == str(subject_id)).order_by(AuditEvent.seq)
            )
        )


# --- edits, versions, diff ------------------------------------------------------------------


def test_an_edit_is_a_new_checked_version_and_diffs_word_by_word(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    made = make_draft(sessions, org.id)
    response = edit(client, org.marketer, made.draft_id, PHI_TEXT)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/v1/drafts/{made.draft_id}/versions/2"
    draft = response.json()
    assert (draft["state"], draft["current_version"]) == ("blocked", 2)
    assert any(f["category"] == "phi" and f["severity"] == "block" for f in draft["findings"])
    assert [v["number"] for v in draft["versions"]] == [1, 2]
    assert draft["versions"][1]["author"] == f"key:{org.marketer.key_id}"

    fixed = edit(client, org.marketer, made.draft_id, CLEAN_TEXT + " Walk-ins welcome.").json()
    assert (fixed["state"], fixed["current_version"]) == ("needs_review", 3)
    first = client.get(f"/v1/drafts/{made.draft_id}/versions/1", headers=org.reviewer.headers).json()
    assert (first["text"], first["content_sha256"]) == (CLEAN_TEXT, made.content_sha256)
    diff = client.get(
        f"/v1/drafts/{made.draft_id}/diff", params={"from": 1, "to": 3}, headers=org.reviewer.headers
    ).json()
    assert diff["ops"] == [
        {"op": "equal", "text": CLEAN_TEXT},
        {"op": "insert", "text": "Walk-ins welcome."},
    ]
    swapped = client.get(
        f"/v1/drafts/{made.draft_id}/diff", params={"from": 2, "to": 3}, headers=org.reviewer.headers
    ).json()
    assert {"op": "delete", "text": "So proud of our patient Maria Lopez, 67, after her bypass"} in swapped[
        "ops"
    ]
    assert {"op": "insert", "text": "Free flu shots on Saturdays"} in swapped["ops"]
    missing = client.get(f"/v1/drafts/{made.draft_id}/versions/9", headers=org.reviewer.headers)
    assert_problem(missing, 404, "not-found")
    with sessions() as session:
        numbers = session.scalars(
            select(DraftVersionRow.number).where(DraftVersionRow.draft_id == made.draft_id)
        ).all()
    assert sorted(numbers) == [1, 2, 3]  # version 1 untouched: edits never update a version


def test_editing_published_content_is_refused(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    made = make_draft(sessions, org.id, state="published")
    response = edit(client, org.marketer, made.draft_id, "Something else.")
    body = assert_problem(response, 409, "illegal-transition")
    assert body["detail"] == "Cannot edit a draft in state published."


def test_an_edit_audits_counts_and_rule_ids_never_text(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    made = make_draft(sessions, org.id)
    assert edit(client, org.marketer, made.draft_id, PHI_TEXT).status_code == 201
    [event] = [e for e in events(sessions, made.draft_id) if e.event_type == "draft.edit"]
    details = event.details
    assert (details["from_state"], details["to_state"], details["version"]) == ("needs_review", "blocked", 2)
    assert details["findings_by_severity"]["block"] >= 1
    assert details["findings_by_category"]["phi"] >= 1
    assert "phi.identifier" in details["rule_ids"]
    assert event.actor_key_id == org.marketer.key_id
    assert "Maria" not in str(details)
    assert "bypass" not in str(details)


# --- approvals, segregation of duties, policy ------------------------------------------------


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


def test_editing_an_approved_draft_sends_it_back_to_review(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    made = make_draft(sessions, org.id)
    assert approve(client, org.reviewer, made.draft_id).json()["state"] == "approved"
    edited = edit(client, org.marketer, made.draft_id, CLEAN_TEXT + " Bring your card.").json()
    assert (edited["state"], edited["current_version"]) == ("needs_review", 2)
    listed = client.get("/v1/drafts", params={"state": "approved"}, headers=org.integration.headers).json()
    assert listed["total"] == 0


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


# --- e-signatures ----------------------------------------------------------------------------


def test_a_wrong_credential_is_refused_and_audited(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    made = make_draft(sessions, org.id)
    wrong = {
        "signature": {"meaning": "approved_for_publication", "credential": "cp_not-my-secret-at-all-000"}
    }
    response = client.post(f"/v1/drafts/{made.draft_id}/approve", json=wrong, headers=org.reviewer.headers)
    body = assert_problem(response, 403, "reauthentication-failed")
    assert "cp_not" not in response.text
    # Another valid key's secret is not the signer's credential either.
    borrowed = signed(org.reviewer2)
    response = client.post(f"/v1/drafts/{made.draft_id}/approve", json=borrowed, headers=org.reviewer.headers)
    assert_problem(response, 403, "reauthentication-failed")
    refused = [e for e in events(sessions, made.draft_id) if e.event_type == "signature.refused"]
    assert len(refused) == 2
    assert refused[0].actor_key_id == org.reviewer.key_id
    assert refused[0].details == {"source": "api", "action": "approve", "meaning": "approved_for_publication"}
    assert org.reviewer2.secret not in str([e.details for e in refused])
    assert body["detail"]
    review = client.get(f"/v1/drafts/{made.draft_id}/review", headers=org.reviewer.headers).json()
    assert (review["state"], review["steps"][0]["approvals"]) == ("needs_review", 0)
    mismatched = signed(org.reviewer, "rejected_for_publication")
    response = client.post(
        f"/v1/drafts/{made.draft_id}/approve", json=mismatched, headers=org.reviewer.headers
    )
    assert_problem(response, 422, "signature-meaning")


def test_reject_and_request_changes_need_a_reason(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    subscribe_everything(client, org.admin)
    made = make_draft(sessions, org.id)
    no_reason = client.post(
        f"/v1/drafts/{made.draft_id}/request-changes", json={}, headers=org.reviewer.headers
    )
    assert_problem(no_reason, 422, "validation")
    changes = client.post(
        f"/v1/drafts/{made.draft_id}/request-changes",
        json={"reason": "Add clinic hours."},
        headers=org.reviewer.headers,
    )
    assert changes.json()["state"] == "changes_requested"
    unsigned = client.post(
        f"/v1/drafts/{made.draft_id}/reject", json={"reason": "No."}, headers=org.reviewer.headers
    )
    assert_problem(unsigned, 422, "validation")
    rejected = client.post(
        f"/v1/drafts/{made.draft_id}/reject",
        json=signed(org.reviewer, "rejected_for_publication", reason="Maria asked us not to."),
        headers=org.reviewer.headers,
    ).json()
    assert (rejected["state"], rejected["signature"]["meaning"]) == ("rejected", "rejected_for_publication")
    assert delivered(sessions, org.id) == ["draft.changes_requested", "draft.rejected"]
    # The reason is kept with the decision, never in the audit trail.
    assert all("Maria" not in str(e.details) for e in events(sessions, made.draft_id))


def test_override_only_of_overridable_non_phi_block_findings(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    services = services_of(client)
    made = make_draft(
        sessions, org.id, state="blocked", findings=[BRAND_BLOCK, PHI_BLOCK, PATIENT_STATUS_BLOCK]
    )

    def override(indexes: list[int]) -> Any:
        body = signed(
            org.reviewer, "block_finding_overridden", reason="Legal approved.", finding_indexes=indexes
        )
        return client.post(f"/v1/drafts/{made.draft_id}/override", json=body, headers=org.reviewer.headers)

    # The default configuration makes no rule overridable.
    assert_problem(override([0]), 422, "not-overridable")
    services.workflow = dataclasses.replace(services.workflow, overridable=lambda rule_id: True)
    assert_problem(override([1]), 422, "not-overridable")  # PHI, whatever the configuration says
    assert_problem(override([2]), 422, "not-overridable")  # nor text confirming someone is a patient
    assert_problem(override([5]), 422, "validation")
    partial = override([0]).json()
    assert partial["state"] == "blocked"  # the PHI and patient-status blocks remain
    assert partial["signature"]["meaning"] == "block_finding_overridden"

    only_brand = make_draft(sessions, org.id, state="blocked", findings=[BRAND_BLOCK])
    body = signed(org.reviewer, "block_finding_overridden", reason="Legal approved.", finding_indexes=[0])
    cleared = client.post(
        f"/v1/drafts/{only_brand.draft_id}/override", json=body, headers=org.reviewer.headers
    )
    assert cleared.json()["state"] == "needs_review"


def test_overridability_comes_from_the_guardrail_configuration(tmp_path: Path) -> None:
    registry = default_registry()
    config = tmp_path / "rules.yaml"
    families = "\n".join(f"  {name}: {{}}" for name in registry.family_names)
    config.write_text(
        f"version: 1\nfamilies:\n{families}\nrules:\n  brand.banned_term: {{overridable: true}}\n"
    )

    def checker(path: Path | None) -> Checker:
        # Families as configured, without loading models: overridability is configuration only.
        return Checker(instantiate_families(load_config(registry, path), registry), None, None)

    configured = checker(config)
    assert configured.overridable("brand.banned_term")
    assert not configured.overridable("brand.forbidden_name")
    assert not configured.overridable("no.such_rule")
    assert not checker(None).overridable("brand.banned_term")


# --- publication and the CMS pull -----------------------------------------------------------


def test_the_cms_pulls_approved_content_and_confirms_publication_by_hash(
    client: TestClient, org: Org, sessions: sessionmaker[Session], make_key: Callable[..., IssuedKey]
) -> None:
    subscribe_everything(client, org.admin)
    made = make_draft(sessions, org.id)
    make_draft(sessions, org.id)  # another draft, still in review
    assert approve(client, org.reviewer, made.draft_id).status_code == 200
    page = client.get("/v1/drafts", params={"state": "approved"}, headers=org.integration.headers).json()
    assert page["total"] == 1
    [item] = page["items"]
    assert (item["id"], item["text"], item["content_sha256"]) == (
        str(made.draft_id),
        CLEAN_TEXT,
        made.content_sha256,
    )
    assert item["approval_expires_at"] is not None
    other = make_key("globex", Role.integration)
    assert client.get("/v1/drafts", params={"state": "approved"}, headers=other.headers).json()["total"] == 0

    wrong = client.post(
        f"/v1/drafts/{made.draft_id}/publish",
        json={"content_sha256": "b" * 64},
        headers=org.integration.headers,
    )
    assert_problem(wrong, 409, "content-hash-mismatch")
    published = client.post(
        f"/v1/drafts/{made.draft_id}/publish",
        json={"content_sha256": made.content_sha256},
        headers=org.integration.headers,
    )
    assert published.json()["state"] == "published"
    again = client.post(
        f"/v1/drafts/{made.draft_id}/publish",
        json={"content_sha256": made.content_sha256},
        headers=org.integration.headers,
    )
    assert_problem(again, 409, "illegal-transition")
    archived = client.post(f"/v1/drafts/{made.draft_id}/archive", headers=org.integration.headers)
    assert archived.json()["state"] == "archived"
    assert delivered(sessions, org.id) == ["draft.approved", "draft.published"]


def test_audit_verify_passes_after_a_full_workflow(
    client: TestClient, org: Org, sessions: sessionmaker[Session], database_url: str, test_settings: Settings
) -> None:
    made = make_draft(sessions, org.id)
    assert edit(client, org.marketer, made.draft_id, PHI_TEXT).json()["state"] == "blocked"
    clean = edit(client, org.marketer, made.draft_id, CLEAN_TEXT + " Walk-ins welcome.").json()
    assert approve(client, org.reviewer, made.draft_id).json()["state"] == "approved"
    client.post(
        f"/v1/drafts/{made.draft_id}/publish",
        json={"content_sha256": clean["content_sha256"]},
        headers=org.integration.headers,
    ).raise_for_status()
    env = {"CAREPOST_DATABASE_URL": database_url, "CAREPOST_DATA_DIR": str(test_settings.data_dir)}
    result = CliRunner().invoke(build_cli(), ["audit", "verify"], env=env)
    assert result.exit_code == 0, result.output
    assert "audit chain OK" in result.stdout
    types = [e.event_type for e in events(sessions, made.draft_id)]
    assert types == ["draft.edit", "draft.edit", "draft.approve", "draft.publish"]


# --- web users: the same service, a password as the credential -------------------------------

PASSWORD = "correct horse battery staple"  # pragma: allowlist secret


def test_users_sign_with_their_password_and_editors_cannot_approve(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    services = services_of(client)
    with sessions() as session:
        users = {
            name: User(
                organisation_id=org.id,
                email=f"{name}@example.org",
                display_name=name,
                role=role.value,
                password_hash=Passwords().hash(PASSWORD),
            )
            for name, role in (("editor", Role.marketer), ("checker", Role.reviewer))
        }
        session.add_all(users.values())
        session.commit()
        ids = {name: user.id for name, user in users.items()}

    def as_user(name: str, role: Role) -> WorkflowActor:
        return WorkflowActor(organisation_id=org.id, role=role, user_id=ids[name])

    def body(password: str) -> ApproveIn:
        return ApproveIn.model_validate(
            {"signature": {"meaning": "approved_for_publication", "credential": password}}
        )

    made = make_draft(sessions, org.id)
    with services.sessions() as session:
        versions.edit(
            session,
            services.workflow,
            as_user("editor", Role.marketer),
            made.draft_id,
            VersionIn(text=CLEAN_TEXT + " Walk-ins welcome."),
        )
        session.commit()
    with services.sessions() as session:
        # The editor, since made a reviewer, still cannot approve what they edited.
        with pytest.raises(ProblemError) as refused:
            review.approve(
                session, services.workflow, as_user("editor", Role.reviewer), made.draft_id, body(PASSWORD)
            )
        assert refused.value.kind == "segregation-of-duties"
    with services.sessions() as session:
        with pytest.raises(ReauthenticationFailed):
            review.approve(
                session,
                services.workflow,
                as_user("checker", Role.reviewer),
                made.draft_id,
                body("not the password"),
            )
        session.commit()  # as the route does: the refusal's audit event stays
    with services.sessions() as session:
        result = review.approve(
            session, services.workflow, as_user("checker", Role.reviewer), made.draft_id, body(PASSWORD)
        )
        session.commit()
    assert result.state == "approved"
    assert result.signature is not None
    assert result.signature.signer == f"user:{ids['checker']}"
    refusals = [e for e in events(sessions, made.draft_id) if e.event_type == "signature.refused"]
    assert [e.actor_user_id for e in refusals] == [ids["checker"]]
    assert PASSWORD not in str(refusals[0].details)


def test_drafting_announces_drafts_that_need_review(
    client: TestClient, org: Org, sessions: sessionmaker[Session]
) -> None:
    subscribe_everything(client, org.admin)
    response = client.post(
        "/v1/briefs", json=BRIEF, headers={**org.marketer.headers, "Idempotency-Key": "announce"}
    )
    assert response.status_code == 202, response.text
    assert work(client) == 1
    brief = client.get(f"/v1/jobs/{response.json()['id']}", headers=org.marketer.headers).json()
    drafts = client.get(brief["links"]["brief"], headers=org.marketer.headers).json()["drafts"]
    in_review = [d for d in drafts if d["state"] == "needs_review"]
    assert in_review  # the flu-clinic brief drafts cleanly on most platforms
    assert delivered(sessions, org.id) == ["draft.needs_review"] * len(in_review)
