"""The pages under the service's security headers: strict CSP with nothing inline, insecure cookies refused."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError
from sqlalchemy.orm import Session, sessionmaker

from api.security_headers import HTML_CSP
from api.settings import Settings
from api.store.models import Role
from tests.api.web.helpers import make_person, sign_in


def test_pages_get_the_html_policy_and_use_no_inline_script_or_style(
    web_client: TestClient, sessions: sessionmaker[Session]
) -> None:
    login = web_client.get("/web/login")
    assert login.headers["content-security-policy"] == HTML_CSP
    sign_in(web_client, make_person(sessions, role=Role.admin))
    for path in ("/web/login", "/web", "/web/briefs/new", "/web/knowledge"):
        page = web_client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-security-policy"] == HTML_CSP
        assert page.headers["cache-control"] == "no-store"
        assert re.findall(r"<script(?![^>]*\bsrc=)", page.text) == [], path
        assert " style=" not in page.text, path
        assert "<style" not in page.text, path
        assert re.search(r'<main id="main"', page.text), path  # landmarks
        assert '<a class="skip-link" href="#main">' in page.text
    for asset in ("/web/static/web.css", "/web/static/web.js"):
        assert web_client.get(asset).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "accepted"),
    [
        ({"web_cookie_secure": False, "env": "development", "host": "127.0.0.1"}, True),
        ({"web_cookie_secure": False, "env": "test", "host": "localhost"}, True),
        ({"web_cookie_secure": False, "env": "development", "host": "0.0.0.0"}, False),
        ({"web_cookie_secure": False, "env": "development", "host": "10.1.2.3"}, False),
        ({"web_cookie_secure": True, "env": "development", "host": "0.0.0.0"}, True),
    ],
)
def test_insecure_cookies_only_on_loopback_outside_production(
    overrides: dict[str, object], accepted: bool
) -> None:
    if accepted:
        assert Settings(**overrides).web_cookie_secure is overrides["web_cookie_secure"]  # type: ignore[arg-type]
    else:
        with pytest.raises(ValidationError, match="loopback"):
            Settings(**overrides)  # type: ignore[arg-type]


def test_production_refuses_insecure_cookies() -> None:
    strong = SecretStr("k3Y-9vQ2_xLmP7sT0aWbZc4RnE8uHjD1fGy6")  # pragma: allowlist secret
    with pytest.raises(ValidationError, match="loopback"):
        Settings(env="production", secret_key=strong, audit_secret=strong, web_cookie_secure=False)
