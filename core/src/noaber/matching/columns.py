"""Columnar (NumPy) views of helpers and requests, and the plugin API of matching.

Ranking one request against 100,000 helpers must not touch 100,000 ORM objects: the
helpers of a tenant are kept as arrays (:class:`HelperColumns`), built once and rebuilt
when a helper or a match changes. Filters and score components work on whole arrays:
each gets the requests (m) and the helpers (n) and returns an array broadcastable to
``(m, n)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("morning", "afternoon", "evening")
SLOTS: tuple[str, ...] = tuple(f"{d}_{p}" for d in DAYS for p in PARTS)
SLOT_INDEX = {slot: i for i, slot in enumerate(SLOTS)}

KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LON_EQUATOR = 111.320

NO_AGE_MIN = 0
NO_AGE_MAX = 200

Array = npt.NDArray[Any]


@dataclass(frozen=True)
class HelperColumns:
    """The helpers of one tenant, one array per attribute (index j = one helper)."""

    ids: Array  # int64 (n)
    active: Array  # bool (n)
    load: Array  # int32 (n): current couplings counting against max_load
    max_load: Array  # int32 (n)
    availability_t: Array  # float32 (slots, n)
    skills_t: Array  # float32 (vocabulary, n)
    skill_index: Mapping[str, int]
    languages_t: Array  # float32 (languages, n)
    language_index: Mapping[str, int]
    reach_t: Array  # bool (neighbourhoods + 1, n); the last row is all True (no neighbourhood)
    reach_anywhere: Array  # bool (n)
    neighbourhood_index: Mapping[int, int]
    home: Array  # int64 (n): home neighbourhood id, -1 if unknown
    vog_until: Array  # int64 (n): date.toordinal() of VOG validity, 0 if none
    age_min: Array  # int16 (n)
    age_max: Array  # int16 (n)
    recent: Array  # float64 (n): couplings proposed within the fairness window
    extra: Mapping[str, Array] = field(default_factory=dict)
    """Columns a plugin adds for its own criteria (index ``[..., j]`` = helper j)."""
    lat: Array = field(default_factory=lambda: np.zeros(0))  # float64 (n), NaN if unknown
    lon: Array = field(default_factory=lambda: np.zeros(0))  # float64 (n), NaN if unknown
    radius_km: Array = field(default_factory=lambda: np.zeros(0))  # float32 (n), 0 = none

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def position(self, helper_id: int) -> int | None:
        found = np.flatnonzero(self.ids == helper_id)
        return int(found[0]) if found.size else None


@dataclass(frozen=True)
class RequestBatch:
    """m requests described in the helpers' vocabularies (index i = one request)."""

    ids: Array  # int64 (m)
    availability: Array  # float32 (m, slots)
    slot_count: Array  # float32 (m)
    skills: Array  # float32 (m, vocabulary of the helpers)
    skill_count: Array  # float32 (m): skills asked, known to helpers or not
    languages: Array  # float32 (m, languages of the helpers)
    language_count: Array  # float32 (m)
    neighbourhood: Array  # int64 (m): neighbourhood id, -1 if none
    reach_row: Array  # int64 (m): row of helpers.reach_t (the all-True row if none)
    needs_vog: Array  # bool (m)
    youngest_child: Array  # int16 (m), -1 without children
    oldest_child: Array  # int16 (m), -1 without children
    today: int  # date.toordinal()
    types: tuple[str, ...] = ()
    matched: Array = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    """(k, 2) pairs (request index, helper id) already coupled in a load status."""
    lat: Array = field(default_factory=lambda: np.zeros(0))  # float64 (m), NaN if unknown
    lon: Array = field(default_factory=lambda: np.zeros(0))  # float64 (m), NaN if unknown
    extra: Mapping[str, Array] = field(default_factory=dict)
    """Arrays plugins add through ``match_request_columns`` (first axis: the requests)."""
    memo: dict[str, tuple[HelperColumns, Array]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    """Intermediate results shared by criteria within one ranking (keyed by name; valid
    for the helper columns stored with them). Never copied: each batch starts empty."""

    def __len__(self) -> int:
        return int(self.ids.shape[0])


FilterFn = Callable[[RequestBatch, HelperColumns], Array]
ComponentFn = Callable[[RequestBatch, HelperColumns], Array]


@dataclass(frozen=True)
class MatchFilter:
    """A hard filter: ``fn`` returns True where the helper may be suggested."""

    name: str
    description: str
    fn: FilterFn


@dataclass(frozen=True)
class ScoreComponent:
    """A weighted criterion: ``fn`` returns values in [0, 1], higher is better."""

    name: str
    description: str
    fn: ComponentFn
    default_weight: float = 1.0


@dataclass(frozen=True)
class HelperRow:
    """What the column builder needs of one helper (from the database or a benchmark)."""

    id: int
    active: bool
    load: int
    max_load: int
    availability: Sequence[str]
    skills: Sequence[str]
    languages: Sequence[str]
    reach: Sequence[int]
    reach_anywhere: bool
    home: int | None
    vog_until: date | None
    age_min: int | None
    age_max: int | None
    recent: int
    latitude: float | None = None
    longitude: float | None = None
    reach_radius_km: float | None = None


@dataclass(frozen=True)
class RequestRow:
    id: int
    type: str
    availability: Sequence[str]
    skills: Sequence[str]
    languages: Sequence[str]
    neighbourhood: int | None
    needs_vog: bool
    child_ages: Sequence[int]
    matched_helpers: Sequence[int] = ()
    """Helpers already coupled to this request (proposed, accepted, active...)."""
    latitude: float | None = None
    longitude: float | None = None


def _vocabulary(values: Iterable[Sequence[str]]) -> dict[str, int]:
    vocab: dict[str, int] = {}
    for items in values:
        for item in items:
            vocab.setdefault(item.lower(), len(vocab))
    return vocab


def _one_hot(rows: Sequence[Sequence[Any]], index: Mapping[Any, int], width: int) -> Array:
    """(len(rows), width) float32 with 1 where a row has the item."""
    out = np.zeros((len(rows), width), dtype=np.float32)
    r: list[int] = []
    c: list[int] = []
    for i, items in enumerate(rows):
        for item in items:
            j = index.get(item.lower() if isinstance(item, str) else item)
            if j is not None:
                r.append(i)
                c.append(j)
    if r:
        out[r, c] = 1.0
    return out


def _floats(values: Iterable[float | None], count: int) -> Array:
    return np.fromiter((np.nan if v is None else v for v in values), np.float64, count)


def build_helper_columns(
    rows: Sequence[HelperRow], neighbourhood_ids: Sequence[int]
) -> HelperColumns:
    """Columns of ``rows``, ordered by helper id (``ids`` is ascending)."""
    if any(a.id >= b.id for a, b in pairwise(rows)):
        rows = sorted(rows, key=lambda r: r.id)
    n = len(rows)
    skill_index = _vocabulary(r.skills for r in rows)
    language_index = _vocabulary(r.languages for r in rows)
    hood_index = {hood: i for i, hood in enumerate(neighbourhood_ids)}
    reach = np.zeros((len(hood_index) + 1, n), dtype=bool)
    reach[-1, :] = True
    reach[:-1, :] = _one_hot([r.reach for r in rows], hood_index, len(hood_index)).T > 0
    return HelperColumns(
        ids=np.fromiter((r.id for r in rows), dtype=np.int64, count=n),
        active=np.fromiter((r.active for r in rows), dtype=bool, count=n),
        load=np.fromiter((r.load for r in rows), dtype=np.int32, count=n),
        max_load=np.fromiter((r.max_load for r in rows), dtype=np.int32, count=n),
        availability_t=np.ascontiguousarray(
            _one_hot([r.availability for r in rows], SLOT_INDEX, len(SLOTS)).T
        ),
        skills_t=np.ascontiguousarray(
            _one_hot([r.skills for r in rows], skill_index, len(skill_index)).T
        ),
        skill_index=skill_index,
        languages_t=np.ascontiguousarray(
            _one_hot([r.languages for r in rows], language_index, len(language_index)).T
        ),
        language_index=language_index,
        reach_t=reach,
        reach_anywhere=np.fromiter((r.reach_anywhere for r in rows), dtype=bool, count=n),
        neighbourhood_index=hood_index,
        home=np.fromiter((-1 if r.home is None else r.home for r in rows), np.int64, count=n),
        vog_until=np.fromiter(
            (0 if r.vog_until is None else r.vog_until.toordinal() for r in rows), np.int64, n
        ),
        age_min=np.fromiter(
            (NO_AGE_MIN if r.age_min is None else r.age_min for r in rows), np.int16, n
        ),
        age_max=np.fromiter(
            (NO_AGE_MAX if r.age_max is None else r.age_max for r in rows), np.int16, n
        ),
        recent=np.fromiter((r.recent for r in rows), dtype=np.float64, count=n),
        lat=_floats((r.latitude for r in rows), n),
        lon=_floats((r.longitude for r in rows), n),
        radius_km=np.fromiter((r.reach_radius_km or 0.0 for r in rows), np.float32, n),
    )


def build_request_batch(
    rows: Sequence[RequestRow], helpers: HelperColumns, today: date
) -> RequestBatch:
    m = len(rows)
    hood_rows = len(helpers.neighbourhood_index)
    return RequestBatch(
        ids=np.fromiter((r.id for r in rows), dtype=np.int64, count=m),
        availability=_one_hot([r.availability for r in rows], SLOT_INDEX, len(SLOTS)),
        slot_count=np.fromiter(
            (len({s for s in r.availability if s in SLOT_INDEX}) for r in rows), np.float32, m
        ),
        skills=_one_hot([r.skills for r in rows], helpers.skill_index, len(helpers.skill_index)),
        skill_count=np.fromiter((len({s.lower() for s in r.skills}) for r in rows), np.float32, m),
        languages=_one_hot(
            [r.languages for r in rows], helpers.language_index, len(helpers.language_index)
        ),
        language_count=np.fromiter(
            (len({s.lower() for s in r.languages}) for r in rows), np.float32, m
        ),
        neighbourhood=np.fromiter(
            (-1 if r.neighbourhood is None else r.neighbourhood for r in rows), np.int64, m
        ),
        reach_row=np.fromiter(
            (
                helpers.neighbourhood_index.get(r.neighbourhood, hood_rows)
                if r.neighbourhood is not None
                else hood_rows
                for r in rows
            ),
            np.int64,
            m,
        ),
        needs_vog=np.fromiter((r.needs_vog for r in rows), dtype=bool, count=m),
        youngest_child=np.fromiter(
            (min(r.child_ages) if r.child_ages else -1 for r in rows), np.int16, m
        ),
        oldest_child=np.fromiter(
            (max(r.child_ages) if r.child_ages else -1 for r in rows), np.int16, m
        ),
        today=today.toordinal(),
        types=tuple(r.type for r in rows),
        matched=np.array(
            [(i, h) for i, r in enumerate(rows) for h in r.matched_helpers], dtype=np.int64
        ).reshape(-1, 2),
        lat=_floats((r.latitude for r in rows), m),
        lon=_floats((r.longitude for r in rows), m),
    )
