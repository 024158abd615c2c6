"""The CMS side: drafting announces drafts, the approved-content pull, publication by hash, audit verify."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from api.cli import build_cli
from api.settings import Settings
from api.store.models import Role
from tests.api.helpers import assert_problem
from tests.api.test_briefs import BRIEF, work
from tests.api.workflow.helpers import (
    CLEAN_TEXT,
    PHI_TEXT,
    Org,
    approve,
    delivered,
    edit,
    events,
    make_draft,
    subscribe_everything,
)
from tests.conftest import IssuedKey


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
