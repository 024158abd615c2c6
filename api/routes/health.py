"""Liveness and readiness probes; open to all, no key needed."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import ServicesDep
from api.problems import HEALTH_PROBLEM_RESPONSES, ProblemError
from api.store.migrate import is_at_head

router = APIRouter(tags=["health"], responses=HEALTH_PROBLEM_RESPONSES)
log = logging.getLogger(__name__)


class Alive(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    database: Literal["ok"] = "ok"
    migrations: Literal["current"] = "current"


@router.get("/healthz", summary="The process is alive")
def healthz() -> Alive:
    return Alive()


@router.get("/readyz", summary="The database is reachable and its schema is current")
def readyz(services: ServicesDep) -> Ready:
    try:
        with services.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = is_at_head(services.engine)
    except SQLAlchemyError as exc:
        log.warning("readiness: database unreachable", extra={"error_type": type(exc).__name__})
        raise ProblemError(503, "The database is unreachable.") from exc
    if not current:
        raise ProblemError(
            503, "The database schema is not at the latest migration; run `carepost db upgrade`."
        )
    return Ready()
