"""Household and person pages with their timeline."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from sqlmodel import col, select

from noaber.people.models import Household, HouseholdMember
from noaber.people.services import get_household, get_person, household_out, note_subjects_of
from noaber.requests.models import HelpRequest, TimelineEntry
from noaber.ui.queries import timeline_lines
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import COORDINATION, roles
from noaber.web.dependencies import DbSession


class PeoplePages(Controller):
    path = "/"
    opt = roles(*COORDINATION)

    @get("/huishoudens", sync_to_thread=True, name="ui-households")
    def households(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        _ = gettext_for(request)
        rows = db_session.exec(select(Household).order_by(col(Household.name)).limit(500)).all()
        note_subjects_of(db_session, household_ids=[r.id for r in rows])
        return render(
            request, "staff/households.html", {"page_title": _("Households"), "rows": rows}
        )

    @get("/huishoudens/{household_id:int}", sync_to_thread=True, name="ui-household")
    def household(
        self, request: Request[Any, Any, Any], db_session: DbSession, household_id: FromPath[int]
    ) -> Response[Any]:
        _ = gettext_for(request)
        household = get_household(db_session, household_id)
        shown = household_out(db_session, household)
        note_subjects_of(db_session, person_ids=[m.person_id for m in shown.members])
        requests = db_session.exec(
            select(HelpRequest)
            .where(HelpRequest.household_id == household_id)
            .order_by(col(HelpRequest.id))
        ).all()
        entries = db_session.exec(
            select(TimelineEntry)
            .where(TimelineEntry.household_id == household_id)
            .order_by(col(TimelineEntry.created_at).desc(), col(TimelineEntry.id).desc())
            .limit(200)
        ).all()
        return render(
            request,
            "staff/household.html",
            {
                "page_title": household.name,
                "h": shown,
                "requests": requests,
                "timeline": timeline_lines(entries, _),
            },
        )

    @get("/personen/{person_id:int}", sync_to_thread=True, name="ui-person")
    def person(
        self, request: Request[Any, Any, Any], db_session: DbSession, person_id: FromPath[int]
    ) -> Response[Any]:
        _ = gettext_for(request)
        person = get_person(db_session, person_id)
        households = db_session.exec(
            select(Household, HouseholdMember)
            .join(HouseholdMember, col(HouseholdMember.household_id) == Household.id)
            .where(HouseholdMember.person_id == person_id)
        ).all()
        requests = db_session.exec(
            select(HelpRequest)
            .where(HelpRequest.person_id == person_id)
            .order_by(col(HelpRequest.id))
        ).all()
        ids = [r.id for r in requests]
        entries = (
            db_session.exec(
                select(TimelineEntry)
                .where(col(TimelineEntry.request_id).in_(ids))
                .order_by(col(TimelineEntry.created_at).desc(), col(TimelineEntry.id).desc())
                .limit(200)
            ).all()
            if ids
            else []
        )
        return render(
            request,
            "staff/person.html",
            {
                "page_title": " ".join(p for p in (person.given_name, person.family_name) if p),
                "p": person,
                "households": households,
                "requests": requests,
                "timeline": timeline_lines(entries, _),
            },
        )
