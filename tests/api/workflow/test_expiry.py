"""The expiry sweep, with an injected clock: approvals lapse, and so do the facts content cites."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from api.cli import build_cli
from api.settings import Settings
from api.store.drafting_models import DraftRow
from api.store.models import AuditEvent, Role
from api.workflow.expiry import sweep
from knowledge.libraries.models import KnowledgeLibrary
from knowledge.pack.loader import load_pack_library
from tests.api.workflow.helpers import approve, delivered, make_draft, subscribe_everything
from tests.conftest import IssuedKey

CLAIM = "cardelta-afib-stroke"  # approved in the default pack until 2027-12-31
AFTER_CLAIM = datetime(2028, 1, 2, 9, 0, tzinfo=UTC)


def state(sessions: sessionmaker[Session], draft_id: uuid.UUID) -> str:
    with sessions() as session:
        draft = session.get(DraftRow, draft_id)
        assert draft is not None
        return draft.state


def run(sessions: sessionmaker[Session], now: datetime, library: KnowledgeLibrary | None) -> list[str]:
    with sessions() as session:
        expired = sweep(session, now=now, library=lambda org: library)
        session.commit()
    return [f"{e.draft_id}:{e.reason}" for e in expired]


def test_an_approval_expires_on_its_date(
    client: TestClient, make_key: Callable[..., IssuedKey], sessions: sessionmaker[Session]
) -> None:
    admin, reviewer = make_key("acme", Role.admin), make_key("acme", Role.reviewer)
    subscribe_everything(client, admin)
    made = make_draft(sessions, admin.organisation_id)
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    approved = approve(client, reviewer, made.draft_id, expires_at=until.isoformat())
    assert approved.json()["approval_expires_at"] == until.isoformat().replace("+00:00", "Z")
    library = load_pack_library()

    assert run(sessions, until - timedelta(seconds=1), library) == []
    assert run(sessions, until, library) == [f"{made.draft_id}:approval_expired"]
    assert run(sessions, until + timedelta(days=1), library) == []  # once
    assert state(sessions, made.draft_id) == "expired"
    assert delivered(sessions, admin.organisation_id) == ["draft.approved", "draft.expired"]
    with sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.event_type == "draft.expire")).one()
    assert event.details["reason"] == "approval_expired"
    assert (event.details["from_state"], event.details["to_state"]) == ("approved", "expired")

    past = approve(
        client,
        reviewer,
        make_draft(sessions, admin.organisation_id).draft_id,
        expires_at="2020-01-01T00:00:00Z",
    )
    assert past.status_code == 422


def test_content_citing_an_expired_claim_or_a_removed_product_expires(
    client: TestClient, sessions: sessionmaker[Session], make_key: Callable[..., IssuedKey]
) -> None:
    admin = make_key("acme", Role.admin)
    organisation_id = admin.organisation_id
    subscribe_everything(client, admin)
    claim = make_draft(
        sessions, organisation_id, state="published", citations=[f"claim:{CLAIM}", "template:x"]
    )
    product = make_draft(sessions, organisation_id, state="approved", citations=["product:cardelta"])
    plain = make_draft(sessions, organisation_id, state="approved", citations=["template:x"])
    library = load_pack_library()

    assert run(sessions, datetime(2027, 6, 1, tzinfo=UTC), library) == []
    without_product = library.model_copy(
        update={
            "products": [p for p in library.products if p.id != "cardelta"],
            "claims": [c for c in library.claims if c.product_id != "cardelta"],
        }
    )
    assert run(sessions, AFTER_CLAIM, without_product) == [
        f"{d.draft_id}:{r}"
        for d, r in sorted(
            [(claim, "claim_expired"), (product, "product_withdrawn")], key=lambda pair: str(pair[0].draft_id)
        )
    ]
    assert state(sessions, plain.draft_id) == "approved"
    # The published post with a lapsed claim must also come down.
    assert sorted(delivered(sessions, organisation_id)) == [
        "content.takedown",
        "draft.expired",
        "draft.expired",
    ]
    # No library to check against: content citing facts expires rather than stay approved blind.
    cited = make_draft(sessions, organisation_id, state="approved", citations=[f"claim:{CLAIM}"])
    assert run(sessions, datetime(2027, 6, 1, tzinfo=UTC), None) == [f"{cited.draft_id}:library_missing"]


def test_sweep_command(
    client: TestClient,
    make_key: Callable[..., IssuedKey],
    sessions: sessionmaker[Session],
    database_url: str,
    test_settings: Settings,
    tmp_path: Path,
) -> None:
    admin = make_key("acme", Role.admin)
    with sessions() as session:
        made = make_draft(sessions, admin.organisation_id, state="approved")
        draft = session.get(DraftRow, made.draft_id)
        assert draft is not None
        draft.approval_expires_at = datetime.now(UTC) - timedelta(minutes=1)
        session.commit()
    env = {"CAREPOST_DATABASE_URL": database_url, "CAREPOST_DATA_DIR": str(test_settings.data_dir)}
    result = CliRunner().invoke(build_cli(), ["workflow", "sweep"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 draft(s) expired (approval_expired)" in result.stdout
    assert state(sessions, made.draft_id) == "expired"
    verified = CliRunner().invoke(build_cli(), ["audit", "verify"], env=env)
    assert verified.exit_code == 0, verified.output
