"""Every hook a Noaber plugin (or a municipality's rules module) can implement.

This module is the whole public extension API of core. Each spec says when it is
called, what it receives and what it returns. ``docs/plugins/hooks.md`` documents
each one; a test fails when a spec is missing there.

Plugins implement hooks with ``@noaber.hookimpl``; the argument names must match
the spec (pluggy passes arguments by name, and an implementation may take fewer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler
    from pydantic import BaseModel
    from sqlmodel import Session

    from noaber.accounts.roles import Principal
    from noaber.demo.context import DemoContext
    from noaber.errors import Refusal, UserMessage
    from noaber.matching.columns import Array, MatchFilter, ScoreComponent
    from noaber.matching.models import Match
    from noaber.municipalities.loader import Municipality
    from noaber.platform import TenantRuntime
    from noaber.requests.models import HelpRequest
    from noaber.requests.types import RequestType
    from noaber.tasks import PeriodicTask
    from noaber.tenancy.models import Neighbourhood
    from noaber.ui.contrib import NavItem, ReportTable, WorkItem

PROJECT_NAME = "noaber"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec(firstresult=True)
def settings_model() -> type[BaseModel] | None:
    """Return the pydantic model that validates this plugin's settings.

    Called once per installed plugin when municipality packages are loaded. A
    municipality's ``[plugins.<name>]`` table is validated against the model; an
    invalid value stops the platform with a message naming the package, file and key.
    The validated instance is what the plugin later receives as its settings.
    Return ``None`` if the plugin takes no settings.
    """


@hookspec
def route_handlers() -> Sequence[ControllerRouterHandler]:  # type: ignore[empty-body]
    """Return the Litestar route handlers (controllers, routers or handlers) this plugin adds.

    Called once per installed plugin when the web application is built. Core mounts
    them behind a guard: for a tenant whose municipality does not enable the plugin,
    every one of these routes answers 404, so handlers never check that themselves.
    """


@hookspec
def migration_locations() -> Sequence[str]:  # type: ignore[empty-body]
    """Return directories holding this plugin's Alembic revisions.

    Called whenever the Alembic configuration is built (``noaber db ...``). Each plugin
    keeps its own version branch: its first revision has ``branch_labels=("<name>",)``
    and ``depends_on`` core's head at the time of writing.
    """


@hookspec
def seed_demo_data(demo: DemoContext) -> None:
    """Add demo data for one tenant.

    Called by ``noaber demo`` once per municipality, through that tenant's plugin
    manager, so only plugins the municipality enables (and its rules module) are
    asked. ``demo`` carries an open session with the tenant set, the tenant's
    settings and a seeded random generator; the caller commits.
    """


@hookspec
def request_types(register: Callable[[RequestType], None]) -> None:
    """Register the request types (kinds of hulpvraag) this plugin contributes.

    Called once per tenant, through that tenant's manager, the first time its request
    types are needed; the result is kept for the manager's lifetime. Call
    ``register(RequestType(...))`` for each type (``noaber.requests.types``): its
    name, the request workflow (statuses and allowed transitions), the match
    lifecycle, which request statuses are open for matching and which match statuses
    count against a helper's load. A name registered twice stops with an error.
    """


@hookspec
def match_filters(register: Callable[[MatchFilter], None]) -> None:
    """Register hard filters that exclude helpers from suggestions.

    Called per tenant each time suggestions are computed (single request or batch).
    ``register(MatchFilter(name, description, fn))``: ``fn(requests, helpers)`` gets a
    :class:`noaber.matching.columns.RequestBatch` (m requests) and
    :class:`noaber.matching.columns.HelperColumns` (n helpers) and returns a boolean
    NumPy array broadcastable to ``(m, n)``: True keeps the helper. An excluded helper's
    explanation names the first filter that excluded them.
    """


@hookspec
def match_score_components(register: Callable[[ScoreComponent], None]) -> None:
    """Register weighted score components for ranking helpers.

    Called per tenant each time suggestions are computed. ``register(ScoreComponent(
    name, description, fn, default_weight))``: ``fn(requests, helpers)`` returns a float
    array broadcastable to ``(m, n)`` with values in [0, 1]. The weight is the
    municipality's ``[matching.weights]`` entry for ``name``, else ``default_weight``;
    each suggestion's explanation lists every component's value and contribution.
    """


@hookspec(firstresult=True)
def resolve_neighbourhood(postcode: str, neighbourhoods: Sequence[Neighbourhood]) -> int | None:
    """Decide which neighbourhood (its id) a postcode lies in; first result wins.

    Called whenever a person's or helper's postcode is stored. Return ``None`` to leave
    the decision to the next implementation; core's built-in rule matches the postcode
    (PC6, then PC4) against the neighbourhoods' configured postcodes. A postcode no
    implementation resolves is refused with a 422 naming the ``postcode`` field.
    """


@hookspec
def match_helper_columns(
    session: Session, municipality: Municipality, helper_ids: Array
) -> Mapping[str, Array] | None:
    """Return extra per-helper arrays that this plugin's filters and components read.

    Called per tenant each time suggestions are computed, after core's helper columns
    are loaded (they are cached; these are not, so a plugin's own data is always fresh).
    ``helper_ids`` is the int64 array of helper ids (n); each returned array's last axis
    is aligned with it (shape ``(n,)`` or ``(k, n)``). The arrays appear in
    ``HelperColumns.extra`` under their key; prefix keys with the plugin's name. A key
    returned twice stops with an error. ``session`` is the tenant's session.
    """


@hookspec
def match_request_columns(
    session: Session, municipality: Municipality, request_ids: Array
) -> Mapping[str, Array] | None:
    """Return extra per-request arrays that this plugin's filters and components read.

    Called per tenant each time suggestions are computed, for the batch of requests
    being matched. ``request_ids`` is the int64 array of request ids (m); each returned
    array's first axis is aligned with it (shape ``(m,)`` or ``(m, k)``). The arrays
    appear in ``RequestBatch.extra`` under their key; prefix keys with the plugin's name.
    """


@hookspec
def check_request_transition(
    session: Session, request: HelpRequest, target: str, reason: str | None
) -> str | UserMessage | Refusal | None:
    """Veto a request's move to another status; return why, or ``None`` to allow it.

    Called by core's request transition service (``POST /api/requests/{id}/transitions``,
    the request page of the web interface, and every plugin that moves a request through
    it), through the tenant's manager, after the workflow allowed ``request.status ->
    target`` and before anything changes. ``session`` is the open session of the move
    (read what you need; do not write). Every implementation is asked; if any returns a
    reason the move is refused with a 409 whose ``refused`` lists all reasons, and
    nothing is stored.

    Return a ``noaber.errors.Refusal(detail, user_message)``: ``detail`` (English, may
    name API routes) goes to the API's ``refused``, the ``UserMessage`` is what the
    coordinator reads in the interface, translated by the plugin's catalogue
    (``ui_locale_dirs``). A plain ``UserMessage`` serves both (its English text is the
    detail). A plain ``str`` is only for the API: the interface then says the change is
    not possible now, without the reason.
    """


@hookspec
def request_transitioned(
    session: Session,
    request: HelpRequest,
    previous: str,
    target: str,
    reason: str | None,
    actor: str,
) -> None:
    """React to a request's move from ``previous`` to ``target``, in the same transaction.

    Called by core's request transition service (``POST /api/requests/{id}/transitions``,
    the request page of the web interface, and every plugin that moves a request through
    ``noaber.requests.services.transition_request``), through the tenant's manager, after
    the move was allowed, ``request.status`` is ``target`` and the timeline entry is
    written, before the caller commits. Keep the plugin's own records in step by writing
    to ``session`` (do not commit). Raising an exception (a ``noaber.errors.NoaberError``
    for a 4xx) rolls back the move and whatever the hook wrote. Every implementation is
    called, also for moves the plugin itself started, so implementations must do nothing
    when their records are already up to date.
    """


@hookspec
def match_transitioned(
    tenant: TenantRuntime,
    session: Session,
    match: Match,
    previous: str,
    target: str,
    reason: str | None,
    actor: str,
) -> None:
    """React to a match's (coupling's) move from ``previous`` to ``target``, in the same
    transaction.

    Called by core's match transition service (``POST /api/matches/{id}/transitions``,
    the coupling page of the web interface, and every plugin that moves a match through
    ``noaber.matching.services.transition_match``), through the tenant's manager, after
    the match lifecycle allowed the move, ``match.status`` is ``target`` and the timeline
    entry is written, before the caller commits. ``tenant`` is the tenant's runtime (its
    municipality's settings and plugin manager). Keep the plugin's own records in step by
    writing to ``session`` (do not commit). Raising an exception (a
    ``noaber.errors.NoaberError`` for a 4xx) refuses the move: it rolls back the move and
    whatever the hook wrote. Every implementation is called, also for moves the plugin
    itself started, so implementations must do nothing when their records are already up
    to date.
    """


@hookspec
def ui_template_dirs() -> Sequence[str]:  # type: ignore[empty-body]
    """Return directories holding this plugin's Jinja templates for the web interface.

    Called once per tenant plugin manager (and language) when the interface first
    renders a page for that tenant. Templates found there can extend ``"base.html"``
    (core's layout) and are rendered with ``noaber.ui.templating.render(request, name,
    context)`` from the plugin's own route handlers. Plugin folders come before core's.
    """


@hookspec
def ui_locale_dirs() -> Sequence[str]:  # type: ignore[empty-body]
    """Return directories holding this plugin's translations for the web interface.

    Called through the tenant's manager when the interface translates for that tenant
    (each page, and each message built in Python such as a refusal's ``UserMessage``).
    Each directory holds ``<lang>/LC_MESSAGES/<plugin>.po`` (gettext, English message
    ids, compiled in memory). The tenant's translations are core's catalogue merged with
    those of its plugins; a plugin's translation of an id wins over core's, and the
    first implementation's over later ones (a municipality's rules module first). The
    interface's languages are those core has a catalogue for.
    """


@hookspec
def ui_nav_items(register: Callable[[NavItem], None]) -> None:
    """Register links for the interface's navigation.

    Called through the tenant's manager on every page render. ``register(NavItem(label,
    href, roles=..., section="main", programme=...))`` adds a link to the main navigation
    for the given roles (not for accounts scoped to other programmes than ``programme``);
    ``section="intake", request_type="..."`` offers the plugin's own intake form for
    requests of that type on the request page and the new-request page.
    """


@hookspec
def ui_work_items(
    tenant: TenantRuntime, session: Session, register: Callable[[WorkItem], None]
) -> None:
    """Add items to the coordinator's work list.

    Called through the tenant's manager each time the work list is shown, with an open
    session of that tenant. ``register(WorkItem(section, title, href, due=..., detail=...,
    programme=...))``; sections ``new``, ``intake``, ``review``, ``waiting`` and
    ``escalation`` join core's headings, any other name gets a heading of its own. An
    item whose ``due`` date lies in the past is shown as overdue. A ``UserMessage``
    detail is translated; an item of a ``programme`` is left out for coordinators not
    scoped to it; an item with the same section and link as one of core's replaces core's.
    """


@hookspec
def ui_reports(
    tenant: TenantRuntime, session: Session, register: Callable[[ReportTable], None]
) -> None:
    """Add tables (and charts) to the reports page of the municipality.

    Called through the tenant's manager when the reports page or an export is requested.
    ``register(ReportTable(name, title, columns, rows, chart="bar"))``: each table is
    shown, drawn as a bar chart when asked, and exported as CSV and Excel at
    ``/beheer/rapportages/<name>.csv`` and ``.xlsx``. Money values are ``Decimal``.
    Name the table's ``programme``: coordinators see only their programmes' tables
    (and municipality-wide ones without ``case_detail``); admins see all.
    """


@hookspec(firstresult=True)
def object_access(principal: Principal, kind: str, object_id: int, session: Session) -> bool | None:
    """Decide whether ``principal`` may see object ``(kind, object_id)``; first result wins.

    Called by :func:`noaber.accounts.access.can_access` for object kinds core does not
    know (core answers for ``person``, ``household``, ``request``, ``match`` and
    ``helper``). A plugin answers for its own kinds (e.g. ``"gezinslab.trajectory"``)
    and returns ``None`` for others. Municipality admins and coordinators are allowed
    before this hook is asked; it decides for professionals, volunteers and residents.
    No answer means no access.
    """


@hookspec
def data_subject_export(person_id: int, session: Session) -> Mapping[str, Any] | None:
    """Return everything this plugin holds about person ``person_id``, as JSON-ready data.

    Called (through the tenant's manager, tenant in context) when a resident or the
    privacy officer asks for a data-subject export (AVG art. 15/20). Return a mapping
    of table name to a list of rows (dicts), or ``None`` when the plugin holds nothing.
    Every table of the plugin that holds personal data must appear (a test checks this
    through :func:`data_subject_tables`).
    """


@hookspec
def data_subject_erase(person_id: int, session: Session) -> Mapping[str, int] | None:
    """Erase or anonymise what this plugin holds about person ``person_id``.

    Called when an erasure request (AVG art. 17) is carried out, before core erases
    the person. Delete rows, or overwrite their personal fields, in ``session`` (the
    caller commits). Return a mapping of table name to the number of rows removed or
    anonymised.
    """


@hookspec
def data_subject_tables() -> Mapping[str, str]:  # type: ignore[empty-body]
    """Declare, for every table this plugin creates, whether it holds personal data.

    Called by the privacy coverage checks (export, erasure, retention) and their test.
    Return ``{table: "personal"}`` for tables covered by ``data_subject_export`` and
    ``data_subject_erase``, ``{table: "none"}`` for tables without personal data
    (reference data, aggregates). A test fails when a plugin's table is missing from
    this declaration, so a new personal-data table cannot slip past export and erasure.
    """


@hookspec
def periodic_tasks(register: Callable[[PeriodicTask], None]) -> None:
    """Register background work that runs every so often for each tenant.

    Called through a tenant's manager (only plugins its municipality enables, and its
    rules module) each time core looks for due work: every few seconds in each web
    worker (unless ``NOABER_TASKS_IN_APP=false``) and by ``noaber tasks run``. Call
    ``register(PeriodicTask(name, every_seconds, run))`` (``noaber.tasks``) per task;
    name it ``"<plugin>.<task>"``. Core calls ``run(context)`` for each active tenant at
    most once per ``every_seconds`` per process, with the tenant in context and a
    :class:`noaber.tasks.TaskContext` (``session`` of that tenant, ``now``, ``mailer``,
    the system ``principal`` for the access log): it commits the session when ``run``
    returns, rolls it back when it raises (logged without the error's text) and goes on
    with the next tenant. With several worker processes a cycle runs in one of them
    where a lock allows it (Redis, or a PostgreSQL advisory lock), yet ``run`` must be
    safe to run twice at once: claim each piece of work before doing it.
    """
