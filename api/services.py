"""The long-lived objects one app instance uses, built by the lifespan and kept on `app.state`.

Later features add their own fields here (the guardrail checker, the knowledge
store, the LLM client) so a route asks for a typed service instead of reaching
into module globals.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.guardrail_engines import GuardrailEngines
from api.settings import Settings
from api.store.database import make_engine, make_sessionmaker


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    guardrails: GuardrailEngines

    @classmethod
    def build(cls, settings: Settings, guardrails: GuardrailEngines | None = None) -> Services:
        """Build everything; `guardrails` may be passed in because loading its models takes seconds."""
        engines = guardrails or GuardrailEngines.load(settings.guardrails_config)
        engine = make_engine(settings.database_url)
        return cls(settings=settings, engine=engine, sessions=make_sessionmaker(engine), guardrails=engines)

    def close(self) -> None:
        self.engine.dispose()
