"""Shared test setup: an offline environment, a network guard, and the database backends.

Database tests take the `database_url` fixture (or one built on it) and run once
per backend: always on a SQLite file, and also on PostgreSQL when
CAREPOST_TEST_DATABASE_URL is set. Each PostgreSQL test gets a schema of its
own, dropped afterwards, so nothing ever deletes rows from a shared database. If
the variable is set and the server is unreachable, those tests fail; they never
skip. The run ends with a line counting results per backend.
"""

from __future__ import annotations

import gc
import importlib.abc
import importlib.machinery
import ipaddress
import os
import shutil
import socket
import sys
import tempfile
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from api.app import create_app
from api.guardrail_engines import GuardrailEngines
from api.keyring import Actor, issue_key
from api.offline import OFFLINE_DEFAULTS
from api.settings import Settings, sqlite_url
from api.store import migrate
from api.store.database import make_engine, make_sessionmaker
from api.store.models import Role
from api.store.repositories import OrganisationRepository
from knowledge.embeddings import MiniLmEmbedding, load_embedding_function

TEST_DATABASE_ENV = "CAREPOST_TEST_DATABASE_URL"
BACKEND_RESULTS = pytest.StashKey[dict[str, Counter[str]]]()
CACHE_DIR = pytest.StashKey[Path]()


# --- environment --------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    # Runs before test modules are imported, so libraries that read these at import time see them.
    cache_dir = Path(tempfile.mkdtemp(prefix="carepost-test-cache-"))
    config.stash[CACHE_DIR] = cache_dir
    config.stash[BACKEND_RESULTS] = {}
    os.environ.update(OFFLINE_DEFAULTS)
    os.environ["XDG_CACHE_HOME"] = str(cache_dir)
    os.environ["TLDEXTRACT_CACHE"] = str(cache_dir / "tldextract")
    # Tests build their settings explicitly; a developer's CAREPOST_* variables must not leak in.
    # CAREPOST_TEST_* (the PostgreSQL and Redis the tests may use) are for the tests themselves.
    for name in [n for n in os.environ if n.startswith("CAREPOST_") and not n.startswith("CAREPOST_TEST_")]:
        del os.environ[name]


def pytest_unconfigure(config: pytest.Config) -> None:
    cache_dir = config.stash.get(CACHE_DIR, None)
    if cache_dir is not None:
        shutil.rmtree(cache_dir, ignore_errors=True)


# --- network guard --------------------------------------------------------------


class NetworkAccessError(RuntimeError):
    """A test tried to reach something other than this machine."""


@dataclass
class NetworkGuard:
    attempts: list[str] = field(default_factory=list)

    def refuse(self, target: object) -> None:
        self.attempts.append(repr(target))
        raise NetworkAccessError(f"tests must not use the network; tried to reach {target!r}")


def _is_local_host(host: object) -> bool:
    if host is None or host in ("", "localhost", b"localhost"):
        return True
    if isinstance(host, bytes):
        host = host.decode()
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _is_local_address(address: Any) -> bool:
    if isinstance(address, str | bytes):  # AF_UNIX socket path
        return True
    return isinstance(address, tuple) and _is_local_host(address[0])


@pytest.fixture(scope="session", autouse=True)
def network_guard() -> Iterator[NetworkGuard]:
    """Every test: connections and name lookups are allowed to loopback only."""
    guard = NetworkGuard()
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        if not _is_local_address(address):
            guard.refuse(address)
        original_connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
        if not _is_local_address(address):
            guard.refuse(address)
        return original_connect_ex(sock, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local_host(host):
            guard.refuse(host)
        return original_getaddrinfo(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", guarded_connect)
        patch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
        patch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
        yield guard


@pytest.fixture(autouse=True)
def _no_swallowed_network_attempts(network_guard: NetworkGuard) -> Iterator[None]:
    """Fail the test even if a library caught the guard's exception and carried on."""
    before = len(network_guard.attempts)
    yield
    attempts = network_guard.attempts[before:]
    if attempts:
        pytest.fail(f"test tried to reach the network: {', '.join(attempts)}", pytrace=False)


# --- model-call guard -------------------------------------------------------------

LITELLM_ENTRY_POINTS = (
    "completion",
    "acompletion",
    "text_completion",
    "atext_completion",
    "responses",
    "aresponses",
)


class UnmockedModelCall(RuntimeError):
    """A test reached litellm's completion entry points without mocking them."""


def _block_litellm(module: ModuleType) -> None:
    for name in LITELLM_ENTRY_POINTS:
        if not hasattr(module, name) or getattr(getattr(module, name), "carepost_guard", False):
            continue

        def refuse(*args: Any, _name: str = name, **kwargs: Any) -> Any:
            raise UnmockedModelCall(
                f"tests must not call litellm.{_name} unmocked: use a fake ChatModel (agents.testing) "
                "or monkeypatch litellm"
            )

        refuse.carepost_guard = True  # type: ignore[attr-defined]
        # kept so a test of a model on this machine (tests/agents: local_litellm) can opt back in
        refuse.carepost_original = getattr(module, name)  # type: ignore[attr-defined]
        setattr(module, name, refuse)


class _LitellmImportHook(importlib.abc.MetaPathFinder):
    """Guards litellm the moment something imports it, so sessions that never use it never load it."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "litellm":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original_exec = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original_exec(module)
            _block_litellm(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


@pytest.fixture(scope="session", autouse=True)
def litellm_guard() -> Iterator[None]:
    """Every test: litellm's completion entry points raise unless the test patches them."""
    hook = _LitellmImportHook()
    if "litellm" in sys.modules:
        _block_litellm(sys.modules["litellm"])
    else:
        sys.meta_path.insert(0, hook)
    yield
    if hook in sys.meta_path:
        sys.meta_path.remove(hook)


# --- database backends ------------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = [pytest.param("sqlite", id="sqlite")]
        if os.environ.get(TEST_DATABASE_ENV):
            backends.append(pytest.param("postgres", id="postgres", marks=pytest.mark.postgres))
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture(scope="session")
def postgres_admin_engine() -> Iterator[Engine]:
    url = os.environ[TEST_DATABASE_ENV]
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        pytest.fail(f"{TEST_DATABASE_ENV} is set but PostgreSQL is unreachable: {exc.orig}", pytrace=False)
    yield engine
    engine.dispose()


@pytest.fixture
def blank_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL schema dropped after the test."""
    if backend == "sqlite":
        yield sqlite_url(tmp_path / "carepost.db")
        return
    admin: Engine = request.getfixturevalue("postgres_admin_engine")
    schema = f"carepost_test_{uuid.uuid4().hex[:16]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    # search_path limited to the test schema: tables, alembic_version and lookups all stay inside it.
    url = make_url(os.environ[TEST_DATABASE_ENV]).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def database_url(blank_database_url: str) -> str:
    """A database migrated to the latest revision."""
    engine = make_engine(blank_database_url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    return blank_database_url


@pytest.fixture
def test_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(env="test", data_dir=tmp_path / "var", database_url=database_url, bootstrap=False)


@pytest.fixture(scope="session")
def guardrail_engines() -> GuardrailEngines:
    """The guardrail models, loaded once per session and shared by every test app."""
    return GuardrailEngines.load()


@pytest.fixture(scope="session")
def knowledge_embedding() -> MiniLmEmbedding:
    """The knowledge embedding model, loaded once per session; each app opens its own chroma folder."""
    return load_embedding_function()


@pytest.fixture
def app_factory(
    guardrail_engines: GuardrailEngines, knowledge_embedding: MiniLmEmbedding
) -> Callable[[Settings], FastAPI]:
    """`create_app` with the session's already-loaded guardrail and embedding models (no job workers
    unless `run_workers=True`)."""

    def build(settings: Settings, *, run_workers: bool = False) -> FastAPI:
        return create_app(
            settings, guardrails=guardrail_engines, embedding=knowledge_embedding, run_workers=run_workers
        )

    return build


@pytest.fixture
def client(test_settings: Settings, app_factory: Callable[[Settings], FastAPI]) -> Iterator[TestClient]:
    with TestClient(app_factory(test_settings)) as test_client:
        yield test_client


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Direct database access for arranging and inspecting, beside the app's own engine."""
    engine = make_engine(database_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        engine.dispose()


@dataclass(frozen=True)
class IssuedKey:
    secret: str
    key_id: uuid.UUID
    organisation_id: uuid.UUID
    role: Role

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


@pytest.fixture
def make_key(sessions: sessionmaker[Session]) -> Callable[..., IssuedKey]:
    """Issue a key for organisation `org` (created on first use) with `role`."""

    def make(org: str = "acme", role: Role = Role.admin, name: str = "test key") -> IssuedKey:
        with sessions() as session:
            organisations = OrganisationRepository(session)
            organisation = organisations.get_by_slug(org) or organisations.create(slug=org, name=org.title())
            api_key, secret = issue_key(
                session, organisation_id=organisation.id, role=role, name=name, actor=Actor(source="cli")
            )
            session.commit()
        return IssuedKey(secret=secret, key_id=api_key.id, organisation_id=organisation.id, role=role)

    return make


# --- per-backend summary --------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    callspec = getattr(item, "callspec", None)
    backend = callspec.params.get("backend") if callspec is not None else None
    if backend is not None:
        outcome: str | None = None
        if report.when == "call":
            outcome = report.outcome
        elif report.failed:
            outcome = "error"
        elif report.skipped:
            outcome = "skipped"
        if outcome is not None:
            item.config.stash[BACKEND_RESULTS].setdefault(backend, Counter())[outcome] += 1
    return report


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    results = config.stash.get(BACKEND_RESULTS, {})
    parts = []
    for backend in ("sqlite", "postgres"):
        counts = results.get(backend)
        if counts:
            order = ("passed", "failed", "error", "skipped")
            parts.append(f"{backend}=" + " ".join(f"{counts[o]} {o}" for o in order if counts[o]))
        elif backend == "postgres" and not os.environ.get(TEST_DATABASE_ENV):
            parts.append(f"postgres=not run ({TEST_DATABASE_ENV} not set)")
        else:
            parts.append(f"{backend}=0")
    terminalreporter.write_line("database backends: " + ", ".join(parts))


@pytest.fixture(scope="module")
def collect_litellm_leftovers() -> Iterator[None]:
    """litellm's sync paths leave event loops (and their self-pipe sockets) for the garbage
    collector; collect them when the module that made them ends, so the ResourceWarning is not
    reported against whichever later test happens to trigger a collection."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
