"""The families' trajectories, a page at a time, and the form that starts one for a
household."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, Response, get, post
from sqlmodel import Session, col, select

from noaber.clock import dutch_today
from noaber.people.models import Household
from noaber.people.services import note_subjects_of
from noaber.ui.forms import FormState, new_form_token, posted_form, store_form, validate
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, page_number
from noaber.web.dependencies import DbSession
from noaber_gezinslab import services
from noaber_gezinslab.models import TrajectoryStatus
from noaber_gezinslab.pages.common import (
    BASE,
    FIELD_MESSAGES,
    NEW_URL,
    PAGE_PARAM,
    PAGE_SIZE,
    SERVICE_MESSAGES,
    START,
    STATUS_NAMES,
    actor_of,
    domain_options,
    form_input,
    pages_for,
    trajectory_url,
)
from noaber_gezinslab.privacy import note_trajectories
from noaber_gezinslab.schemas import TrajectoryIn

STATUS_FILTER = "status"
"""The list's query parameter: ``actief`` or ``afgesloten`` (anything else: all)."""


def trajectories_page(request: Request[Any, Any, Any], session: Session) -> Response[Any]:
    _ = gettext_for(request)
    raw = request.query_params.get(STATUS_FILTER) or ""
    status = TrajectoryStatus(raw) if raw in TrajectoryStatus.__members__ else None
    page = page_number(request)
    total = services.count_trajectories(session, status=status)
    rows = services.list_trajectories(
        session,
        status=status,
        newest_first=True,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    note_trajectories(session, [t.id for t in rows])
    return render(
        request,
        "gezinslab/trajectories.html",
        {
            "page_title": _("Gezinslab: trajectories"),
            "rows": rows,
            "total": total,
            "page": page,
            "pages": pages_for(total),
            "page_param": PAGE_PARAM,
            "status": status.value if status else "",
            "filter_name": STATUS_FILTER,
            "status_names": {k: _(v) for k, v in STATUS_NAMES.items()},
            "base": BASE,
        },
    )


def new_trajectory_page(
    request: Request[Any, Any, Any],
    session: Session,
    form: FormState,
    *,
    refused: Sequence[str] = (),
    status_code: int = 200,
) -> Response[Any]:
    """The form that starts a trajectory: the household among the municipality's
    households (their members named in the access log, as core's households page does),
    the start, optionally the Gezinslab request it follows, the life domains and a first
    goal in the family's own words."""
    _ = gettext_for(request)
    households = session.exec(select(Household).order_by(col(Household.name)).limit(500)).all()
    note_subjects_of(session, household_ids=[h.id for h in households])
    names = {h.id: h.name for h in households}
    requests = services.requests_to_start(session)
    note_subjects_of(
        session,
        person_ids=[r.person_id for r in requests],
        household_ids=[r.household_id for r in requests],
    )
    request_options = [
        (
            str(r.id),
            _("Request %(id)s") % {"id": r.id}
            + (f" ({names[r.household_id]})" if r.household_id in names else ""),
        )
        for r in requests
    ]
    return render(
        request,
        "gezinslab/new_trajectory.html",
        {
            "page_title": _("Start a trajectory"),
            "form": form,
            "refused": list(refused),
            "households": [("", _("Choose a household"))]
            + [(str(h.id), h.name) for h in households],
            "requests": [("", _("None")), *request_options],
            "domains": domain_options(),
            "base": BASE,
            "action": NEW_URL,
        },
        status_code=status_code,
    )


class TrajectoriesPages(Controller):
    path = BASE

    @get("/", sync_to_thread=True, name="gezinslab-trajectories")
    def trajectories(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        return trajectories_page(request, db_session)

    @get("/nieuw", sync_to_thread=True, name="gezinslab-new-trajectory")
    def new_trajectory(
        self, request: Request[Any, Any, Any], db_session: DbSession
    ) -> Response[Any]:
        form = FormState(values={"started_on": dutch_today().isoformat()}, token=new_form_token())
        return new_trajectory_page(request, db_session, form)

    @post("/nieuw", name="gezinslab-start")
    async def start(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        _ = gettext_for(request)
        form = await posted_form(request)

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            return new_trajectory_page(
                request, db_session, form, refused=refused, status_code=status
            )

        if form.expired:
            return await in_thread(lambda: page(400))
        data = validate(
            TrajectoryIn,
            form_input(START.name, form.values, form, actor_of(request), _),
            form,
            _,
            field_messages=FIELD_MESSAGES,
            rename=START.rename,
        )
        if data is None:
            return await in_thread(lambda: page(422))

        def work() -> str:
            assert isinstance(data, TrajectoryIn)
            trajectory = services.start_trajectory(db_session, data)
            return trajectory_url(trajectory.id or 0)

        # The household's members before the write, as the API does: a repeated submit
        # (sent to the first one's trajectory) and a refused one concern them too.
        assert isinstance(data, TrajectoryIn)
        household_id = data.household_id
        await in_thread(lambda: note_subjects_of(db_session, household_ids=[household_id]))
        return await store_form(
            request, db_session, form, work, page, service_messages=SERVICE_MESSAGES
        )
