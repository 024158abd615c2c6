"""Every role x every workflow action x every draft state, through the API.

The expectations are written out here by hand, from issue 6 and the workflow
brief, not read from api.workflow: who may ask for each action, from which states
it is legal, and where it leads. The implementation's table must agree with this
one cell by cell.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.consents.withdrawal import ConsentWithdrawal
from api.services import Services
from api.settings import Settings
from api.store.drafting_models import DraftRow
from api.store.library_repository import knowledge_org
from api.store.models import Role
from api.workflow.expiry import sweep
from api.workflow.withdrawal import rereview_withdrawn
from knowledge.pack.loader import load_pack_library
from tests.api.helpers import assert_problem
from tests.api.workflow.helpers import BRAND_BLOCK, CLEAN_TEXT, Made, make_draft, signed
from tests.conftest import IssuedKey

ADMIN, REVIEWER, MARKETER, INTEGRATION = Role.admin, Role.reviewer, Role.marketer, Role.integration
STATES = [
    "draft",
    "needs_review",
    "changes_requested",
    "approved",
    "published",
    "archived",
    "blocked",
    "rejected",
    "expired",
]

# action -> (roles that may ask, {legal from-state: resulting state}, success status)
EXPECTED: dict[str, tuple[set[Role], dict[str, str], int]] = {
    "edit": (
        {MARKETER, ADMIN},
        {
            "draft": "needs_review",
            "needs_review": "needs_review",
            "changes_requested": "needs_review",
            "approved": "needs_review",
            "blocked": "needs_review",  # the edit's clean text has no block finding
            "expired": "needs_review",
        },
        201,
    ),
    "approve": ({REVIEWER}, {"needs_review": "approved"}, 200),
    "request_changes": (
        {REVIEWER},
        {"needs_review": "changes_requested", "blocked": "changes_requested"},
        200,
    ),
    "reject": (
        {REVIEWER},
        {"needs_review": "rejected", "blocked": "rejected", "changes_requested": "rejected"},
        200,
    ),
    "override": ({REVIEWER}, {"blocked": "needs_review"}, 200),
    "publish": ({INTEGRATION}, {"approved": "published"}, 200),
    "archive": (
        {ADMIN, MARKETER, REVIEWER, INTEGRATION},
        {
            "draft": "archived",
            "needs_review": "archived",
            "changes_requested": "archived",
            "approved": "archived",
            "published": "archived",
            "blocked": "archived",
            "rejected": "archived",
            "expired": "archived",
        },
        200,
    ),
}


def call(client: TestClient, action: str, made: Made, key: IssuedKey) -> Any:
    base = f"/v1/drafts/{made.draft_id}"
    bodies: dict[str, tuple[str, dict[str, Any] | None]] = {
        "edit": ("/versions", {"text": CLEAN_TEXT + " Walk-ins welcome."}),
        "approve": ("/approve", signed(key)),
        "request_changes": ("/request-changes", {"reason": "Shorter, please."}),
        "reject": ("/reject", signed(key, "rejected_for_publication", reason="Off-brand.")),
        "override": (
            "/override",
            signed(key, "block_finding_overridden", reason="Term approved by legal.", finding_indexes=[0]),
        ),
        "publish": ("/publish", {"content_sha256": made.content_sha256}),
        "archive": ("/archive", None),
    }
    path, body = bodies[action]
    return client.post(base + path, json=body, headers=key.headers)


@pytest.fixture
def client(test_settings: Settings, app_factory: Callable[[Settings], FastAPI]) -> Iterator[TestClient]:
    """Rate limits off (hundreds of calls from a few keys); brand.banned_term overridable."""
    with TestClient(app_factory(test_settings.model_copy(update={"rate_limit_enabled": False}))) as client:
        services = client.app.state.services  # type: ignore[attr-defined]
        assert isinstance(services, Services)
        services.workflow = dataclasses.replace(
            services.workflow, overridable=lambda rule_id: rule_id == "brand.banned_term"
        )
        yield client


def test_every_role_action_and_state(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    keys = {role: make_key("acme", role, name=f"matrix {role}") for role in Role}
    organisation_id = keys[ADMIN].organisation_id
    services = client.app.state.services  # type: ignore[attr-defined]
    services.knowledge.libraries.put(knowledge_org(organisation_id), load_pack_library())
    mismatches = []
    calls = 0
    for action, (roles, legal, ok) in EXPECTED.items():
        for state in STATES:
            for role in Role:
                findings = [BRAND_BLOCK] if state == "blocked" else []
                made = make_draft(sessions, organisation_id, state=state, findings=findings)
                response = call(client, action, made, keys[role])
                calls += 1
                where = f"{action} from {state} as {role}"
                if role not in roles:
                    want = 403
                elif state in legal:
                    want = ok
                else:
                    want = 409
                if response.status_code != want:
                    mismatches.append(f"{where}: {response.status_code}, want {want}: {response.text[:200]}")
                    continue
                if want == 409:
                    assert_problem(response, 409, "illegal-transition")
                now = client.get(f"/v1/drafts/{made.draft_id}", headers=keys[ADMIN].headers).json()["state"]
                expected_state = legal[state] if want == ok else state
                if now != expected_state:
                    mismatches.append(f"{where}: draft is {now}, want {expected_state}")
    assert not mismatches, "\n".join(mismatches)
    assert calls == len(EXPECTED) * len(STATES) * len(Role)


# The system's own actions, by hand as well: {legal from-state: resulting state}.
SYSTEM_EXPECTED: dict[str, dict[str, str]] = {
    # carepost workflow sweep, for an approval whose date has passed
    "expire": {"approved": "expired", "published": "expired"},
    # a consent the content used was revoked
    "rereview": {
        "needs_review": "needs_review",
        "approved": "needs_review",
        "published": "needs_review",
        "expired": "needs_review",
    },
}


@pytest.mark.parametrize("action", sorted(SYSTEM_EXPECTED))
def test_system_actions_in_every_state(
    action: str, sessions: sessionmaker[Session], make_key: Callable[..., IssuedKey]
) -> None:
    organisation_id = make_key("acme", Role.admin).organisation_id
    now = datetime.now(UTC)
    made = {state: make_draft(sessions, organisation_id, state=state) for state in STATES}
    with sessions() as session:
        if action == "expire":
            for row in session.scalars(select(DraftRow)):
                row.approval_expires_at = now - timedelta(days=1)
            session.flush()
            sweep(session, now=now, library=lambda org: None)
        else:
            rereview_withdrawn(
                session,
                ConsentWithdrawal(
                    organisation_id=organisation_id,
                    consent_id=uuid.uuid4(),
                    cause="revoked",
                    draft_ids=tuple(str(m.draft_id) for m in made.values()),
                    at=now,
                ),
            )
        session.commit()
        after = {state: session.get(DraftRow, m.draft_id) for state, m in made.items()}
    legal = SYSTEM_EXPECTED[action]
    got = {state: row.state if row else None for state, row in after.items()}
    assert got == {state: legal.get(state, state) for state in STATES}
