"""Per-key rate limits: the algorithm on both stores, and the 429 problem over HTTP.

The Redis store runs when CAREPOST_TEST_REDIS_URL is set (as .ci/run does); the
memory store always. Time is a fake clock, so nothing sleeps.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.ratelimit import (
    MemoryStore,
    RateLimit,
    RateLimiter,
    RateLimitStore,
    RedisStore,
    rate_limiter_from_settings,
)
from api.settings import RateLimitRule, Settings
from api.store.models import Role
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey

TEST_REDIS_ENV = "CAREPOST_TEST_REDIS_URL"
START = 1_800_000_000.0


@dataclass
class FakeClock:
    now: float = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def store_params() -> list[object]:
    params: list[object] = [pytest.param("memory", id="memory")]
    if os.environ.get(TEST_REDIS_ENV):
        params.append(pytest.param("redis", id="redis"))
    return params


@pytest.fixture(params=store_params())
def store(request: pytest.FixtureRequest) -> Iterator[RateLimitStore]:
    if request.param == "memory":
        yield MemoryStore()
        return
    prefix = f"carepost-test:{uuid.uuid4().hex}:"
    redis_store = RedisStore(os.environ[TEST_REDIS_ENV], prefix=prefix)
    try:
        yield redis_store
    finally:
        cleanup = redis.Redis.from_url(os.environ[TEST_REDIS_ENV])
        for key in cleanup.scan_iter(match=prefix + "*"):
            cleanup.delete(key)
        cleanup.close()
        redis_store.close()


def limiter(store: RateLimitStore, clock: FakeClock, **overrides: RateLimit) -> RateLimiter:
    return RateLimiter(store, RateLimit(per_minute=60, burst=3), overrides, clock=clock)


def test_a_burst_passes_then_the_next_waits_one_interval(store: RateLimitStore) -> None:
    clock = FakeClock()
    limits = limiter(store, clock)
    decisions = [limits.hit("key-a", "GET", "/v1/organisations/me") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    assert decisions[3].retry_after == pytest.approx(1.0)
    assert decisions[3].retry_after_header == "1"
    clock.advance(0.5)
    assert not limits.hit("key-a", "GET", "/v1/organisations/me").allowed
    clock.advance(0.5)
    assert limits.hit("key-a", "GET", "/v1/organisations/me").allowed
    assert not limits.hit("key-a", "GET", "/v1/organisations/me").allowed


def test_the_sustained_rate_always_passes(store: RateLimitStore) -> None:
    clock = FakeClock()
    limits = limiter(store, clock)
    for _ in range(180):  # three minutes at exactly 60 a minute
        assert limits.hit("key-a", "POST", "/v1/audit/events").allowed
        clock.advance(1.0)


def test_an_idle_key_gets_its_whole_burst_back(store: RateLimitStore) -> None:
    clock = FakeClock()
    limits = limiter(store, clock)
    for _ in range(3):
        limits.hit("key-a", "GET", "/v1/keys")
    clock.advance(600)
    assert [limits.hit("key-a", "GET", "/v1/keys").allowed for _ in range(4)] == [True, True, True, False]


def test_keys_and_route_budgets_are_separate(store: RateLimitStore) -> None:
    clock = FakeClock()
    limits = limiter(
        store,
        clock,
        **{
            "/v1/check": RateLimit(per_minute=6, burst=1),
            "POST /v1/briefs": RateLimit(per_minute=6, burst=2),
        },
    )
    assert limits.hit("key-a", "POST", "/v1/check").allowed
    denied = limits.hit("key-a", "POST", "/v1/check")
    assert not denied.allowed
    assert denied.retry_after == pytest.approx(10.0)
    # the key's general budget is untouched, and another key has its own
    assert limits.hit("key-a", "GET", "/v1/keys").allowed
    assert limits.hit("key-b", "POST", "/v1/check").allowed
    # a path below the override shares it; a method-specific override leaves other methods alone
    assert not limits.hit("key-a", "GET", "/v1/check/context-schema").allowed
    assert [limits.hit("key-a", "POST", "/v1/briefs").allowed for _ in range(3)] == [True, True, False]
    assert limits.rule_for("GET", "/v1/briefs") == ("*", limits.default)
    assert limits.rule_for("POST", "/v1/briefs/{brief_id}/drafts")[0] == "POST /v1/briefs"
    assert limits.rule_for("POST", "/v1/checks")[0] == "*"


def test_an_unreachable_redis_fails_closed_over_http(
    test_settings: Settings, app_factory: Callable[[Settings], FastAPI], make_key: Callable[..., IssuedKey]
) -> None:
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    settings = test_settings.model_copy(update={"rate_limit_url": "redis://127.0.0.1:1/0"})
    key = make_key(role=Role.marketer)
    with TestClient(app_factory(settings)) as client:
        body = assert_problem(client.get("/v1/organisations/me", headers=key.headers), 503, "unavailable")
    assert "Rate limits" in body["detail"]


@pytest.fixture
def limited(
    test_settings: Settings, app_factory: Callable[[Settings], FastAPI]
) -> Iterator[tuple[TestClient, FakeClock]]:
    settings = test_settings.model_copy(
        update={
            "rate_limit_per_minute": 30,
            "rate_limit_burst": 2,
            "rate_limit_routes": {"/v1/check": RateLimitRule(per_minute=12, burst=1)},
        }
    )
    clock = FakeClock()
    with TestClient(app_factory(settings)) as client:
        # The app built its limiter from the same settings; swap in one driven by the fake clock.
        client.app.state.services.rate_limiter = rate_limiter_from_settings(settings, clock=clock)  # type: ignore[attr-defined]
        yield client, clock


def test_over_the_limit_is_a_429_problem_with_retry_after(
    limited: tuple[TestClient, FakeClock], make_key: Callable[..., IssuedKey]
) -> None:
    client, clock = limited
    key = make_key(role=Role.marketer)
    other = make_key(role=Role.marketer, name="second key")
    for _ in range(2):
        assert client.get("/v1/organisations/me", headers=key.headers).status_code == 200
    response = client.get("/v1/organisations/me", headers=key.headers)
    body = assert_problem(response, 429, "rate-limited")
    assert response.headers["retry-after"] == "2"
    assert "30 requests a minute" in body["detail"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get("/v1/organisations/me", headers=other.headers).status_code == 200
    clock.advance(2.0)
    assert client.get("/v1/organisations/me", headers=key.headers).status_code == 200


def test_expensive_routes_have_their_own_smaller_budget(
    limited: tuple[TestClient, FakeClock], make_key: Callable[..., IssuedKey]
) -> None:
    client, _ = limited
    key = make_key(role=Role.marketer)
    request = {
        "text": "Join us for a free flu shot clinic on Saturday.",
        "platform": "facebook",
        "content_type": "post",
    }
    assert client.post("/v1/check", json=request, headers=key.headers).status_code == 200
    response = client.post("/v1/check", json=request, headers=key.headers)
    assert_problem(response, 429, "rate-limited")
    assert response.headers["retry-after"] == "5"
    assert client.get("/v1/organisations/me", headers=key.headers).status_code == 200


def test_requests_without_a_valid_key_are_refused_before_counting(
    limited: tuple[TestClient, FakeClock],
) -> None:
    client, _ = limited
    for _ in range(5):
        assert_problem(client.get("/v1/organisations/me"), 401, "unauthorized")


def test_the_429_is_documented_on_every_v1_operation(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    v1 = [(path, op) for path, item in paths.items() if path.startswith("/v1/") for op in item.values()]
    assert v1
    for path, operation in v1:
        assert "application/problem+json" in operation["responses"]["429"]["content"], path


def test_limits_can_be_switched_off(test_settings: Settings) -> None:
    assert rate_limiter_from_settings(test_settings.model_copy(update={"rate_limit_enabled": False})) is None


def test_route_budgets_come_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPOST_RATE_LIMIT_ROUTES", '{"POST /v1/briefs": {"per_minute": 5, "burst": 2}}')
    monkeypatch.setenv("CAREPOST_RATE_LIMIT_URL", "redis://127.0.0.1:6379/3")
    settings = Settings()
    assert settings.rate_limit_routes == {"POST /v1/briefs": RateLimitRule(per_minute=5, burst=2)}
    assert settings.rate_limit_url == "redis://127.0.0.1:6379/3"


@pytest.mark.parametrize(
    "update",
    [
        {"rate_limit_url": "memcached://127.0.0.1:11211"},
        {"rate_limit_url": "redis:/nohost"},
        {"rate_limit_per_minute": 0},
        {"rate_limit_burst": 0},
        {"rate_limit_routes": {"v1/check": {"per_minute": 1, "burst": 1}}},
        {"rate_limit_routes": {"FETCH /v1/check": {"per_minute": 1, "burst": 1}}},
        {"rate_limit_routes": {"/v1/check": {"per_minute": 1, "burst": 1, "window": 9}}},
    ],
)
def test_bad_rate_limit_settings_refuse_to_start(update: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate(update)
