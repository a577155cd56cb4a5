"""Every read and write of requests and timelines goes through these functions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import pluggy
from sqlalchemy import bindparam, case
from sqlmodel import Session, col, select

from noaber.clock import utcnow
from noaber.errors import Conflict, NotFound, Refusal, UserMessage
from noaber.people.models import HelperProfile, Household, Person, Professional
from noaber.people.services import check_neighbourhood, field_error, note_subjects_of
from noaber.privacy import access_log
from noaber.requests.models import AskedBy, HelpRequest, TimelineEntry, TimelineKind, Urgency
from noaber.requests.schemas import (
    RequestIn,
    RequestOut,
    RequestPatch,
    RequestTypeOut,
    TimelineIn,
    TimelineOut,
    TransitionIn,
    WorkflowOut,
)
from noaber.requests.types import RequestType, Workflow, request_types_of
from noaber.tenancy.context import require_tenant
from noaber.web.pagination import Page, Row, RowList, paginate


def _workflow_out(w: Workflow) -> WorkflowOut:
    return WorkflowOut(
        initial=w.initial,
        transitions={k: list(v) for k, v in w.transitions.items()},
        reason_required=sorted(w.reason_required),
    )


def request_type_out(t: RequestType) -> RequestTypeOut:
    return RequestTypeOut(
        name=t.name,
        title=t.title,
        description=t.description,
        programme=t.programme,
        involves_children=t.involves_children,
        workflow=_workflow_out(t.workflow),
        match_lifecycle=_workflow_out(t.match_lifecycle),
        open_statuses=sorted(t.open_statuses),
        load_statuses=sorted(t.load_statuses),
    )


def list_request_types(pm: pluggy.PluginManager) -> list[RequestTypeOut]:
    return [request_type_out(t) for t in request_types_of(pm)]


def request_out(pm: pluggy.PluginManager, request: HelpRequest) -> RequestOut:
    out = RequestOut.model_validate(request)
    rtype = request_types_of(pm).types.get(request.type)
    out.allowed_transitions = list(rtype.workflow.allowed(request.status)) if rtype else []
    return out


def add_timeline(
    session: Session,
    *,
    kind: TimelineKind,
    text: str,
    actor: str,
    request_id: int | None = None,
    household_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> TimelineEntry:
    entry = TimelineEntry(
        tenant_id=require_tenant(),
        request_id=request_id,
        household_id=household_id,
        kind=kind,
        text=text,
        actor=actor,
        data=data or {},
    )
    session.add(entry)
    session.flush()
    return entry


def create_request(session: Session, pm: pluggy.PluginManager, data: RequestIn) -> HelpRequest:
    rtype = request_types_of(pm).get(data.type)
    if data.asked_by is not AskedBy.self and data.professional_id is None:
        raise field_error(
            "professional_id", f"a request asked by {data.asked_by.value} names the professional"
        )
    if (
        data.professional_id is not None
        and session.exec(
            select(Professional).where(Professional.id == data.professional_id)
        ).first()
        is None
    ):
        raise field_error("professional_id", f"no professional {data.professional_id}")
    hood = data.neighbourhood_id
    where = (data.latitude, data.longitude)
    if data.household_id is not None:
        household = session.exec(select(Household).where(Household.id == data.household_id)).first()
        if household is None:
            raise field_error("household_id", f"no household {data.household_id}")
        hood = hood if hood is not None else household.neighbourhood_id
    if data.person_id is not None:
        person = session.exec(select(Person).where(Person.id == data.person_id)).first()
        if person is None:
            raise field_error("person_id", f"no person {data.person_id}")
        hood = hood if hood is not None else person.neighbourhood_id
        if where[0] is None:
            where = (person.latitude, person.longitude)
    check_neighbourhood(session, hood, "neighbourhood_id")
    request = HelpRequest(
        **data.model_dump(exclude={"actor", "neighbourhood_id", "latitude", "longitude"}),
        neighbourhood_id=hood,
        latitude=where[0],
        longitude=where[1],
        status=rtype.workflow.initial,
    )
    if not request.skills:
        request.skills = list(rtype.default_skills)
    session.add(request)
    session.flush()
    add_timeline(
        session,
        kind=TimelineKind.status_change,
        text=f"request created ({rtype.title}), status {request.status}",
        actor=data.actor,
        request_id=request.id,
        household_id=request.household_id,
        data={"to": request.status},
    )
    return request


def get_request(session: Session, request_id: int) -> HelpRequest:
    request = session.exec(select(HelpRequest).where(HelpRequest.id == request_id)).first()
    if request is None:
        raise NotFound(f"request {request_id} not found")
    return request


def update_request(session: Session, request_id: int, data: RequestPatch) -> HelpRequest:
    """Change a request's details (not its status); the change is on its timeline."""
    request = get_request(session, request_id)
    changes = data.model_dump(exclude_unset=True, exclude={"actor"})
    for field in ("description", "urgency"):
        if field in changes and changes[field] is None:
            raise field_error(field, "cannot be emptied")
    check_neighbourhood(session, changes.get("neighbourhood_id"), "neighbourhood_id")
    for key, value in changes.items():
        setattr(request, key, [] if value is None and key in LIST_FIELDS else value)
    if request.wished_from and request.wished_until and request.wished_until < request.wished_from:
        raise field_error("wished_until", "lies before wished_from")
    request.updated_at = utcnow()
    session.add(request)
    if changes:
        add_timeline(
            session,
            kind=TimelineKind.note,
            text="request changed: " + ", ".join(sorted(changes)),
            actor=data.actor,
            request_id=request.id,
            household_id=request.household_id,
            data={"changed": sorted(changes)},
        )
    session.flush()
    return request


LIST_FIELDS = frozenset({"availability", "skills", "languages"})

NOT_NOW = UserMessage("This status change is not possible now.")


def _user_messages(refusals: list[Refusal]) -> list[UserMessage]:
    """What the interface says for each refusal, each once; a plugin that gave no user
    message (a plain ``str``, which is an API hint) is told as the generic one."""
    found: list[UserMessage] = []
    for message in (r.user_message or NOT_NOW for r in refusals):
        if message not in found:
            found.append(message)
    return found


def transition_request(
    session: Session, pm: pluggy.PluginManager, request_id: int, data: TransitionIn
) -> HelpRequest:
    request = get_request(session, request_id)
    rtype = request_types_of(pm).require(request.type)
    rtype.workflow.check(request.status, data.to, data.reason, what=f"request {request_id}")
    refusals = [
        Refusal.of(why)
        for why in pm.hook.check_request_transition(
            session=session, request=request, target=data.to, reason=data.reason
        )
        if why
    ]
    if refusals:
        refused = [r.detail for r in refusals]
        raise Conflict(
            f"request {request_id} cannot go to {data.to!r}: " + "; ".join(refused),
            user_message=_user_messages(refusals),
            current=request.status,
            requested=data.to,
            refused=refused,
        )
    previous, request.status = request.status, data.to
    request.updated_at = utcnow()
    session.add(request)
    add_timeline(
        session,
        kind=TimelineKind.status_change,
        text=f"status {previous} → {data.to}" + (f": {data.reason}" if data.reason else ""),
        actor=data.actor,
        request_id=request.id,
        household_id=request.household_id,
        data={"from": previous, "to": data.to, "reason": data.reason},
    )
    pm.hook.request_transitioned(
        session=session,
        request=request,
        previous=previous,
        target=data.to,
        reason=data.reason,
        actor=data.actor,
    )
    return request


URGENCY_ORDER = case(
    {u.value: i for i, u in enumerate(Urgency)}, value=col(HelpRequest.urgency), else_=len(Urgency)
)
"""Urgency sorts by severity (low < normal < high < crisis), not alphabetically."""

RequestSort = Literal[
    "id", "-id", "created_at", "-created_at", "urgency", "-urgency", "status", "-status"
]


def _filtered(
    stmt: Any,
    *,
    status: Any = None,
    type: Any = None,
    neighbourhood_id: Any = None,
    urgency: Any = None,
    household_id: Any = None,
    sort: RequestSort = "id",
) -> Any:
    """The filters and order of request lists, on any select of ``help_request`` (the
    values, or bound parameters of a compiled list)."""
    if status is not None:
        stmt = stmt.where(HelpRequest.status == status)
    if type is not None:
        stmt = stmt.where(HelpRequest.type == type)
    if neighbourhood_id is not None:
        stmt = stmt.where(HelpRequest.neighbourhood_id == neighbourhood_id)
    if urgency is not None:
        stmt = stmt.where(HelpRequest.urgency == urgency)
    if household_id is not None:
        stmt = stmt.where(HelpRequest.household_id == household_id)
    key = sort.lstrip("-")
    column: Any = URGENCY_ORDER if key == "urgency" else col(getattr(HelpRequest, key))
    return stmt.order_by(
        column.desc() if sort.startswith("-") else column.asc(), col(HelpRequest.id)
    )


def list_requests(
    session: Session,
    *,
    page: int,
    page_size: int,
    status: str | None = None,
    type: str | None = None,
    neighbourhood_id: int | None = None,
    urgency: Urgency | None = None,
    household_id: int | None = None,
    sort: RequestSort = "id",
) -> tuple[list[HelpRequest], int]:
    """A page of requests as ORM objects (for the web interface)."""
    stmt = _filtered(
        select(HelpRequest),
        status=status or None,
        type=type or None,
        neighbourhood_id=neighbourhood_id,
        urgency=urgency,
        household_id=household_id,
        sort=sort,
    )
    rows, total = paginate(session, stmt, page, page_size)
    return list(rows), total


def _refine_rows(stmt: Any, shape: Any) -> Any:
    filters, sort = shape
    return _filtered(stmt, sort=sort, **{name: bindparam(name) for name in filters})


_REQUEST_ROWS = RowList(HelpRequest, RequestOut, _refine_rows)


def request_rows(
    session: Session,
    pm: pluggy.PluginManager,
    *,
    page: int,
    page_size: int,
    status: str | None = None,
    type: str | None = None,
    neighbourhood_id: int | None = None,
    urgency: Urgency | None = None,
    household_id: int | None = None,
    sort: RequestSort = "id",
) -> tuple[list[Row], int]:
    """A page of requests as rows shaped like :class:`RequestOut` (the API's list), and
    the total; notes each request's person and household members in the access log."""
    filters = {
        "status": status or None,
        "type": type or None,
        "neighbourhood_id": neighbourhood_id,
        "urgency": urgency,
        "household_id": household_id,
    }
    params = {name: value for name, value in filters.items() if value is not None}
    rows, total = _REQUEST_ROWS.page(session, (tuple(params), sort), params, page, page_size)
    types = request_types_of(pm).types
    allowed: dict[tuple[str, str], list[str]] = {}

    def compute(row: Row) -> None:
        key = (row["type"], row["status"])
        found = allowed.get(key)
        if found is None:
            rtype = types.get(key[0])
            found = allowed[key] = list(rtype.workflow.allowed(key[1])) if rtype else []
        row["allowed_transitions"] = found

    note_subjects_of(
        session,
        person_ids=(r["person_id"] for r in rows),
        household_ids=(r["household_id"] for r in rows),
    )
    return _REQUEST_ROWS.finish(rows, compute), total


def note_requests(
    session: Session,
    requests: Iterable[HelpRequest],
    *,
    helper_ids: Iterable[int | None] = (),
    helpers: Iterable[HelperProfile] = (),
) -> None:
    """Note in the access log the persons behind these requests (the person asking and
    every member of their household) and behind ``helper_ids`` and the loaded
    ``helpers``: for the API's and the pages' views of requests, their timelines,
    suggestions and matches."""
    shown = list(requests)
    note_subjects_of(
        session,
        person_ids=(r.person_id for r in shown),
        household_ids=(r.household_id for r in shown),
        helper_ids=helper_ids,
        helpers=helpers,
    )


def note_request_ids(
    session: Session, request_ids: Iterable[int | None], *, helper_ids: Iterable[int | None] = ()
) -> None:
    """:func:`note_requests` for requests known by id only (matches, suggestions)."""
    if access_log.current_request() is None:
        return
    ids = sorted({r for r in request_ids if r is not None})
    requests = (
        session.exec(select(HelpRequest).where(col(HelpRequest.id).in_(ids))).all() if ids else []
    )
    note_requests(session, requests, helper_ids=helper_ids)


def add_request_entry(session: Session, request_id: int, data: TimelineIn) -> TimelineEntry:
    request = get_request(session, request_id)
    return add_timeline(
        session,
        kind=data.kind,
        text=data.text,
        actor=data.actor,
        request_id=request.id,
        household_id=request.household_id,
    )


def add_household_entry(session: Session, household_id: int, data: TimelineIn) -> TimelineEntry:
    from noaber.people.services import get_household

    household = get_household(session, household_id)
    return add_timeline(
        session, kind=data.kind, text=data.text, actor=data.actor, household_id=household.id
    )


def timeline(
    session: Session,
    *,
    page: int,
    page_size: int,
    request_id: int | None = None,
    household_id: int | None = None,
) -> Page[TimelineOut]:
    """A request's entries, or a household's (its own and those of its requests)."""
    stmt = select(TimelineEntry)
    if request_id is not None:
        get_request(session, request_id)
        stmt = stmt.where(TimelineEntry.request_id == request_id)
    if household_id is not None:
        from noaber.people.services import get_household

        get_household(session, household_id)
        stmt = stmt.where(TimelineEntry.household_id == household_id)
    stmt = stmt.order_by(col(TimelineEntry.created_at).desc(), col(TimelineEntry.id).desc())
    rows, total = paginate(session, stmt, page, page_size)
    return Page[TimelineOut](
        items=[TimelineOut.model_validate(e) for e in rows],
        total=total,
        page=page,
        page_size=page_size,
    )
