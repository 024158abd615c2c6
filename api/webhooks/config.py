"""Webhook settings turned into the objects the registry and the dispatcher use."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from api.settings import Settings
from api.webhooks.secrets import SecretBox
from api.webhooks.ssrf import Resolver, UrlPolicy


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter and a cap; after `max_attempts` failed attempts a delivery is dead."""

    max_attempts: int = 12
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=6)
    # Returns a float in [0, 1); injectable so tests can pin the jitter.
    random: Callable[[], float] = field(default=random.random, compare=False)

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt: between half and all of base * 2^(n-1), capped."""
        ceiling = min(self.cap.total_seconds(), self.base.total_seconds() * 2 ** max(attempts - 1, 0))
        # "Equal jitter": never less than half the step, so retries still spread out and slow down.
        return timedelta(seconds=ceiling / 2 + self.random() * ceiling / 2)


@dataclass(frozen=True)
class WebhookConfig:
    box: SecretBox
    url_policy: UrlPolicy
    retry: RetryPolicy
    timeout: float
    rotation_window: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookConfig:
        return cls(
            box=SecretBox(settings.secret_key.get_secret_value()),
            url_policy=UrlPolicy(
                allow_http=settings.webhook_allow_http,
                allow_private=settings.webhook_allow_private,
                allowed_networks=tuple(settings.webhook_allowed_networks),
            ),
            retry=RetryPolicy(
                max_attempts=settings.webhook_max_attempts,
                base=timedelta(seconds=settings.webhook_backoff_base_seconds),
                cap=timedelta(seconds=settings.webhook_backoff_cap_seconds),
            ),
            timeout=settings.webhook_timeout_seconds,
            rotation_window=timedelta(seconds=settings.webhook_rotation_window_seconds),
        )

    def with_resolver(self, resolver: Resolver) -> WebhookConfig:
        return replace(self, url_policy=replace(self.url_policy, resolver=resolver))

    @property
    def lease(self) -> timedelta:
        """How long a claimed delivery stays invisible to other dispatchers: well past the send timeout."""
        return timedelta(seconds=2 * self.timeout + 30)
