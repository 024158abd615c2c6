"""The long-lived objects one app instance uses, built by the lifespan and kept on `app.state`.

Later features add their own fields here (the guardrail checker, the knowledge
store, the LLM client) so a route asks for a typed service instead of reaching
into module globals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from agents.orchestrator import Orchestrator
from api.audit.chain import attach_audit_key
from api.audit.secret import load_audit_key
from api.consents.withdrawal import WithdrawalHandler, withdrawal_handler
from api.eval_runs import EvalRunService, default_runner
from api.guardrail_engines import GuardrailEngines
from api.jobs.queue import JobQueue, QueuePolicy
from api.knowledge_base import open_knowledge_base
from api.passwords import Passwords
from api.ratelimit import RateLimiter, rate_limiter_from_settings
from api.settings import Settings
from api.store.database import make_engine, make_sessionmaker
from api.workflow.deps import WorkflowDeps
from api.workflow.signing import CredentialCheck
from knowledge.retrieval import KnowledgeBase

if TYPE_CHECKING:
    from api.jobs.worker import WorkerPool
    from knowledge.embeddings import MiniLmEmbedding


def queue_policy(settings: Settings) -> QueuePolicy:
    return QueuePolicy(
        lease=timedelta(seconds=settings.job_lease_seconds),
        max_attempts=settings.job_max_attempts,
        backoff_base=timedelta(seconds=settings.job_backoff_seconds),
    )


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    guardrails: GuardrailEngines
    knowledge: KnowledgeBase
    # What revocation does to content that used the consent (api.consents.withdrawal).
    consent_withdrawal: WithdrawalHandler
    rate_limiter: RateLimiter | None  # None when limits are switched off
    orchestrator: Orchestrator
    jobs: JobQueue
    # Eval suites requested through the API, run on one background thread (api.eval_runs).
    evals: EvalRunService
    # The review workflow's collaborators (api.workflow).
    workflow: WorkflowDeps
    # Set by the app lifespan when it runs in-process workers; routes use it to wake them.
    workers: WorkerPool | None = None

    @classmethod
    def build(
        cls,
        settings: Settings,
        guardrails: GuardrailEngines | None = None,
        embedding: MiniLmEmbedding | None = None,
    ) -> Services:
        """Build everything; `guardrails` and `embedding` may be passed in because loading models takes time."""
        engines = guardrails or GuardrailEngines.load(settings.guardrails_config)
        audit_key = load_audit_key(settings)
        engine = make_engine(settings.database_url)
        sessions = make_sessionmaker(engine)
        # Every committed change that audits something also signs the chain's new head.
        attach_audit_key(sessions, audit_key)
        try:
            knowledge = open_knowledge_base(settings, sessions, embedding)
        except BaseException:
            engine.dispose()
            raise
        # The llm engine needs a configured model; the API drafts with the modular engine until
        # model settings exist (agents.llm.LlmConfig is the seam).
        orchestrator = Orchestrator(kb=knowledge, checker=engines.checker, redactor=engines.redactor)
        return cls(
            settings=settings,
            engine=engine,
            sessions=sessions,
            guardrails=engines,
            knowledge=knowledge,
            consent_withdrawal=withdrawal_handler(settings),
            rate_limiter=rate_limiter_from_settings(settings),
            orchestrator=orchestrator,
            jobs=JobQueue(sessions, policy=queue_policy(settings)),
            evals=EvalRunService(sessions, default_runner(engines.checker)),
            workflow=WorkflowDeps(
                orchestrator=orchestrator,
                credentials=CredentialCheck(Passwords()),
                overridable=engines.checker.overridable,
                approval_lifetime=timedelta(days=settings.approval_expiry_days),
            ),
        )

    def close(self) -> None:
        self.evals.close()  # the run in progress finishes before the database goes away
        if self.rate_limiter is not None:
            self.rate_limiter.close()
        self.knowledge.store.close()
        self.engine.dispose()
