"""HTTP routes, one module per resource; `api.app.ROUTERS` lists the ones that are served."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import enforce_rate_limit, get_principal
from api.problems import V1_PROBLEM_RESPONSES

# Largest pagination offset: it must fit a 32-bit SQL integer on every backend, or the query
# overflows into a 500 (found by fuzzing); nobody pages two billion rows deep.
MAX_OFFSET = 2**31 - 1


def v1_router(resource: str, *, tag: str) -> APIRouter:
    """A router under /v1/<resource> that requires an API key on every route and documents its problems.

    The key check sits on the router, not on each route, so a new route cannot be
    left open by forgetting a parameter; routes still name the principal they use. The
    per-key rate limit sits there for the same reason.
    """
    return APIRouter(
        prefix=f"/v1/{resource}",
        tags=[tag],
        dependencies=[Depends(get_principal), Depends(enforce_rate_limit)],
        responses=V1_PROBLEM_RESPONSES,
    )
