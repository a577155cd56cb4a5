"""Tables for privacy: access log, consent, case shares, the removal register."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from noaber.clock import utcnow
from noaber.db.base import TenantOwned


class AccessLogEntry(TenantOwned, table=True):
    """One read or write of personal data (NEN 7513, Logboek Dataverwerkingen).

    Append-only: on PostgreSQL the application role has no UPDATE or DELETE on this
    table and a trigger refuses both for every role but the owner's offboarding.
    Never holds secrets, tokens or the personal data itself, only references.
    """

    __tablename__ = "access_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=200, index=True)
    actor_role: str = Field(max_length=30)
    on_behalf_of: str | None = Field(default=None, max_length=200)
    subject_person_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=30)
    object_type: str = Field(max_length=60)
    object_id: str | None = Field(default=None, max_length=60)
    result: str = Field(max_length=20)
    origin: str = Field(max_length=200)
    purpose: str = Field(max_length=100)
    trace_id: str = Field(max_length=64, index=True)
    route: str | None = Field(default=None, max_length=300)


class Consent(TenantOwned, table=True):
    """A household member's consent that a partner organisation receives some data."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    granted_at: datetime = Field(default_factory=utcnow)
    withdrawn_at: datetime | None = None
    recorded_by: str = Field(max_length=200)


class CaseShare(TenantOwned, table=True):
    """A household's case shared with a professional's account (needs consent of
    every adult member for the professional's organisation)."""

    __tablename__ = "case_share"

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    purpose: str = Field(max_length=100)
    shared_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class RemovalRegister(TenantOwned, table=True):
    """What retention or erasure removed: object type and id, never its content."""

    __tablename__ = "removal_register"

    id: int | None = Field(default=None, primary_key=True)
    object_type: str = Field(max_length=60)
    object_id: str = Field(max_length=60)
    action: str = Field(max_length=20)
    reason: str = Field(max_length=200)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    removed_at: datetime = Field(default_factory=utcnow, index=True)
