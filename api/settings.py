"""Service configuration: one pydantic-settings class read from `CAREPOST_*` variables.

Nothing here is built at import time; entry points call `get_settings()` and pass
the result to `create_app(settings)` or to a CLI command.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Network, IPv6Network, ip_address
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# A recognisable default so development works without setup; production refuses it.
PLACEHOLDER_SECRET = "change-me-insecure-development-secret"
MIN_PRODUCTION_SECRET_LENGTH = 32
# token_urlsafe(32) draws from 64 symbols; fewer than this many distinct ones means typed, not generated.
MIN_DISTINCT_SECRET_CHARACTERS = 12
ONE_MIB = 1024 * 1024
# An origin as browsers send it: no path, no trailing slash, no wildcard.
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")

Environment = Literal["development", "test", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


def secret_weakness(secret: str) -> str | None:
    """Why `secret` is unfit for production, or None. Never includes the secret itself."""
    if secret == PLACEHOLDER_SECRET or "change-me" in secret.lower():
        return "it is the development placeholder"
    if len(secret) < MIN_PRODUCTION_SECRET_LENGTH:
        return f"it is shorter than {MIN_PRODUCTION_SECRET_LENGTH} characters"
    if len(set(secret)) < MIN_DISTINCT_SECRET_CHARACTERS:
        return "it repeats too few characters to be random"
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def _default_database_url(data: dict[str, Any]) -> str:
    return sqlite_url(Path(data["data_dir"]) / "carepost.db")


def _default_chroma_path(data: dict[str, Any]) -> Path:
    return Path(data["data_dir"]) / "chroma"


class RateLimitRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    per_minute: int = Field(ge=1)
    burst: int = Field(ge=1)


# Routes that run the guardrail models or drafting get smaller budgets of their own.
DEFAULT_ROUTE_LIMITS: dict[str, RateLimitRule] = {
    "/v1/check": RateLimitRule(per_minute=120, burst=20),
    "/v1/redact": RateLimitRule(per_minute=120, burst=20),
    "POST /v1/briefs": RateLimitRule(per_minute=30, burst=10),
}
_ROUTE_RULE = re.compile(r"((GET|POST|PUT|PATCH|DELETE) )?/[A-Za-z0-9_./{}-]*")


class Settings(BaseSettings):
    # hide_input_in_errors: a refused setting (a weak secret, a URL with a password) must not be
    # echoed into the start-up error and from there into logs.
    model_config = SettingsConfigDict(
        env_prefix="CAREPOST_", extra="ignore", frozen=True, hide_input_in_errors=True
    )

    env: Environment = "development"
    # data_dir comes first: the defaults below are derived from its validated value.
    data_dir: Path = Path("var")
    database_url: str = Field(
        default_factory=_default_database_url,
        description="SQLAlchemy URL; default a SQLite file at data_dir/carepost.db.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server; when unset the embedded store at chroma_path is used.",
    )
    chroma_path: Path = Field(default_factory=_default_chroma_path, description="Embedded Chroma folder.")
    max_body_bytes: int = Field(default=ONE_MIB, gt=0)
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET)
    audit_secret: SecretStr | None = Field(
        default=None,
        description="HMAC key signing the audit chain's head; required in production. When unset "
        "elsewhere, one is generated into data_dir/audit.key on first use.",
    )
    log_level: LogLevel = "INFO"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    bootstrap: bool = Field(
        default=True,
        description="On the first `serve`, create the default organisation and print an admin key once.",
    )
    guardrails_config: Path | None = Field(
        default=None,
        description="Guardrail rule configuration (YAML); the packaged default when unset. "
        "A bad file refuses to start.",
    )
    default_org_slug: str = Field(default="default", pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    default_org_name: str = Field(default="Default organisation", min_length=1, max_length=200)
    worker_in_process: bool = Field(
        default=True,
        description="`carepost serve` runs jobs in worker threads of its own process; turn off when "
        "`carepost worker` processes run them.",
    )
    worker_concurrency: int = Field(default=1, ge=1, le=32, description="Worker threads per process.")
    worker_poll_seconds: float = Field(default=1.0, gt=0, le=60, description="Idle workers look this often.")
    job_lease_seconds: int = Field(
        default=300, ge=5, description="A job whose worker is silent this long is claimable again."
    )
    job_max_attempts: int = Field(default=3, ge=1, le=20)
    job_backoff_seconds: float = Field(
        default=5.0, gt=0, description="Wait before the first retry; doubles each time (capped at 10 min)."
    )
    brief_wait_seconds: float = Field(
        default=30.0, gt=0, le=300, description="Longest `POST /v1/briefs?wait=true` waits for drafts."
    )
    approval_expiry_days: int = Field(
        default=365,
        ge=1,
        le=3650,
        description="How long an approval lasts unless the reviewer sets its expiry; then re-review.",
    )
    brief_retention_days: int = Field(
        default=90,
        ge=1,
        le=36500,
        description="Days a brief's content (which may hold PHI) is kept after its drafts all reached a final "
        "state (or after its creation when it has none); then `carepost retention purge` clears it.",
    )

    # Webhooks (docs/webhooks.md). The address checks guard against SSRF: a webhook URL must not
    # make this server reach its own network unless an operator says so here.
    webhook_allow_http: bool = Field(
        default=False, description="Accept http:// webhook URLs (for loopback tests); https only otherwise."
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="Accept webhook URLs resolving to private, loopback, link-local or reserved addresses.",
    )
    webhook_allowed_networks: list[IPv4Network | IPv6Network] = Field(
        default_factory=list,
        description='Non-public networks webhooks may reach anyway, e.g. ["10.20.0.0/16"] (JSON list).',
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    webhook_max_attempts: int = Field(default=12, ge=1, le=50, description="Then a delivery is dead.")
    webhook_backoff_base_seconds: float = Field(default=30.0, gt=0)
    webhook_backoff_cap_seconds: float = Field(default=6 * 3600.0, gt=0)
    webhook_rotation_window_seconds: int = Field(
        default=24 * 3600, ge=60, description="How long the old secret still signs after a rotation."
    )
    webhook_dispatch_in_process: bool = Field(
        default=True,
        description="`carepost serve` sends due webhook deliveries from a background thread.",
    )
    webhook_dispatch_poll_seconds: float = Field(default=2.0, gt=0, le=300)
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Browser origins allowed to call the API (exact `scheme://host[:port]`, comma-separated "
        "in the environment); none by default, and `*` is refused.",
    )
    hsts_max_age: int = Field(
        default=0,
        ge=0,
        description="Seconds of Strict-Transport-Security to send; set it only when clients reach the "
        "service over HTTPS (0, the default, sends none).",
    )

    # Web sign-in (api/web). Sessions end after the idle timeout or the absolute lifetime, whichever
    # comes first; an account locks after this many consecutive failed sign-ins.
    web_cookie_secure: bool = Field(
        default=True,
        description="Send the session cookie with `Secure`; turn off only for plain-http on loopback "
        "(development and tests): refused in production or with a non-loopback CAREPOST_HOST.",
    )
    web_session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    web_session_max_hours: int = Field(default=12, ge=1, le=24 * 7)
    web_lockout_attempts: int = Field(default=5, ge=1, le=100, description="Failed sign-ins that lock.")
    web_lockout_minutes: int = Field(default=15, ge=1, le=24 * 60, description="How long a lock lasts.")

    rate_limit_enabled: bool = Field(default=True, description="Per-key rate limits on every /v1 route.")
    rate_limit_url: str = Field(
        default="memory://",
        pattern=r"^(memory://|(rediss?|unix)://.+)$",
        description="Where buckets live: memory:// (this process only) or redis://host:port/db (shared by "
        "every worker and replica, needed for scale-out).",
    )
    rate_limit_per_minute: int = Field(
        default=300, ge=1, description="Sustained requests per minute per key."
    )
    rate_limit_burst: int = Field(default=60, ge=1, description="Requests a key may send at once.")
    rate_limit_routes: dict[str, RateLimitRule] = Field(
        default_factory=lambda: dict(DEFAULT_ROUTE_LIMITS),
        description="Own budgets for expensive routes: `METHOD /path` or `/path` (that path and below) -> "
        "{per_minute, burst}; such requests count against that budget instead of the key's general one.",
    )

    @field_validator("rate_limit_routes")
    @classmethod
    def _route_names(cls, routes: dict[str, RateLimitRule]) -> dict[str, RateLimitRule]:
        for name in routes:
            if not _ROUTE_RULE.fullmatch(name):
                raise ValueError(f"rate-limit route {name!r} must look like '/v1/check' or 'POST /v1/briefs'")
        return routes

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _exact_origins_only(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(
                    "each CORS origin must be an exact scheme://host[:port] with no path or wildcard"
                )
        return origins

    @model_validator(mode="after")
    def _insecure_cookies_on_loopback_only(self) -> Self:
        if self.web_cookie_secure:
            return self
        if self.env == "production" or not _is_loopback(self.host):
            raise ValueError(
                "CAREPOST_WEB_COOKIE_SECURE=false is for plain-http development on a loopback host only"
            )
        return self

    @model_validator(mode="after")
    def _refuse_weak_secrets_in_production(self) -> Self:
        if self.env != "production":
            return self
        audit = self.audit_secret.get_secret_value() if self.audit_secret is not None else ""
        for variable, secret in (
            ("CAREPOST_SECRET_KEY", self.secret_key.get_secret_value()),
            ("CAREPOST_AUDIT_SECRET", audit),
        ):
            if secret_weakness(secret):
                raise ValueError(
                    f"{variable} must be a real random secret of at least "
                    f"{MIN_PRODUCTION_SECRET_LENGTH} characters when CAREPOST_ENV=production "
                    "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
                )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def get_settings() -> Settings:
    """Read settings from the environment (a fresh object each call; callers pass it on)."""
    return Settings()
