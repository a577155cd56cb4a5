"""Name the residents and volunteers a response shows, for the access log (one entry
per person, so "who accessed my file" includes the wijkbedrijf's lists)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session, col, select

from noaber.people.models import HelperProfile
from noaber.privacy.access_log import note_subjects
from noaber_wijkbedrijf.models import Participant

T = TypeVar("T")


def _ids(rows: list[Any], name: str) -> set[int]:
    return {v for r in rows if isinstance(v := getattr(r, name, None), int)}


def noted(session: Session, out: T) -> T:
    """Note the persons behind ``out`` (one output object or a list of them, with
    ``person_id``, ``helper_id`` or ``participant_id``) and return it unchanged."""
    rows: list[Any] = list(out) if isinstance(out, list) else [out]
    persons = _ids(rows, "person_id")
    helpers = _ids(rows, "helper_id")
    participants = _ids(rows, "participant_id")
    if helpers:
        persons |= {
            p
            for p in session.exec(
                select(HelperProfile.person_id).where(col(HelperProfile.id).in_(helpers))
            ).all()
            if p is not None
        }
    if participants:
        persons |= set(
            session.exec(
                select(Participant.person_id).where(col(Participant.id).in_(participants))
            ).all()
        )
    note_subjects(sorted(persons))
    return out
