"""REST endpoints for suggestions, explanations, batch assignment and matches."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from noaber.matching import services
from noaber.matching.schemas import (
    BatchOut,
    MatchIn,
    MatchOut,
    MatchTransitionIn,
    SuggestionsOut,
    WhyOut,
)
from noaber.requests.services import note_request_ids
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber.web.pagination import DEFAULT_PAGE_SIZE, Page
from noaber.web.params import PageNumber, PageSize


class SuggestionController(Controller):
    path = "/api/requests/{request_id:int}/suggestions"
    tags = ["matching"]

    @get("/", sync_to_thread=True, summary="Ranked, explained helper suggestions for a request")
    def suggestions(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        request_id: FromPath[int],
        limit: Annotated[int | None, QueryParameter(ge=1, le=100)] = None,
    ) -> SuggestionsOut:
        found = services.suggestions(db_session, tenant, request_id, limit)
        note_request_ids(
            db_session, [request_id], helper_ids=[s.helper.id for s in found.suggestions]
        )
        return found

    @get("/{helper_id:int}", sync_to_thread=True, summary="Why (not) this helper?")
    def why(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        request_id: FromPath[int],
        helper_id: FromPath[int],
    ) -> WhyOut:
        why = services.why(db_session, tenant, request_id, helper_id)
        note_request_ids(db_session, [request_id], helper_ids=[helper_id])
        return why


class BatchController(Controller):
    path = "/api/batch-suggestions"
    tags = ["matching"]

    @get(
        "/",
        sync_to_thread=True,
        summary="Optimal assignment of all open requests of a type or programme (not stored)",
    )
    def batch(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        type: FromQuery[str | None] = None,
        programme: FromQuery[str | None] = None,
    ) -> BatchOut:
        batch = services.batch_suggestions(
            db_session, tenant, request_type=type, programme=programme
        )
        note_request_ids(
            db_session,
            [a.request_id for a in batch.assignments],
            helper_ids=[a.helper.id for a in batch.assignments],
        )
        return batch


class MatchController(Controller):
    path = "/api/matches"
    tags = ["matching"]

    @get("/", sync_to_thread=True, summary="List matches (couplings)")
    def list_matches(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        request_id: FromQuery[int | None] = None,
        helper_id: FromQuery[int | None] = None,
        status: FromQuery[str | None] = None,
        sort: FromQuery[services.MatchSort] = "id",
    ) -> Page[MatchOut]:
        rows, total = services.list_matches(
            db_session,
            page=page,
            page_size=page_size,
            request_id=request_id,
            helper_id=helper_id,
            status=status,
            sort=sort,
        )
        note_request_ids(
            db_session, [m.request_id for m in rows], helper_ids=[m.helper_id for m in rows]
        )
        return Page[MatchOut](
            items=[services.match_out(tenant, db_session, m) for m in rows],
            total=total,
            page=page,
            page_size=page_size,
        )

    @post("/", sync_to_thread=True, summary="Propose a match (a coordinator decides)")
    def propose(
        self, tenant: CurrentTenant, db_session: DbSession, data: JSONBody[MatchIn]
    ) -> MatchOut:
        match = services.propose_match(db_session, tenant, data)
        note_request_ids(db_session, [match.request_id], helper_ids=[match.helper_id])
        return services.match_out(tenant, db_session, match)

    @get("/{match_id:int}", sync_to_thread=True, summary="One match")
    def get_match(
        self, tenant: CurrentTenant, db_session: DbSession, match_id: FromPath[int]
    ) -> MatchOut:
        match = services.get_match(db_session, match_id)
        note_request_ids(db_session, [match.request_id], helper_ids=[match.helper_id])
        return services.match_out(tenant, db_session, match)

    @post(
        "/{match_id:int}/transitions",
        sync_to_thread=True,
        summary="Accept, decline (with reason), activate or end (with reason) a match",
    )
    def transition(
        self,
        tenant: CurrentTenant,
        db_session: DbSession,
        match_id: FromPath[int],
        data: JSONBody[MatchTransitionIn],
    ) -> MatchOut:
        match = services.transition_match(db_session, tenant, match_id, data)
        note_request_ids(db_session, [match.request_id], helper_ids=[match.helper_id])
        return services.match_out(tenant, db_session, match)


CONTROLLERS = [SuggestionController, BatchController, MatchController]
