"""Every read and write of people's data goes through these functions (one place per
entity), so that purpose-bound access logging can be added here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Literal

import pluggy
from sqlalchemy import bindparam, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from noaber.clock import dutch_today, utcnow
from noaber.db.direct import Query, tenant_param
from noaber.errors import InvalidInput, NotFound, UserMessage
from noaber.people.models import (
    HelperProfile,
    Household,
    HouseholdMember,
    MemberRole,
    Organisation,
    Person,
    Professional,
)
from noaber.people.schemas import (
    HelperIn,
    HelperOut,
    HelperPatch,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    MemberIn,
    MemberOut,
    OrganisationIn,
    OrganisationOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    ProfessionalIn,
    ProfessionalOut,
    check_birth,
    check_coordinates,
)
from noaber.privacy import access_log
from noaber.tenancy.context import require_tenant
from noaber.tenancy.models import Neighbourhood
from noaber.web.pagination import Page, Row, RowList, paginate


def field_error(
    field: str, message: str, *, user_message: UserMessage | None = None
) -> InvalidInput:
    """A 422 naming the offending body field (``user_message``: what the interface says)."""
    return InvalidInput(
        f"{field}: {message}",
        user_message=user_message,
        errors=[{"field": field, "source": "body", "message": message}],
    )


def age_on(
    birth_date: date | None, birth_year: int | None, today: date | None = None
) -> int | None:
    today = today or dutch_today()
    if birth_date is not None:
        before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
        return today.year - birth_date.year - int(before_birthday)
    if birth_year is not None:
        return today.year - birth_year
    return None


# --- neighbourhoods ------------------------------------------------------------------------


def neighbourhoods(session: Session) -> Sequence[Neighbourhood]:
    return session.exec(select(Neighbourhood).order_by(col(Neighbourhood.id))).all()


def builtin_resolve(postcode: str, hoods: Sequence[Neighbourhood]) -> int | None:
    """PC6 first (``8926AB``), then PC4 (``8926``), against the configured postcodes."""
    compact = postcode.replace(" ", "").upper()
    for key in (compact, compact[:4]):
        for hood in hoods:
            if any(p.replace(" ", "").upper() == key for p in hood.postcodes):
                return hood.id
    return None


def resolve_postcode(session: Session, pm: pluggy.PluginManager, postcode: str) -> int:
    hoods = neighbourhoods(session)
    found = pm.hook.resolve_neighbourhood(postcode=postcode, neighbourhoods=hoods)
    if found is None:
        found = builtin_resolve(postcode, hoods)
    if found is None:
        raise field_error(
            "postcode", f"{postcode} lies in none of this municipality's neighbourhoods"
        )
    return int(found)


def check_neighbourhood(session: Session, hood_id: int | None, field: str) -> None:
    if hood_id is not None and session.get(Neighbourhood, hood_id) is None:
        raise field_error(field, f"no neighbourhood {hood_id} in this municipality")


def _get(session: Session, model: type[Any], ident: int, what: str) -> Any:
    # session.get() goes through the identity map; a select is tenant-filtered.
    row = session.exec(select(model).where(model.id == ident)).first()
    if row is None:
        raise NotFound(f"{what} {ident} not found")
    return row


# --- persons -------------------------------------------------------------------------------

PersonSort = Literal["id", "-id", "family_name", "-family_name", "created_at", "-created_at"]


def person_out(person: Person) -> PersonOut:
    data = person.model_dump()
    data["age"] = age_on(person.birth_date, person.birth_year)
    return PersonOut.model_validate(data)


def create_person(session: Session, pm: pluggy.PluginManager, data: PersonIn) -> Person:
    person = Person(**data.model_dump())
    if data.postcode:
        person.neighbourhood_id = resolve_postcode(session, pm, data.postcode)
    session.add(person)
    session.flush()
    return person


def get_person(session: Session, person_id: int) -> Person:
    person: Person = _get(session, Person, person_id, "person")
    return person


def update_person(
    session: Session, pm: pluggy.PluginManager, person_id: int, data: PersonPatch
) -> Person:
    person = get_person(session, person_id)
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        setattr(person, key, value)
    if "postcode" in changes:
        person.neighbourhood_id = (
            resolve_postcode(session, pm, person.postcode) if person.postcode else None
        )
    try:
        check_birth(person.birth_date, person.birth_year)
    except ValueError as exc:
        raise field_error("birth_date", str(exc)) from None
    try:
        check_coordinates(person.latitude, person.longitude)
    except ValueError as exc:
        raise field_error("latitude", str(exc)) from None
    person.updated_at = utcnow()
    session.add(person)
    session.flush()
    return person


def _people_filtered(stmt: Any, shape: Any) -> Any:
    filters, sort = shape
    if "pattern" in filters:
        pattern: Any = bindparam("pattern")
        stmt = stmt.where(
            or_(col(Person.given_name).ilike(pattern), col(Person.family_name).ilike(pattern))
        )
    if "neighbourhood_id" in filters:
        stmt = stmt.where(Person.neighbourhood_id == bindparam("neighbourhood_id"))
    return stmt.order_by(_order(Person, sort), col(Person.id))


_PERSON_ROWS = RowList(Person, PersonOut, _people_filtered)


def _with_age(row: Row) -> None:
    row["age"] = age_on(row["birth_date"], row["birth_year"])


def list_people(
    session: Session,
    *,
    page: int,
    page_size: int,
    name: str | None = None,
    neighbourhood_id: int | None = None,
    sort: PersonSort = "id",
) -> tuple[list[Row], int]:
    """A page of persons as rows shaped like :class:`PersonOut`, and the total; each
    person shown is noted in the access log."""
    params: dict[str, Any] = {}
    if name:
        params["pattern"] = f"%{name.lower()}%"
    if neighbourhood_id is not None:
        params["neighbourhood_id"] = neighbourhood_id
    rows, total = _PERSON_ROWS.page(session, (tuple(params), sort), params, page, page_size)
    access_log.note_subjects(r["id"] for r in rows)
    return _PERSON_ROWS.finish(rows, _with_age), total


def _order(model: type[Any], sort: str) -> Any:
    column = col(getattr(model, sort.lstrip("-")))
    return column.desc() if sort.startswith("-") else column.asc()


# --- households ----------------------------------------------------------------------------


def _members_statement(_shape: Any) -> Any:
    member, person = HouseholdMember.__table__.c, Person.__table__.c  # type: ignore[attr-defined]
    return (
        sa_select(
            member.household_id,
            member.role,
            person.id,
            person.given_name,
            person.family_name,
            person.birth_date,
            person.birth_year,
        )
        .join(Person.__table__, person.id == member.person_id)  # type: ignore[attr-defined]
        .where(
            member.tenant_id == tenant_param(),
            person.tenant_id == tenant_param(),
            member.household_id.in_(bindparam("households", expanding=True)),
        )
        .order_by(member.household_id, member.id)
    )


_MEMBERS = Query("household members", _members_statement)


def members_of(session: Session, household_ids: Iterable[int]) -> dict[int, list[Row]]:
    """The members of each household (shaped like :class:`MemberOut`), in the order
    they were added: one query however many households are asked for."""
    wanted = sorted(set(household_ids))
    found: dict[int, list[Row]] = {h: [] for h in wanted}
    if not wanted:
        return found
    _names, rows = _MEMBERS.rows(session, {"households": wanted})
    for household_id, role, person_id, given, family, birth_date, birth_year in rows:
        found[household_id].append(
            {
                "person_id": person_id,
                "role": MemberRole(role),
                "given_name": given,
                "family_name": family,
                "age": age_on(birth_date, birth_year),
            }
        )
    return found


def _children(members: Iterable[Row]) -> list[int]:
    return sorted(
        m["age"] for m in members if m["role"] is MemberRole.child and m["age"] is not None
    )


def household_out(session: Session, household: Household) -> HouseholdOut:
    assert household.id is not None
    members = members_of(session, [household.id])[household.id]
    return HouseholdOut(
        id=household.id,
        name=household.name,
        neighbourhood_id=household.neighbourhood_id,
        notes=household.notes,
        members=[MemberOut.model_validate(m) for m in members],
        children_ages=_children(members),
        created_at=household.created_at,
    )


def _member_persons_statement(_shape: Any) -> Any:
    member = HouseholdMember.__table__.c  # type: ignore[attr-defined]
    return sa_select(member.person_id).where(
        member.tenant_id == tenant_param(),
        member.household_id.in_(bindparam("households", expanding=True)),
    )


_MEMBER_PERSONS = Query("persons of households", _member_persons_statement)


def note_subjects_of(
    session: Session,
    *,
    person_ids: Iterable[int | None] = (),
    household_ids: Iterable[int | None] = (),
    helper_ids: Iterable[int | None] = (),
    helpers: Iterable[HelperProfile] = (),
) -> None:
    """Note in the access log the persons a response shows or a request changed: the
    persons named, every member of the households named, and the person and household
    behind each helper named (one entry per person, so a resident finds every view of
    their household under "who saw my data"). Nothing outside a logged request.
    ``helpers`` are helpers the caller has loaded already (not read again)."""
    if access_log.current_request() is None:
        return
    persons = {p for p in person_ids if p is not None}
    households = {h for h in household_ids if h is not None}
    for loaded in helpers:
        if loaded.person_id is not None:
            persons.add(loaded.person_id)
        if loaded.household_id is not None:
            households.add(loaded.household_id)
    helpers_to_read = sorted({h for h in helper_ids if h is not None})
    if helpers_to_read:
        for person, household in session.exec(
            select(HelperProfile.person_id, HelperProfile.household_id).where(
                col(HelperProfile.id).in_(helpers_to_read)
            )
        ).all():
            if person is not None:
                persons.add(person)
            if household is not None:
                households.add(household)
    if households:
        _names, rows = _MEMBER_PERSONS.rows(session, {"households": sorted(households)})
        persons.update(person for (person,) in rows)
    access_log.note_subjects(persons)


def children_ages(session: Session, household_id: int) -> list[int]:
    return children_ages_of(session, [household_id])[household_id]


def children_ages_of(session: Session, household_ids: Iterable[int]) -> dict[int, list[int]]:
    """The ages of each household's children, youngest first: one query for all."""
    return {h: _children(members) for h, members in members_of(session, household_ids).items()}


def create_household(session: Session, pm: pluggy.PluginManager, data: HouseholdIn) -> Household:
    check_neighbourhood(session, data.neighbourhood_id, "neighbourhood_id")
    household = Household(
        tenant_id=require_tenant(),
        name=data.name,
        neighbourhood_id=data.neighbourhood_id,
        notes=data.notes,
    )
    session.add(household)
    session.flush()
    for i, member in enumerate(data.members):
        _add_member(session, pm, household, member, f"members.{i}")
    session.flush()
    return household


def _add_member(
    session: Session, pm: pluggy.PluginManager, household: Household, member: MemberIn, where: str
) -> HouseholdMember:
    if member.person is not None:
        person = create_person(session, pm, member.person)
    else:
        assert member.person_id is not None
        found = session.exec(select(Person).where(Person.id == member.person_id)).first()
        if found is None:
            raise field_error(f"{where}.person_id", f"no person {member.person_id}")
        person = found
    exists = session.exec(
        select(HouseholdMember).where(
            HouseholdMember.household_id == household.id, HouseholdMember.person_id == person.id
        )
    ).first()
    if exists is not None:
        raise field_error(f"{where}.person_id", "this person is already a member")
    if household.neighbourhood_id is None and person.neighbourhood_id is not None:
        household.neighbourhood_id = person.neighbourhood_id
        session.add(household)
    row = HouseholdMember(
        tenant_id=require_tenant(),
        household_id=household.id or 0,
        person_id=person.id or 0,
        role=member.role,
    )
    session.add(row)
    session.flush()
    return row


def add_member(
    session: Session, pm: pluggy.PluginManager, household_id: int, member: MemberIn
) -> Household:
    household = get_household(session, household_id)
    _add_member(session, pm, household, member, "")
    household.updated_at = utcnow()
    session.add(household)
    session.flush()
    return household


def update_household(session: Session, household_id: int, data: HouseholdPatch) -> Household:
    household = get_household(session, household_id)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise field_error("name", "a household keeps a name")
    check_neighbourhood(session, changes.get("neighbourhood_id"), "neighbourhood_id")
    for key, value in changes.items():
        setattr(household, key, value)
    household.updated_at = utcnow()
    session.add(household)
    session.flush()
    return household


def remove_member(session: Session, household_id: int, person_id: int) -> Household:
    """Take a person out of a household (the person stays registered)."""
    household = get_household(session, household_id)
    member = session.exec(
        select(HouseholdMember).where(
            HouseholdMember.household_id == household.id, HouseholdMember.person_id == person_id
        )
    ).first()
    if member is None:
        raise NotFound(f"person {person_id} is not a member of household {household_id}")
    session.delete(member)
    household.updated_at = utcnow()
    session.add(household)
    session.flush()
    return household


def get_household(session: Session, household_id: int) -> Household:
    household: Household = _get(session, Household, household_id, "household")
    return household


HouseholdSort = Literal["id", "-id", "name", "-name", "created_at", "-created_at"]


def _households_filtered(stmt: Any, shape: Any) -> Any:
    filters, sort = shape
    if "neighbourhood_id" in filters:
        stmt = stmt.where(col(Household.neighbourhood_id) == bindparam("neighbourhood_id"))
    if "pattern" in filters:
        stmt = stmt.where(col(Household.name).ilike(bindparam("pattern")))
    return stmt.order_by(_order(Household, sort), col(Household.id))


_HOUSEHOLD_ROWS = RowList(Household, HouseholdOut, _households_filtered)


def list_households(
    session: Session,
    *,
    page: int,
    page_size: int,
    neighbourhood_id: int | None = None,
    name: str | None = None,
    sort: HouseholdSort = "id",
) -> tuple[list[Row], int]:
    """A page of households with their members as rows shaped like
    :class:`HouseholdOut`, and the total: three queries (count, page, members of the
    page) whatever the page size; every member shown is noted in the access log."""
    params: dict[str, Any] = {}
    if neighbourhood_id is not None:
        params["neighbourhood_id"] = neighbourhood_id
    if name:
        params["pattern"] = f"%{name.lower()}%"
    rows, total = _HOUSEHOLD_ROWS.page(session, (tuple(params), sort), params, page, page_size)
    members = members_of(session, (r["id"] for r in rows))

    def compute(row: Row) -> None:
        mine = members[row["id"]]
        row["members"] = mine
        row["children_ages"] = _children(mine)

    finished = _HOUSEHOLD_ROWS.finish(rows, compute)
    access_log.note_subjects(m["person_id"] for ms in members.values() for m in ms)
    return finished, total


# --- organisations and professionals --------------------------------------------------------


def create_organisation(session: Session, data: OrganisationIn) -> Organisation:
    check_neighbourhood(session, data.neighbourhood_id, "neighbourhood_id")
    org = Organisation(**data.model_dump())
    session.add(org)
    session.flush()
    return org


def get_organisation(session: Session, org_id: int) -> Organisation:
    org: Organisation = _get(session, Organisation, org_id, "organisation")
    return org


OrganisationSort = Literal["name", "-name", "id", "-id", "kind", "-kind"]


def list_organisations(
    session: Session,
    *,
    page: int,
    page_size: int,
    kind: str | None = None,
    name: str | None = None,
    sort: OrganisationSort = "name",
) -> Page[OrganisationOut]:
    stmt = select(Organisation)
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    if name:
        stmt = stmt.where(col(Organisation.name).ilike(f"%{name.lower()}%"))
    stmt = stmt.order_by(_order(Organisation, sort), col(Organisation.id))
    rows, total = paginate(session, stmt, page, page_size)
    return Page[OrganisationOut](
        items=[OrganisationOut.model_validate(o) for o in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


def create_professional(session: Session, data: ProfessionalIn) -> Professional:
    if (
        session.exec(select(Organisation).where(Organisation.id == data.organisation_id)).first()
        is None
    ):
        raise field_error("organisation_id", f"no organisation {data.organisation_id}")
    pro = Professional(**data.model_dump())
    session.add(pro)
    session.flush()
    return pro


def get_professional(session: Session, pro_id: int) -> Professional:
    pro: Professional = _get(session, Professional, pro_id, "professional")
    return pro


ProfessionalSort = Literal["id", "-id", "name", "-name"]


def list_professionals(
    session: Session,
    *,
    page: int,
    page_size: int,
    organisation_id: int | None = None,
    name: str | None = None,
    sort: ProfessionalSort = "id",
) -> Page[ProfessionalOut]:
    stmt = select(Professional)
    if organisation_id is not None:
        stmt = stmt.where(Professional.organisation_id == organisation_id)
    if name:
        stmt = stmt.where(col(Professional.name).ilike(f"%{name.lower()}%"))
    stmt = stmt.order_by(_order(Professional, sort), col(Professional.id))
    rows, total = paginate(session, stmt, page, page_size)
    return Page[ProfessionalOut](
        items=[ProfessionalOut.model_validate(p) for p in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


# --- helpers -----------------------------------------------------------------------------------

HelperSort = Literal["id", "-id", "display_name", "-display_name", "updated_at", "-updated_at"]


def _check_helper_refs(session: Session, data: HelperIn | HelperPatch) -> None:
    for i, hood in enumerate(data.reach_neighbourhood_ids or ()):
        check_neighbourhood(session, hood, f"reach_neighbourhood_ids.{i}")
    if isinstance(data, HelperIn):
        check_neighbourhood(session, data.home_neighbourhood_id, "home_neighbourhood_id")
        refs: Iterable[tuple[str, type[Any], int | None]] = (
            ("person_id", Person, data.person_id),
            ("household_id", Household, data.household_id),
            ("organisation_id", Organisation, data.organisation_id),
        )
        for field, model, ident in refs:
            if (
                ident is not None
                and session.exec(select(model).where(model.id == ident)).first() is None
            ):
                raise field_error(field, f"not found: {ident}")


def create_helper(session: Session, data: HelperIn) -> HelperProfile:
    _check_helper_refs(session, data)
    helper = HelperProfile(**data.model_dump())
    if helper.home_neighbourhood_id is None and helper.person_id is not None:
        helper.home_neighbourhood_id = get_person(session, helper.person_id).neighbourhood_id
    if helper.home_neighbourhood_id is not None and not helper.reach_neighbourhood_ids:
        helper.reach_neighbourhood_ids = [helper.home_neighbourhood_id]
    session.add(helper)
    session.flush()
    return helper


def get_helper(session: Session, helper_id: int) -> HelperProfile:
    helper: HelperProfile = _get(session, HelperProfile, helper_id, "helper")
    return helper


def update_helper(session: Session, helper_id: int, data: HelperPatch) -> HelperProfile:
    helper = get_helper(session, helper_id)
    _check_helper_refs(session, data)
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(helper, key, value)
    if (
        helper.child_age_min is not None
        and helper.child_age_max is not None
        and helper.child_age_min > helper.child_age_max
    ):
        raise field_error("child_age_min", "must not be above child_age_max")
    try:
        check_coordinates(helper.latitude, helper.longitude)
    except ValueError as exc:
        raise field_error("latitude", str(exc)) from None
    if helper.reach_radius_km is not None and helper.latitude is None:
        raise field_error("reach_radius_km", "needs latitude and longitude")
    helper.updated_at = utcnow()
    session.add(helper)
    session.flush()
    return helper


def _helpers_filtered(stmt: Any, shape: Any) -> Any:
    filters, sort = shape
    if "kind" in filters:
        stmt = stmt.where(HelperProfile.kind == bindparam("kind"))
    if "status" in filters:
        stmt = stmt.where(HelperProfile.status == bindparam("status"))
    if "neighbourhood_id" in filters:
        stmt = stmt.where(HelperProfile.home_neighbourhood_id == bindparam("neighbourhood_id"))
    return stmt.order_by(_order(HelperProfile, sort), col(HelperProfile.id))


_HELPER_ROWS = RowList(HelperProfile, HelperOut, _helpers_filtered)


def list_helpers(
    session: Session,
    *,
    page: int,
    page_size: int,
    kind: str | None = None,
    status: str | None = None,
    neighbourhood_id: int | None = None,
    skill: str | None = None,
    sort: HelperSort = "id",
) -> tuple[list[Row], int]:
    """A page of helper profiles as rows shaped like :class:`HelperOut`, and the total;
    the persons and household members behind them are noted in the access log."""

    filters = {"kind": kind or None, "status": status or None, "neighbourhood_id": neighbourhood_id}
    params = {name: value for name, value in filters.items() if value is not None}
    shape = (tuple(params), sort)
    if skill:
        # JSON arrays differ per database: find the matching ids in Python over the
        # filtered (bounded) ids and skills, then read that page's rows.
        wanted = skill.lower()
        matching = [
            ident
            for ident, skills in session.execute(
                _helpers_filtered(
                    sa_select(col(HelperProfile.id), col(HelperProfile.skills)), shape
                ).params(**params)
            ).all()
            if wanted in (s.lower() for s in skills)
        ]
        start = (page - 1) * page_size
        rows = _HELPER_ROWS.by_ids(session, shape, params, matching[start : start + page_size])
        total = len(matching)
    else:
        rows, total = _HELPER_ROWS.page(session, shape, params, page, page_size)
    note_subjects_of(
        session,
        person_ids=(r["person_id"] for r in rows),
        household_ids=(r["household_id"] for r in rows),
    )
    return _HELPER_ROWS.finish(rows), total
