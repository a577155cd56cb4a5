"""Input and output models of the people API (table models skip validation)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from noaber.clock import dutch_today
from noaber.matching.columns import SLOTS
from noaber.municipalities.config import Email
from noaber.people.models import HelperKind, HelperStatus, MemberRole, OrganisationKind

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()-]{6,30}$")]


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _postcode(value: object) -> object:
    """``"7942ab"`` and ``" 7942 AB"`` become ``"7942 AB"`` before the pattern is checked."""
    if not isinstance(value, str):
        return value
    compact = value.replace(" ", "").upper()
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else compact


# Pattern constraints see the raw string, so normalising happens before them.
Language = Annotated[str, BeforeValidator(_lower), StringConstraints(pattern=r"^[a-z]{2,3}$")]
"""ISO 639-1/-3 code such as ``nl``, ``fy``, ``ar``; upper case is accepted."""
Tag = Annotated[str, BeforeValidator(_lower), StringConstraints(min_length=1, max_length=60)]
Slot = Annotated[
    str, BeforeValidator(_lower), StringConstraints(pattern="^(" + "|".join(SLOTS) + ")$")
]
Postcode = Annotated[
    str,
    BeforeValidator(_postcode),
    StringConstraints(pattern=r"^[1-9][0-9]{3}( [A-Z]{2})?$"),
]
"""PC4 (``7941``) or PC6 (``7941 AB``, stored with one space)."""
Latitude = Annotated[float, Field(ge=-90, le=90, description="WGS84 degrees.")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="WGS84 degrees.")]


def check_coordinates(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise ValueError("give both latitude and longitude, or neither")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def check_birth(birth_date: date | None, birth_year: int | None) -> None:
    if birth_date is not None and birth_date > dutch_today():
        raise ValueError("birth_date lies in the future")
    if birth_date is not None and birth_year is not None and birth_date.year != birth_year:
        raise ValueError("birth_year does not agree with birth_date")


class PersonIn(_In):
    given_name: Name
    family_name: Name | None = None
    birth_date: date | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    email: Email | None = None
    phone: Phone | None = None
    street: str | None = Field(default=None, max_length=200)
    house_number: str | None = Field(default=None, max_length=20)
    postcode: Postcode | None = Field(
        default=None, description="PC4 or PC6; resolved to a neighbourhood of the municipality."
    )
    city: str | None = Field(default=None, max_length=100)
    latitude: Latitude | None = Field(
        default=None, description="Of the address, if the client geocoded it (e.g. PDOK)."
    )
    longitude: Longitude | None = None
    languages: list[Language] = Field(default_factory=list, max_length=20)
    notes: str | None = Field(default=None, max_length=5000)

    @model_validator(mode="after")
    def _birth(self) -> Self:
        check_birth(self.birth_date, self.birth_year)
        check_coordinates(self.latitude, self.longitude)
        return self


class PersonPatch(_In):
    given_name: Name | None = None
    family_name: Name | None = None
    birth_date: date | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    email: Email | None = None
    phone: Phone | None = None
    street: str | None = Field(default=None, max_length=200)
    house_number: str | None = Field(default=None, max_length=20)
    postcode: Postcode | None = None
    city: str | None = Field(default=None, max_length=100)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    languages: list[Language] | None = Field(default=None, max_length=20)
    notes: str | None = Field(default=None, max_length=5000)


class PersonOut(_Out):
    id: int
    given_name: str
    family_name: str | None
    birth_date: date | None
    birth_year: int | None
    age: int | None
    email: str | None
    phone: str | None
    street: str | None
    house_number: str | None
    postcode: str | None
    city: str | None
    neighbourhood_id: int | None
    latitude: float | None
    longitude: float | None
    languages: list[str]
    notes: str | None
    created_at: datetime
    updated_at: datetime


class MemberIn(_In):
    person_id: int | None = Field(default=None, description="An existing person...")
    person: PersonIn | None = Field(default=None, description="...or a new one.")
    role: MemberRole

    @model_validator(mode="after")
    def _one_person(self) -> Self:
        if (self.person_id is None) == (self.person is None):
            raise ValueError("give either person_id or person")
        return self


class HouseholdIn(_In):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    neighbourhood_id: int | None = Field(
        default=None, description="Defaults to the neighbourhood of the first member with one."
    )
    notes: str | None = Field(default=None, max_length=5000)
    members: list[MemberIn] = Field(default_factory=list, max_length=30)


class HouseholdPatch(_In):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None
    neighbourhood_id: int | None = None
    notes: str | None = Field(default=None, max_length=5000)


class MemberOut(BaseModel):
    person_id: int
    role: MemberRole
    given_name: str
    family_name: str | None
    age: int | None


class HouseholdOut(BaseModel):
    id: int
    name: str
    neighbourhood_id: int | None
    notes: str | None
    members: list[MemberOut]
    children_ages: list[int] = Field(
        description="Ages of the members with role child, youngest first."
    )
    created_at: datetime


class OrganisationIn(_In):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    kind: OrganisationKind
    email: Email | None = None
    phone: Phone | None = None
    neighbourhood_id: int | None = None


class OrganisationOut(_Out):
    id: int
    name: str
    kind: OrganisationKind
    email: str | None
    phone: str | None
    neighbourhood_id: int | None


class ProfessionalIn(_In):
    organisation_id: int
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    role: str | None = Field(default=None, max_length=100)
    email: Email | None = None
    phone: Phone | None = None


class ProfessionalOut(_Out):
    id: int
    organisation_id: int
    name: str
    role: str | None
    email: str | None
    phone: str | None


class HelperIn(_In):
    kind: HelperKind
    display_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]
    person_id: int | None = None
    household_id: int | None = None
    organisation_id: int | None = None
    home_neighbourhood_id: int | None = None
    skills: list[Tag] = Field(default_factory=list, max_length=50)
    interests: list[Tag] = Field(default_factory=list, max_length=50)
    languages: list[Language] = Field(default_factory=list, max_length=20)
    availability: list[Slot] = Field(
        default_factory=list, description="Weekly slots: mon_morning ... sun_evening."
    )
    max_load: int = Field(default=1, ge=1, le=50)
    reach_neighbourhood_ids: list[int] = Field(default_factory=list, max_length=200)
    reach_anywhere: bool = False
    reach_radius_km: float | None = Field(
        default=None, gt=0, le=100, description="Also helps within this distance of home."
    )
    latitude: Latitude | None = Field(default=None, description="Home, for the radius.")
    longitude: Longitude | None = None
    vog_issued_on: date | None = None
    vog_valid_until: date | None = None
    child_age_min: int | None = Field(default=None, ge=0, le=30)
    child_age_max: int | None = Field(default=None, ge=0, le=30)
    status: HelperStatus = HelperStatus.active

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_coordinates(self.latitude, self.longitude)
        if self.reach_radius_km is not None and self.latitude is None:
            raise ValueError("reach_radius_km needs latitude and longitude")
        if (
            self.child_age_min is not None
            and self.child_age_max is not None
            and self.child_age_min > self.child_age_max
        ):
            raise ValueError("child_age_min must not be above child_age_max")
        if (
            self.vog_issued_on
            and self.vog_valid_until
            and self.vog_valid_until < self.vog_issued_on
        ):
            raise ValueError("vog_valid_until lies before vog_issued_on")
        if self.vog_issued_on and self.vog_issued_on > dutch_today():
            raise ValueError("vog_issued_on lies in the future")
        return self


class HelperPatch(_In):
    status: HelperStatus | None = None
    max_load: int | None = Field(default=None, ge=1, le=50)
    skills: list[Tag] | None = Field(default=None, max_length=50)
    interests: list[Tag] | None = Field(default=None, max_length=50)
    languages: list[Language] | None = Field(default=None, max_length=20)
    availability: list[Slot] | None = None
    reach_neighbourhood_ids: list[int] | None = Field(default=None, max_length=200)
    reach_anywhere: bool | None = None
    reach_radius_km: float | None = Field(default=None, gt=0, le=100)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    vog_issued_on: date | None = None
    vog_valid_until: date | None = None
    child_age_min: int | None = Field(default=None, ge=0, le=30)
    child_age_max: int | None = Field(default=None, ge=0, le=30)


class HelperOut(_Out):
    id: int
    kind: HelperKind
    display_name: str
    person_id: int | None
    household_id: int | None
    organisation_id: int | None
    home_neighbourhood_id: int | None
    skills: list[str]
    interests: list[str]
    languages: list[str]
    availability: list[str]
    max_load: int
    reach_neighbourhood_ids: list[int]
    reach_anywhere: bool
    reach_radius_km: float | None
    latitude: float | None
    longitude: float | None
    vog_issued_on: date | None
    vog_valid_until: date | None
    child_age_min: int | None
    child_age_max: int | None
    status: HelperStatus
    updated_at: datetime
