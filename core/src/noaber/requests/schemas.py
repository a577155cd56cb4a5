"""Input and output models of the requests API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from noaber.people.schemas import Language, Latitude, Longitude, Slot, Tag, check_coordinates
from noaber.requests.models import AskedBy, TimelineKind, Urgency


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RequestIn(_In):
    type: str = Field(
        min_length=1, max_length=60, description="A request type of this municipality."
    )
    asked_by: AskedBy
    professional_id: int | None = Field(
        default=None, description="Required unless the resident asked themselves."
    )
    person_id: int | None = None
    household_id: int | None = None
    neighbourhood_id: int | None = Field(
        default=None, description="Defaults to the neighbourhood of the household or person."
    )
    latitude: Latitude | None = Field(
        default=None, description="Where help is needed; defaults to the person's address."
    )
    longitude: Longitude | None = None
    description: str = Field(min_length=1, max_length=10000)
    urgency: Urgency = Urgency.normal
    wished_from: date | None = None
    wished_until: date | None = None
    availability: list[Slot] = Field(default_factory=list)
    skills: list[Tag] = Field(default_factory=list, max_length=30)
    languages: list[Language] = Field(default_factory=list, max_length=10)
    actor: str = Field(default="coordinator", min_length=1, max_length=200)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.person_id is None) == (self.household_id is None):
            raise ValueError("give either person_id or household_id (for whom the request is)")
        if self.wished_from and self.wished_until and self.wished_until < self.wished_from:
            raise ValueError("wished_until lies before wished_from")
        check_coordinates(self.latitude, self.longitude)
        return self


class RequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    type: str
    status: str
    allowed_transitions: list[str] = Field(default_factory=list)
    asked_by: AskedBy
    professional_id: int | None
    person_id: int | None
    household_id: int | None
    neighbourhood_id: int | None
    latitude: float | None
    longitude: float | None
    description: str
    urgency: Urgency
    wished_from: date | None
    wished_until: date | None
    availability: list[str]
    skills: list[str]
    languages: list[str]
    created_at: datetime
    updated_at: datetime


class RequestPatch(_In):
    """What may change after registration; the status changes through transitions."""

    description: str | None = Field(default=None, min_length=1, max_length=10000)
    urgency: Urgency | None = None
    wished_from: date | None = None
    wished_until: date | None = None
    availability: list[Slot] | None = None
    skills: list[Tag] | None = Field(default=None, max_length=30)
    languages: list[Language] | None = Field(default=None, max_length=10)
    neighbourhood_id: int | None = None
    actor: str = Field(default="coordinator", min_length=1, max_length=200)


class TransitionIn(_In):
    to: str = Field(min_length=1, max_length=40)
    reason: str | None = Field(default=None, max_length=2000)
    actor: str = Field(default="coordinator", min_length=1, max_length=200)


class TimelineIn(_In):
    kind: TimelineKind = Field(description="note or contact; status changes are written by core.")
    text: str = Field(min_length=1, max_length=10000)
    actor: str = Field(default="coordinator", min_length=1, max_length=200)

    @model_validator(mode="after")
    def _kind(self) -> Self:
        if self.kind not in (TimelineKind.note, TimelineKind.contact):
            raise ValueError("only note and contact entries can be added by hand")
        return self


class TimelineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    request_id: int | None
    household_id: int | None
    kind: TimelineKind
    text: str
    actor: str
    data: dict[str, Any]
    created_at: datetime


class WorkflowOut(BaseModel):
    initial: str
    transitions: dict[str, list[str]]
    reason_required: list[str]


class RequestTypeOut(BaseModel):
    name: str
    title: str
    description: str
    programme: str | None
    involves_children: bool
    workflow: WorkflowOut
    match_lifecycle: WorkflowOut
    open_statuses: list[str]
    load_statuses: list[str]
