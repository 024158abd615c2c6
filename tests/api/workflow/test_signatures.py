"""E-signatures: re-authentication, reasons, overrides, and web users signing with a password."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.passwords import Passwords
from api.problems import ProblemError
from api.store.models import Role, User
from api.workflow import review, versions
from api.workflow.actor import WorkflowActor
from api.workflow.schemas import ApproveIn, VersionIn
from api.workflow.signing import ReauthenticationFailed
from guardrails.config import load_config
from guardrails.pipeline import Checker, instantiate_families
from guardrails.rules import default_registry
from tests.api.helpers import assert_problem
from tests.api.workflow.helpers import (
    BRAND_BLOCK,
    CLEAN_TEXT,
    PATIENT_STATUS_BLOCK,
    PHI_BLOCK,
    Org,
    delivered,
    events,
    make_draft,
    services_of,
    signed,
    subscribe_everything,
)


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
