"""Drafting jobs under faults: the LLM provider fails (a fake OpenAI-compatible server on loopback), a
revision crashes, the worker dies mid-revision. Each ends retryable or cleanly failed, never half-stored.

The job queue runs on an injected clock, so its backoff and leases are stepped, never slept.
"""

from __future__ import annotations

import dataclasses
import gc
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from agents.chat import ChatMessage, ChatModel
from agents.llm import LiteLLMChatModel, LlmConfig
from agents.testing import CallInfo, FunctionChatModel
from api.background import job_handlers
from api.jobs.queue import JobQueue, QueuePolicy
from api.jobs.worker import Worker
from api.services import Services
from api.store.drafting_models import DraftRow, DraftVersionRow, JobRow
from api.store.library_repository import knowledge_org
from api.store.models import Role
from knowledge.pack.loader import load_pack_library
from tests.conftest import IssuedKey
from tests.fake_openai import fake_openai, use_real_litellm

# litellm's fallback check leaves an event loop and sockets for the garbage collector (see
# tests/agents/test_llm_faults.py); they are collected inside each test, under these filters.
pytestmark = [
    pytest.mark.usefixtures("collect_litellm_leftovers"),
    pytest.mark.filterwarnings(
        "ignore:unclosed:ResourceWarning",
        "ignore:Exception ignored in:pytest.PytestUnraisableExceptionWarning",
    ),
]

POLICY = QueuePolicy(
    lease=timedelta(seconds=60),
    max_attempts=3,
    backoff_base=timedelta(seconds=10),
    backoff_cap=timedelta(minutes=5),
)
BRIEF = {
    "topic": "Free Saturday flu shot clinics",
    "platforms": ["facebook", "x"],
    "call_to_action": "See clinic times",
    "key_messages": ["Free flu shots on Saturdays at the Brightwater Clinic"],
    "links": ["https://larkspurvalleyhealth.example/flu"],
    "topics": ["flu"],
}
CLEAN = '{"text": "Free flu shots this Saturday at the Brightwater Clinic. See clinic times."}'
# A draft the guardrails flag (a patient named with a diagnosis), so the engine asks for a revision.
FLAGGED = '{"text": "Our patient Maria Lopez finished chemotherapy at the Brightwater Clinic today!"}'


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class WorkerKilled(BaseException):
    """Stands for the process dying (SIGKILL, OOM): nothing in the worker gets to handle it."""


@pytest.fixture(autouse=True)
def _collect_litellm_leftovers() -> Iterator[None]:
    yield
    gc.collect()


@dataclasses.dataclass
class Rig:
    client: TestClient
    services: Services
    key: IssuedKey
    clock: FakeClock
    sessions: sessionmaker[Session]

    def use_model(self, model: ChatModel) -> None:
        self.services.orchestrator = dataclasses.replace(self.services.orchestrator, chat_model=model)

    def submit(self) -> uuid.UUID:
        response = self.client.post(
            "/v1/briefs",
            json=BRIEF,
            params={"engine": "llm"},
            headers={**self.key.headers, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert response.status_code == 202, response.text
        return uuid.UUID(response.json()["id"])

    def worker(self, name: str = "w1") -> Worker:
        return Worker(self.services.jobs, job_handlers(self.services), name=name)

    def job(self, job_id: uuid.UUID) -> dict[str, Any]:
        response = self.client.get(f"/v1/jobs/{job_id}", headers=self.key.headers)
        assert response.status_code == 200
        body: dict[str, Any] = response.json()
        return body

    def stored(self) -> tuple[int, int]:
        with self.sessions() as session:
            drafts = session.scalar(select(func.count()).select_from(DraftRow)) or 0
            versions = session.scalar(select(func.count()).select_from(DraftVersionRow)) or 0
        return drafts, versions


@pytest.fixture
def rig(client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]) -> Rig:
    services = client.app.state.services  # type: ignore[attr-defined]
    assert isinstance(services, Services)
    key = make_key("acme", Role.marketer)
    services.knowledge.libraries.put(knowledge_org(key.organisation_id), load_pack_library())
    clock = FakeClock()
    services.jobs = JobQueue(services.sessions, policy=POLICY, clock=clock)
    return Rig(client, services, key, clock, sessions)


def provider_model(base_url: str) -> LiteLLMChatModel:
    return LiteLLMChatModel(
        LlmConfig(
            model="openai/primary",
            api_base=base_url,
            api_key="sk-fake",  # pragma: allowlist secret
            fallbacks=["openai/fallback"],
            num_retries=1,
            retry_after=0,
            timeout=5,
        )
    )


def test_a_provider_outage_leaves_the_job_retryable_then_failed(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_real_litellm(monkeypatch)
    with fake_openai({"primary": [500], "fallback": [429]}) as server:
        rig.use_model(provider_model(server.base_url))
        job_id = rig.submit()
        assert rig.worker().run_once()
        # primary, its retry, then the fallback and its retry: all failed
        assert server.models_called() == ["primary", "primary", "fallback", "fallback"]
        job = rig.job(job_id)
        assert (job["state"], job["attempts"]) == ("queued", 1)
        assert job["last_error"]["type"] == "https://carepost.dev/problems/model-unavailable"
        assert job["last_error"]["detail"].startswith("the model provider failed (")
        assert not rig.worker().run_once()  # backing off: not due yet
        rig.clock.advance(10)
        assert rig.worker().run_once()
        assert rig.job(job_id)["state"] == "queued"
        rig.clock.advance(20)
        assert rig.worker().run_once()
        job = rig.job(job_id)
    assert (job["state"], job["attempts"]) == ("failed", 3)
    assert job["last_error"]["type"] == "https://carepost.dev/problems/model-unavailable"
    assert rig.stored() == (0, 0)


def test_a_provider_that_recovers_drafts_on_the_retry(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    use_real_litellm(monkeypatch)
    with fake_openai(
        {"primary": [500, 500, "ok"], "fallback": [500, 500, "ok"]}, reply=lambda m: CLEAN
    ) as server:
        rig.use_model(provider_model(server.base_url))
        job_id = rig.submit()
        assert rig.worker().run_once()
        assert rig.job(job_id)["state"] == "queued"
        rig.clock.advance(10)
        assert rig.worker().run_once()
    job = rig.job(job_id)
    assert (job["state"], job["attempts"], job["last_error"]) == ("succeeded", 2, None)
    assert rig.stored() == (2, 2)  # one draft per platform, each with its first version: stored once


def revising_model(on_revision: Callable[[], str]) -> FunctionChatModel:
    """Drafts something the guardrails flag; its answer to the revision request is `on_revision()`."""

    def answer(messages: list[ChatMessage], info: CallInfo) -> str:
        revising = any(m.role == "assistant" for m in messages)
        return on_revision() if revising else FLAGGED

    return FunctionChatModel(answer, name="fake")


def test_a_crash_mid_revision_is_retried_and_stores_once(rig: Rig) -> None:
    crashes = [True]

    def on_revision() -> str:
        if crashes.pop(0) if crashes else False:
            raise RuntimeError("provider SDK bug")
        return CLEAN

    model = revising_model(on_revision)
    rig.use_model(model)
    job_id = rig.submit()
    assert rig.worker().run_once()
    assert len(model.calls) == 2  # the first draft, then the revision that crashed
    job = rig.job(job_id)
    assert (job["state"], job["last_error"]["type"]) == ("queued", "https://carepost.dev/problems/internal")
    assert rig.stored() == (0, 0)
    rig.clock.advance(10)
    assert rig.worker().run_once()
    assert rig.job(job_id)["state"] == "succeeded"
    assert rig.stored() == (2, 2)


def test_a_worker_killed_mid_revision_leaves_the_job_to_another_worker(rig: Rig) -> None:
    killed = [True]

    def on_revision() -> str:
        if killed.pop(0) if killed else False:
            raise WorkerKilled
        return CLEAN

    rig.use_model(revising_model(on_revision))
    job_id = rig.submit()
    with pytest.raises(WorkerKilled):
        rig.worker("dies").run_once()
    with rig.sessions() as session:
        row = session.get_one(JobRow, job_id)
        assert (row.state, row.lease_owner) == ("running", "dies")  # nobody recorded anything
    assert rig.stored() == (0, 0)
    assert not rig.worker("w2").run_once()  # the lease still holds
    rig.clock.advance(61)
    assert rig.worker("w2").run_once()
    job = rig.job(job_id)
    assert (job["state"], job["attempts"]) == ("succeeded", 2)
    assert rig.stored() == (2, 2)
