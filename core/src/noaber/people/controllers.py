"""REST endpoints for people, households, organisations, professionals and helpers."""

from __future__ import annotations

from functools import partial

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from sqlmodel import Session

from noaber.people import services
from noaber.people.models import HelperKind, HelperStatus, Household, OrganisationKind
from noaber.people.schemas import (
    HelperIn,
    HelperOut,
    HelperPatch,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    MemberIn,
    OrganisationIn,
    OrganisationOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    ProfessionalIn,
    ProfessionalOut,
)
from noaber.privacy import access_log
from noaber.privacy.web import NAMES_NO_ONE
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber.web.pagination import DEFAULT_PAGE_SIZE, Page, read_page
from noaber.web.params import PageNumber, PageSize


class PeopleController(Controller):
    path = "/api/people"
    tags = ["people"]

    @get("/", summary="List people")
    async def list_people(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        name: FromQuery[str | None] = None,
        neighbourhood_id: FromQuery[int | None] = None,
        sort: FromQuery[services.PersonSort] = "id",
    ) -> Page[PersonOut]:
        return await read_page(
            db_session,
            Page[PersonOut],
            partial(services.list_people, db_session),
            page=page,
            page_size=page_size,
            name=name,
            neighbourhood_id=neighbourhood_id,
            sort=sort,
        )

    @post("/", sync_to_thread=True, summary="Register a person")
    def create_person(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[PersonIn]
    ) -> PersonOut:
        person = services.create_person(db_session, tenant.plugins, data)
        access_log.note_object("person", person.id or 0)  # the entry is about the new person
        return services.person_out(person)

    @get("/{person_id:int}", sync_to_thread=True, summary="One person")
    def get_person(self, db_session: DbSession, person_id: FromPath[int]) -> PersonOut:
        return services.person_out(services.get_person(db_session, person_id))

    @patch("/{person_id:int}", sync_to_thread=True, summary="Change a person")
    def update_person(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        person_id: FromPath[int],
        data: JSONBody[PersonPatch],
    ) -> PersonOut:
        return services.person_out(
            services.update_person(db_session, tenant.plugins, person_id, data)
        )


class HouseholdController(Controller):
    path = "/api/households"
    tags = ["people"]

    @get("/", summary="List households")
    async def list_households(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        name: FromQuery[str | None] = None,
        neighbourhood_id: FromQuery[int | None] = None,
        sort: FromQuery[services.HouseholdSort] = "id",
    ) -> Page[HouseholdOut]:
        return await read_page(
            db_session,
            Page[HouseholdOut],
            partial(services.list_households, db_session),
            page=page,
            page_size=page_size,
            name=name,
            neighbourhood_id=neighbourhood_id,
            sort=sort,
        )

    @post(
        "/",
        sync_to_thread=True,
        opt={NAMES_NO_ONE: "a household may be created empty: its members are named when added"},
        summary="Register a household with its members",
    )
    def create_household(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[HouseholdIn]
    ) -> HouseholdOut:
        household = services.create_household(db_session, tenant.plugins, data)
        return _household_out(db_session, household)

    @get("/{household_id:int}", sync_to_thread=True, summary="One household")
    def get_household(self, db_session: DbSession, household_id: FromPath[int]) -> HouseholdOut:
        household = services.get_household(db_session, household_id)
        return _household_out(db_session, household)

    @patch("/{household_id:int}", sync_to_thread=True, summary="Change a household")
    def update_household(
        self, db_session: DbSession, household_id: FromPath[int], data: JSONBody[HouseholdPatch]
    ) -> HouseholdOut:
        household = services.update_household(db_session, household_id, data)
        return _household_out(db_session, household)

    @delete(
        "/{household_id:int}/members/{person_id:int}",
        sync_to_thread=True,
        status_code=200,
        summary="Take a member out of the household (the person stays registered)",
    )
    def remove_member(
        self, db_session: DbSession, household_id: FromPath[int], person_id: FromPath[int]
    ) -> HouseholdOut:
        household = services.remove_member(db_session, household_id, person_id)
        return _household_out(db_session, household)

    @post("/{household_id:int}/members", sync_to_thread=True, summary="Add a member")
    def add_member(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        household_id: FromPath[int],
        data: JSONBody[MemberIn],
    ) -> HouseholdOut:
        household = services.add_member(db_session, tenant.plugins, household_id, data)
        return _household_out(db_session, household)


def _household_out(db_session: Session, household: Household) -> HouseholdOut:
    """The household as answered, its members named in the access log (from the members
    the answer already read: no second query)."""
    out = services.household_out(db_session, household)
    services.note_subjects_of(db_session, person_ids=[m.person_id for m in out.members])
    return out


class OrganisationController(Controller):
    path = "/api/organisations"
    tags = ["people"]

    @get("/", sync_to_thread=True, summary="List partner organisations")
    def list_organisations(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        kind: FromQuery[OrganisationKind | None] = None,
        name: FromQuery[str | None] = None,
        sort: FromQuery[services.OrganisationSort] = "name",
    ) -> Page[OrganisationOut]:
        return services.list_organisations(
            db_session, page=page, page_size=page_size, kind=kind, name=name, sort=sort
        )

    @post(
        "/",
        sync_to_thread=True,
        opt={NAMES_NO_ONE: "a partner organisation: name and kind"},
        summary="Register an organisation",
    )
    def create_organisation(
        self, db_session: DbSession, data: JSONBody[OrganisationIn]
    ) -> OrganisationOut:
        return OrganisationOut.model_validate(services.create_organisation(db_session, data))

    @get("/{organisation_id:int}", sync_to_thread=True, summary="One organisation")
    def get_organisation(
        self, db_session: DbSession, organisation_id: FromPath[int]
    ) -> OrganisationOut:
        return OrganisationOut.model_validate(
            services.get_organisation(db_session, organisation_id)
        )


class ProfessionalController(Controller):
    path = "/api/professionals"
    tags = ["people"]

    @get("/", sync_to_thread=True, summary="List professionals")
    def list_professionals(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        organisation_id: FromQuery[int | None] = None,
        name: FromQuery[str | None] = None,
        sort: FromQuery[services.ProfessionalSort] = "id",
    ) -> Page[ProfessionalOut]:
        return services.list_professionals(
            db_session,
            page=page,
            page_size=page_size,
            organisation_id=organisation_id,
            name=name,
            sort=sort,
        )

    @post(
        "/",
        sync_to_thread=True,
        opt={NAMES_NO_ONE: "a professional at work, not a data subject"},
        summary="Register a professional",
    )
    def create_professional(
        self, db_session: DbSession, data: JSONBody[ProfessionalIn]
    ) -> ProfessionalOut:
        return ProfessionalOut.model_validate(services.create_professional(db_session, data))

    @get("/{professional_id:int}", sync_to_thread=True, summary="One professional")
    def get_professional(
        self, db_session: DbSession, professional_id: FromPath[int]
    ) -> ProfessionalOut:
        return ProfessionalOut.model_validate(
            services.get_professional(db_session, professional_id)
        )


class HelperController(Controller):
    path = "/api/helpers"
    tags = ["people"]

    @get("/", summary="List helpers (volunteers, support families, businesses)")
    async def list_helpers(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        kind: FromQuery[HelperKind | None] = None,
        status: FromQuery[HelperStatus | None] = None,
        neighbourhood_id: FromQuery[int | None] = None,
        skill: FromQuery[str | None] = None,
        sort: FromQuery[services.HelperSort] = "id",
    ) -> Page[HelperOut]:
        return await read_page(
            db_session,
            Page[HelperOut],
            partial(services.list_helpers, db_session),
            page=page,
            page_size=page_size,
            kind=kind,
            status=status,
            neighbourhood_id=neighbourhood_id,
            skill=skill,
            sort=sort,
        )

    @post(
        "/",
        sync_to_thread=True,
        opt={NAMES_NO_ONE: "a helper may be created without a person (a display name only)"},
        summary="Register a helper profile",
    )
    def create_helper(self, db_session: DbSession, data: JSONBody[HelperIn]) -> HelperOut:
        services.note_subjects_of(
            db_session, person_ids=[data.person_id], household_ids=[data.household_id]
        )
        return HelperOut.model_validate(services.create_helper(db_session, data))

    @get("/{helper_id:int}", sync_to_thread=True, summary="One helper profile")
    def get_helper(self, db_session: DbSession, helper_id: FromPath[int]) -> HelperOut:
        helper = services.get_helper(db_session, helper_id)
        services.note_subjects_of(db_session, helper_ids=[helper_id])
        return HelperOut.model_validate(helper)

    @patch(
        "/{helper_id:int}",
        sync_to_thread=True,
        opt={NAMES_NO_ONE: "a helper may have no person (a display name only)"},
        summary="Change a helper profile (e.g. pause)",
    )
    def update_helper(
        self, db_session: DbSession, helper_id: FromPath[int], data: JSONBody[HelperPatch]
    ) -> HelperOut:
        services.note_subjects_of(db_session, helper_ids=[helper_id])
        return HelperOut.model_validate(services.update_helper(db_session, helper_id, data))


CONTROLLERS = [
    PeopleController,
    HouseholdController,
    OrganisationController,
    ProfessionalController,
    HelperController,
]
