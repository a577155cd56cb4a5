"""Suggestions, explanations, batch assignment and matches (couplings).

Helpers are ranked from a per-tenant columnar cache (:class:`HelperColumns`), rebuilt
when a helper or a match changed (a cheap aggregate query checks that on every use),
so ranking never loads ORM objects for every helper.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

import numpy as np
from sqlalchemy import Engine, func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from noaber.clock import dutch_today, utcnow
from noaber.errors import Conflict, NotFound, UserMessage
from noaber.matching import engine as eng
from noaber.matching.columns import (
    HelperColumns,
    HelperRow,
    RequestBatch,
    RequestRow,
    build_helper_columns,
    build_request_batch,
)
from noaber.matching.models import Match
from noaber.matching.schemas import (
    AssignmentOut,
    BatchOut,
    ExplanationOut,
    HelperSummary,
    MatchIn,
    MatchOut,
    MatchTransitionIn,
    SuggestionOut,
    SuggestionsOut,
    WhyOut,
)
from noaber.people.models import HelperProfile, HelperStatus
from noaber.people.services import children_ages, get_helper
from noaber.platform import TenantRuntime
from noaber.requests.models import HelpRequest, TimelineKind
from noaber.requests.services import add_timeline, get_request
from noaber.requests.types import RequestType, request_types_of
from noaber.tenancy.context import require_tenant
from noaber.tenancy.models import Neighbourhood


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --- the columnar cache -------------------------------------------------------------------


@dataclass(frozen=True)
class _Cached:
    helper_token: tuple[Any, ...]
    match_token: tuple[Any, ...] | None
    columns: HelperColumns
    day: date


_cache: weakref.WeakKeyDictionary[Engine, dict[str, _Cached]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _helper_token(session: Session) -> tuple[Any, ...]:
    helpers = session.execute(
        select(func.count(), func.max(HelperProfile.updated_at)).select_from(HelperProfile)
    ).one()
    hoods = session.execute(select(func.count()).select_from(Neighbourhood)).scalar_one()
    return (*helpers, hoods)


def _match_token(session: Session) -> tuple[Any, ...]:
    return tuple(
        session.execute(select(func.count(), func.max(Match.updated_at)).select_from(Match)).one()
    )


def invalidate(session: Session, tenant: str) -> None:
    """Recount the tenant's loads on next use (writes change the token anyway; this is
    immediate). The helper columns themselves are kept."""
    engine = session.get_bind()
    if isinstance(engine, Engine):
        with _lock:
            cached = _cache.get(engine, {}).get(tenant)
            if cached is not None:
                _cache[engine][tenant] = dataclasses.replace(cached, match_token=None)


def helper_columns(session: Session, tenant: TenantRuntime) -> HelperColumns:
    """The tenant's helpers as columns: from the cache while no helper changed; a
    changed match only recounts loads and recent couplings (two aggregate queries)."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    helper_token, match_token = _helper_token(session), _match_token(session)
    today = dutch_today()
    with _lock:
        cached = _cache.get(engine, {}).get(tenant.slug)
    if cached is not None and cached.helper_token == helper_token and cached.day == today:
        if cached.match_token == match_token:
            return cached.columns
        load, recent = helper_loads(session, tenant)
        ids = cached.columns.ids.tolist()
        columns = dataclasses.replace(
            cached.columns,
            load=np.fromiter((load.get(i, 0) for i in ids), np.int32, len(ids)),
            recent=np.fromiter((recent.get(i, 0) for i in ids), np.float64, len(ids)),
        )
    else:
        columns = load_helper_columns(session, tenant, today)
    with _lock:
        _cache.setdefault(engine, {})[tenant.slug] = _Cached(
            helper_token, match_token, columns, today
        )
    return columns


def helper_loads(session: Session, tenant: TenantRuntime) -> tuple[dict[int, int], dict[int, int]]:
    """Per helper id: couplings counting against their maximum load (by the request
    type's ``load_statuses``), and couplings proposed within the fairness window."""
    config = tenant.municipality.config.matching
    types = request_types_of(tenant.plugins).types
    load: dict[int, int] = {}
    for helper_id, rtype, status, count in session.execute(
        select(Match.helper_id, HelpRequest.type, Match.status, func.count())
        .join(HelpRequest, col(HelpRequest.id) == Match.request_id)
        .group_by(col(Match.helper_id), col(HelpRequest.type), col(Match.status))
    ).all():
        t = types.get(rtype)
        counts = (
            status in t.load_statuses
            if t
            else status not in ("afgewezen", "ingetrokken", "beeindigd")
        )
        if counts:
            load[helper_id] = load.get(helper_id, 0) + int(count)
    since = datetime.now(UTC) - timedelta(days=config.fairness_window_days)
    recent = {
        int(helper_id): int(count)
        for helper_id, count in session.execute(
            select(Match.helper_id, func.count())
            .where(col(Match.created_at) >= since)
            .group_by(col(Match.helper_id))
        ).all()
    }
    return load, recent


def load_helper_columns(session: Session, tenant: TenantRuntime, today: date) -> HelperColumns:
    config = tenant.municipality.config.matching
    load, recent = helper_loads(session, tenant)
    months = config.vog_validity_months
    rows = [
        HelperRow(
            id=r.id,
            active=r.status is HelperStatus.active or r.status == "active",
            load=load.get(r.id, 0),
            max_load=r.max_load,
            availability=r.availability,
            skills=r.skills,
            languages=r.languages,
            reach=r.reach_neighbourhood_ids,
            reach_anywhere=r.reach_anywhere,
            home=r.home_neighbourhood_id,
            vog_until=r.vog_valid_until
            or (add_months(r.vog_issued_on, months) if r.vog_issued_on else None),
            age_min=r.child_age_min,
            age_max=r.child_age_max,
            recent=int(recent.get(r.id, 0)),
            latitude=r.latitude,
            longitude=r.longitude,
            reach_radius_km=r.reach_radius_km,
        )
        for r in session.execute(
            sa_select(
                col(HelperProfile.id),
                col(HelperProfile.status),
                col(HelperProfile.max_load),
                col(HelperProfile.availability),
                col(HelperProfile.skills),
                col(HelperProfile.languages),
                col(HelperProfile.reach_neighbourhood_ids),
                col(HelperProfile.reach_anywhere),
                col(HelperProfile.home_neighbourhood_id),
                col(HelperProfile.vog_valid_until),
                col(HelperProfile.vog_issued_on),
                col(HelperProfile.child_age_min),
                col(HelperProfile.child_age_max),
                col(HelperProfile.latitude),
                col(HelperProfile.longitude),
                col(HelperProfile.reach_radius_km),
            ).order_by(col(HelperProfile.id))
        ).all()
    ]
    hood_ids = session.execute(select(Neighbourhood.id).order_by(col(Neighbourhood.id))).scalars()
    return build_helper_columns(rows, [int(h) for h in hood_ids])


# --- requests as a batch -----------------------------------------------------------------------


def live_matches(
    session: Session, rtype: RequestType, request_ids: Sequence[int]
) -> dict[int, list[int]]:
    """Helpers coupled to each request in a status that counts against their load."""
    found: dict[int, list[int]] = {}
    if not request_ids or not rtype.load_statuses:
        return found
    for request_id, helper_id in session.execute(
        select(Match.request_id, Match.helper_id).where(
            col(Match.request_id).in_(list(request_ids)),
            col(Match.status).in_(sorted(rtype.load_statuses)),
        )
    ).all():
        found.setdefault(int(request_id), []).append(int(helper_id))
    return found


def request_row(
    session: Session,
    request: HelpRequest,
    rtype: RequestType,
    matched: Sequence[int] | None = None,
) -> RequestRow:
    """The matching view of one request; ``matched`` (helpers already coupled) is looked
    up when not given."""
    if matched is None:
        matched = live_matches(session, rtype, [request.id or 0]).get(request.id or 0, [])
    ages = (
        children_ages(session, request.household_id)
        if rtype.involves_children and request.household_id is not None
        else []
    )
    return RequestRow(
        id=request.id or 0,
        type=request.type,
        availability=request.availability,
        skills=request.skills,
        languages=request.languages,
        neighbourhood=request.neighbourhood_id,
        needs_vog=rtype.involves_children,
        child_ages=ages,
        matched_helpers=tuple(matched),
        latitude=request.latitude,
        longitude=request.longitude,
    )


def _merge(found: Sequence[Mapping[str, Any] | None], hook: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in found:
        for key, value in (part or {}).items():
            if key in merged:
                raise ValueError(f"{hook}: column {key!r} is returned twice")
            merged[key] = value
    return merged


def with_plugin_columns(
    session: Session, tenant: TenantRuntime, helpers: HelperColumns, batch: RequestBatch
) -> tuple[HelperColumns, RequestBatch]:
    """Add the arrays of the ``match_helper_columns`` and ``match_request_columns`` hooks."""
    hook = tenant.plugins.hook
    helper_extra = _merge(
        hook.match_helper_columns(
            session=session, municipality=tenant.municipality, helper_ids=helpers.ids
        ),
        "match_helper_columns",
    )
    request_extra = _merge(
        hook.match_request_columns(
            session=session, municipality=tenant.municipality, request_ids=batch.ids
        ),
        "match_request_columns",
    )
    if helper_extra:
        helpers = dataclasses.replace(helpers, extra={**helpers.extra, **helper_extra})
    if request_extra:
        batch = dataclasses.replace(batch, extra={**batch.extra, **request_extra})
    return helpers, batch


def one_request(batch: RequestBatch, i: int) -> RequestBatch:
    """Request ``i`` of a batch as a batch of one (its plugin columns included)."""
    return eng.take_requests(batch, np.array([i]))


def criteria_for(tenant: TenantRuntime) -> eng.Criteria:
    return eng.collect_criteria(tenant.plugins, tenant.municipality.config.matching.weights)


def _explanation(raw: dict[str, Any]) -> ExplanationOut:
    return ExplanationOut.model_validate(raw)


def _summaries(session: Session, ids: Sequence[int]) -> dict[int, HelperSummary]:
    if not ids:
        return {}
    rows = session.execute(
        select(
            HelperProfile.id,
            HelperProfile.display_name,
            HelperProfile.kind,
            HelperProfile.home_neighbourhood_id,
        ).where(col(HelperProfile.id).in_(list(ids)))
    ).all()
    return {
        r.id: HelperSummary(
            id=r.id,
            display_name=r.display_name,
            kind=r.kind,
            home_neighbourhood_id=r.home_neighbourhood_id,
        )
        for r in rows
    }


def _prepare(
    session: Session, tenant: TenantRuntime, request_id: int
) -> tuple[HelpRequest, HelperColumns, RequestBatch, eng.Criteria]:
    request = get_request(session, request_id)
    rtype = request_types_of(tenant.plugins).require(request.type)
    helpers = helper_columns(session, tenant)
    batch = build_request_batch([request_row(session, request, rtype)], helpers, dutch_today())
    helpers, batch = with_plugin_columns(session, tenant, helpers, batch)
    return request, helpers, batch, criteria_for(tenant)


def suggestions(
    session: Session, tenant: TenantRuntime, request_id: int, limit: int | None = None
) -> SuggestionsOut:
    """Ranked, explained suggestions of helpers for one request."""
    _request, helpers, batch, criteria = _prepare(session, tenant, request_id)
    k = limit or tenant.municipality.config.matching.suggestions
    ranking = eng.rank(criteria, batch, helpers, k)
    excluded: dict[str, int] = {}
    for f in criteria.filters:
        passed = np.broadcast_to(f.fn(batch, helpers), (1, len(helpers)))[0]
        excluded[f.name] = int(len(helpers) - int(passed.sum()))
    positions = ranking.helper_positions.tolist()
    ids = [int(helpers.ids[j]) for j in positions]
    explanations = eng.explain_pairs(
        criteria, batch, helpers, np.zeros(len(positions), np.int64), ranking.helper_positions
    )
    summaries = _summaries(session, ids)
    return SuggestionsOut(
        request_id=request_id,
        considered=len(helpers),
        eligible=int(ranking.keep.sum()),
        excluded_by_filter=excluded,
        suggestions=[
            SuggestionOut(
                rank=i + 1,
                helper=summaries[helper_id],
                score=round(float(ranking.scores[j]), 4),
                explanation=_explanation(explanation),
            )
            for i, (j, helper_id, explanation) in enumerate(
                zip(positions, ids, explanations, strict=True)
            )
        ],
    )


def why(session: Session, tenant: TenantRuntime, request_id: int, helper_id: int) -> WhyOut:
    """The explanation for one helper: their score, or the filters that exclude them."""
    helper = get_helper(session, helper_id)
    _request, helpers, batch, criteria = _prepare(session, tenant, request_id)
    position = helpers.position(helper_id)
    if position is None:  # pragma: no cover - the cache was just checked against the table
        raise NotFound(f"helper {helper_id} not found")
    explanation = eng.explain(criteria, batch, helpers, position)
    rank = None
    if explanation["eligible"]:
        ranking = eng.rank(criteria, batch, helpers, len(helpers))
        rank = int(np.flatnonzero(ranking.helper_positions == position)[0]) + 1
    return WhyOut(
        request_id=request_id,
        helper=HelperSummary(
            id=helper_id,
            display_name=helper.display_name,
            kind=helper.kind,
            home_neighbourhood_id=helper.home_neighbourhood_id,
        ),
        rank=rank,
        explanation=_explanation(explanation),
    )


def batch_suggestions(
    session: Session,
    tenant: TenantRuntime,
    *,
    request_type: str | None = None,
    programme: str | None = None,
    limit: int = 2000,
) -> BatchOut:
    """An optimal assignment of all open requests (of a type or programme) to helpers.

    Only a suggestion: nothing is stored; a coordinator proposes each match.
    """
    registry = request_types_of(tenant.plugins)
    types = [
        t
        for t in registry
        if (request_type is None or t.name == request_type)
        and (programme is None or t.programme == programme)
    ]
    rows: list[RequestRow] = []
    skipped: list[int] = []
    for t in types:
        open_requests = session.exec(
            select(HelpRequest)
            .where(HelpRequest.type == t.name, col(HelpRequest.status).in_(sorted(t.open_statuses)))
            .order_by(col(HelpRequest.created_at), col(HelpRequest.id))
            .limit(limit - len(rows))
        ).all()
        live = live_matches(session, t, [r.id or 0 for r in open_requests])
        skipped.extend(r.id or 0 for r in open_requests if r.id in live)
        rows.extend(request_row(session, r, t, ()) for r in open_requests if r.id not in live)
    helpers = helper_columns(session, tenant)
    criteria = criteria_for(tenant)
    batch = build_request_batch(rows, helpers, dutch_today())
    helpers, batch = with_plugin_columns(session, tenant, helpers, batch)
    assignments = eng.assign(criteria, batch, helpers) if rows and len(helpers) else []
    summaries = _summaries(session, [int(helpers.ids[a.helper_position]) for a in assignments])
    explanations = eng.explain_pairs(
        criteria,
        batch,
        helpers,
        np.array([a.request_index for a in assignments], dtype=np.int64),
        np.array([a.helper_position for a in assignments], dtype=np.int64),
    )
    out = [
        AssignmentOut(
            request_id=rows[a.request_index].id,
            helper=summaries[int(helpers.ids[a.helper_position])],
            score=round(a.score, 4),
            explanation=_explanation(explanation),
        )
        for a, explanation in zip(assignments, explanations, strict=True)
    ]
    assigned = {a.request_id for a in out}
    return BatchOut(
        requests=len(rows),
        helpers=len(helpers),
        assignments=out,
        unassigned_request_ids=[r.id for r in rows if r.id not in assigned],
        already_matched_request_ids=skipped,
    )


# --- matches -----------------------------------------------------------------------------------


def match_out(tenant: TenantRuntime, session: Session, match: Match) -> MatchOut:
    # A match proposed outside the engine (e.g. a plugin's planning) may carry an empty
    # explanation; it is shown as none rather than failing validation.
    out = MatchOut.model_validate(match.model_dump(exclude={"explanation"}) | {"explanation": None})
    request = get_request(session, match.request_id)
    rtype = request_types_of(tenant.plugins).types.get(request.type)
    out.allowed_transitions = list(rtype.match_lifecycle.allowed(match.status)) if rtype else []
    out.explanation = _explanation(match.explanation) if match.explanation else None
    return out


def lock_helper(session: Session, helper_id: int) -> None:
    """Serialise writes that count against one helper's capacity until this transaction
    ends: a no-op update takes the helper's row lock on PostgreSQL and the write lock on
    SQLite, so a concurrent proposal checks the load after this one is committed
    (tests/reliability/test_concurrency.py: no double booking)."""
    session.execute(
        update(HelperProfile)
        .where(col(HelperProfile.id) == helper_id)
        .where(col(HelperProfile.tenant_id) == require_tenant())
        .values(id=HelperProfile.id)
    )


# Why a built-in filter excludes a helper from a proposal, for the interface. A filter's
# description states what it requires; these say what is wrong. Any other filter (a
# plugin's, a municipality's) is told by its description, which its catalogue translates.
FILTER_REFUSALS: dict[str, UserMessage] = {
    "active": UserMessage("The helper is paused or no longer active."),
    "capacity": UserMessage("The helper has reached their maximum number of couplings."),
    "availability": UserMessage("The helper is not available at any of the wished times."),
    "reach": UserMessage("The helper does not help in the neighbourhood of this request."),
    "vog": UserMessage("Children are involved and the helper has no valid VOG."),
    "child_ages": UserMessage("The children's ages lie outside the ages the helper prefers."),
    "not_matched": UserMessage("The helper is already coupled to this request."),
}


def filter_refusal(name: str, description: str) -> UserMessage:
    """What the interface says when the match filter ``name`` excludes a helper."""
    return FILTER_REFUSALS.get(name) or UserMessage(
        "Requirement not met: %(rule)s", rule=UserMessage(description)
    )


def propose_match(session: Session, tenant: TenantRuntime, data: MatchIn) -> Match:
    """A coordinator proposes a coupling; it starts in the type's initial match status.

    Each refusal is a 409 whose ``user_message`` says why in the interface (the API's
    detail and fields are the English ones)."""
    lock_helper(session, data.helper_id)
    request = get_request(session, data.request_id)
    rtype = request_types_of(tenant.plugins).require(request.type)
    if request.status not in rtype.open_statuses:
        raise Conflict(
            f"request {request.id} is {request.status!r}; matches are proposed only in "
            f"{sorted(rtype.open_statuses)}",
            user_message=UserMessage(
                "This request is %(status)s; a helper can only be proposed while it is "
                "%(open)s. Reload the page.",
                status=request.status,
                open=sorted(rtype.open_statuses),
            ),
            allowed=sorted(rtype.open_statuses),
        )
    helper = get_helper(session, data.helper_id)
    existing = session.exec(
        select(Match).where(
            Match.request_id == request.id,
            Match.helper_id == helper.id,
            col(Match.status).in_(sorted(rtype.load_statuses)),
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"helper {helper.id} is already matched to request {request.id}",
            user_message=UserMessage(
                "%(helper)s is already proposed for or coupled to this request.",
                helper=helper.display_name,
            ),
            match_id=existing.id,
        )
    explanation = why(session, tenant, request.id or 0, helper.id or 0).explanation
    if not explanation.eligible:
        raise Conflict(
            f"helper {helper.id} is excluded by the {explanation.excluded_by!r} filter",
            user_message=[
                UserMessage(
                    "%(helper)s cannot be proposed for this request:", helper=helper.display_name
                ),
                *(filter_refusal(f.filter, f.description) for f in explanation.failed_filters),
            ],
            excluded_by=explanation.excluded_by,
            failed_filters=[f.filter for f in explanation.failed_filters],
        )
    match = Match(
        tenant_id=require_tenant(),
        request_id=request.id or 0,
        helper_id=helper.id or 0,
        status=rtype.match_lifecycle.initial,
        score=explanation.score,
        explanation=explanation.model_dump(mode="json"),
        created_by=data.actor,
    )
    session.add(match)
    session.flush()
    add_timeline(
        session,
        kind=TimelineKind.match,
        text=f"match with {helper.display_name} proposed ({match.status})",
        actor=data.actor,
        request_id=request.id,
        household_id=request.household_id,
        data={"match_id": match.id, "helper_id": helper.id, "to": match.status},
    )
    invalidate(session, tenant.slug)
    return match


def get_match(session: Session, match_id: int) -> Match:
    match = session.exec(select(Match).where(Match.id == match_id)).first()
    if match is None:
        raise NotFound(f"match {match_id} not found")
    return match


def transition_match(
    session: Session, tenant: TenantRuntime, match_id: int, data: MatchTransitionIn
) -> Match:
    """Move a match through its request type's lifecycle; the ``match_transitioned`` hook
    is called in the same transaction, so a plugin's refusal stores nothing."""
    match = get_match(session, match_id)
    request = get_request(session, match.request_id)
    rtype = request_types_of(tenant.plugins).require(request.type)
    rtype.match_lifecycle.check(match.status, data.to, data.reason, what=f"match {match_id}")
    previous, match.status = match.status, data.to
    match.reason = data.reason if data.reason else match.reason
    match.updated_at = utcnow()
    session.add(match)
    add_timeline(
        session,
        kind=TimelineKind.match,
        text=f"match {match_id}: {previous} → {data.to}"
        + (f": {data.reason}" if data.reason else ""),
        actor=data.actor,
        request_id=request.id,
        household_id=request.household_id,
        data={"match_id": match_id, "from": previous, "to": data.to, "reason": data.reason},
    )
    session.flush()
    tenant.plugins.hook.match_transitioned(
        tenant=tenant,
        session=session,
        match=match,
        previous=previous,
        target=data.to,
        reason=data.reason,
        actor=data.actor,
    )
    session.flush()
    invalidate(session, tenant.slug)
    return match


MatchSort = Literal[
    "id", "-id", "created_at", "-created_at", "updated_at", "-updated_at", "score", "-score"
]


def list_matches(
    session: Session,
    *,
    page: int,
    page_size: int,
    request_id: int | None = None,
    helper_id: int | None = None,
    status: str | None = None,
    sort: MatchSort = "id",
) -> tuple[list[Match], int]:
    from noaber.web.pagination import paginate

    stmt = select(Match)
    if request_id is not None:
        stmt = stmt.where(Match.request_id == request_id)
    if helper_id is not None:
        stmt = stmt.where(Match.helper_id == helper_id)
    if status:
        stmt = stmt.where(Match.status == status)
    column = col(getattr(Match, sort.lstrip("-")))
    order = column.desc() if sort.startswith("-") else column.asc()
    rows, total = paginate(session, stmt.order_by(order, col(Match.id)), page, page_size)
    return list(rows), total
