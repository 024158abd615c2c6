"""Audit export over HTTP and the CLI: chain order, the caller's organisation only, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import build_cli
from api.store.models import Role
from tests.api.helpers import assert_problem
from tests.conftest import IssuedKey


@pytest.fixture
def two_orgs(client: TestClient, make_key: Callable[..., IssuedKey]) -> tuple[IssuedKey, IssuedKey]:
    acme = make_key("acme", Role.admin)
    globex = make_key("globex", Role.admin)
    for number in range(3):
        client.post("/v1/keys", json={"name": f"acme {number}", "role": "marketer"}, headers=acme.headers)
        client.post("/v1/keys", json={"name": f"globex {number}", "role": "reviewer"}, headers=globex.headers)
    return acme, globex


def test_json_export_holds_the_callers_events_in_chain_order(
    client: TestClient, two_orgs: tuple[IssuedKey, IssuedKey]
) -> None:
    acme, _ = two_orgs
    response = client.get("/v1/audit/export?format=json", headers=acme.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    body = response.json()
    events = body["events"]
    assert {e["organisation_id"] for e in events} == {str(acme.organisation_id)}
    # make_key's event, three keys, and the export itself, which is audited before the stream starts.
    assert [e["event_type"] for e in events].count("api_key.created") == 4
    assert events[-1]["event_type"] == "audit.exported"
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)
    assert all(len(e["hash"]) == 64 and len(e["prev_hash"]) == 64 for e in events)
    checkpoint = body["meta"]["latest_checkpoint"]
    assert checkpoint is not None
    assert checkpoint["seq"] == max(seqs)  # the export's own audit event was signed on commit
    assert body["meta"]["format"] == "carepost-audit-export/1"


def test_csv_export_matches_the_json_one(client: TestClient, two_orgs: tuple[IssuedKey, IssuedKey]) -> None:
    _, globex = two_orgs
    response = client.get("/v1/audit/export?format=csv", headers=globex.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    as_json = client.get("/v1/audit/export", headers=globex.headers).json()["events"]
    assert [r["id"] for r in rows] == [e["id"] for e in as_json[: len(rows)]]
    assert json.loads(rows[1]["details"]) == as_json[1]["details"]
    assert rows[0]["actor_user_id"] == ""
    assert {r["organisation_id"] for r in rows} == {str(globex.organisation_id)}


def test_marketers_cannot_export_and_formats_are_checked(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    marketer = make_key("acme", Role.marketer)
    reviewer = make_key("acme", Role.reviewer)
    assert_problem(client.get("/v1/audit/export", headers=marketer.headers), 403, "forbidden")
    assert_problem(client.get("/v1/audit/export?format=xml", headers=reviewer.headers), 422, "validation")
    assert client.get("/v1/audit/export?format=csv", headers=reviewer.headers).status_code == 200


def test_cli_export_and_verify_after_api_use(
    client: TestClient, two_orgs: tuple[IssuedKey, IssuedKey], database_url: str, tmp_path: Path
) -> None:
    env = {"CAREPOST_DATABASE_URL": database_url, "CAREPOST_DATA_DIR": str(tmp_path / "var")}
    runner = CliRunner()
    out = tmp_path / "acme.csv"
    exported = runner.invoke(
        build_cli(), ["audit", "export", "--format", "csv", "--org", "acme", "--out", str(out)], env=env
    )
    assert exported.exit_code == 0, exported.output
    assert len(out.read_text().splitlines()) == 1 + 4  # header, make_key's event and three created keys
    everything = runner.invoke(build_cli(), ["audit", "export"], env=env)
    assert len(json.loads(everything.stdout)["events"]) == 8
    # The app generated its audit key under the data folder; the CLI finds it there.
    verified = runner.invoke(build_cli(), ["audit", "verify"], env=env)
    assert verified.exit_code == 0, verified.output
    assert "audit chain OK: 8 events" in verified.stdout
    unknown = runner.invoke(build_cli(), ["audit", "export", "--org", "nope"], env=env)
    assert unknown.exit_code == 1
