"""What the workflow needs from the rest of the app, passed in rather than reached for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from agents.orchestrator import Orchestrator
from api.store.models import utcnow
from api.workflow.signing import CredentialCheck


@dataclass(frozen=True)
class WorkflowDeps:
    # The drafting pipeline: an edit is checked exactly as drafting checks its own output.
    orchestrator: Orchestrator
    credentials: CredentialCheck
    # From the guardrail configuration: may a reviewer override this rule id?
    overridable: Callable[[str], bool]
    approval_lifetime: timedelta
    clock: Callable[[], datetime] = utcnow
