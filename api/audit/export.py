"""Export of audit events as JSON or CSV, streamed in chain order (shared by the API and the CLI).

Each event carries its `seq`, `prev_hash` and `hash`, and the export names the
latest signed checkpoint, so an export can be compared with `carepost audit verify`
on the server. An organisation's export holds only its own events; since the chain
is global, gaps in its `seq` are other organisations' events, not removals.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.audit_models import AuditCheckpoint
from api.store.models import AuditEvent

EXPORT_FORMAT = "carepost-audit-export/1"
COLUMNS = (
    "seq",
    "id",
    "organisation_id",
    "created_at",
    "event_type",
    "subject_type",
    "subject_id",
    "actor_key_id",
    "actor_user_id",
    "details",
    "prev_hash",
    "hash",
)
BATCH = 500


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"


MEDIA_TYPES = {ExportFormat.json: "application/json", ExportFormat.csv: "text/csv; charset=utf-8"}


def event_record(row: AuditEvent) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "id": str(row.id),
        "organisation_id": str(row.organisation_id),
        "created_at": row.created_at.isoformat(),
        "event_type": row.event_type,
        "subject_type": row.subject_type,
        "subject_id": row.subject_id,
        "actor_key_id": None if row.actor_key_id is None else str(row.actor_key_id),
        "actor_user_id": None if row.actor_user_id is None else str(row.actor_user_id),
        "details": row.details,
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }


def events(session: Session, organisation_id: uuid.UUID | None) -> Iterator[AuditEvent]:
    """One organisation's events (all, when None) in chain order, read in batches."""
    query = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=BATCH)
    if organisation_id is not None:
        query = query.where(AuditEvent.organisation_id == organisation_id)
    yield from session.scalars(query)


def latest_checkpoint(session: Session) -> dict[str, Any] | None:
    cp = session.scalars(
        select(AuditCheckpoint)
        .order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.signed_at.desc())
        .limit(1)
    ).first()
    if cp is None:
        return None
    return {
        "checkpoint_id": str(cp.id),
        "seq": cp.seq,
        "head_hash": cp.head_hash,
        "signed_at": cp.signed_at.isoformat(),
    }


def iter_json(session: Session, organisation_id: uuid.UUID | None, *, exported_at: datetime) -> Iterator[str]:
    meta = {
        "format": EXPORT_FORMAT,
        "organisation_id": None if organisation_id is None else str(organisation_id),
        "exported_at": exported_at.isoformat(),
        "latest_checkpoint": latest_checkpoint(session),
    }
    yield '{"meta":' + json.dumps(meta, sort_keys=True) + ',"events":['
    separator = "\n"
    for row in events(session, organisation_id):
        yield separator + json.dumps(event_record(row), sort_keys=True)
        separator = ",\n"
    yield "\n]}\n"


def iter_csv(session: Session, organisation_id: uuid.UUID | None) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in events(session, organisation_id):
        record = event_record(row)
        record["details"] = json.dumps(record["details"], sort_keys=True, separators=(",", ":"))
        writer.writerow(["" if record[column] is None else record[column] for column in COLUMNS])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
