"""RFC 9457 problem details: the one shape every error response takes.

Each kind of error has a stable `type` URI that clients may switch on. Problem
bodies never repeat what the client sent: a brief may hold PHI, and an error
response is easily logged or shown somewhere it should not be.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.logs import ERROR_LOGGER

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE_URI = "https://carepost.dev/problems/"

# status -> (type slug, title). Statuses not listed use "about:blank" (RFC 9457 §4.2.1).
PROBLEM_KINDS: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Not allowed for this key's role"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation", "Request validation failed"),
    429: ("rate-limited", "Too many requests for this key"),
    500: ("internal", "Internal server error"),
    503: ("unavailable", "Service unavailable"),
}


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Where the problem is, e.g. ['body', 'role'].")
    msg: str
    type: str = Field(description="Pydantic's error type, e.g. 'missing' or 'json_invalid'.")


class ProblemDetail(BaseModel):
    """An RFC 9457 problem; `request_id` matches the X-Request-ID header and the server logs."""

    type: str = Field(examples=[PROBLEM_BASE_URI + "not-found"])
    title: str
    status: int
    detail: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = Field(
        default=None, description="Field errors, for validation problems."
    )


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


class ProblemError(Exception):
    """Raise from a route or dependency to answer with a problem of this status."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
        *,
        kind: str | None = None,
        title: str | None = None,
    ) -> None:
        """`kind` and `title` name a more specific problem than the status's own, e.g. "brief-refused"."""
        super().__init__(detail or HTTPStatus(status).phrase)
        self.status = status
        self.detail = detail
        self.headers = headers
        self.kind = kind
        self.title = title


def problem_type(status: int) -> str:
    kind = PROBLEM_KINDS.get(status)
    return PROBLEM_BASE_URI + kind[0] if kind else "about:blank"


def problem_title(status: int) -> str:
    kind = PROBLEM_KINDS.get(status)
    return kind[1] if kind else HTTPStatus(status).phrase


def build_problem(
    status: int,
    *,
    detail: str | None = None,
    request_id: str | None = None,
    errors: list[FieldError] | None = None,
    kind: str | None = None,
    title: str | None = None,
) -> ProblemDetail:
    return ProblemDetail(
        type=PROBLEM_BASE_URI + kind if kind else problem_type(status),
        title=title or problem_title(status),
        status=status,
        detail=detail,
        request_id=request_id,
        errors=errors,
    )


def problem_response(problem: ProblemDetail, headers: dict[str, str] | None = None) -> ProblemResponse:
    return ProblemResponse(problem.model_dump(exclude_none=True), status_code=problem.status, headers=headers)


def request_id_of(request: Request) -> str | None:
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else None


def safe_field_errors(raw_errors: Any) -> list[FieldError]:
    """Keep where and why; drop `input` and `ctx`, which can carry the submitted values.

    A message built from a parser error (`ctx.error`: malformed JSON, a bad UUID)
    can quote part of the input, so those get a fixed message instead.
    """
    field_errors = []
    for error in raw_errors:
        error_type = str(error.get("type", ""))
        message = str(error.get("msg", ""))
        if "error" in (error.get("ctx") or {}):
            message = "Malformed JSON" if error_type == "json_invalid" else "Invalid value"
        field_errors.append(FieldError(loc=list(error.get("loc", ())), msg=message, type=error_type))
    return field_errors


async def handle_problem_error(request: Request, exc: ProblemError) -> ProblemResponse:
    problem = build_problem(
        exc.status, detail=exc.detail, request_id=request_id_of(request), kind=exc.kind, title=exc.title
    )
    return problem_response(problem, exc.headers)


async def handle_http_exception(request: Request, exc: StarletteHTTPException) -> ProblemResponse:
    # Framework details ("Not Found", "Method Not Allowed") are fixed phrases, never request data.
    detail = exc.detail if isinstance(exc.detail, str) else None
    problem = build_problem(exc.status_code, detail=detail, request_id=request_id_of(request))
    return problem_response(problem, dict(exc.headers) if exc.headers else None)


async def handle_validation_error(request: Request, exc: RequestValidationError) -> ProblemResponse:
    problem = build_problem(
        422,
        detail="The request does not match the schema; see errors.",
        request_id=request_id_of(request),
        errors=safe_field_errors(exc.errors()),
    )
    return problem_response(problem)


# The database went away or is overloaded: a condition to retry, not a bug. Seconds for Retry-After.
DATABASE_RETRY_AFTER_SECONDS = 5


async def handle_database_unavailable(request: Request, exc: Exception) -> ProblemResponse:
    """503, and the exception's type in the log: its message quotes SQL parameters, which may be PHI.

    The request's transaction was never committed (the session is closed as the exception passes
    through `get_session`), so nothing it wrote is kept.
    """
    request_id = request_id_of(request)
    logging.getLogger(ERROR_LOGGER).error(
        "database unavailable", extra={"request_id": request_id, "error": type(exc).__name__}
    )
    problem = build_problem(503, detail="The database is unavailable; retry shortly.", request_id=request_id)
    return problem_response(problem, {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)})


ExceptionHandler = Callable[[Request, Any], Coroutine[Any, Any, Response]]

EXCEPTION_HANDLERS: dict[int | type[Exception], ExceptionHandler] = {
    ProblemError: handle_problem_error,
    StarletteHTTPException: handle_http_exception,
    RequestValidationError: handle_validation_error,
    OperationalError: handle_database_unavailable,
    InterfaceError: handle_database_unavailable,
    DisconnectionError: handle_database_unavailable,
    PoolTimeoutError: handle_database_unavailable,
}


def _problem_response_doc(status: int) -> dict[str, Any]:
    return {"model": ProblemDetail, "description": problem_title(status)}


# Declared on every /v1 route; `CarepostAPI.openapi` moves them to the problem media type.
V1_PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    # 400: a body that cannot even be decoded (not UTF-8, a bad Content-Length) never reaches validation.
    status: _problem_response_doc(status)
    for status in (400, 401, 403, 404, 413, 422, 429, 500, 503)
}
HEALTH_PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: _problem_response_doc(status) for status in (500, 503)
}
CONFLICT_RESPONSE: dict[int | str, dict[str, Any]] = {409: _problem_response_doc(409)}


def use_problem_media_type(openapi_schema: dict[str, Any]) -> None:
    """Error responses are documented as application/problem+json, which is what they are."""
    for path_item in openapi_schema.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[:1] not in {"4", "5"}:
                    continue
                # A route serving HTML (the eval report) gets its errors documented as HTML by FastAPI.
                for media_type in ("application/json", "text/html"):
                    if media_type in content:
                        content[PROBLEM_MEDIA_TYPE] = content.pop(media_type)
