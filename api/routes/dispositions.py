"""Finding dispositions over HTTP (reviewers and admins), and their export as de-identified eval cases."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path, Query, Response

from api.deps import AuditReaderPrincipal, ServicesDep, SessionDep
from api.dispositions import registry
from api.dispositions.export import JSONL_MEDIA_TYPE, export_cases, to_jsonl
from api.dispositions.schemas import DispositionCreate, DispositionOut, FindingDispositionOut
from api.problems import CONFLICT_RESPONSE, ProblemError
from api.routes import v1_router
from api.store.models import utcnow
from api.store.repositories import AuditRepository

router = v1_router("drafts", tag="dispositions")
export_router = v1_router("dispositions", tag="dispositions")

# Reviewers and admins decide findings: the same roles that read the audit trail.
DispositionPrincipal = AuditReaderPrincipal
Version = Annotated[int, Path(ge=1, le=2**31 - 1, description="The version number (1 is the first)")]
FindingIndex = Annotated[
    int, Path(ge=0, le=10_000, description="The finding's position in that version's findings (from 0)")
]
FINDING_PATH = "/{draft_id}/versions/{version}/findings/{finding_index}/disposition"


def _locate(
    session: SessionDep, principal: DispositionPrincipal, draft_id: uuid.UUID, version: int, index: int
) -> registry.FindingRef:
    try:
        return registry.locate(session, principal.organisation_id, draft_id, version, index)
    except registry.FindingNotFoundError:
        raise ProblemError(404, "No such finding of a draft version in this organisation.") from None


def _view(session: SessionDep, ref: registry.FindingRef) -> FindingDispositionOut:
    rows = registry.history(session, ref)
    decisions = [DispositionOut.of(row) for row in rows]
    return FindingDispositionOut(
        draft_id=ref.draft.id,
        version=ref.version.number,
        finding_index=ref.index,
        finding=ref.finding,
        current=decisions[-1] if decisions else None,
        history=decisions,
    )


@router.get(FINDING_PATH, summary="A finding's disposition in force and every earlier one")
def read_disposition(
    draft_id: uuid.UUID,
    version: Version,
    finding_index: FindingIndex,
    session: SessionDep,
    principal: DispositionPrincipal,
) -> FindingDispositionOut:
    return _view(session, _locate(session, principal, draft_id, version, finding_index))


@router.put(
    FINDING_PATH,
    summary="Mark a finding accepted or a false positive, with a reason (replaces an earlier decision)",
    responses=CONFLICT_RESPONSE,
)
def decide_disposition(
    draft_id: uuid.UUID,
    version: Version,
    finding_index: FindingIndex,
    body: DispositionCreate,
    session: SessionDep,
    principal: DispositionPrincipal,
) -> FindingDispositionOut:
    ref = _locate(session, principal, draft_id, version, finding_index)
    try:
        registry.decide(session, ref, body, actor=principal.actor)
    except registry.ConcurrentDecisionError:
        session.rollback()
        raise ProblemError(
            409, "Another decision on this finding was recorded at the same moment; retry."
        ) from None
    session.commit()
    return _view(session, ref)


@export_router.get(
    "/export",
    summary="Decided findings as de-identified guardrail eval cases (JSONL, the evals dataset format)",
    response_class=Response,
    responses={200: {"content": {JSONL_MEDIA_TYPE: {}}}},
)
def export_dispositions(
    session: SessionDep,
    services: ServicesDep,
    principal: DispositionPrincipal,
    seed: Annotated[
        int,
        Query(
            ge=0, le=2**31 - 1, description="Seeds the synthetic identifiers; the same seed, the same export"
        ),
    ] = 0,
) -> Response:
    cases = export_cases(
        session, services.guardrails.redactor, seed=seed, organisation_id=principal.organisation_id
    )
    AuditRepository(session).record(
        organisation_id=principal.organisation_id,
        event_type="dispositions.exported",
        subject_type="organisation",
        subject_id=str(principal.organisation_id),
        actor_key_id=principal.key_id,
        details={"cases": len(cases), "seed": seed},
    )
    session.commit()
    filename = f"dispositions-{utcnow():%Y%m%dT%H%M%SZ}.jsonl"
    return Response(
        to_jsonl(cases),
        media_type=JSONL_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
