"""Webhook subscriptions of the caller's organisation (admin and integration keys), and their deliveries.

A webhook's signing secret is returned once, at creation and at each rotation.
docs/webhooks.md documents the event catalogue and how a receiver verifies a delivery.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import IntegrationPrincipal, ServicesDep, SessionDep
from api.problems import PROBLEM_BASE_URI, ProblemDetail, ProblemError
from api.routes import v1_router
from api.store.models import utcnow
from api.store.webhook_models import URL_LENGTH, DeliveryState, Webhook, WebhookDelivery
from api.webhooks import registry
from api.webhooks.config import WebhookConfig
from api.webhooks.events import EVENT_DESCRIPTIONS, EventType
from api.webhooks.outbox import emit
from api.webhooks.registry import WebhookRepository
from api.webhooks.ssrf import UrlRefused

router = v1_router("webhooks", tag="webhooks")

URL_REFUSED_KIND = "webhook-url-refused"


def get_webhook_config(services: ServicesDep) -> WebhookConfig:
    return WebhookConfig.from_settings(services.settings)


WebhookConfigDep = Annotated[WebhookConfig, Depends(get_webhook_config)]

URL_REFUSED_RESPONSE: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ProblemDetail,
        "description": f"Validation failed, or the URL was refused (type {PROBLEM_BASE_URI}{URL_REFUSED_KIND}).",
    }
}


def _url_refused(exc: UrlRefused) -> ProblemError:
    return ProblemError(
        422, f"{exc.message} (reason: {exc.reason})", kind=URL_REFUSED_KIND, title="Webhook URL refused"
    )


def _wake_dispatcher(request: Request) -> None:
    dispatcher = getattr(request.app.state, "webhook_dispatcher", None)
    if dispatcher is not None:
        dispatcher.wake()


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=URL_LENGTH, description="An https:// URL on a public address.")
    event_types: list[EventType] = Field(min_length=1, description="Events to receive (see /events).")
    description: str = Field(default="", max_length=200)


class WebhookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=1, max_length=URL_LENGTH)
    event_types: list[EventType] | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, max_length=200)
    active: bool | None = None


class WebhookOut(BaseModel):
    id: uuid.UUID
    url: str
    description: str
    event_types: list[EventType]
    active: bool
    created_at: datetime
    updated_at: datetime
    previous_secret_expires_at: datetime | None = Field(
        description="While set, deliveries are also signed with the previous secret."
    )

    @classmethod
    def of(cls, webhook: Webhook) -> WebhookOut:
        expires = webhook.previous_secret_expires_at
        return cls(
            id=webhook.id,
            url=webhook.url,
            description=webhook.description,
            event_types=[EventType(value) for value in webhook.event_types],
            active=webhook.active,
            created_at=webhook.created_at,
            updated_at=webhook.updated_at,
            previous_secret_expires_at=expires if expires is not None and expires > utcnow() else None,
        )


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret. Shown only in this response; store it now.")


class SecretRotated(BaseModel):
    secret: str = Field(description="The new signing secret. Shown only in this response.")
    previous_secret_expires_at: datetime = Field(description="The old secret signs until then.")


class WebhookList(BaseModel):
    items: list[WebhookOut]


class EventTypeOut(BaseModel):
    type: EventType
    description: str


class EventCatalogue(BaseModel):
    items: list[EventTypeOut]


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    webhook_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None = Field(
        description="A fixed code: timeout, connect_error, http_status, url_refused…"
    )
    delivered_at: datetime | None
    redelivery_of: uuid.UUID | None
    created_at: datetime


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    total: int
    limit: int
    offset: int


class EventQueued(BaseModel):
    event_id: uuid.UUID


def _webhook_or_404(session: SessionDep, principal: IntegrationPrincipal, webhook_id: uuid.UUID) -> Webhook:
    webhook = WebhookRepository(session).get(principal.organisation_id, webhook_id)
    if webhook is None:
        raise ProblemError(404, "No such webhook in this organisation.")
    return webhook


WebhookDep = Annotated[Webhook, Depends(_webhook_or_404)]


@router.get("/events", summary="The event catalogue")
def event_catalogue(principal: IntegrationPrincipal) -> EventCatalogue:
    return EventCatalogue(
        items=[EventTypeOut(type=kind, description=EVENT_DESCRIPTIONS[kind]) for kind in EventType]
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=URL_REFUSED_RESPONSE,
    summary="Register a webhook (the secret is returned once)",
)
def create_webhook(
    body: WebhookCreate,
    session: SessionDep,
    principal: IntegrationPrincipal,
    config: WebhookConfigDep,
    response: Response,
) -> WebhookCreated:
    try:
        webhook, secret = registry.create_webhook(
            session,
            config,
            organisation_id=principal.organisation_id,
            url=body.url,
            event_types=body.event_types,
            description=body.description,
            actor=principal.actor,
        )
    except UrlRefused as exc:
        raise _url_refused(exc) from None
    session.commit()
    response.headers["Location"] = f"{router.prefix}/{webhook.id}"
    response.headers["Cache-Control"] = "no-store"  # the body holds a secret
    return WebhookCreated(**WebhookOut.of(webhook).model_dump(), secret=secret)


@router.get("", summary="List the organisation's webhooks")
def list_webhooks(session: SessionDep, principal: IntegrationPrincipal) -> WebhookList:
    webhooks = WebhookRepository(session).list_for(principal.organisation_id)
    return WebhookList(items=[WebhookOut.of(webhook) for webhook in webhooks])


@router.get("/{webhook_id}", summary="One webhook")
def read_webhook(webhook: WebhookDep) -> WebhookOut:
    return WebhookOut.of(webhook)


@router.patch("/{webhook_id}", responses=URL_REFUSED_RESPONSE, summary="Change a webhook")
def update_webhook(
    body: WebhookUpdate,
    webhook: WebhookDep,
    session: SessionDep,
    principal: IntegrationPrincipal,
    config: WebhookConfigDep,
) -> WebhookOut:
    try:
        registry.update_webhook(
            session,
            config,
            webhook,
            actor=principal.actor,
            url=body.url,
            event_types=body.event_types,
            description=body.description,
            active=body.active,
        )
    except UrlRefused as exc:
        raise _url_refused(exc) from None
    session.commit()
    return WebhookOut.of(webhook)


@router.delete(
    "/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a webhook and its deliveries"
)
def delete_webhook(webhook: WebhookDep, session: SessionDep, principal: IntegrationPrincipal) -> None:
    registry.delete_webhook(session, webhook, actor=principal.actor)
    session.commit()


@router.post(
    "/{webhook_id}/rotate-secret", summary="Rotate the signing secret (the new one is returned once)"
)
def rotate_secret(
    webhook: WebhookDep,
    session: SessionDep,
    principal: IntegrationPrincipal,
    config: WebhookConfigDep,
    response: Response,
) -> SecretRotated:
    secret = registry.rotate_secret(session, config, webhook, actor=principal.actor)
    session.commit()
    response.headers["Cache-Control"] = "no-store"
    assert webhook.previous_secret_expires_at is not None
    return SecretRotated(secret=secret, previous_secret_expires_at=webhook.previous_secret_expires_at)


@router.post(
    "/{webhook_id}/ping", status_code=status.HTTP_202_ACCEPTED, summary="Queue a webhook.ping delivery"
)
def ping(webhook: WebhookDep, session: SessionDep, request: Request) -> EventQueued:
    event_id = emit(
        session,
        webhook.organisation_id,
        EventType.webhook_ping,
        {"webhook_id": str(webhook.id)},
        only_webhook=webhook.id,
    )
    session.commit()
    _wake_dispatcher(request)
    return EventQueued(event_id=event_id)


@router.get("/{webhook_id}/deliveries", summary="The webhook's delivery log, newest first")
def list_deliveries(
    webhook: WebhookDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    state: DeliveryState | None = None,
) -> DeliveryPage:
    items, total = WebhookRepository(session).deliveries(webhook.id, limit=limit, offset=offset, state=state)
    return DeliveryPage(
        items=[DeliveryOut.model_validate(item) for item in items], total=total, limit=limit, offset=offset
    )


@router.post(
    "/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send a delivery's event again (a new delivery, same event id)",
)
def redeliver(
    delivery_id: uuid.UUID, session: SessionDep, principal: IntegrationPrincipal, request: Request
) -> DeliveryOut:
    original: WebhookDelivery | None = WebhookRepository(session).get_delivery(
        principal.organisation_id, delivery_id
    )
    if original is None:
        raise ProblemError(404, "No such delivery in this organisation.")
    copy = registry.redeliver(session, original, actor=principal.actor)
    session.commit()
    _wake_dispatcher(request)
    return DeliveryOut.model_validate(copy)
