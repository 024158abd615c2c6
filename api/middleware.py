"""ASGI middleware: request ids, access logs, the last-resort 500, and the body size limit.

Written as plain ASGI (not BaseHTTPMiddleware) so request bodies stream through
untouched and the byte count sees every chunk.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import ACCESS_LOGGER, ERROR_LOGGER
from api.problems import build_problem, problem_response

REQUEST_ID_HEADER = "X-Request-ID"
# Accept a caller's id only if it is short and plain, so it is safe to log and echo.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_from(scope: Scope) -> str | None:
    value = scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


def route_template(scope: Scope) -> str | None:
    """The matched route's path template (e.g. /v1/keys/{key_id}), never the concrete URL."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else None


class RequestContextMiddleware:
    """Outermost layer: assigns the request id, logs the outcome, turns crashes into a generic 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.access_log = logging.getLogger(ACCESS_LOGGER)
        self.error_log = logging.getLogger(ERROR_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        incoming = Headers(scope=scope).get(REQUEST_ID_HEADER)
        request_id = incoming if incoming and _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_request_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            # The traceback goes to the log (with the request id); the client gets only the id.
            self.error_log.exception(
                "unhandled error",
                extra={"request_id": request_id, "method": scope["method"], "route": route_template(scope)},
            )
            if response_started:
                raise
            problem = build_problem(
                500,
                detail="An unexpected error occurred; quote the request id when reporting it.",
                request_id=request_id,
            )
            await problem_response(problem)(scope, receive, send_with_request_id)
        finally:
            self.access_log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "route": route_template(scope),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )


class PayloadTooLarge(StarletteHTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"The request body exceeds the limit of {limit} bytes.")


class BodySizeLimitMiddleware:
    """Refuse bodies over `max_bytes`: by Content-Length up front, and by counting streamed chunks.

    Counting matters because a chunked request has no Content-Length to check.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            status = 413 if declared.isdigit() else 400
            detail = PayloadTooLarge(self.max_bytes).detail if status == 413 else "Invalid Content-Length."
            problem = build_problem(status, detail=detail, request_id=request_id_from(scope))
            await problem_response(problem)(scope, receive, send)
            return

        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise PayloadTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except PayloadTooLarge as exc:
            # Normally the exception handlers answer inside the app; this covers a body
            # read outside them (e.g. by another middleware).
            if response_started:
                raise
            problem = build_problem(413, detail=exc.detail, request_id=request_id_from(scope))
            await problem_response(problem)(scope, receive, send)
