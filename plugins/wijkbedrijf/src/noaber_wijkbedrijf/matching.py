"""What the wijkbedrijf adds to core matching, through core's column hooks.

- ``wijkbedrijf_free`` (filter): a volunteer planned on *every* day of a job's wished
  window is not suggested for it.
- ``wijkbedrijf_recent_hours`` (score): volunteers with fewer hours in the last 30 days
  rank higher, so the work is spread.

Core's own criteria already cover skills (the category is the request's skill),
neighbourhood (reach, proximity), availability slots (the weekdays of the wished window)
and current load (open assignments count against the volunteer's maximum load).

The helper columns hold the volunteers' planned days as a ``(days, n)`` boolean matrix
over the span of the wished windows of all open jobs; the request columns hold each
request's window (``-1`` for requests of other types).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
from sqlmodel import Session, col, func, select

from noaber.clock import DUTCH_TIME, dutch_time, dutch_today
from noaber.matching.columns import Array, HelperColumns, MatchFilter, RequestBatch, ScoreComponent
from noaber.requests.models import HelpRequest
from noaber_wijkbedrijf.models import ACTIVE_ASSIGNMENT, Assignment, HoursEntry, HoursStatus, Job
from noaber_wijkbedrijf.workflow import KLUS, REQUEST_TYPE

BOOKED = "wijkbedrijf_booked"
BOOKED_FROM = "wijkbedrijf_booked_from"
RECENT = "wijkbedrijf_recent_hours"
WINDOW = "wijkbedrijf_window"


def _span(session: Session) -> tuple[date, date] | None:
    first, last = session.exec(
        select(func.min(Job.wished_from), func.max(Job.wished_until))
        .join(HelpRequest, col(HelpRequest.id) == Job.request_id)
        .where(col(HelpRequest.status).in_(sorted(KLUS.open_statuses)))
    ).one()
    return (first, last) if first is not None and last is not None else None


def helper_columns(session: Session, helper_ids: Array) -> dict[str, Array]:
    ids = [int(i) for i in helper_ids.tolist()]
    position = {helper_id: j for j, helper_id in enumerate(ids)}
    out: dict[str, Array] = {}
    recent = np.zeros(len(ids), dtype=np.float32)
    since = dutch_today() - timedelta(days=30)
    for helper_id, total in session.exec(
        select(HoursEntry.helper_id, func.sum(HoursEntry.hours))
        .where(col(HoursEntry.worked_on) >= since, HoursEntry.status != HoursStatus.afgekeurd)
        .group_by(col(HoursEntry.helper_id))
    ).all():
        if helper_id in position:
            recent[position[helper_id]] = float(total or 0)
    out[RECENT] = recent
    span = _span(session)
    if span is None:
        return out
    first, last = span
    days = (last - first).days + 1
    booked = np.zeros((days, len(ids)), dtype=bool)
    start = datetime.combine(first, datetime.min.time(), tzinfo=DUTCH_TIME)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=DUTCH_TIME)
    for helper_id, starts_at in session.exec(
        select(Assignment.helper_id, Assignment.starts_at).where(
            col(Assignment.status).in_([s.value for s in ACTIVE_ASSIGNMENT]),
            col(Assignment.starts_at) < end,
            col(Assignment.ends_at) > start,
        )
    ).all():
        d = (dutch_time(starts_at).date() - first).days  # the day it is planned on
        if helper_id in position and 0 <= d < days:
            booked[d, position[helper_id]] = True
    out[BOOKED] = booked
    out[BOOKED_FROM] = np.full(len(ids), first.toordinal(), dtype=np.int64)
    return out


def request_columns(session: Session, request_ids: Array) -> dict[str, Array]:
    ids = [int(i) for i in request_ids.tolist()]
    window = np.full((len(ids), 2), -1, dtype=np.int64)
    rows = dict(
        (r, (f, u))
        for r, f, u in session.exec(
            select(col(Job.request_id), col(Job.wished_from), col(Job.wished_until)).where(
                col(Job.request_id).in_(ids)
            )
        ).all()
    )
    for i, request_id in enumerate(ids):
        if request_id in rows:
            f, u = rows[request_id]
            window[i] = (f.toordinal(), u.toordinal())
    return {WINDOW: window}


def free_on_wished_dates(r: RequestBatch, h: HelperColumns) -> Array:
    keep = np.ones((len(r), len(h)), dtype=bool)
    booked, window = h.extra.get(BOOKED), r.extra.get(WINDOW)
    if booked is None or window is None or not len(h):
        return keep
    offset = int(h.extra[BOOKED_FROM][0])
    for i in range(len(r)):
        f, u = int(window[i, 0]), int(window[i, 1])
        if f < 0 or f - offset < 0 or u - offset >= booked.shape[0]:
            continue  # not a job, or days outside every open job's window: nobody is booked
        keep[i] = ~booked[f - offset : u - offset + 1].all(axis=0)
    return keep


def few_recent_hours(r: RequestBatch, h: HelperColumns) -> Array:
    hours = h.extra.get(RECENT)
    if hours is None or not len(h):
        return np.ones((1, len(h)), dtype=np.float32)
    score: Array = (1.0 / (1.0 + hours / 8.0)).astype(np.float32)[None, :]
    klus = np.array([t == REQUEST_TYPE for t in r.types], dtype=bool)[:, None]
    if klus.shape[0] != len(r):
        return score
    return np.where(klus, score, np.float32(1.0)).astype(np.float32)


FILTERS = (
    MatchFilter(
        "wijkbedrijf_free",
        "Klus: the volunteer is not planned on every day of the wished window.",
        free_on_wished_dates,
    ),
)
COMPONENTS = (
    ScoreComponent(
        "wijkbedrijf_recent_hours",
        "Klus: volunteers with fewer hours in the last 30 days rank higher (1 with none).",
        few_recent_hours,
        1.0,
    ),
)
