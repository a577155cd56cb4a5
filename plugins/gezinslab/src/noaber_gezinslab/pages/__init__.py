"""The coordinator's web pages of the Gezinslab, one module per page group: the
families' trajectories and the form that starts one (``trajectories``), one
trajectory's page with its forms (``trajectory``), the lessons and system blockages
with the form that shares one (``lessons``), the overview for policy makers
(``overview``), and what they share (``common``); :func:`router` mounts them. The
trajectories are for coordinators and municipality admins (``ROLES``); the lessons and
the overview also for professionals (``LEARNING_ROLES``), who see no family there.

Every form goes through the plugin's services, the same functions the API calls, so the
pages keep the API's rules. They follow core's form conventions (``noaber.ui.forms``):
wrong input shows the page again with status 422, the Dutch message next to the field
and what was typed; a refusal of a service (a ``Conflict``, such as a second baseline)
shows its user message with status 409; nothing is stored then (the transaction is
rolled back). Each form carries a one-time token, so a double submit stores once and is
sent where the first went. After success: 303 back to the trajectory.

Core mounts these routes like every route of the plugin (``route_handlers``): 404 for a
municipality that does not enable the Gezinslab, 403 for an account scoped to other
programmes. The pages name the members of the households they show in the access log
(:func:`~noaber_gezinslab.privacy.note_trajectories`), and the volunteers of the teams
they show or change, as the API does.
"""

from __future__ import annotations

from litestar import Router

from noaber.ui.web import pages_router
from noaber_gezinslab.pages.common import (
    BASE,
    FIELD_MESSAGES,
    KIND_NAMES,
    LEARNING_ROLES,
    LESSONS,
    LESSONS_NAV_LABEL,
    MEMBER_NAMES,
    NAV_LABEL,
    NEW_LESSON,
    NEW_URL,
    OVERVIEW,
    OVERVIEW_NAV_LABEL,
    PAGE_SIZE,
    ROLES,
    SCORE_MESSAGE,
    SERVICE_MESSAGES,
    STATUS_NAMES,
    trajectory_url,
)
from noaber_gezinslab.pages.lessons import (
    FILTER_MESSAGE,
    KIND_FILTER,
    KIND_HELP,
    LESSON_KINDS,
    LESSON_MESSAGES,
    LESSON_SERVICE_MESSAGES,
    LessonPages,
)
from noaber_gezinslab.pages.overview import (
    FROM_PARAM,
    PERIOD_MESSAGES,
    REVERSED,
    TO_PARAM,
    OverviewPages,
)
from noaber_gezinslab.pages.trajectories import STATUS_FILTER, TrajectoriesPages
from noaber_gezinslab.pages.trajectory import TrajectoryPages

__all__ = [
    "BASE",
    "FIELD_MESSAGES",
    "FILTER_MESSAGE",
    "FROM_PARAM",
    "KIND_FILTER",
    "KIND_HELP",
    "KIND_NAMES",
    "LEARNING_ROLES",
    "LESSONS",
    "LESSONS_NAV_LABEL",
    "LESSON_KINDS",
    "LESSON_MESSAGES",
    "LESSON_SERVICE_MESSAGES",
    "MEMBER_NAMES",
    "NAV_LABEL",
    "NEW_LESSON",
    "NEW_URL",
    "OVERVIEW",
    "OVERVIEW_NAV_LABEL",
    "PAGE_SIZE",
    "PERIOD_MESSAGES",
    "REVERSED",
    "ROLES",
    "SCORE_MESSAGE",
    "SERVICE_MESSAGES",
    "STATUS_FILTER",
    "STATUS_NAMES",
    "TO_PARAM",
    "router",
    "trajectory_url",
]


def router() -> Router:
    """The pages, for the ``route_handlers`` hook (core's page router: the CSRF token
    as a form field, Dutch error pages, the login page for a visitor not logged in)."""
    return pages_router(
        [TrajectoriesPages, TrajectoryPages, LessonPages, OverviewPages], roles=ROLES
    )
