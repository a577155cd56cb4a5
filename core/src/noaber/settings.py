"""Process-wide settings, read from the environment (12-factor style).

These are deployment settings (where the database is, which plugins are blocked);
municipality choices live in municipality packages, not here.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./noaber.sqlite"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOABER_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("DATABASE_URL", "NOABER_DATABASE_URL"),
        description="SQLAlchemy URL; sqlite:///path (default) or postgresql://...",
    )
    base_domain: str = Field(
        default="localhost",
        description="Tenants are served at <slug>.<base_domain> unless their config lists hosts.",
    )
    tenant: str | None = Field(
        default=None,
        description="Single-municipality deployment: every host is served as this tenant.",
    )
    blocked_plugins: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(),
        description="Comma-separated plugin names that are installed but must not be loaded.",
    )
    tolerate_broken_plugins: bool = Field(
        default=False,
        description="Start without a plugin that fails to import (and say so) instead of refusing.",
    )
    platform_hosts: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset({"localhost", "127.0.0.1", "::1"}),
        description="Hosts that serve platform routes (health) but no tenant data.",
    )
    db_pool_size: int = Field(default=20, ge=1, le=500)
    migration_database_url: str | None = Field(
        default=None,
        description=(
            "URL of the role that owns the tables (PostgreSQL: owner with BYPASSRLS): used by "
            "migrations and platform commands that cross tenants. Unset: DATABASE_URL."
        ),
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis for state shared by workers (rate limits, caches); unset: in-process.",
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=0, description="Requests per minute per tenant and client (0: no limit)."
    )
    tenant_rate_limit_per_minute: int = Field(
        default=6000, ge=0, description="Requests per minute per tenant, all clients (0: no limit)."
    )
    redis_namespace: str = Field(
        default="noaber",
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="First part of every Redis key (several installs can share one Redis).",
    )
    rate_limit_window_seconds: int = Field(default=60, ge=1, le=86400)
    principal_cache_seconds: float = Field(
        default=2.0,
        ge=0,
        le=300,
        description=(
            "How long a worker reuses a session's loaded account (0: never). A change to an "
            "account reaches every worker at once over Redis; this bounds it without Redis."
        ),
    )
    read_cache_seconds: float = Field(
        default=2.0,
        ge=0,
        le=300,
        description=(
            "How long a worker may answer a repeated list from memory (0: never). A commit "
            "that changes the tenant's data ends it at once in this worker, and in every "
            "worker over Redis; this bounds a change made elsewhere without Redis."
        ),
    )
    redis_pool_size: int = Field(
        default=20, ge=1, le=1000, description="Redis connections per process (bounded)."
    )
    tenant_db_concurrency: int = Field(
        default=0,
        ge=0,
        description=(
            "Database sessions one tenant may hold at once per process (0: half the pool), "
            "so one municipality cannot take every connection."
        ),
    )
    registry_refresh_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How often each worker re-reads the tenant registry (suspensions, new tenants).",
    )
    tasks_in_app: bool = Field(
        default=True,
        description="Run the plugins' periodic tasks (e.g. retrying failed mail) inside each "
        "web worker; false: run them with `noaber tasks run` from cron instead.",
    )
    tasks_tick_seconds: float = Field(
        default=15.0,
        gt=0,
        le=3600,
        description="How often each web worker looks for due periodic tasks.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="A session ends after this long without use."
    )
    session_absolute_hours: int = Field(
        default=12, ge=1, le=24 * 7, description="A session ends this long after login, whatever."
    )
    session_cookie_secure: bool = Field(
        default=True,
        description="Send the session cookie only over HTTPS (browsers treat localhost as secure).",
    )
    login_attempts_per_window: int = Field(
        default=10,
        ge=1,
        description="Login attempts per client address and municipality per 15 minutes.",
    )
    password_reset_minutes: int = Field(default=30, ge=5, le=24 * 60)
    oidc_providers: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="JSON: per municipality slug, its OpenID Connect provider for staff "
        '(issuer, client_id, client_secret): {"leeuwarden": {"issuer": ...}}.',
    )
    smtp_url: str | None = Field(
        default=None,
        description="smtp://, smtps:// or smtp+starttls://user:pass@host:port for outgoing "
        "mail (password-reset links); unset: an in-process outbox.",
    )
    max_body_bytes: int = Field(
        default=1_000_000,
        ge=1024,
        description="Largest request body accepted (bytes); larger ones get 413.",
    )
    max_multipart_parts: int = Field(
        default=100, ge=1, description="Most parts a multipart form may have (more: 400)."
    )

    @field_validator("blocked_plugins", "platform_hosts", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value
