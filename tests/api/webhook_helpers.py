"""Shared pieces of the webhook tests: a test configuration, fake DNS, a webhook factory."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.keyring import Actor
from api.store.repositories import OrganisationRepository
from api.store.webhook_models import Webhook
from api.webhooks import registry
from api.webhooks.config import RetryPolicy, WebhookConfig
from api.webhooks.events import EventType
from api.webhooks.secrets import SecretBox
from api.webhooks.ssrf import Resolver, UrlPolicy

PUBLIC_ADDRESS = "93.184.216.34"  # a public address; MockTransport never connects to it


def fake_resolver(table: Mapping[str, Sequence[str]]) -> Resolver:
    """Resolves only the names in `table`; anything else fails like an unknown name."""

    def resolve(host: str, port: int) -> Sequence[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "name not known")
        return table[host]

    return resolve


def patch_system_dns(monkeypatch: pytest.MonkeyPatch, table: Mapping[str, str]) -> None:
    """What the app's default resolver sees: `socket.getaddrinfo` answering from `table`."""

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "name not known")
        family = socket.AF_INET6 if ":" in table[host] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (table[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def make_config(
    resolver: Resolver | None = None,
    *,
    allow_http: bool = False,
    allow_private: bool = False,
    max_attempts: int = 4,
    rotation_window: timedelta = timedelta(hours=1),
) -> WebhookConfig:
    return WebhookConfig(
        box=SecretBox("test-server-secret"),
        url_policy=UrlPolicy(
            allow_http=allow_http,
            allow_private=allow_private,
            resolver=resolver or fake_resolver({"hooks.example.org": [PUBLIC_ADDRESS]}),
        ),
        # random() == 1.0 pins the jitter to its top: each delay is exactly base * 2^(n-1), capped.
        retry=RetryPolicy(
            max_attempts=max_attempts,
            base=timedelta(seconds=10),
            cap=timedelta(seconds=60),
            random=lambda: 1.0,
        ),
        timeout=2.0,
        rotation_window=rotation_window,
    )


def organisation(sessions: sessionmaker[Session], slug: str = "acme") -> uuid.UUID:
    with sessions() as session:
        repo = OrganisationRepository(session)
        found = repo.get_by_slug(slug) or repo.create(slug=slug, name=slug.title())
        session.commit()
        return found.id


WebhookFactory = Callable[..., tuple[Webhook, str]]


def webhook_factory(sessions: sessionmaker[Session], config: WebhookConfig) -> WebhookFactory:
    def make(
        organisation_id: uuid.UUID,
        url: str = "https://hooks.example.org/carepost",
        events: Sequence[EventType] = (EventType.draft_approved,),
    ) -> tuple[Webhook, str]:
        with sessions() as session:
            webhook, secret = registry.create_webhook(
                session,
                config,
                organisation_id=organisation_id,
                url=url,
                event_types=list(events),
                description="",
                actor=Actor(source="cli"),
            )
            session.commit()
        return webhook, secret

    return make
