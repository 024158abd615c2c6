"""No secret-looking literal lives in the repository's code, configuration or docs.

Secrets come from settings (CAREPOST_SECRET_KEY, database and Redis URLs, provider
keys in the environment), never from a literal. detect-secrets scans every
tracked text file with its default plugins and filters; what it flags and a
person reviewed as not secret is listed below with the reason, by the hash
detect-secrets reports (so the value itself is not repeated here). For a new
false positive, prefer an inline `# pragma: allowlist secret` comment on the line.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from detect_secrets.core.secrets_collection import SecretsCollection
from detect_secrets.settings import default_settings

REPO = Path(__file__).resolve().parent.parent
# This file holds the reviewed hashes and the planted keys below, on purpose.
THIS_FILE = Path(__file__).resolve().relative_to(REPO).as_posix()
# Evaluation and test data: synthetic identifiers by design, scanned by the PHI tests instead.
SKIPPED_SUFFIXES = (".jsonl", ".pdf", ".png", ".svg", ".gguf", ".onnx")

REVIEWED_NOT_SECRET: dict[str, str] = {
    "5774cbca27c4e6ff5cfddae7fc349dfba816323d": "api/settings.py: the development placeholder, refused in production",
    "fffb7b6310e72b402794fed7ac303907a10f2903": "guardrails vehicle recognizer: the VIN alphabet",
    "ac104d3deb5cdd22fb6ebec73efcf392f60b881f": "knowledge/embeddings.py: the model file's published SHA-256",
    "e9a5f12a8ecbb3eb46eca5096b5c52aa5e7c9fdd": "tests/agents: a dummy provider key for a mocked call",
    "6fc2cc8eb2ad7bd598a56dc6508142f0290543f1": "tests: a synthetic PHI marker named SECRET_MARKER",
    "748a95157100bc698fae057b43d8beb56e85cf97": "tests/evals: a synthetic name named SECRET",
    "754c94ef0822c91d765cafe8ea0e19b67c164483": "tests/guardrails: a synthetic PHI marker named SECRET",
    "b3e6e6466c12a250223af252bcad3e36c3b17160": "tests/knowledge: a synthetic PHI marker named secret",
    "55d26e787603c6f8886b1f7b75da941b64dff0c8": "tests/knowledge: a synthetic PHI marker named SECRET",
    "569c014b690504474eab9b3613260179aaca48ad": "tests/api/audit_helpers.py: the tests' own audit HMAC key",
}


def tracked_text_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    return [
        name
        for name in listed.split("\0")
        if name and name != THIS_FILE and not name.endswith(SKIPPED_SUFFIXES)
    ]


@pytest.mark.slow
def test_no_unreviewed_secret_literal_in_tracked_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    files = tracked_text_files()
    assert "api/settings.py" in files
    found = SecretsCollection()
    with default_settings():
        for name in files:
            found.scan_file(name)
    flagged = [
        f"{name}:{secret.line_number} ({secret.type})"
        for name, secret in found
        if secret.secret_hash not in REVIEWED_NOT_SECRET
    ]
    assert not flagged, (
        "secret-looking literals (read them from Settings instead; if one is not a secret, "
        "mark the line `# pragma: allowlist secret`): " + ", ".join(flagged)
    )


def test_the_scanner_catches_a_planted_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan above can fail: these literals are what it exists to catch."""
    monkeypatch.chdir(tmp_path)
    planted = tmp_path / "planted.py"
    planted.write_text(
        'OPENAI_API_KEY = "sk-proj-3fQ9xLm2Vt8Rk1Zp7Wd4Hs6Jn0Bc5Ye"\n'
        'DATABASE_URL = "postgresql://carepost:Xk29vLq81mZ@db.internal/carepost"\n'
        'AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8vN2pLk"\n'
    )
    found = SecretsCollection()
    with default_settings():
        found.scan_file("planted.py")
    assert {secret.line_number for _, secret in found} == {1, 2, 3}
