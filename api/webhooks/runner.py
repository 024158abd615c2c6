"""The in-process dispatcher: a background thread that sends due deliveries until stopped.

`carepost serve` starts one from the app lifespan (CAREPOST_WEBHOOK_DISPATCH_IN_PROCESS);
test apps do not unless asked. Several processes may each run one: claims are
exclusive (see `api.webhooks.dispatcher`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

import httpx
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.store.models import utcnow
from api.webhooks.config import WebhookConfig
from api.webhooks.dispatcher import DEFAULT_BATCH, deliver_due, make_http_client

log = logging.getLogger(__name__)


class DispatcherThread:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        config: WebhookConfig,
        *,
        poll_seconds: float,
        clock: Callable[[], datetime] = utcnow,
        client_factory: Callable[[WebhookConfig], httpx.Client] = make_http_client,
    ) -> None:
        self.sessions = sessions
        self.config = config
        self.poll_seconds = poll_seconds
        self.clock = clock
        self.client_factory = client_factory
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="carepost-webhooks", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look for due deliveries now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        with self.client_factory(self.config) as client:
            while not self._stop.is_set():
                try:
                    # A full batch means more may be due: go again without sleeping.
                    while not self._stop.is_set() and (
                        deliver_due(self.sessions, client, self.clock(), self.config) == DEFAULT_BATCH
                    ):
                        pass
                except SQLAlchemyError as exc:
                    log.error("webhook dispatcher: database unavailable", extra={"error": type(exc).__name__})
                except Exception as exc:
                    # Keep the thread alive; the rows stay due and are retried at the next poll.
                    log.error("webhook dispatcher crashed", extra={"error": type(exc).__name__})
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
