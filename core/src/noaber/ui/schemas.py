"""Form models of the interface (the table models skip validation)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from noaber.municipalities.config import Email, Postcode
from noaber.people.schemas import Name, Phone, Slot, Tag

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class _Form(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class AskForHelpForm(_Form):
    type: str = Field(min_length=1, max_length=60)
    given_name: Name
    family_name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    postcode: Postcode
    description: Text
    availability: list[Slot] = Field(default_factory=list)
    consent: Literal["ja"]


class SignUpForm(_Form):
    kind: Literal["volunteer", "support_family"]
    given_name: Name
    family_name: Name | None = None
    email: Email
    phone: Phone | None = None
    postcode: Postcode
    skills: list[Tag] = Field(default_factory=list, max_length=30)
    availability: list[Slot] = Field(default_factory=list)
    motivation: str | None = Field(default=None, max_length=5000)
    consent: Literal["ja"]


class IntakeForm(_Form):
    """A coordinator records a new request (for a new person or a known household)."""

    type: str = Field(min_length=1, max_length=60)
    asked_by: Literal["self", "professional", "gp_referral", "school"] = "self"
    professional_id: int | None = None
    household_id: int | None = None
    given_name: Name | None = None
    family_name: Name | None = None
    postcode: Postcode | None = None
    description: Text
    urgency: Literal["low", "normal", "high", "crisis"] = "normal"
    skills: list[Tag] = Field(default_factory=list, max_length=30)
    availability: list[Slot] = Field(default_factory=list)


class ReferralForm(_Form):
    """A professional refers a family."""

    type: str = Field(min_length=1, max_length=60)
    professional_id: int
    household_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]
    parent_name: Name
    postcode: Postcode
    child_birth_years: list[Annotated[int, Field(ge=1990, le=2100)]] = Field(
        default_factory=list, max_length=15
    )
    description: Text
    urgency: Literal["low", "normal", "high", "crisis"] = "normal"


class TransitionForm(_Form):
    to: str = Field(min_length=1, max_length=40)
    reason: str | None = Field(default=None, max_length=2000)


class NoteForm(_Form):
    kind: Literal["note", "contact"] = "note"
    text: Text


class HoursForm(_Form):
    match_id: int
    on: date
    hours: Annotated[Decimal, Field(gt=0, le=24, max_digits=4, decimal_places=2)]
    note: str | None = Field(default=None, max_length=500)


class AvailabilityForm(_Form):
    availability: list[Slot] = Field(default_factory=list)
    max_load: int = Field(default=1, ge=1, le=50)
