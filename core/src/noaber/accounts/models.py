"""Tables for accounts: per-municipality accounts, platform admins, password resets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from noaber.clock import utcnow
from noaber.db.base import TenantOwned


class Account(TenantOwned, table=True):
    """A login of one municipality: staff, volunteer or resident.

    ``programmes`` scopes a coordinator (``["*"]``: all programmes). ``person_id``,
    ``helper_id`` and ``professional_id`` tie the account to the domain records it may
    see as a resident, volunteer or professional. ``session_epoch`` grows when the
    account is disabled, logs out everywhere or changes its password: sessions that
    carry an older epoch are no longer valid.
    """

    __table_args__ = (
        UniqueConstraint("tenant_id", "email"),
        UniqueConstraint("tenant_id", "oidc_subject"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=30)
    programmes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    person_id: int | None = Field(default=None, foreign_key="person.id")
    helper_id: int | None = Field(default=None, foreign_key="helper_profile.id")
    professional_id: int | None = Field(default=None, foreign_key="professional.id")
    password_hash: str | None = Field(default=None, max_length=200)
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled: bool = False
    totp_last_step: int | None = None
    oidc_subject: str | None = Field(default=None, max_length=255)
    disabled: bool = False
    session_epoch: int = 0
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class PlatformAdmin(SQLModel, table=True):
    """An administrator of the hosting party. Not tenant-owned: manages tenants, never
    reads a municipality's personal data."""

    __tablename__ = "platform_admin"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    display_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=200)
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled: bool = False
    totp_last_step: int | None = None
    disabled: bool = False
    session_epoch: int = 0
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class PasswordReset(TenantOwned, table=True):
    """A single-use, expiring password-reset link. Only the SHA-256 of the token is kept."""

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token_sha256: str = Field(max_length=64, index=True)
    expires_at: datetime
    used_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
