"""Buurtgezinnen criteria for core's matching engine.

Core already filters and scores what it knows: the steungezin is active, has room below
its maximum load (``max_couplings_per_steungezin``), helps in the vraaggezin's
neighbourhood (its own plus the nearby ones), has a valid VOG (the request type involves
children), prefers the ages of the vraaggezin's children, and speaks a language the
family speaks. This module adds, through the ``match_*`` hooks, what only this plugin
knows: the intake of both families, the competence check, and their views on upbringing
and on the support expected and offered.

Every filter and component only concerns requests of type ``buurtgezin``; for the rows
of other request types it keeps every helper and scores a neutral 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sqlalchemy import func
from sqlmodel import Session, col, select

from noaber.errors import Refusal, UserMessage
from noaber.matching.columns import Array, HelperColumns, MatchFilter, RequestBatch, ScoreComponent
from noaber.matching.models import Match
from noaber_buurtgezinnen.models import Family, FamilyKind, Visit
from noaber_buurtgezinnen.settings import BuurtgezinnenSettings
from noaber_buurtgezinnen.vocabulary import SUPPORT_INDEX, VIEW_INDEX
from noaber_buurtgezinnen.workflow import REQUEST_TYPE

KEY = "buurtgezinnen"
READY = f"{KEY}.steungezin_ready"
HELPER_VIEWS = f"{KEY}.views"
OFFERS = f"{KEY}.offers"
INTAKE_DONE = f"{KEY}.intake_done"
REQUEST_VIEWS = f"{KEY}.request_views"
EXPECTS = f"{KEY}.expects"


def visit_counts(session: Session, family_ids: Sequence[int] | None = None) -> dict[int, int]:
    stmt = select(Visit.family_id, func.count()).group_by(col(Visit.family_id))
    if family_ids is not None:
        stmt = stmt.where(col(Visit.family_id).in_(list(family_ids)))
    return {int(fid): int(n) for fid, n in session.execute(stmt).all()}


def steungezin_ready(family: Family, visits: int, settings: BuurtgezinnenSettings) -> bool:
    """Intake visits made and competence check recorded (the VOG is core's filter)."""
    return (
        family.stopped_on is None
        and visits >= settings.minimum_intake_visits
        and family.competence_checked_on is not None
    )


def intake_answers_missing(family: Family) -> list[str]:
    return [
        name
        for name in ("support_needed", "upbringing_important", "expectations", "gives_back")
        if not (getattr(family, name) or "").strip()
    ]


def vraaggezin_intake_done(family: Family, visits: int, settings: BuurtgezinnenSettings) -> bool:
    return visits >= settings.minimum_intake_visits and not intake_answers_missing(family)


def _one_hot(values: Sequence[Sequence[str]], index: Mapping[str, int]) -> Array:
    out = np.zeros((len(values), len(index)), dtype=np.float32)
    for i, items in enumerate(values):
        for item in items:
            if item in index:
                out[i, index[item]] = 1.0
    return out


def settings_of(municipality: Any) -> BuurtgezinnenSettings:
    found = municipality.plugin_settings.get(KEY)
    return found if isinstance(found, BuurtgezinnenSettings) else BuurtgezinnenSettings()


def helper_columns(session: Session, municipality: Any, helper_ids: Array) -> dict[str, Array]:
    settings = settings_of(municipality)
    families = session.exec(
        select(Family).where(
            Family.kind == FamilyKind.steungezin, col(Family.helper_id).isnot(None)
        )
    ).all()
    visits = visit_counts(session)
    position = {int(h): j for j, h in enumerate(helper_ids.tolist())}
    n = len(position)
    ready = np.zeros(n, dtype=bool)
    views: list[Sequence[str]] = [()] * n
    offers: list[Sequence[str]] = [()] * n
    for family in families:
        j = position.get(int(family.helper_id or 0))
        if j is None:
            continue
        ready[j] = steungezin_ready(family, visits.get(family.id or 0, 0), settings)
        views[j] = family.upbringing_views
        offers[j] = family.support_kinds
    return {
        READY: ready,
        HELPER_VIEWS: np.ascontiguousarray(_one_hot(views, VIEW_INDEX).T),
        OFFERS: np.ascontiguousarray(_one_hot(offers, SUPPORT_INDEX).T),
    }


def request_columns(session: Session, municipality: Any, request_ids: Array) -> dict[str, Array]:
    settings = settings_of(municipality)
    ids = [int(r) for r in request_ids.tolist()]
    families = {
        f.request_id: f
        for f in session.exec(select(Family).where(col(Family.request_id).in_(ids))).all()
    }
    visits = visit_counts(session, [f.id or 0 for f in families.values()])
    m = len(ids)
    done = np.zeros(m, dtype=bool)
    views: list[Sequence[str]] = [()] * m
    expects: list[Sequence[str]] = [()] * m
    for i, request_id in enumerate(ids):
        family = families.get(request_id)
        if family is None:
            continue
        done[i] = vraaggezin_intake_done(family, visits.get(family.id or 0, 0), settings)
        views[i] = family.upbringing_views
        expects[i] = family.support_kinds
    return {
        INTAKE_DONE: done,
        REQUEST_VIEWS: _one_hot(views, VIEW_INDEX),
        EXPECTS: _one_hot(expects, SUPPORT_INDEX),
    }


def _ours(r: RequestBatch) -> Array:
    """(m, 1) True for the rows that are Buurtgezinnen requests."""
    return np.array([t == REQUEST_TYPE for t in r.types], dtype=bool).reshape(-1, 1)


def _steungezin_ready(r: RequestBatch, h: HelperColumns) -> Array:
    ready = h.extra.get(READY)
    if ready is None:
        ready = np.zeros(len(h), dtype=bool)
    keep: Array = ~_ours(r) | ready[None, :]
    return keep


def _intake_done(r: RequestBatch, _h: HelperColumns) -> Array:
    done = r.extra.get(INTAKE_DONE)
    if done is None:
        done = np.zeros(len(r), dtype=bool)
    keep: Array = ~_ours(r) | done[:, None]
    return keep


def _overlap(r: RequestBatch, h: HelperColumns, request_key: str, helper_key: str) -> Array:
    asked = r.extra.get(request_key)
    offered = h.extra.get(helper_key)
    if asked is None or offered is None:
        return np.ones((len(r), 1), dtype=np.float32)
    count = asked.sum(axis=1)
    shared = asked @ offered  # (m, n)
    share = np.where((count == 0)[:, None], np.float32(1.0), shared / np.maximum(count, 1)[:, None])
    return np.where(_ours(r), share, np.float32(1.0)).astype(np.float32)


def _upbringing(r: RequestBatch, h: HelperColumns) -> Array:
    return _overlap(r, h, REQUEST_VIEWS, HELPER_VIEWS)


def _expectations(r: RequestBatch, h: HelperColumns) -> Array:
    return _overlap(r, h, EXPECTS, OFFERS)


FILTERS = (
    MatchFilter(
        "buurtgezinnen_steungezin",
        "Buurtgezinnen: a steungezin whose intake visits and competence check are recorded.",
        _steungezin_ready,
    ),
    MatchFilter(
        "buurtgezinnen_intake",
        "Buurtgezinnen: the vraaggezin's intake (visits and the four questions) is complete.",
        _intake_done,
    ),
)

COMPONENTS = (
    ScoreComponent(
        "upbringing",
        "Buurtgezinnen: share of the vraaggezin's views on upbringing the steungezin shares.",
        _upbringing,
        2.0,
    ),
    ScoreComponent(
        "expectations",
        "Buurtgezinnen: share of the support the vraaggezin expects that the steungezin offers.",
        _expectations,
        2.0,
    ),
)


NO_PROPOSAL = UserMessage(
    "No steungezin has been proposed yet. Propose a steungezin first; then the request "
    "can be set to gekoppeld."
)


def check_request_transition(session: Session, request: Any, target: str) -> Refusal | None:
    """Keep core's generic request route in step with the plugin's records."""
    from noaber_buurtgezinnen.models import Coupling

    if request.type != REQUEST_TYPE:
        return None
    family = session.exec(select(Family).where(Family.request_id == request.id)).first()
    if family is None:
        return None
    base = f"/api/buurtgezinnen/families/{family.id}"
    running = session.exec(
        select(Coupling.id).where(
            Coupling.vraaggezin_id == family.id, col(Coupling.ended_on).is_(None)
        )
    ).first()
    if target == "zoeken" and family.intake_completed_on is None:
        return Refusal(
            f"the intake is not complete; close it with POST {base}/intake/complete",
            UserMessage(
                "The family's intake is not complete yet. Complete the intake first: the "
                "visits and the four intake questions."
            ),
        )
    if target == "gekoppeld" and running is None and proposed_match(session, request.id) is None:
        return Refusal(
            "propose a steungezin first (POST /api/matches), or couple the family to one "
            "with POST /api/buurtgezinnen/couplings/",
            NO_PROPOSAL,
        )
    if request.status == "gekoppeld" and running is not None:
        return Refusal(
            f"the family's coupling {running} is still running; close it with "
            f"POST /api/buurtgezinnen/couplings/{running}/steps",
            UserMessage(
                "The family's coupling with a steungezin is still running. Close the "
                "coupling first."
            ),
        )
    return None


def proposed_match(session: Session, request_id: int | None) -> tuple[Match, Family] | None:
    """The newest match core proposed for this request that has no coupling yet (still in
    its first phase, kennismaking), with the steungezin it proposes."""
    from noaber_buurtgezinnen.models import Coupling
    from noaber_buurtgezinnen.workflow import BUURTGEZIN

    row = session.exec(
        select(Match, Family)
        .join(Family, col(Family.helper_id) == Match.helper_id)
        .where(
            Match.request_id == request_id,
            Match.status == BUURTGEZIN.match_lifecycle.initial,
            Family.kind == FamilyKind.steungezin,
            col(Match.id).not_in(select(Coupling.match_id)),
        )
        .order_by(col(Match.id).desc())
    ).first()
    return None if row is None else (row[0], row[1])
