"""Tables for requests (hulpvragen) and the timeline of requests and households."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlalchemy import Enum as SqlEnum
from sqlmodel import Field

from noaber.clock import utcnow
from noaber.db.base import TenantOwned, tenant_list_index


class AskedBy(StrEnum):
    self = "self"
    professional = "professional"
    gp_referral = "gp_referral"
    school = "school"


class Urgency(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    crisis = "crisis"


class TimelineKind(StrEnum):
    note = "note"
    contact = "contact"
    status_change = "status_change"
    match = "match"


class HelpRequest(TenantOwned, table=True):
    """A request for help: its type decides its workflow and its couplings' lifecycle."""

    __tablename__ = "help_request"
    __table_args__ = (tenant_list_index("help_request"),)

    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(max_length=60, index=True)
    status: str = Field(max_length=40, index=True)
    asked_by: AskedBy = Field(
        sa_column=Column(SqlEnum(AskedBy, native_enum=False, length=20), nullable=False)
    )
    professional_id: int | None = Field(default=None, foreign_key="professional.id")
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    household_id: int | None = Field(default=None, foreign_key="household.id", index=True)
    neighbourhood_id: int | None = Field(default=None, foreign_key="neighbourhood.id", index=True)
    latitude: float | None = None
    longitude: float | None = None
    description: str
    urgency: Urgency = Field(
        default=Urgency.normal,
        sa_column=Column(SqlEnum(Urgency, native_enum=False, length=20), nullable=False),
    )
    wished_from: date | None = None
    wished_until: date | None = None
    availability: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)


class TimelineEntry(TenantOwned, table=True):
    """Something that happened to a request or a household: who, what, when."""

    __tablename__ = "timeline_entry"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int | None = Field(default=None, foreign_key="help_request.id", index=True)
    household_id: int | None = Field(default=None, foreign_key="household.id", index=True)
    kind: TimelineKind = Field(
        sa_column=Column(SqlEnum(TimelineKind, native_enum=False, length=20), nullable=False)
    )
    text: str
    actor: str = Field(max_length=200)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)
