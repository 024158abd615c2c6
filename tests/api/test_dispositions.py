"""Finding dispositions: decide, replace (both kept, audited without the reason), and export de-identified."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from api.cli import build_cli
from api.cli import dispositions as dispositions_cli
from api.guardrail_engines import GuardrailEngines
from api.store.models import AuditEvent, Role
from evals.cases import EvalCase
from evals.schema import SCHEMA_DIR
from tests.api.helpers import assert_problem
from tests.api.signoff_helpers import make_draft
from tests.conftest import IssuedKey

# Synthetic "originals": made up for this test, and exactly what an export must not contain.
TEXT = (
    "So proud of our patient Maria Lopez, who walked out of cardiac rehab today! "
    "Her daughter is at 555-0142 or maria.lopez@example.com, MRN 00482913. "
    "Our program cures arthritis for good."
)
ORIGINALS = ["Maria", "Lopez", "555-0142", "maria.lopez@example.com", "00482913"]
REASON = "Maria Lopez's chart says she did not consent"  # free text that may hold PHI


def span(needle: str) -> dict[str, int]:
    start = TEXT.index(needle)
    return {"start": start, "end": start + len(needle)}


FINDINGS: list[dict[str, Any]] = [
    {"rule_id": "phi.identifier", "category": "phi", "severity": "block", "entity": "PERSON",
     "message": "A person's name.", **span("Maria Lopez")},
    {"rule_id": "phi.identifier", "category": "phi", "severity": "block", "entity": "PHONE",
     "message": "A phone number.", **span("555-0142")},
    {"rule_id": "patient_status.story", "category": "patient_status", "severity": "block",
     "message": "Reveals someone is a patient."},
    {"rule_id": "claims.cure", "category": "unsubstantiated_claim", "severity": "block",
     "message": "A cure claim.", **span("cures arthritis for good")},
    {"rule_id": "disclaimer.results", "category": "missing_disclaimer", "severity": "warn",
     "message": "Results vary."},
]  # fmt: skip


@pytest.fixture
def reviewer(make_key: Callable[..., IssuedKey]) -> IssuedKey:
    return make_key("acme", Role.reviewer, "reviewer")


def url(draft_id: object, version: int = 1, index: int = 0) -> str:
    return f"/v1/drafts/{draft_id}/versions/{version}/findings/{index}/disposition"


def decide(
    client: TestClient, key: IssuedKey, draft_id: object, index: int, kind: str, reason: str = REASON
) -> Any:
    response = client.put(
        url(draft_id, 1, index), json={"disposition": kind, "reason": reason}, headers=key.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_second_decision_replaces_the_first_and_both_are_kept(
    client: TestClient, reviewer: IssuedKey, sessions: sessionmaker[Session]
) -> None:
    draft_id = make_draft(sessions, reviewer.organisation_id, [(TEXT, FINDINGS)])
    empty = client.get(url(draft_id), headers=reviewer.headers).json()
    assert empty["current"] is None
    assert empty["history"] == []
    assert empty["finding"]["entity"] == "PERSON"

    first = decide(client, reviewer, draft_id, 0, "accepted")
    assert first["current"]["disposition"] == "accepted"
    assert first["current"]["revision"] == 1
    second = decide(client, reviewer, draft_id, 0, "false_positive", "staff member, named with permission")
    assert second["current"]["disposition"] == "false_positive"
    assert [d["disposition"] for d in second["history"]] == ["accepted", "false_positive"]
    assert [d["revision"] for d in second["history"]] == [1, 2]
    assert client.get(url(draft_id), headers=reviewer.headers).json() == second

    with sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type.like("finding.%")).order_by(AuditEvent.seq)
        ).all()
    assert [e.event_type for e in events] == ["finding.disposition_recorded", "finding.disposition_replaced"]
    replaced = events[1].details
    assert replaced["disposition"] == {"id": second["current"]["id"], "revision": 2, "kind": "false_positive"}
    assert replaced["replaced"] == {"id": first["current"]["id"], "revision": 1, "kind": "accepted"}
    assert (replaced["version"], replaced["finding_index"], replaced["category"]) == (1, 0, "phi")
    for event in events:
        written = json.dumps(event.details)
        assert "Maria" not in written
        assert "staff member" not in written


def test_unknown_findings_and_bad_bodies(
    client: TestClient,
    reviewer: IssuedKey,
    sessions: sessionmaker[Session],
    make_key: Callable[..., IssuedKey],
) -> None:
    draft_id = make_draft(sessions, reviewer.organisation_id, [(TEXT, FINDINGS)])
    body = {"disposition": "accepted", "reason": "real"}
    for path in (url(draft_id, 2, 0), url(draft_id, 1, len(FINDINGS))):
        assert_problem(client.put(path, json=body, headers=reviewer.headers), 404, "not-found")
    stranger = make_key("globex", Role.reviewer)
    assert_problem(client.put(url(draft_id), json=body, headers=stranger.headers), 404, "not-found")
    assert_problem(client.get(url(draft_id), headers=stranger.headers), 404, "not-found")
    for bad in ({"disposition": "accepted", "reason": "   "}, {"disposition": "maybe", "reason": "x"}):
        refused = assert_problem(
            client.put(url(draft_id), json=bad, headers=reviewer.headers), 422, "validation"
        )
        assert "maybe" not in json.dumps(refused)
    marketer = make_key("acme", Role.marketer)
    assert_problem(client.put(url(draft_id), json=body, headers=marketer.headers), 403, "forbidden")


def decided_draft(client: TestClient, reviewer: IssuedKey, sessions: sessionmaker[Session]) -> None:
    draft_id = make_draft(sessions, reviewer.organisation_id, [(TEXT, FINDINGS)])
    decide(client, reviewer, draft_id, 0, "accepted")  # the name: a real identifier
    decide(client, reviewer, draft_id, 1, "false_positive")  # the phone: judged not PHI here
    decide(client, reviewer, draft_id, 2, "accepted")  # patient status
    decide(client, reviewer, draft_id, 3, "accepted")
    decide(client, reviewer, draft_id, 3, "false_positive")  # replaced: the claim is substantiated
    # finding 4 (missing_disclaimer) is left undecided


def test_export_is_de_identified_valid_and_labelled_from_the_decisions(
    client: TestClient, reviewer: IssuedKey, sessions: sessionmaker[Session]
) -> None:
    decided_draft(client, reviewer, sessions)
    response = client.get("/v1/dispositions/export", params={"seed": 7}, headers=reviewer.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = response.text.splitlines()
    assert len(lines) == 1
    schema = json.loads((SCHEMA_DIR / "guardrail-case.schema.json").read_text())
    raw = json.loads(lines[0])
    jsonschema.validate(raw, schema)
    case = EvalCase.model_validate(raw)

    for original in [*ORIGINALS, "0142"]:
        assert original.lower() not in response.text.lower(), original
    assert "consent" not in response.text  # the reviewer's reason is not exported
    assert case.categories == {"phi", "patient_status"}  # the claim was a false positive in the end
    (phi,) = [label for label in case.labels if label.category == "phi"]
    assert phi.entity == "PERSON"
    assert phi.span is not None
    stand_in = case.text[phi.span[0] : phi.span[1]]
    assert case.text.startswith(f"So proud of our patient {stand_in}, who walked")
    assert len(stand_in.split()) == 2
    assert "undecided:missing_disclaimer" in case.tags
    assert "cures arthritis for good" in case.text  # only identifiers are replaced

    again = client.get("/v1/dispositions/export", params={"seed": 7}, headers=reviewer.headers).text
    assert again == response.text
    other_seed = client.get("/v1/dispositions/export", params={"seed": 8}, headers=reviewer.headers).text
    assert other_seed != response.text
    with sessions() as session:
        exported = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "dispositions.exported")
        ).all()
    assert [e.details for e in exported[:1]] == [{"cases": 1, "seed": 7}]


def test_export_is_scoped_to_the_organisation(
    client: TestClient,
    reviewer: IssuedKey,
    sessions: sessionmaker[Session],
    make_key: Callable[..., IssuedKey],
) -> None:
    decided_draft(client, reviewer, sessions)
    stranger = make_key("globex", Role.admin)
    assert client.get("/v1/dispositions/export", headers=stranger.headers).text == ""


def test_cli_export_writes_the_same_cases(
    client: TestClient,
    reviewer: IssuedKey,
    sessions: sessionmaker[Session],
    database_url: str,
    tmp_path: Path,
    guardrail_engines: GuardrailEngines,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decided_draft(client, reviewer, sessions)
    monkeypatch.setattr(dispositions_cli, "load_redactor", lambda: guardrail_engines.redactor)
    out = tmp_path / "cases.jsonl"
    env = {"CAREPOST_DATABASE_URL": database_url, "CAREPOST_DATA_DIR": str(tmp_path / "var")}
    result = CliRunner().invoke(
        build_cli(), ["dispositions", "export", "--out", str(out), "--org", "acme", "--seed", "7"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "wrote 1 case(s)" in result.stderr
    api = client.get("/v1/dispositions/export", params={"seed": 7}, headers=reviewer.headers).text
    assert out.read_text() == api


def test_an_identifier_only_the_checker_flagged_is_replaced_too(
    client: TestClient, reviewer: IssuedKey, sessions: sessionmaker[Session]
) -> None:
    """The detector misses the nickname "Big Tony"; the reviewer accepted the PHI finding on it."""
    text = "Big Tony says thanks to our cardiac team."
    finding = {
        "rule_id": "phi.identifier",
        "category": "phi",
        "severity": "block",
        "entity": "PERSON",
        "message": "A person's name.",
        "start": 0,
        "end": len("Big Tony"),
    }
    draft_id = make_draft(sessions, reviewer.organisation_id, [(text, [finding])])
    decide(client, reviewer, draft_id, 0, "accepted")
    exported = client.get("/v1/dispositions/export", headers=reviewer.headers).text
    case = EvalCase.model_validate_json(exported)
    assert "Tony" not in case.text
    assert case.text.endswith(" says thanks to our cardiac team.")
    (label,) = case.labels
    assert label.span == (0, case.text.index(" says"))
