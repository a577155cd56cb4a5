"""Tables for people: persons, households and their members, helpers, organisations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlalchemy import Enum as SqlEnum
from sqlmodel import Field

from noaber.clock import utcnow as utcnow  # re-exported: plugins written against it
from noaber.db.base import TenantOwned, tenant_list_index


class MemberRole(StrEnum):
    parent = "parent"
    child = "child"
    other = "other"


class HelperKind(StrEnum):
    volunteer = "volunteer"
    support_family = "support_family"
    business = "business"


class HelperStatus(StrEnum):
    active = "active"
    paused = "paused"


class OrganisationKind(StrEnum):
    welfare = "welfare"
    gp_practice = "gp_practice"
    school = "school"
    food_bank = "food_bank"
    leergeld = "leergeld"
    municipality = "municipality"
    other = "other"


class Person(TenantOwned, table=True):
    """A resident. Only ``given_name`` is required: store what a programme needs."""

    __table_args__ = (tenant_list_index("person"),)

    id: int | None = Field(default=None, primary_key=True)
    given_name: str = Field(max_length=100)
    family_name: str | None = Field(default=None, max_length=100, index=True)
    birth_date: date | None = None
    birth_year: int | None = None
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    street: str | None = Field(default=None, max_length=200)
    house_number: str | None = Field(default=None, max_length=20)
    postcode: str | None = Field(default=None, max_length=7)
    city: str | None = Field(default=None, max_length=100)
    neighbourhood_id: int | None = Field(default=None, foreign_key="neighbourhood.id", index=True)
    latitude: float | None = None
    longitude: float | None = None
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Household(TenantOwned, table=True):
    __table_args__ = (tenant_list_index("household"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    neighbourhood_id: int | None = Field(default=None, foreign_key="neighbourhood.id", index=True)
    notes: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class HouseholdMember(TenantOwned, table=True):
    __tablename__ = "household_member"
    __table_args__ = (UniqueConstraint("household_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: MemberRole = Field(
        sa_column=Column(SqlEnum(MemberRole, native_enum=False, length=20), nullable=False)
    )


class Organisation(TenantOwned, table=True):
    """A partner: welfare organisation, GP practice, school, food bank, Stichting Leergeld."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    kind: OrganisationKind = Field(
        sa_column=Column(SqlEnum(OrganisationKind, native_enum=False, length=30), nullable=False)
    )
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    neighbourhood_id: int | None = Field(default=None, foreign_key="neighbourhood.id")


class Professional(TenantOwned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    role: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=30)


class HelperProfile(TenantOwned, table=True):
    """A volunteer, a support family (steungezin) or a neighbourhood business."""

    __tablename__ = "helper_profile"
    __table_args__ = (tenant_list_index("helper_profile"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: HelperKind = Field(
        sa_column=Column(SqlEnum(HelperKind, native_enum=False, length=20), nullable=False)
    )
    display_name: str = Field(max_length=200)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    household_id: int | None = Field(default=None, foreign_key="household.id")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    home_neighbourhood_id: int | None = Field(default=None, foreign_key="neighbourhood.id")
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    interests: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    availability: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """Weekly slots such as ``"mon_morning"`` (days mon..sun; morning, afternoon, evening)."""
    max_load: int = 1
    reach_neighbourhood_ids: list[int] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    reach_anywhere: bool = False
    reach_radius_km: float | None = None
    """Helps within this distance of ``latitude``/``longitude`` as well."""
    latitude: float | None = None
    longitude: float | None = None
    vog_issued_on: date | None = None
    vog_valid_until: date | None = None
    child_age_min: int | None = None
    child_age_max: int | None = None
    status: HelperStatus = Field(
        default=HelperStatus.active,
        sa_column=Column(SqlEnum(HelperStatus, native_enum=False, length=20), nullable=False),
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
