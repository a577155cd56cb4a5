"""REST endpoints for request types, requests, transitions and timelines."""

from __future__ import annotations

from functools import partial

from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from noaber.people.services import note_subjects_of
from noaber.requests import services
from noaber.requests.models import Urgency
from noaber.requests.schemas import (
    RequestIn,
    RequestOut,
    RequestPatch,
    RequestTypeOut,
    TimelineIn,
    TimelineOut,
    TransitionIn,
)
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber.web.pagination import DEFAULT_PAGE_SIZE, Page, read_page
from noaber.web.params import PageNumber, PageSize


class RequestTypeController(Controller):
    path = "/api/request-types"
    tags = ["requests"]

    @get(
        "/", sync_to_thread=False, summary="Request types of this municipality and their workflows"
    )
    def list_types(self, tenant: CurrentTenant) -> list[RequestTypeOut]:
        return services.list_request_types(tenant.plugins)


class RequestController(Controller):
    path = "/api/requests"
    tags = ["requests"]

    @get("/", summary="List requests")
    async def list_requests(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        status: FromQuery[str | None] = None,
        type: FromQuery[str | None] = None,
        neighbourhood_id: FromQuery[int | None] = None,
        urgency: FromQuery[Urgency | None] = None,
        household_id: FromQuery[int | None] = None,
        sort: FromQuery[services.RequestSort] = "id",
    ) -> Page[RequestOut]:
        return await read_page(
            db_session,
            Page[RequestOut],
            partial(services.request_rows, db_session, tenant.plugins),
            page=page,
            page_size=page_size,
            status=status,
            type=type,
            neighbourhood_id=neighbourhood_id,
            urgency=urgency,
            household_id=household_id,
            sort=sort,
        )

    @post("/", sync_to_thread=True, summary="Register a request (hulpvraag)")
    def create_request(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[RequestIn]
    ) -> RequestOut:
        request = services.create_request(db_session, tenant.plugins, data)
        services.note_requests(db_session, [request])
        return services.request_out(tenant.plugins, request)

    @get("/{request_id:int}", sync_to_thread=True, summary="One request")
    def get_request(
        self, tenant: CurrentTenant, db_session: DbSession, request_id: FromPath[int]
    ) -> RequestOut:
        request = services.get_request(db_session, request_id)
        services.note_requests(db_session, [request])
        return services.request_out(tenant.plugins, request)

    @patch("/{request_id:int}", sync_to_thread=True, summary="Change a request's details")
    def update_request(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        request_id: FromPath[int],
        data: JSONBody[RequestPatch],
    ) -> RequestOut:
        request = services.update_request(db_session, request_id, data)
        services.note_requests(db_session, [request])
        return services.request_out(tenant.plugins, request)

    @post(
        "/{request_id:int}/transitions",
        sync_to_thread=True,
        summary="Move a request to another status (409 lists the allowed ones)",
    )
    def transition(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        request_id: FromPath[int],
        data: JSONBody[TransitionIn],
    ) -> RequestOut:
        request = services.transition_request(db_session, tenant.plugins, request_id, data)
        services.note_requests(db_session, [request])
        return services.request_out(tenant.plugins, request)

    @get("/{request_id:int}/timeline", sync_to_thread=True, summary="A request's timeline")
    def get_timeline(
        self,
        db_session: DbSession,
        request_id: FromPath[int],
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[TimelineOut]:
        found = services.timeline(db_session, page=page, page_size=page_size, request_id=request_id)
        services.note_request_ids(db_session, [request_id])
        return found

    @post("/{request_id:int}/timeline", sync_to_thread=True, summary="Add a note or contact")
    def add_entry(
        self, db_session: DbSession, request_id: FromPath[int], data: JSONBody[TimelineIn]
    ) -> TimelineOut:
        entry = services.add_request_entry(db_session, request_id, data)
        services.note_request_ids(db_session, [request_id])
        return TimelineOut.model_validate(entry)


class HouseholdTimelineController(Controller):
    path = "/api/households/{household_id:int}/timeline"
    tags = ["requests"]

    @get("/", sync_to_thread=True, summary="A household's timeline, its requests' included")
    def get_timeline(
        self,
        db_session: DbSession,
        household_id: FromPath[int],
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[TimelineOut]:
        found = services.timeline(
            db_session, page=page, page_size=page_size, household_id=household_id
        )
        note_subjects_of(db_session, household_ids=[household_id])
        return found

    @post("/", sync_to_thread=True, summary="Add a note or contact to a household")
    def add_entry(
        self, db_session: DbSession, household_id: FromPath[int], data: JSONBody[TimelineIn]
    ) -> TimelineOut:
        entry = services.add_household_entry(db_session, household_id, data)
        note_subjects_of(db_session, household_ids=[household_id])
        return TimelineOut.model_validate(entry)


CONTROLLERS = [RequestTypeController, RequestController, HouseholdTimelineController]
