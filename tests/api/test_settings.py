"""Settings defaults, environment overrides and the production guard."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.offline import OFFLINE_DEFAULTS, apply_offline_defaults
from api.settings import ONE_MIB, PLACEHOLDER_SECRET, Settings, get_settings


def test_embedded_defaults_live_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    assert settings.env == "development"
    assert settings.database_url == f"sqlite:///{(tmp_path / 'data' / 'carepost.db').resolve()}"
    assert settings.chroma_path == tmp_path / "data" / "chroma"
    assert settings.chroma_url is None
    assert settings.max_body_bytes == ONE_MIB
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.is_sqlite


def test_environment_variables_use_the_carepost_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPOST_DATABASE_URL", "postgresql+psycopg://app@db.internal/carepost")
    monkeypatch.setenv("CAREPOST_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("CAREPOST_LOG_LEVEL", "DEBUG")
    settings = get_settings()
    assert settings.database_url == "postgresql+psycopg://app@db.internal/carepost"
    assert not settings.is_sqlite
    assert settings.max_body_bytes == 2048
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    "secret",
    [PLACEHOLDER_SECRET, "short", "k" * 48, "abab" * 12, "change-me-" + "x1y2z3w4v5u6t7s8r9q0p" * 2],
)
def test_production_refuses_placeholder_short_or_repetitive_secrets(secret: str) -> None:
    with pytest.raises(ValidationError, match="CAREPOST_SECRET_KEY") as refused:
        Settings(env="production", secret_key=secret)
    assert secret not in str(refused.value)


def test_production_requires_the_secret_to_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPOST_ENV", "production")
    with pytest.raises(ValidationError, match="CAREPOST_SECRET_KEY"):
        get_settings()


def test_production_accepts_a_real_secret() -> None:
    secret, audit_secret = secrets.token_urlsafe(48), secrets.token_urlsafe(48)
    settings = Settings(env="production", secret_key=secret, audit_secret=audit_secret)
    assert settings.secret_key.get_secret_value() == secret
    assert secret not in repr(settings)
    assert audit_secret not in repr(settings)


@pytest.mark.parametrize("audit_secret", [None, "short", "a" * 48])
def test_production_refuses_a_missing_short_or_repetitive_audit_secret(audit_secret: str | None) -> None:
    with pytest.raises(ValidationError, match="CAREPOST_AUDIT_SECRET"):
        Settings(env="production", secret_key=secrets.token_urlsafe(48), audit_secret=audit_secret)


def test_offline_defaults_do_not_override_explicit_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in OFFLINE_DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    apply_offline_defaults()
    assert os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] == "True"
    assert os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] == ""
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"
    assert os.environ["HF_HUB_OFFLINE"] == "0"
