"""`carepost worker --burst`: a separate process's worker drafts what the API queued."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from agents.brief import Brief
from api.cli import build_cli
from api.cli import worker as worker_cli
from api.drafting.submit import Submitter, submit_brief
from api.guardrail_engines import GuardrailEngines
from api.jobs.queue import JobQueue
from api.services import Services
from api.settings import Settings
from api.store.drafting_models import DraftRow, JobRow
from api.store.library_repository import SqlLibraryRepository, knowledge_org
from api.store.repositories import OrganisationRepository
from knowledge.embeddings import MiniLmEmbedding
from knowledge.pack.loader import load_pack_library

BRIEF = Brief.model_validate(
    {
        "topic": "Walk-in flu shots at Northgate",
        "platforms": ["x", "google_business"],
        "call_to_action": "Plan your visit",
        "key_messages": [
            "Walk in for a flu shot at Urgent Care – Northgate, every day from 8 a.m. to 8 p.m."
        ],
        "links": ["https://larkspurvalleyhealth.example/flu"],
        "topics": ["flu", "urgent-care"],
    }
)


def test_burst_runs_the_queued_jobs_then_exits(
    database_url: str,
    tmp_path: Path,
    sessions: sessionmaker[Session],
    guardrail_engines: GuardrailEngines,
    knowledge_embedding: MiniLmEmbedding,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with sessions() as session:
        organisation = OrganisationRepository(session).create(slug="acme", name="Acme")
        session.commit()
    SqlLibraryRepository(sessions).put(knowledge_org(organisation.id), load_pack_library())
    queue = JobQueue(sessions)
    with sessions() as session:
        for key in ("one", "two"):
            submit_brief(
                session,
                queue,
                submitter=Submitter(organisation_id=organisation.id),
                brief=BRIEF,
                engine="modular",
                idempotency_key=key,
            )

    def build(settings: Settings) -> Services:
        return Services.build(settings, guardrail_engines, knowledge_embedding)

    monkeypatch.setattr(worker_cli, "build_services", build)
    # The command points the root logger at its stderr; the runner's stream closes after the test.
    monkeypatch.setattr(worker_cli, "configure_logging", lambda level: None)
    env = {"CAREPOST_DATABASE_URL": database_url, "CAREPOST_DATA_DIR": str(tmp_path / "var")}
    result = CliRunner().invoke(build_cli(), ["worker", "--burst"], env=env)
    assert result.exit_code == 0, result.output
    assert "2 job(s) run" in result.output
    with sessions() as session:
        assert set(session.scalars(select(JobRow.state)).all()) == {"succeeded"}
        assert session.scalar(select(func.count()).select_from(DraftRow)) == 4


def test_the_worker_refuses_an_unmigrated_database(
    blank_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_cli, "configure_logging", lambda level: None)
    env = {"CAREPOST_DATABASE_URL": blank_database_url, "CAREPOST_DATA_DIR": str(tmp_path / "var")}
    result = CliRunner().invoke(build_cli(), ["worker", "--burst"], env=env)
    assert result.exit_code == 1
    assert "carepost db upgrade" in result.output
