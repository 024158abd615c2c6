"""Per-key rate limits: a sustained rate per minute plus a burst, per route group.

The algorithm is GCRA (the generic cell rate algorithm, a token bucket kept as
one number per bucket: the "theoretical arrival time" of the next request). A
key may send `burst` requests at once, then one every `60 / per_minute` seconds.
`limits`, the usual library, was considered: its windows have no burst
allowance and its in-memory store reads the wall clock directly, so neither the
semantics nor an injectable clock fit; GCRA is a few lines and keeps one value
per bucket, which makes the Redis form a single atomic script.

Stores: `memory://` keeps buckets in this process (right for one process; with
several workers or replicas each has its own buckets, so a key gets N times its
limit); `redis://host:port/db` shares them across every process, which is what
scale-out needs. Time comes from the limiter's clock, passed to the store, so
tests drive it without sleeping (replicas' clocks must agree, as NTP ensures).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import redis

if TYPE_CHECKING:
    from api.settings import Settings

Clock = Callable[[], float]
DEFAULT_BUCKET = "*"
_PRUNE_ABOVE = 10_000  # buckets kept in memory before idle (full) ones are dropped


class RateLimitStoreUnavailable(RuntimeError):
    """The shared store could not be reached; callers refuse the request (fail closed)."""


@dataclass(frozen=True)
class RateLimit:
    per_minute: int
    burst: int

    @property
    def interval(self) -> float:
        """Seconds between requests at the sustained rate."""
        return 60.0 / self.per_minute

    @property
    def tolerance(self) -> float:
        """How far ahead of now a bucket's arrival time may run: `burst` requests' worth."""
        return self.interval * self.burst


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: RateLimit
    retry_after: float  # seconds until one more request would pass; 0 when allowed
    remaining: int  # requests that would pass right now, after this one

    @property
    def retry_after_header(self) -> str:
        return str(max(1, math.ceil(self.retry_after)))


def gcra(stored: float | None, now: float, limit: RateLimit) -> tuple[bool, float]:
    """(allowed, arrival time to keep): the whole algorithm; the Redis script mirrors it."""
    arrival = now if stored is None or stored < now else stored
    after = arrival + limit.interval
    if after - limit.tolerance > now:
        return False, arrival
    return True, after


def decide(allowed: bool, kept: float, now: float, limit: RateLimit) -> Decision:
    if allowed:
        remaining = math.floor((now + limit.tolerance - kept) / limit.interval + 1e-9)
        return Decision(True, limit, 0.0, max(0, remaining))
    retry_after = kept + limit.interval - limit.tolerance - now
    return Decision(False, limit, max(0.0, retry_after), 0)


class RateLimitStore(Protocol):
    def hit(self, bucket: str, limit: RateLimit, now: float) -> Decision: ...

    def close(self) -> None: ...


class MemoryStore:
    """Buckets in a dict under a lock: one process only."""

    def __init__(self) -> None:
        self._arrivals: dict[str, float] = {}
        self._lock = threading.Lock()

    def hit(self, bucket: str, limit: RateLimit, now: float) -> Decision:
        with self._lock:
            allowed, kept = gcra(self._arrivals.get(bucket), now, limit)
            self._arrivals[bucket] = kept
            if len(self._arrivals) > _PRUNE_ABOVE:
                # An arrival time in the past means a full bucket, the same as no entry.
                self._arrivals = {name: at for name, at in self._arrivals.items() if at > now}
        return decide(allowed, kept, now, limit)

    def close(self) -> None:
        self._arrivals.clear()


# Same steps as `gcra`; numbers travel as strings because Redis truncates Lua numbers to integers.
_GCRA_SCRIPT = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local arrival = tonumber(redis.call('GET', KEYS[1]))
if arrival == nil or arrival < now then arrival = now end
local after = arrival + interval
if after - tolerance > now then
  return {0, tostring(arrival)}
end
redis.call('SET', KEYS[1], string.format('%.6f', after), 'PX', math.ceil((after - now) * 1000) + 1000)
return {1, string.format('%.6f', after)}
"""


class RedisStore:
    """Buckets shared by every process through Redis; each hit is one atomic script call."""

    def __init__(self, url: str, *, prefix: str = "carepost:ratelimit:") -> None:
        # from_url only parses; the first command opens the connection.
        self._client = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        self._script = self._client.register_script(_GCRA_SCRIPT)
        self._prefix = prefix

    def hit(self, bucket: str, limit: RateLimit, now: float) -> Decision:
        try:
            allowed, kept = self._script(
                keys=[self._prefix + bucket], args=[repr(now), repr(limit.interval), repr(limit.tolerance)]
            )
        except redis.RedisError as exc:
            raise RateLimitStoreUnavailable("the rate-limit store is unreachable") from exc
        return decide(bool(int(allowed)), float(kept), now, limit)

    def close(self) -> None:
        self._client.close()


def open_store(url: str) -> RateLimitStore:
    if url == "memory://":
        return MemoryStore()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(url)
    raise ValueError("the rate-limit URL must be memory:// or redis://host:port/db")


@dataclass(frozen=True)
class RouteRule:
    """An override for one route group: `METHOD /path` or `/path`, matching that path and below it."""

    method: str | None
    path: str
    name: str

    @classmethod
    def parse(cls, name: str) -> RouteRule:
        method, _, path = name.rpartition(" ")
        return cls(method=method.upper() or None, path=path.rstrip("/") or "/", name=name)

    def matches(self, method: str, route: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        return route == self.path or route.startswith(self.path + "/")

    @property
    def specificity(self) -> tuple[int, int]:
        return len(self.path), self.method is not None


class RateLimiter:
    """Decides whether one more request from a key may pass now."""

    def __init__(
        self,
        store: RateLimitStore,
        default: RateLimit,
        overrides: Mapping[str, RateLimit],
        *,
        clock: Clock = time.time,
    ) -> None:
        self.store = store
        self.default = default
        self._overrides = sorted(
            ((RouteRule.parse(name), limit) for name, limit in overrides.items()),
            key=lambda item: item[0].specificity,
            reverse=True,
        )
        self.clock = clock

    def rule_for(self, method: str, route: str) -> tuple[str, RateLimit]:
        """The bucket name and limit for a request: the most specific override, else the key's default."""
        for rule, limit in self._overrides:
            if rule.matches(method, route):
                return rule.name, limit
        return DEFAULT_BUCKET, self.default

    def hit(self, key: str, method: str, route: str) -> Decision:
        bucket, limit = self.rule_for(method, route)
        return self.store.hit(f"{key}|{bucket}", limit, self.clock())

    def close(self) -> None:
        self.store.close()


def rate_limiter_from_settings(settings: Settings, *, clock: Clock = time.time) -> RateLimiter | None:
    """The configured limiter, or None when limits are switched off."""
    if not settings.rate_limit_enabled:
        return None
    overrides = {
        name: RateLimit(per_minute=rule.per_minute, burst=rule.burst)
        for name, rule in settings.rate_limit_routes.items()
    }
    default = RateLimit(per_minute=settings.rate_limit_per_minute, burst=settings.rate_limit_burst)
    return RateLimiter(open_store(settings.rate_limit_url), default, overrides, clock=clock)
