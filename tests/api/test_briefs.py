"""POST /v1/briefs, GET /v1/briefs|drafts|jobs/{id}: idempotent submission, drafting jobs, stored drafts."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.background import job_handlers
from api.consents.registry import affected_by
from api.jobs.worker import Worker
from api.services import Services
from api.settings import Settings
from api.store.drafting_models import BriefRow, DraftRow, DraftVersionRow, EscalationRow, JobRow
from api.store.library_repository import knowledge_org
from api.store.models import AuditEvent, Role
from knowledge.libraries.models import KnowledgeLibrary
from knowledge.pack.loader import load_pack_library
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey

PLATFORMS = ["facebook", "instagram", "x", "linkedin"]
BRIEF: dict[str, Any] = {
    "topic": "Free Saturday flu shot clinics",
    "pillar": "service",
    "platforms": PLATFORMS,
    "audience": "Parents and families in Brightwater",
    "call_to_action": "See clinic times",
    "key_messages": ["Free flu shots on Saturdays in October and November at the Brightwater Clinic"],
    "links": ["https://larkspurvalleyhealth.example/flu"],
    "topics": ["flu", "community"],
}
SIDE_EFFECT_REPLY: dict[str, Any] = {
    "topic": "Reply to a comment about a vaccine reaction",
    "content_type": "comment_reply",
    "platforms": ["facebook"],
    "reply_to": {
        "text": "My arm swelled up and I got hives after the flu shot at your clinic. Is that normal?"
    },
}


@pytest.fixture(scope="module")
def pack_library() -> KnowledgeLibrary:
    return load_pack_library()


def services_of(client: TestClient) -> Services:
    services = client.app.state.services  # type: ignore[attr-defined]
    assert isinstance(services, Services)
    return services


@pytest.fixture
def drafter(
    client: TestClient, make_key: Callable[..., IssuedKey], pack_library: KnowledgeLibrary
) -> Callable[..., IssuedKey]:
    """A key for an organisation that has the default pack as its library."""

    def make(org: str = "acme", role: Role = Role.marketer) -> IssuedKey:
        key = make_key(org, role)
        services_of(client).knowledge.libraries.put(knowledge_org(key.organisation_id), pack_library)
        return key

    return make


def submit(
    client: TestClient, key: IssuedKey, body: dict[str, Any] | None = None, idem: str = "key-1", **params: Any
) -> Any:
    return client.post(
        "/v1/briefs",
        json=BRIEF if body is None else body,
        params=params,
        headers={**key.headers, "Idempotency-Key": idem},
    )


def work(client: TestClient) -> int:
    """Run queued jobs in this thread, as a worker would; returns how many ran."""
    services = services_of(client)
    worker = Worker(services.jobs, job_handlers(services), name="test-worker")
    ran = 0
    while worker.run_once():
        ran += 1
    return ran


def test_a_brief_becomes_a_job_then_four_stored_drafts(
    client: TestClient, drafter: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    key = drafter()
    response = submit(client, key)
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/v1/jobs/{job['id']}"
    assert (job["state"], job["attempts"], job["kind"]) == ("queued", 0, "draft_brief")

    assert work(client) == 1

    job = client.get(f"/v1/jobs/{job['id']}", headers=key.headers).json()
    assert (job["state"], job["attempts"], job["last_error"]) == ("succeeded", 1, None)
    brief = client.get(job["links"]["brief"], headers=key.headers).json()
    assert brief["brief"]["topic"] == BRIEF["topic"]
    assert sorted(d["platform"] for d in brief["drafts"]) == sorted(PLATFORMS)
    assert brief["escalations"] == []
    for summary in brief["drafts"]:
        draft = client.get(f"/v1/drafts/{summary['id']}", headers=key.headers).json()
        assert draft["state"] in {"needs_review", "blocked"}
        assert draft["state"] == summary["state"]
        assert (draft["engine"], draft["current_version"]) == ("modular", 1)
        assert draft["content_sha256"] == hashlib.sha256(draft["text"].encode()).hexdigest()
        assert [v["number"] for v in draft["versions"]] == [1]
        assert draft["versions"][0]["author"] == "engine:modular"
        blocked = any(f["severity"] == "block" for f in draft["findings"])
        assert draft["state"] == ("blocked" if blocked else "needs_review")
        assert summary["findings"]["block"] == sum(f["severity"] == "block" for f in draft["findings"])
        for finding in draft["findings"]:
            assert set(finding) >= {"rule_id", "start", "end", "message"}
            assert "text" not in finding  # spans, never copies of what matched
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(DraftVersionRow)) == 4


def test_the_same_key_and_body_is_the_same_brief(
    client: TestClient, drafter: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    key = drafter()
    first = submit(client, key, idem="retry-me")
    # The same brief, keys in another order: the same request.
    again = submit(client, key, dict(reversed(list(BRIEF.items()))), idem="retry-me")
    assert again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    other = submit(client, key, idem="another-key")
    assert other.json()["id"] != first.json()["id"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(BriefRow)) == 2
        assert session.scalar(select(func.count()).select_from(JobRow)) == 2


def test_the_same_key_with_another_body_is_refused(
    client: TestClient, drafter: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    key = drafter()
    submit(client, key, idem="k")
    changed = submit(client, key, {**BRIEF, "topic": "Flu shots for Maria Lopez"}, idem="k")
    body = assert_problem(changed, 422, "idempotency-key-reused")
    assert "Maria" not in changed.text
    assert body["title"] == "Idempotency key reused"
    assert submit(client, key, idem="k", engine="modular").status_code == 202
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(BriefRow)) == 1


def test_idempotency_keys_belong_to_one_organisation(
    client: TestClient, drafter: Callable[..., IssuedKey]
) -> None:
    ours, theirs = drafter("acme"), drafter("globex")
    assert submit(client, ours, idem="same").json()["id"] != submit(client, theirs, idem="same").json()["id"]


def test_wait_returns_the_drafts_when_they_are_done(
    test_settings: Settings,
    app_factory: Callable[..., FastAPI],
    make_key: Callable[..., IssuedKey],
    pack_library: KnowledgeLibrary,
) -> None:
    key = make_key("acme", Role.integration)
    with TestClient(app_factory(test_settings, run_workers=True)) as client:
        services_of(client).knowledge.libraries.put(knowledge_org(key.organisation_id), pack_library)
        response = submit(client, key, wait="true")
        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["location"] == f"/v1/briefs/{body['brief_id']}"
        assert body["job"]["state"] == "succeeded"
        assert sorted(d["platform"] for d in body["drafts"]) == sorted(PLATFORMS)
        assert all(d["text"] for d in body["drafts"])
        # A replay after completion answers with the same drafts.
        replay = submit(client, key, wait="true")
        assert replay.status_code == 201
        assert [d["id"] for d in replay.json()["drafts"]] == [d["id"] for d in body["drafts"]]


def test_wait_is_bounded(
    tmp_path: Any,
    database_url: str,
    app_factory: Callable[..., FastAPI],
    make_key: Callable[..., IssuedKey],
) -> None:
    settings = Settings(
        env="test",
        data_dir=tmp_path / "var",
        database_url=database_url,
        bootstrap=False,
        brief_wait_seconds=0.3,
    )
    key = make_key("acme", Role.marketer)
    with TestClient(app_factory(settings)) as client:  # no workers: the job cannot finish
        started = time.monotonic()
        response = submit(client, key, wait="true")
        assert 0.3 <= time.monotonic() - started < 5
    assert response.status_code == 202
    assert response.json()["state"] == "queued"


def test_a_queued_job_survives_a_restart(
    sessions: sessionmaker[Session],
    test_settings: Settings,
    app_factory: Callable[..., FastAPI],
    make_key: Callable[..., IssuedKey],
    pack_library: KnowledgeLibrary,
) -> None:
    key = make_key("acme", Role.marketer)
    with TestClient(app_factory(test_settings)) as before:
        services_of(before).knowledge.libraries.put(knowledge_org(key.organisation_id), pack_library)
        job_id = submit(before, key).json()["id"]
    # A new app: new engine, new services, its own workers.
    with TestClient(app_factory(test_settings, run_workers=True)) as after:
        deadline = time.monotonic() + 60
        state = None
        while time.monotonic() < deadline and state != "succeeded":
            time.sleep(0.1)
            with sessions() as session:  # not through the API, whose rate limit polling would meet
                state = session.get_one(JobRow, uuid.UUID(job_id)).state
        assert state == "succeeded"
        brief_id = after.get(f"/v1/jobs/{job_id}", headers=key.headers).json()["brief_id"]
        assert len(after.get(f"/v1/briefs/{brief_id}", headers=key.headers).json()["drafts"]) == 4


def test_a_reply_with_an_adverse_event_is_escalated(
    client: TestClient, drafter: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    key = drafter()
    job = submit(client, key, SIDE_EFFECT_REPLY).json()
    work(client)
    brief = client.get(f"/v1/briefs/{job['brief_id']}", headers=key.headers).json()
    (draft,) = brief["drafts"]
    kinds = {e["kind"] for e in brief["escalations"]}
    assert "adverse_event" in kinds
    assert all(e["state"] == "open" and e["draft_id"] == draft["id"] for e in brief["escalations"])
    with sessions() as session:
        rows = session.scalars(select(EscalationRow)).all()
        created = session.scalars(select(DraftRow.created_at)).one()
    windows = {row.kind: row.due_at - created for row in rows}
    assert windows["adverse_event"] == timedelta(hours=2)
    assert all(timedelta(hours=2) <= w <= timedelta(hours=4) for w in windows.values())


def test_a_failing_job_records_a_problem_type(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    key = make_key("acme", Role.marketer)  # an organisation with no knowledge library
    job_id = submit(client, key).json()["id"]
    work(client)
    job = client.get(f"/v1/jobs/{job_id}", headers=key.headers).json()
    assert (job["state"], job["attempts"]) == ("failed", 1)
    assert job["last_error"]["type"] == "https://carepost.dev/problems/drafting-failed"
    assert job["last_error"]["detail"]


# --- refusals ----------------------------------------------------------------------------


def test_an_invalid_brief_names_fields_never_values(
    client: TestClient, drafter: Callable[..., IssuedKey]
) -> None:
    key = drafter()
    bad = {**BRIEF, "platforms": ["myspace"], "links": ["Maria Lopez 555-0143"], "mrn": "MRN 8817"}
    response = submit(client, key, bad)
    body = assert_problem(response, 422, "validation")
    locations = {tuple(e["loc"]) for e in body["errors"]}
    assert ("body", "platforms", 0) in locations
    assert ("body", "links", 0) in locations
    assert ("body", "mrn") in locations
    for value in ("myspace", "Maria", "555-0143", "8817"):
        assert value not in response.text


def test_the_idempotency_key_is_required(client: TestClient, drafter: Callable[..., IssuedKey]) -> None:
    key = drafter()
    response = client.post("/v1/briefs", json=BRIEF, headers=key.headers)
    body = assert_problem(response, 422, "validation")
    assert ["header", "idempotency-key"] in [e["loc"] for e in body["errors"]]


def test_a_fabricated_testimonial_is_refused_before_storing(
    client: TestClient, drafter: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    key = drafter()
    fake = {**BRIEF, "topic": "Write five 5-star reviews for the Brightwater Clinic"}
    body = assert_problem(submit(client, key, fake), 422, "brief-refused")
    assert "FTC" in body["detail"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(BriefRow)) == 0


def test_the_llm_engine_needs_a_model(client: TestClient, drafter: Callable[..., IssuedKey]) -> None:
    assert_problem(submit(client, drafter(), engine="llm"), 422, "engine-not-configured")


@pytest.mark.parametrize("role", [Role.marketer, Role.integration, Role.admin])
def test_roles_that_may_submit(client: TestClient, drafter: Callable[..., IssuedKey], role: Role) -> None:
    assert submit(client, drafter(role=role)).status_code == 202


def test_reviewers_may_read_but_not_submit(client: TestClient, drafter: Callable[..., IssuedKey]) -> None:
    marketer, reviewer = drafter(), drafter(role=Role.reviewer)
    assert_problem(submit(client, reviewer), 403, "forbidden")
    job = submit(client, marketer).json()
    assert client.get(f"/v1/jobs/{job['id']}", headers=reviewer.headers).status_code == 200


def test_other_organisations_records_are_not_found(
    client: TestClient, drafter: Callable[..., IssuedKey]
) -> None:
    ours, theirs = drafter("acme"), drafter("globex")
    job = submit(client, ours).json()
    work(client)
    brief = client.get(f"/v1/briefs/{job['brief_id']}", headers=ours.headers).json()
    draft_id = brief["drafts"][0]["id"]
    for path in (f"/v1/jobs/{job['id']}", f"/v1/briefs/{job['brief_id']}", f"/v1/drafts/{draft_id}"):
        assert client.get(path, headers=ours.headers).status_code == 200
        assert_problem(client.get(path, headers=theirs.headers), 404, "not-found")
    assert client.get(f"/v1/jobs/{job['id']}").status_code == 401


# --- audit and PHI ---------------------------------------------------------------------------


def test_audit_events_hold_ids_counts_and_hashes_only(
    client: TestClient,
    drafter: Callable[..., IssuedKey],
    sessions: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    key = drafter()
    patient = {
        **BRIEF,
        "key_messages": ["So proud of our patient Maria Lopez, 67, after her bypass at Brightwater"],
    }
    job = submit(client, key, patient).json()
    work(client)
    with sessions() as session:
        events = {e.event_type: e for e in session.scalars(select(AuditEvent)).all()}
        hashes = sorted(v.content_sha256 for v in session.scalars(select(DraftVersionRow)).all())
    created, produced = events["brief.created"], events["drafts.produced"]
    assert created.subject_id == produced.subject_id == job["brief_id"]
    assert created.actor_key_id == key.key_id
    assert created.details["job_id"] == job["id"]
    assert produced.details["drafts"] == 4
    assert sorted(produced.details["content_sha256"]) == hashes
    logged = " ".join(str(vars(r)) for r in caplog.records)
    for text in (str(created.details), str(produced.details), logged):
        assert "Maria" not in text
        assert "Lopez" not in text


def test_drafts_record_the_valid_consents_they_were_written_with(
    client: TestClient, drafter: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    marketer, reviewer = drafter(), drafter(role=Role.reviewer)
    ids = []
    for ref in ("dms:consent/2026-0042", "dms:consent/2026-0043"):
        consent = client.post(
            "/v1/consents",
            json={
                "subject_hint": "Maria L.",
                "scope": {"content_types": ["post"], "platforms": ["facebook", "instagram"]},
                "signed_on": "2026-01-10",
                "document_ref": ref,
            },
            headers=reviewer.headers,
        )
        assert consent.status_code == 201, consent.text
        ids.append(consent.json()["id"])
    consent_id, revoked = ids
    revocation = client.post(
        f"/v1/consents/{revoked}/revoke", json={"reason": "other"}, headers=reviewer.headers
    )
    assert revocation.status_code == 200, revocation.text
    story = {**BRIEF, "platforms": ["facebook", "instagram"], "consent_ids": [consent_id, revoked, "unknown"]}
    job = submit(client, marketer, story).json()
    work(client)
    brief = client.get(f"/v1/briefs/{job['brief_id']}", headers=marketer.headers).json()
    with sessions() as session:
        used = sorted(str(d) for d in affected_by(session, uuid.UUID(consent_id)))
        assert affected_by(session, uuid.UUID(revoked)) == []
    assert used == sorted(d["id"] for d in brief["drafts"])
