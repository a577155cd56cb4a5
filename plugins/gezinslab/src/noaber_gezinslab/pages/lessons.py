"""The learning network's page: the lessons and system blockages the team shared, the
latest first, a page at a time, filtered by kind; and the form that shares one.

A lesson may come from a family's trajectory. Only a viewer who may see trajectories
(:data:`~.common.ROLES`) sees which family it is, with a link to the trajectory, and
the families shown are named in the access log; a professional sees that the lesson
comes from a trajectory, not whose, and cannot link one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, Response, get, post
from sqlmodel import Session

from noaber.clock import dutch_today
from noaber.privacy.web import NAMES_NO_ONE
from noaber.ui.forms import FormState, new_form_token, posted_form, split_tags, store_form, validate
from noaber.ui.i18n import nl_date
from noaber.ui.pages.common import ids_from_query
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, page_number
from noaber.web.dependencies import DbSession
from noaber_gezinslab import services
from noaber_gezinslab.models import LessonKind
from noaber_gezinslab.pages.common import (
    LEARNING_ROLES,
    LESSONS,
    NEW_LESSON,
    PAGE_PARAM,
    PAGE_SIZE,
    TRAJECTORY_PARAM,
    actor_of,
    pages_for,
    sees_trajectories,
    trajectory_url,
)
from noaber_gezinslab.privacy import note_trajectories
from noaber_gezinslab.schemas import LessonIn

KIND_FILTER = "soort"
"""The list's query parameter: ``les`` or ``knelpunt`` (empty: both)."""
LESSON_KINDS = {
    LessonKind.les.value: "Lesson",
    LessonKind.knelpunt.value: "System blockage",
}
KIND_HELP = (
    "A lesson is what worked or did not in practice; a system blockage is a rule, "
    "process or gap that stood in a family's way."
)
LESSON_MESSAGES = {
    "kind": "Choose whether this is a lesson or a system blockage.",
    "title": "Give the lesson a short title (at most 200 characters).",
    "text": "Describe what you noticed.",
    "tags": (
        "Tags are words in small letters, digits and hyphens, separated by commas "
        "(for example wonen, schuldhulp); at most 10."
    ),
    "noticed_on": "Enter the date on which you noticed it.",
    "author": "Enter who shares it (at most 200 characters).",
    "trajectory_id": "Choose a trajectory from the list.",
}
"""The form's fields with a message of their own (what validation finds wrong)."""
LESSON_SERVICE_MESSAGES = {"trajectory_id": "Choose a trajectory from the list."}
FILTER_MESSAGE = "Choose lessons, system blockages or both."
TRAJECTORY_CHOICES = 500
"""The newest trajectories the form offers to link a lesson to."""


def kind_of(request: Request[Any, Any, Any]) -> tuple[LessonKind | None, FormState]:
    """The kind asked for (None: both) and the filter form, with a message next to the
    filter when the parameter names no kind."""
    raw = request.query_params.get(KIND_FILTER) or ""
    form = FormState(values={KIND_FILTER: raw})
    if raw in LessonKind.__members__:
        return LessonKind(raw), form
    if raw:
        form.errors[KIND_FILTER] = gettext_for(request)(FILTER_MESSAGE)
    return None, form


def lessons_page(request: Request[Any, Any, Any], session: Session) -> Response[Any]:
    """The lessons, the latest first, ``PAGE_SIZE`` a page (``?soort=&pagina=``). A kind
    that is none is said next to the filter (400), and both kinds are shown."""
    _ = gettext_for(request)
    kind, filter_form = kind_of(request)
    page = page_number(request)
    total = services.count_lessons(session, kind=kind)
    rows = services.list_lessons(session, kind=kind, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    families: dict[int, str] = {}
    if sees_trajectories(request):
        families = {
            tid: household.name
            for tid, household in services.families_of(
                session, [r.trajectory_id for r in rows]
            ).items()
        }
        note_trajectories(session, list(families))
    return render(
        request,
        "gezinslab/lessons.html",
        {
            "page_title": _("Gezinslab: lessons and system blockages"),
            "rows": [services.lesson_out(r) for r in rows],
            "families": families,
            "trajectory_url": trajectory_url,
            "total": total,
            "page": page,
            "pages": pages_for(total),
            "page_param": PAGE_PARAM,
            "kind": kind.value if kind else "",
            "filter_name": KIND_FILTER,
            "filter_form": filter_form,
            "filter_options": [
                ("", _("Lessons and system blockages")),
                *((k, _(v)) for k, v in LESSON_KINDS.items()),
            ],
            "kind_names": {k: _(v) for k, v in LESSON_KINDS.items()},
            "lessons_url": LESSONS,
            "new_url": NEW_LESSON,
        },
        status_code=200 if filter_form.ok else 400,
    )


def trajectory_options(
    request: Request[Any, Any, Any], session: Session
) -> list[tuple[str, str]] | None:
    """The trajectories a lesson can come from, the newest first (their families named
    in the access log); None for a viewer who may not see trajectories."""
    if not sees_trajectories(request):
        return None
    _ = gettext_for(request)
    found = services.list_trajectories(session, newest_first=True, limit=TRAJECTORY_CHOICES)
    note_trajectories(session, [t.id for t in found])
    return [
        (
            str(t.id),
            _("%(family)s (started on %(date)s)")
            % {"family": t.household_name, "date": nl_date(t.started_on)},
        )
        for t in found
    ]


def new_lesson_page(
    request: Request[Any, Any, Any],
    session: Session,
    form: FormState,
    *,
    refused: Sequence[str] = (),
    status_code: int = 200,
) -> Response[Any]:
    _ = gettext_for(request)
    trajectories = trajectory_options(request, session)
    return render(
        request,
        "gezinslab/new_lesson.html",
        {
            "page_title": _("Share a lesson or a system blockage"),
            "form": form,
            "refused": list(refused),
            "kinds": [("", _("Choose a kind")), *((k, _(v)) for k, v in LESSON_KINDS.items())],
            "kind_help": _(KIND_HELP),
            "trajectories": None if trajectories is None else [("", _("None")), *trajectories],
            "lessons_url": LESSONS,
            "action": NEW_LESSON,
        },
        status_code=status_code,
    )


def lesson_input(request: Request[Any, Any, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The service's input from the form: blanks left out, the tags split at commas, and
    a trajectory only from a viewer who may see trajectories (the form offers none to
    anyone else)."""
    data: dict[str, Any] = {}
    for field in LessonIn.model_fields:
        value = values.get(field)
        if field == "tags":
            data[field] = split_tags(value)
        elif field == "trajectory_id" and not sees_trajectories(request):
            continue
        elif isinstance(value, str) and value.strip():
            data[field] = value
    return data


class LessonPages(Controller):
    path = LESSONS
    opt = {"roles": LEARNING_ROLES}

    @get("/", sync_to_thread=True, name="gezinslab-lessons")
    def lessons(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        return lessons_page(request, db_session)

    @get("/nieuw", sync_to_thread=True, name="gezinslab-new-lesson")
    def new_lesson(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        values: dict[str, Any] = {
            "noticed_on": dutch_today().isoformat(),
            "author": actor_of(request),
        }
        chosen = ids_from_query(request, TRAJECTORY_PARAM)
        if chosen is not None:
            values["trajectory_id"] = str(chosen)  # preselected only if it is on the list
        form = FormState(values=values, token=new_form_token())
        return new_lesson_page(request, db_session, form)

    @post(
        "/nieuw",
        name="gezinslab-share-lesson",
        opt={NAMES_NO_ONE: "a lesson or system blockage, without personal data"},
    )
    async def share(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        _ = gettext_for(request)
        form = await posted_form(request)

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            return new_lesson_page(request, db_session, form, refused=refused, status_code=status)

        if form.expired:
            return await in_thread(lambda: page(400))
        data = validate(
            LessonIn, lesson_input(request, form.values), form, _, field_messages=LESSON_MESSAGES
        )
        if data is None:
            return await in_thread(lambda: page(422))

        def work() -> str:
            assert isinstance(data, LessonIn)
            lesson = services.add_lesson(db_session, data)
            page = services.lessons_before(db_session, lesson) // PAGE_SIZE + 1
            return f"{LESSONS}?{PAGE_PARAM}={page}#les-{lesson.id}"

        # The family of the trajectory it comes from, before the write (a repeated or a
        # refused submit too); a lesson without one holds no personal data, names nobody.
        assert isinstance(data, LessonIn)
        trajectory_id = data.trajectory_id
        await in_thread(lambda: note_trajectories(db_session, [trajectory_id]))
        return await store_form(
            request, db_session, form, work, page, service_messages=LESSON_SERVICE_MESSAGES
        )
