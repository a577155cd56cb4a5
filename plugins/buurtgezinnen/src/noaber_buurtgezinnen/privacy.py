"""Data-subject export and erasure for Buurtgezinnen, and naming the persons a handler
shows in the access log.

What concerns a person: the families (vraaggezin or steungezin) of every household the
person belongs to or whose helper profile is theirs, the intake visits to those
families, the couplings they are part of and the reviews of those couplings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session, col, or_, select

from noaber.people.models import HelperProfile, HouseholdMember
from noaber.privacy import access_log
from noaber.privacy.subject import ERASED
from noaber_buurtgezinnen.models import Coupling, Family, Review, Visit

TABLES = {
    "buurtgezinnen_family": "personal",
    "buurtgezinnen_visit": "personal",
    "buurtgezinnen_coupling": "personal",
    "buurtgezinnen_review": "personal",
}

FAMILY_TEXT = (
    "support_needed",
    "upbringing_important",
    "expectations",
    "gives_back",
    "motivation",
    "competence_note",
)


def note_families(session: Session, family_ids: Iterable[int | None]) -> None:
    """Name the members of these families' households as data subjects of this request."""
    ids = {i for i in family_ids if i is not None}
    if not ids or access_log.current_request() is None:
        return
    members = session.exec(
        select(HouseholdMember.person_id)
        .join(Family, col(Family.household_id) == HouseholdMember.household_id)
        .where(col(Family.id).in_(ids))
    ).all()
    access_log.note_subjects(members)


def note_helpers(session: Session, helper_ids: Iterable[int]) -> None:
    """Name the members of the steungezinnen with these helper profiles."""
    ids = set(helper_ids)
    if not ids or access_log.current_request() is None:
        return
    families = select(col(Family.id)).where(col(Family.helper_id).in_(ids))
    note_families(session, session.exec(families).all())


def note_couplings(session: Session, coupling_ids: Iterable[int]) -> None:
    """Name the members of both families of these couplings."""
    ids = set(coupling_ids)
    if not ids or access_log.current_request() is None:
        return
    rows = session.exec(
        select(Coupling.vraaggezin_id, Coupling.steungezin_id).where(col(Coupling.id).in_(ids))
    ).all()
    note_families(session, [f for row in rows for f in row])


def note_matches(session: Session, match_ids: Iterable[int | None]) -> None:
    """Name the members of both families of the couplings made from these core matches
    (a coupling moved through core's match routes); nothing for other programmes'."""
    ids = {i for i in match_ids if i is not None}
    if not ids or access_log.current_request() is None:
        return
    rows = session.exec(
        select(Coupling.vraaggezin_id, Coupling.steungezin_id).where(
            col(Coupling.match_id).in_(ids)
        )
    ).all()
    note_families(session, [f for row in rows for f in row])


def _families(session: Session, person_id: int) -> list[Family]:
    households = select(HouseholdMember.household_id).where(HouseholdMember.person_id == person_id)
    helpers = select(HelperProfile.id).where(HelperProfile.person_id == person_id)
    return list(
        session.exec(
            select(Family)
            .where(
                or_(col(Family.household_id).in_(households), col(Family.helper_id).in_(helpers))
            )
            .order_by(col(Family.id))
        ).all()
    )


def _collect(
    session: Session, person_id: int
) -> tuple[list[Family], list[Visit], list[Coupling], list[Review]]:
    families = _families(session, person_id)
    family_ids = [f.id for f in families if f.id is not None]
    visits = list(
        session.exec(
            select(Visit).where(col(Visit.family_id).in_(family_ids)).order_by(col(Visit.id))
        ).all()
    )
    couplings = list(
        session.exec(
            select(Coupling)
            .where(
                or_(
                    col(Coupling.vraaggezin_id).in_(family_ids),
                    col(Coupling.steungezin_id).in_(family_ids),
                )
            )
            .order_by(col(Coupling.id))
        ).all()
    )
    coupling_ids = [c.id for c in couplings if c.id is not None]
    reviews = list(
        session.exec(
            select(Review).where(col(Review.coupling_id).in_(coupling_ids)).order_by(col(Review.id))
        ).all()
    )
    return families, visits, couplings, reviews


def export(session: Session, person_id: int) -> Mapping[str, Any]:
    families, visits, couplings, reviews = _collect(session, person_id)
    return {
        "buurtgezinnen_family": [f.model_dump(mode="json") for f in families],
        "buurtgezinnen_visit": [v.model_dump(mode="json") for v in visits],
        "buurtgezinnen_coupling": [c.model_dump(mode="json") for c in couplings],
        "buurtgezinnen_review": [r.model_dump(mode="json") for r in reviews],
    }


def _blank(value: str | None) -> str | None:
    return ERASED if value else None


def erase(session: Session, person_id: int) -> Mapping[str, int]:
    """Free text about the families (intake answers, notes, agreements) is overwritten and
    their views on upbringing cleared; dates, phases, kinds of support and reasons for
    ending stay for the municipality's anonymous figures. The caller commits."""
    families, visits, couplings, reviews = _collect(session, person_id)
    for family in families:
        for name in FAMILY_TEXT:
            setattr(family, name, _blank(getattr(family, name)))
        family.upbringing_views = []
        session.add(family)
    for visit in visits:
        visit.note = _blank(visit.note)
        session.add(visit)
    for coupling in couplings:
        coupling.agreement = _blank(coupling.agreement)
        coupling.end_note = _blank(coupling.end_note)
        session.add(coupling)
    for review in reviews:
        review.note = _blank(review.note)
        session.add(review)
    session.flush()
    return {
        "buurtgezinnen_family": len(families),
        "buurtgezinnen_visit": len(visits),
        "buurtgezinnen_coupling": len(couplings),
        "buurtgezinnen_review": len(reviews),
    }
