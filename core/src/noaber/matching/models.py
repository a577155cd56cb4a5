"""The match (coupling) between a request and a helper."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from noaber.clock import utcnow
from noaber.db.base import TenantOwned


class Match(TenantOwned, table=True):
    """A coupling a coordinator proposed; its lifecycle comes from the request type."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_request.id", index=True)
    helper_id: int = Field(foreign_key="helper_profile.id", index=True)
    status: str = Field(max_length=40, index=True)
    score: float | None = None
    explanation: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    reason: str | None = None
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
