"""Security headers on every response and the strict CORS policy."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.security_headers import API_CSP, HTML_CSP
from api.settings import Settings
from api.store.models import Role
from tests.conftest import IssuedKey

ALLOWED_ORIGIN = "https://cms.example.org"
OTHER_ORIGIN = "https://evil.example.com"


def assert_security_headers(response: httpx2.Response, *, html: bool = False) -> None:
    headers = response.headers
    assert headers["content-security-policy"] == (HTML_CSP if html else API_CSP)
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"


def concrete_operations(client: TestClient) -> list[tuple[str, str]]:
    """Every documented operation, with path parameters filled by a syntactically plausible id."""
    paths = client.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path))
        for path, item in paths.items()
        for method in item
    ]


def test_every_operation_answers_with_the_security_headers(
    client: TestClient, make_key: Callable[..., IssuedKey]
) -> None:
    key = make_key(role=Role.admin)
    operations = concrete_operations(client)
    assert len(operations) >= 8
    for method, path in operations:
        anonymous = client.request(method, path)
        assert_security_headers(anonymous)
        authenticated = client.request(method, path, headers=key.headers)
        assert_security_headers(authenticated)
        assert authenticated.headers["cache-control"] == "no-store", (method, path)


def test_framework_errors_and_the_openapi_document_carry_them_too(client: TestClient) -> None:
    for response in (
        client.get("/no/such/path"),
        client.put("/healthz"),
        client.get("/openapi.json"),
        client.post("/v1/check", content=b"{not json", headers={"Content-Type": "application/json"}),
    ):
        assert_security_headers(response)


def test_html_pages_get_the_document_policy(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.headers["content-type"].startswith("text/html")
    assert_security_headers(response, html=True)


def test_anonymous_public_responses_are_not_forced_uncached(client: TestClient) -> None:
    assert "no-store" not in client.get("/healthz").headers.get("cache-control", "")


def test_an_unhandled_crash_still_gets_the_headers(
    test_settings: Settings, app_factory: Callable[[Settings], FastAPI]
) -> None:
    app = app_factory(test_settings)

    def explode() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/explode", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/explode", headers={"Authorization": "Bearer whatever"})
    assert response.status_code == 500
    assert_security_headers(response)
    assert response.headers["cache-control"] == "no-store"


def test_hsts_only_when_the_operator_says_https(
    test_settings: Settings, app_factory: Callable[[Settings], FastAPI], client: TestClient
) -> None:
    assert "strict-transport-security" not in client.get("/healthz").headers
    settings = test_settings.model_copy(update={"hsts_max_age": 31536000})
    with TestClient(app_factory(settings)) as https_client:
        hsts = https_client.get("/healthz").headers["strict-transport-security"]
    assert hsts == "max-age=31536000; includeSubDomains"


def preflight(client: TestClient, origin: str) -> httpx2.Response:
    return client.options(
        "/v1/check",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


def test_no_cross_origin_access_by_default(client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    refused = preflight(client, ALLOWED_ORIGIN)
    assert refused.status_code == 405
    assert "access-control-allow-origin" not in refused.headers
    key = make_key(role=Role.marketer)
    simple = client.get("/v1/organisations/me", headers={**key.headers, "Origin": ALLOWED_ORIGIN})
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers


@pytest.fixture
def cors_client(test_settings: Settings, app_factory: Callable[[Settings], FastAPI]) -> Iterator[TestClient]:
    settings = test_settings.model_copy(update={"cors_origins": [ALLOWED_ORIGIN]})
    with TestClient(app_factory(settings)) as client:
        yield client


def test_allow_listed_origin_passes_preflight(cors_client: TestClient) -> None:
    response = preflight(cors_client, ALLOWED_ORIGIN)
    assert response.status_code == 200
    headers = response.headers
    assert headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "access-control-allow-credentials" not in headers
    assert "authorization" in headers["access-control-allow-headers"].lower()
    assert_security_headers(response)


def test_other_origins_are_refused(cors_client: TestClient, make_key: Callable[..., IssuedKey]) -> None:
    response = preflight(cors_client, OTHER_ORIGIN)
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers
    key = make_key(role=Role.marketer)
    allowed = cors_client.get("/v1/organisations/me", headers={**key.headers, "Origin": ALLOWED_ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "X-Request-ID" in allowed.headers["access-control-expose-headers"]
    other = cors_client.get("/v1/organisations/me", headers={**key.headers, "Origin": OTHER_ORIGIN})
    assert "access-control-allow-origin" not in other.headers


def test_origins_come_comma_separated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPOST_CORS_ORIGINS", "https://a.example.org, http://localhost:5173")
    assert Settings().cors_origins == ["https://a.example.org", "http://localhost:5173"]


@pytest.mark.parametrize(
    "origin", ["*", "https://*.example.org", "https://a.example.org/", "a.example.org", "ftp://x.org"]
)
def test_wildcards_and_malformed_origins_are_refused(origin: str) -> None:
    with pytest.raises(ValidationError, match="CORS origin"):
        Settings(cors_origins=[origin])


def test_the_docs_page_loads_only_same_origin_assets_that_are_served(client: TestClient) -> None:
    """/docs renders under the document policy: no CDN, no inline script, every asset served here."""
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.text
    assert "<script>" not in html  # script-src 'self' would block an inline start-up script
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/docs/") for source in sources), sources
    expected_types = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        suffix = source[source.rfind(".") :]
        # nosniff: a script or stylesheet with another type is refused by the browser.
        assert asset.headers["content-type"].startswith(expected_types[suffix]), source
        assert len(asset.content) > 20, source
    init = client.get("/docs/init.js").text
    assert 'url: "/openapi.json"' in init
    assert "SwaggerUIBundle" in client.get("/docs/assets/swagger-ui-bundle.js").text
