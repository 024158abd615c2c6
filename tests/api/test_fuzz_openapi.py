"""Schemathesis against the app's own /openapi.json: every operation, every role, no 5xx, schema-true responses.

Driven by the document the app serves, so a new route is fuzzed the day it is
added. Each operation gets up to FUZZ_EXAMPLES generated requests with schema-valid
inputs and as many with invalid ones (when it takes any input), sent with the key of a role hypothesis picks per example (admin,
reviewer, marketer, integration of one organisation). Every response must not be
a 5xx, its status must be documented, and its content type, headers and body
must match what the document declares. Bounded for CI: derandomised (the same
examples every run), no example database, no per-example deadline; the run's
size and time are printed at the end of the session.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.guardrail_engines import GuardrailEngines
from api.keyring import Actor, issue_key
from api.settings import Settings, sqlite_url
from api.store import migrate
from api.store.database import make_engine, make_sessionmaker
from api.store.models import Role
from api.store.repositories import OrganisationRepository
from knowledge.embeddings import MiniLmEmbedding
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey

FUZZ_EXAMPLES = 100
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def documented_operations() -> list[Any]:
    """A test parameter per operation and generation mode, read from a bare app (no lifespan, no I/O).

    Positive mode sends schema-valid inputs; negative mode sends inputs the schema
    forbids, which needs something to break: operations without parameters or body get none.
    """
    paths = create_app(Settings(env="test", bootstrap=False)).openapi()["paths"]
    params = []
    for path, item in sorted(paths.items()):
        for method, operation in sorted(item.items()):
            modes = [GenerationMode.POSITIVE]
            if operation.get("parameters") or operation.get("requestBody"):
                modes.append(GenerationMode.NEGATIVE)
            params += [
                pytest.param(method.upper(), path, mode, id=f"{method.upper()} {path} {mode.value}")
                for mode in modes
            ]
    return params


@dataclass
class FuzzRun:
    schema: Any
    headers: dict[Role, dict[str, str]]
    examples: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)


@pytest.fixture(scope="module")
def fuzz_run(
    tmp_path_factory: pytest.TempPathFactory,
    guardrail_engines: GuardrailEngines,
    knowledge_embedding: MiniLmEmbedding,
    request: pytest.FixtureRequest,
) -> Iterator[FuzzRun]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    database_url = sqlite_url(folder / "carepost.db")
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        with make_sessionmaker(engine)() as session:
            organisation = OrganisationRepository(session).create(slug="fuzz", name="Fuzz clinic")
            headers = {}
            for role in Role:
                _, secret = issue_key(
                    session,
                    organisation_id=organisation.id,
                    role=role,
                    name=f"fuzz {role}",
                    actor=Actor(source="cli"),
                )
                headers[role] = {"Authorization": f"Bearer {secret}"}
            session.commit()
    finally:
        engine.dispose()
    # Rate limits are tested on their own; here they would only turn examples into 429s.
    settings_ = Settings(
        env="test",
        data_dir=folder / "var",
        database_url=database_url,
        bootstrap=False,
        rate_limit_enabled=False,
        # No workers run here: `POST /v1/briefs?wait=true` waits this long, under the client's read timeout.
        brief_wait_seconds=1.0,
    )
    app = create_app(settings_, guardrails=guardrail_engines, embedding=knowledge_embedding)
    run = FuzzRun(schema=schemathesis.openapi.from_asgi("/openapi.json", app), headers=headers)
    yield run
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and run.examples:
        total = sum(run.examples.values())
        fewest = sorted(run.examples.items(), key=lambda item: item[1])[:3]
        with capture.global_and_fixture_disabled():
            operations = len({label.rsplit(" (", 1)[0] for label in run.examples})
            reporter.write_line(
                f"\nschemathesis: {operations} operations ({len(run.examples)} operation x mode runs), "
                f"{total} requests in "
                f"{sum(run.seconds.values()):.1f} s; fewest examples: "
                + ", ".join(f"{op} {n}" for op, n in fewest)
            )


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path", "mode"), documented_operations())
def test_operation_survives_fuzzing(fuzz_run: FuzzRun, method: str, path: str, mode: GenerationMode) -> None:
    operation = fuzz_run.schema[path][method]
    label = f"{method} {path} ({mode.value})"
    roles: Counter[Role] = Counter()

    @settings(
        max_examples=FUZZ_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), role=st.sampled_from(list(Role)))
    def exercise(case: Any, role: Role) -> None:
        fuzz_run.examples[label] += 1
        roles[role] += 1
        case.call_and_validate(headers=fuzz_run.headers[role], checks=CHECKS)

    started = time.perf_counter()
    exercise()
    fuzz_run.seconds[label] = time.perf_counter() - started
    # Hypothesis stops early only when it has tried every distinct input (e.g. no parameters at all).
    assert fuzz_run.examples[label] >= 1


@pytest.mark.parametrize("path", ["/v1/audit/events", "/v1/consents", "/v1/knowledge/documents"])
def test_an_offset_past_any_database_integer_is_refused_not_a_crash(
    client: TestClient, make_key: Callable[..., IssuedKey], path: str
) -> None:
    # Found by the fuzzing above: offset=5254002049484552404992 overflowed SQLite's INTEGER into a 500.
    key = make_key(role=Role.admin)
    assert_problem(client.get(path, params={"offset": 2**73}, headers=key.headers), 422, "validation")
    assert client.get(path, params={"offset": 2**31 - 1}, headers=key.headers).status_code == 200
