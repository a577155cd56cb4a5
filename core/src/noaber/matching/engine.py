"""Filters, score components, ranking, explanations and batch assignment.

Everything here works on arrays (:mod:`noaber.matching.columns`); nothing touches the
database. The services in :mod:`noaber.matching.services` load the columns and store
matches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pluggy
from scipy.optimize import linear_sum_assignment

from noaber.matching.columns import (
    KM_PER_DEGREE_LAT,
    KM_PER_DEGREE_LON_EQUATOR,
    Array,
    HelperColumns,
    MatchFilter,
    RequestBatch,
    ScoreComponent,
)

# --- building blocks for criteria ---------------------------------------------------------


def overlap(requested: Array, helpers_t: Array) -> Array:
    """(m, n) count of items each request asks for that each helper has.

    ``requested`` is (m, k) one-hot, ``helpers_t`` (k, n). For one request the rows
    asked for are summed (no BLAS call: on a shared machine a threaded GEMV for a single
    row costs more than the arithmetic).
    """
    if requested.shape[0] == 1:
        rows = np.flatnonzero(requested[0])
        if rows.size == 1:
            one: Array = helpers_t[rows[0]][None, :]
            return one
        summed: Array = helpers_t[rows].sum(axis=0, keepdims=True)
        return summed
    product: Array = requested @ helpers_t
    return product


def _slot_overlap(r: RequestBatch, h: HelperColumns) -> Array:
    """Wished slots each helper has (used by a filter and a component: computed once)."""
    memo = r.memo.get("slot_overlap")
    if memo is not None and memo[0] is h:
        cached: Array = memo[1]
        return cached
    found = overlap(r.availability, h.availability_t)
    r.memo["slot_overlap"] = (h, found)
    return found


# --- built-in hard filters -------------------------------------------------------------


def _active(_r: RequestBatch, h: HelperColumns) -> Array:
    active: Array = h.active[None, :]
    return active


def _capacity(_r: RequestBatch, h: HelperColumns) -> Array:
    return (h.load < h.max_load)[None, :]


def _availability_overlap(r: RequestBatch, h: HelperColumns) -> Array:
    keep: Array = (_slot_overlap(r, h) > 0) | (r.slot_count == 0)[:, None]
    return keep


def distance_km(lat1: Array, lon1: Array, lat2: Array, lon2: Array) -> Array:
    """Distances in km between broadcast points (equirectangular: within 0.5% at a
    municipality's scale); NaN where a coordinate is missing."""
    mean_lat = np.radians((lat1 + lat2) / 2.0)
    dx = (lon2 - lon1) * np.cos(mean_lat) * KM_PER_DEGREE_LON_EQUATOR
    dy = (lat2 - lat1) * KM_PER_DEGREE_LAT
    distance: Array = np.hypot(dx, dy)
    return distance


def _reach(r: RequestBatch, h: HelperColumns) -> Array:
    keep: Array = h.reach_t[r.reach_row] | h.reach_anywhere[None, :]
    located = np.flatnonzero(~np.isnan(r.lat)) if r.lat.size else r.lat[:0]
    radius: Array = (
        np.flatnonzero(h.radius_km > 0) if located.size and h.radius_km.size else located
    )
    if len(radius):
        # Distances only for helpers who set a radius (and have coordinates).
        radius = radius[~np.isnan(h.lat[radius])]
        d = distance_km(
            r.lat[located, None], r.lon[located, None], h.lat[None, radius], h.lon[None, radius]
        )
        keep[np.ix_(located, radius)] |= d <= h.radius_km[None, radius]
    return keep


def _not_matched(r: RequestBatch, h: HelperColumns) -> Array:
    if not r.matched.size or not len(h):
        return np.ones((1, 1), dtype=bool)
    keep = np.ones((len(r), len(h)), dtype=bool)
    # Helper ids are ascending (build_helper_columns), so a binary search finds them.
    pos = np.searchsorted(h.ids, r.matched[:, 1])
    clipped = np.minimum(pos, len(h) - 1)
    found = (pos < len(h)) & (h.ids[clipped] == r.matched[:, 1])
    keep[r.matched[found, 0], clipped[found]] = False
    return keep


def _vog(r: RequestBatch, h: HelperColumns) -> Array:
    return ~r.needs_vog[:, None] | (h.vog_until >= r.today)[None, :]


def _child_ages(r: RequestBatch, h: HelperColumns) -> Array:
    no_children = (r.youngest_child < 0)[:, None]
    fits = (h.age_min[None, :] <= r.youngest_child[:, None]) & (
        r.oldest_child[:, None] <= h.age_max[None, :]
    )
    return no_children | fits


BUILTIN_FILTERS: tuple[MatchFilter, ...] = (
    MatchFilter("active", "The helper is active, not paused.", _active),
    MatchFilter("capacity", "The helper has room below their maximum load.", _capacity),
    MatchFilter(
        "availability",
        "The helper is available in at least one wished slot.",
        _availability_overlap,
    ),
    MatchFilter(
        "reach",
        "The helper helps in the request's neighbourhood (or anywhere, or within their radius).",
        _reach,
    ),
    MatchFilter("vog", "Children are involved and the helper's VOG is valid today.", _vog),
    MatchFilter(
        "child_ages", "The children's ages lie within the helper's preferred range.", _child_ages
    ),
    MatchFilter("not_matched", "The helper is not already coupled to this request.", _not_matched),
)

# --- built-in score components -----------------------------------------------------------


def _ratio(hits: Array, count: Array) -> Array:
    # float64, so a score is the same number a plain Python scorer computes.
    out: Array = hits.astype(np.float64)
    out /= np.maximum(count, 1.0).astype(np.float64)[:, None]
    out[count == 0] = 1.0
    return out


def _skills(r: RequestBatch, h: HelperColumns) -> Array:
    return _ratio(overlap(r.skills, h.skills_t), r.skill_count)


def _languages(r: RequestBatch, h: HelperColumns) -> Array:
    shared = overlap(r.languages, h.languages_t) > 0
    return np.where((r.language_count == 0)[:, None], np.float32(1.0), shared.astype(np.float32))


def _slots(r: RequestBatch, h: HelperColumns) -> Array:
    return _ratio(_slot_overlap(r, h), r.slot_count)


def _proximity(r: RequestBatch, h: HelperColumns) -> Array:
    same = (h.home[None, :] == r.neighbourhood[:, None]) & (r.neighbourhood >= 0)[:, None]
    return np.where(same, np.float32(1.0), np.float32(0.5))


def _spare_capacity(_r: RequestBatch, h: HelperColumns) -> Array:
    spare = 1.0 - h.load / np.maximum(h.max_load, 1)
    clipped: Array = np.clip(spare, 0.0, 1.0)[None, :]
    return clipped


def _fairness(_r: RequestBatch, h: HelperColumns) -> Array:
    return (1.0 / (1.0 + h.recent))[None, :]


BUILTIN_COMPONENTS: tuple[ScoreComponent, ...] = (
    ScoreComponent("skills", "Share of the asked skills the helper has.", _skills, 3.0),
    ScoreComponent(
        "availability", "Share of the wished time slots the helper is available.", _slots, 2.0
    ),
    ScoreComponent(
        "proximity",
        "1 when the helper lives in the request's neighbourhood, else 0.5.",
        _proximity,
        2.0,
    ),
    ScoreComponent("languages", "1 when the helper speaks an asked language.", _languages, 1.0),
    ScoreComponent(
        "spare_capacity", "Share of the helper's maximum load still free.", _spare_capacity, 1.0
    ),
    ScoreComponent(
        "fairness",
        "1 / (1 + couplings proposed recently): recently used helpers weigh less.",
        _fairness,
        1.0,
    ),
)

# --- collecting the tenant's criteria ------------------------------------------------------


@dataclass(frozen=True)
class Criteria:
    filters: tuple[MatchFilter, ...]
    components: tuple[ScoreComponent, ...]
    weights: Array  # float64 (components,)

    @property
    def total_weight(self) -> float:
        return float(self.weights.sum()) or 1.0


def collect_criteria(pm: pluggy.PluginManager, weights: Mapping[str, float]) -> Criteria:
    """Built-in criteria plus those the tenant's plugins and rules module register."""
    filters: list[MatchFilter] = list(BUILTIN_FILTERS)
    components: list[ScoreComponent] = list(BUILTIN_COMPONENTS)

    def add_filter(item: MatchFilter) -> None:
        if not isinstance(item, MatchFilter):
            raise TypeError(f"register() takes a MatchFilter, got {item!r}")
        if any(f.name == item.name for f in filters):
            raise ValueError(f"match filter {item.name!r} is registered twice")
        filters.append(item)

    def add_component(item: ScoreComponent) -> None:
        if not isinstance(item, ScoreComponent):
            raise TypeError(f"register() takes a ScoreComponent, got {item!r}")
        if any(c.name == item.name for c in components):
            raise ValueError(f"score component {item.name!r} is registered twice")
        components.append(item)

    pm.hook.match_filters(register=add_filter)
    pm.hook.match_score_components(register=add_component)
    return make_criteria(filters, components, weights)


def make_criteria(
    filters: Sequence[MatchFilter],
    components: Sequence[ScoreComponent],
    weights: Mapping[str, float],
) -> Criteria:
    w = np.array([float(weights.get(c.name, c.default_weight)) for c in components])
    return Criteria(tuple(filters), tuple(components), w)


# --- scoring -----------------------------------------------------------------------------


def keep_mask(criteria: Criteria, requests: RequestBatch, helpers: HelperColumns) -> Array:
    shape = (len(requests), len(helpers))
    keep = np.ones(shape, dtype=bool)
    for f in criteria.filters:
        keep &= np.broadcast_to(f.fn(requests, helpers), shape)
    return keep


def score_matrix(criteria: Criteria, requests: RequestBatch, helpers: HelperColumns) -> Array:
    """Weighted score in [0, 100] for every (request, helper) pair.

    A batch's matrix has millions of pairs, so each pass over it counts: components that
    vary by helper only (or by request only) are summed in a row (column) first and
    added once, and the first full component starts the total."""
    shape = (len(requests), len(helpers))
    total: Array | None = None
    scratch: Array | None = None
    row = np.zeros((1, shape[1]), dtype=np.float64)
    column = np.zeros((shape[0], 1), dtype=np.float64)
    for component, weight in zip(criteria.components, criteria.weights, strict=True):
        if not weight:
            continue
        value = np.asarray(component.fn(requests, helpers))
        if value.ndim == 2 and value.shape[0] == 1 and shape[0] != 1:
            row += weight * value
        elif value.ndim == 2 and value.shape[1] == 1 and shape[1] != 1:
            column += weight * value
        elif total is None:
            total = np.multiply(np.broadcast_to(value, shape), weight, dtype=np.float64)
        else:
            if scratch is None:
                scratch = np.empty(shape, dtype=np.float64)
            np.multiply(value, weight, out=scratch)
            total += scratch
    if total is None:
        total = np.zeros(shape, dtype=np.float64)
    total += row
    total += column
    total *= 100.0 / criteria.total_weight
    return total


def rounded(scores: Array) -> Array:
    """Scores are compared at 1e-9 so float noise never decides between equals."""
    return np.round(scores, 9)


def top_k(scores: Array, keep: Array, ids: Array, k: int) -> Array:
    """Indices of the k best kept helpers, best first; ties go to the lower id."""
    candidates = np.flatnonzero(keep)
    if candidates.size == 0 or k <= 0:
        return candidates[:0]
    cand_scores = rounded(scores[candidates])
    if candidates.size > k:
        # Keep everything that ties with the k-th best, then order exactly.
        kth = np.partition(cand_scores, candidates.size - k)[candidates.size - k]
        chosen = cand_scores >= kth
        candidates, cand_scores = candidates[chosen], cand_scores[chosen]
    order = np.lexsort((ids[candidates], -cand_scores))
    return candidates[order[:k]]


@dataclass(frozen=True)
class Ranking:
    helper_positions: Array  # indices into the helper columns, best first
    scores: Array  # (n,) score of every helper for the request
    keep: Array  # (n,) bool


def rank(criteria: Criteria, request: RequestBatch, helpers: HelperColumns, k: int) -> Ranking:
    """Rank all helpers for one request (a batch of one)."""
    keep = keep_mask(criteria, request, helpers)[0]
    scores = score_matrix(criteria, request, helpers)[0]
    return Ranking(top_k(scores, keep, helpers.ids, k), scores, keep)


def explain(
    criteria: Criteria, request: RequestBatch, helpers: HelperColumns, position: int
) -> dict[str, Any]:
    """Why helper ``position`` scores what it scores for the (first) request of
    ``request``, or which filters exclude them."""
    return explain_pairs(criteria, request, helpers, np.array([0]), np.array([position]))[0]


EXPLAIN_CHUNK = 256


def explain_pairs(
    criteria: Criteria,
    requests: RequestBatch,
    helpers: HelperColumns,
    request_index: Array,
    positions: Array,
) -> list[dict[str, Any]]:
    """Explanations of the pairs ``(request_index[p], positions[p])``.

    Each filter and component runs once per chunk of pairs (on those requests and
    helpers only), not once per pair, so explaining the top 10, or every assignment of
    a batch, costs about one more ranking of that many helpers.
    """
    out: list[dict[str, Any]] = []
    total_weight = criteria.total_weight
    for start in range(0, len(positions), EXPLAIN_CHUNK):
        rows = np.asarray(request_index[start : start + EXPLAIN_CHUNK], dtype=np.int64)
        cols = np.asarray(positions[start : start + EXPLAIN_CHUNK], dtype=np.int64)
        k = len(cols)
        if len(requests) == 1:
            r, pick = requests, (np.zeros(k, dtype=np.int64), np.arange(k))
        else:
            r, pick = take_requests(requests, rows), (np.arange(k), np.arange(k))
        h = subset(helpers, cols)
        shape = (len(r), k)
        passed = [np.broadcast_to(f.fn(r, h), shape)[pick] for f in criteria.filters]
        values = [
            np.broadcast_to(c.fn(r, h), shape)[pick].astype(np.float64) for c in criteria.components
        ]
        for p in range(k):
            failed = [
                {"filter": f.name, "description": f.description}
                for f, ok in zip(criteria.filters, passed, strict=True)
                if not bool(ok[p])
            ]
            components = []
            score = 0.0
            for c, weight, value in zip(criteria.components, criteria.weights, values, strict=True):
                v = float(value[p])
                contribution = 100.0 * weight * v / total_weight
                score += contribution
                components.append(
                    {
                        "name": c.name,
                        "description": c.description,
                        "value": round(v, 4),
                        "weight": float(weight),
                        "contribution": round(contribution, 4),
                    }
                )
            out.append(
                {
                    "eligible": not failed,
                    "excluded_by": failed[0]["filter"] if failed else None,
                    "failed_filters": failed,
                    "score": round(score, 4),
                    "components": components,
                }
            )
    return out


def _slice(h: HelperColumns, j: int) -> HelperColumns:
    return subset(h, slice(j, j + 1))


def subset(h: HelperColumns, index: slice | Array) -> HelperColumns:
    """The helpers at ``index`` (a slice or an index array), every column alike."""
    return HelperColumns(
        ids=h.ids[index],
        active=h.active[index],
        load=h.load[index],
        max_load=h.max_load[index],
        availability_t=h.availability_t[:, index],
        skills_t=h.skills_t[:, index],
        skill_index=h.skill_index,
        languages_t=h.languages_t[:, index],
        language_index=h.language_index,
        reach_t=h.reach_t[:, index],
        reach_anywhere=h.reach_anywhere[index],
        neighbourhood_index=h.neighbourhood_index,
        home=h.home[index],
        vog_until=h.vog_until[index],
        age_min=h.age_min[index],
        age_max=h.age_max[index],
        recent=h.recent[index],
        extra={k: v[..., index] for k, v in h.extra.items()},
        lat=h.lat[index] if h.lat.size else h.lat,
        lon=h.lon[index] if h.lon.size else h.lon,
        radius_km=h.radius_km[index] if h.radius_km.size else h.radius_km,
    )


def take_requests(r: RequestBatch, index: Array) -> RequestBatch:
    """The requests at ``index`` (an index array) as a batch of their own, plugin
    columns and already-coupled pairs included."""
    changes: dict[str, Any] = {
        f.name: getattr(r, f.name)[index]
        for f in dataclasses.fields(r)
        if f.init
        and f.name not in ("matched", "today")
        and isinstance(getattr(r, f.name), np.ndarray)
    }
    changes["types"] = tuple(r.types[i] for i in index.tolist()) if r.types else ()
    changes["extra"] = {k: v[index] for k, v in r.extra.items()}
    if r.matched.size:
        # Pairs of each taken request, renumbered (an index may repeat).
        new_rows, pairs = np.nonzero(index[:, None] == r.matched[None, :, 0])
        changes["matched"] = np.column_stack((new_rows, r.matched[pairs, 1])).astype(np.int64)
    return dataclasses.replace(r, **changes)


# --- batch assignment --------------------------------------------------------------------

INFEASIBLE = 1e9
SLOT_PENALTY = 5.0
"""Points subtracted for each further coupling one helper takes in a batch (spreads work)."""


@dataclass(frozen=True)
class Assignment:
    request_index: int
    helper_position: int
    score: float


def assign(criteria: Criteria, requests: RequestBatch, helpers: HelperColumns) -> list[Assignment]:
    """An optimal assignment of requests to helpers that respects every helper's free load.

    Each helper appears once per free place (``max_load - load``); a helper's second and
    later places cost ``SLOT_PENALTY`` points each, so work is spread when scores are close.
    Pairs a filter excludes are never assigned. Solved by
    ``scipy.optimize.linear_sum_assignment`` (maximum total score), not greedily.
    """
    # Helpers without a free place or paused can take nothing: leave them out up front.
    free = np.clip(helpers.max_load - helpers.load, 0, len(requests))
    useful = np.flatnonzero((free > 0) & helpers.active)
    if useful.size == 0 or len(requests) == 0:
        return []
    some = subset(helpers, useful)
    keep = keep_mask(criteria, requests, some)
    scores = score_matrix(criteria, requests, some)
    cost, columns, transposed = prepare_cost(scores, keep, some, len(requests))
    if columns.size == 0:
        return []
    rows, cols = linear_sum_assignment(cost)
    feasible = cost[rows, cols] < INFEASIBLE
    chosen, places = (cols, rows) if transposed else (rows, cols)
    chosen, places = chosen[feasible], places[feasible]
    order = np.argsort(chosen, kind="stable")  # by request, as the solver gives its rows
    return [
        Assignment(i, int(useful[j]), float(scores[i, j]))
        for i, j in zip(chosen[order].tolist(), columns[places[order]].tolist(), strict=True)
    ]


def prepare_cost(
    scores: Array, keep: Array, helpers: HelperColumns, m: int
) -> tuple[Array, Array, bool]:
    """The cost matrix, the helper position of each place, and whether the matrix is
    transposed: (m, places), or (places, m) when there are more requests than places.

    Cost is minus the score, plus ``SLOT_PENALTY`` per earlier place of the same helper;
    an excluded pair costs ``INFEASIBLE``. The solver takes a matrix with no more rows
    than columns as it is; a taller one it first copies, transposed, into memory it has
    just allocated (a third of its time at 2,000 x 2,000), so that one is made
    transposed here.
    """
    free = np.clip(helpers.max_load - helpers.load, 0, m)
    useful = np.flatnonzero((free > 0) & keep.any(axis=0))
    free = free[useful]
    columns = np.repeat(useful, free)
    # 0 for a helper's first place, 1 for the second, ...
    starts = np.repeat(np.cumsum(free) - free, free)
    penalty = SLOT_PENALTY * (np.arange(columns.size) - starts)
    # np.take and copyto(where=): several times faster than fancy indexing and putmask
    # on a matrix of millions of pairs (13 and 37 ms against 4 and 7 at 2,000 x 2,000).
    transposed = m > columns.size
    axis = 0 if transposed else 1  # the axis of the places
    source, allowed = (scores.T, keep.T) if transposed else (scores, keep)
    cost = np.take(source, columns, axis=axis)
    np.subtract(np.expand_dims(penalty, 1 - axis), cost, out=cost)  # one pass: penalty - score
    np.copyto(cost, INFEASIBLE, where=~np.take(allowed, columns, axis=axis))
    return cost, columns, transposed
