"""The coordinator's web pages of Buurtgezinnen: the families of both sides, and one
family's page where the intake is recorded (visits, the four questions of a vraaggezin,
completing its intake) and a steungezin's VOG and competence check; the couplings and
one coupling's page (a review, ending it); the waiting list.

Every form goes through the plugin's services, so the pages keep the API's rules. They
follow core's form conventions (``noaber.ui.forms``): wrong input shows the page again
with status 422, the Dutch message next to the field and what was typed; a refusal of a
service (a ``Conflict``) shows its user messages with status 409; nothing is stored
then (the transaction is rolled back). Each form carries a one-time token, so a double
submit stores once and is sent where the first went. After success: 303 to the family.

Core mounts these routes like every route of the plugin (``route_handlers``): 404 for a
municipality that does not enable Buurtgezinnen, 403 for an account scoped to other
programmes. The pages name the members of the families they show in the access log
(:func:`~noaber_buurtgezinnen.privacy.note_families`), as the API does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, Router, get, post
from litestar.params import FromPath
from pydantic import BaseModel
from sqlmodel import Session, col, select

from noaber.errors import NotFound, UserMessage
from noaber.platform import TenantRuntime
from noaber.ui.forms import (
    FormState,
    as_list,
    new_form_token,
    posted_form,
    store_form,
    validate,
)
from noaber.ui.i18n import nl_date, translate
from noaber.ui.identity import viewer_of
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, pages_router
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber_buurtgezinnen import figures, services
from noaber_buurtgezinnen.models import EndReason, Family, FamilyKind, Phase
from noaber_buurtgezinnen.privacy import note_couplings, note_families, note_helpers
from noaber_buurtgezinnen.schemas import (
    CompetenceIn,
    CouplingIn,
    CouplingOut,
    CouplingStepIn,
    FamilyOut,
    IntakeDoneIn,
    IntakeIn,
    ReviewIn,
    VisitIn,
    VogIn,
)
from noaber_buurtgezinnen.vocabulary import SUPPORT_KINDS, UPBRINGING_VIEWS

ROLES = ("municipality_admin", "coordinator")
BASE = "/buurtgezinnen/gezinnen"
COUPLINGS = "/buurtgezinnen/koppelingen"
WAITING = "/buurtgezinnen/wachtlijst"
MAIN = "#inhoud"
"""The main content of every page (``base.html``, the skip link's target)."""
NAV_LABEL = "Buurtgezinnen families"
"""The main navigation's link to the families (an English message id)."""

KIND_FILTER = "soort"
"""The list's query parameter: ``vraaggezin`` or ``steungezin`` (anything else: all)."""
PAGE_PARAM = "pagina"
PAGE_SIZE = 25
"""Families a page of the families list shows (as core's requests list)."""

# English message ids (the catalogue translates them): a form field's own message for
# what validation finds wrong with it, and a field's message for a service's 422 that
# carries no message of its own.
FIELD_MESSAGES = {
    "visited_on": "Enter the date of the visit.",
    "completed_on": "Enter the date on which the intake was completed.",
    "issued_on": "Enter the date on which the VOG was issued.",
    "checked_on": "Enter the date of the competence check.",
    "held_on": "Enter the date of the review.",
    "vraaggezin_continues": "Choose whether the vraaggezin wants to continue.",
    "steungezin_continues": "Choose whether the steungezin wants to continue.",
    "ended_on": "Enter the date on which the coupling ended.",
    "reason": "Choose why the coupling ends.",
    "steungezin_id": "Choose a steungezin.",
    "kennismaking_on": "Enter the date of the kennismaking.",
    "first_review_on": "Enter the date of the first review.",
}
END_REASONS = {
    EndReason.doel_bereikt: "The goal was reached",
    EndReason.verhuisd: "A family moved",
    EndReason.geen_klik: "The families did not click",
    EndReason.steungezin_stopt: "The steungezin stops",
    EndReason.vraaggezin_stopt: "The vraaggezin stops",
    EndReason.zwaardere_hulp_nodig: "Heavier support is needed",
    EndReason.anders: "Another reason",
}
"""Why a coupling ended, as a coordinator reads it (English message ids)."""

SERVICE_MESSAGES = {
    "visited_on": "This date is not possible for the visit.",
    "completed_on": "This date is not possible for completing the intake.",
    "issued_on": "This date is not possible for the VOG.",
    "checked_on": "This date is not possible for the competence check.",
    "held_on": "This date is not possible for the review.",
    "end_reason": "Choose why the coupling ends.",
    "review_note": "Describe the reason.",
    "ended_on": "This date is not possible for the end of the coupling.",
    "reason": "Choose why the coupling ends.",
    "end_note": "Describe the reason.",
    "kennismaking_on": "This date is not possible for the kennismaking.",
    "first_review_on": "This date is not possible for the first review.",
}


@dataclass(frozen=True)
class PageForm:
    """One form of a page: the service's input model it fills in."""

    name: str
    model: type[BaseModel]
    rename: Mapping[str, str]
    """The model's field name → the form's input name (input names are unique per page)."""
    kinds: frozenset[FamilyKind] = frozenset()
    """The families the family page offers it to."""
    fixed: Mapping[str, Any] = field(default_factory=dict)
    """Input the form does not ask for (the step a form takes)."""

    def service_messages(self) -> dict[str, str]:
        """SERVICE_MESSAGES by the service's field names (a service's 422 names those)."""
        names = {self.rename.get(f, f): f for f in self.model.model_fields}
        return {names[i]: m for i, m in SERVICE_MESSAGES.items() if i in names}

    def errors_by_input(self, form: FormState) -> None:
        """A service's 422 names the model's fields: put them next to the form's inputs."""
        for model_name, input_name in self.rename.items():
            if model_name in form.errors and input_name not in form.errors:
                form.errors[input_name] = form.errors.pop(model_name)


FORMS = {
    form.name: form
    for form in (
        PageForm("visit", VisitIn, {"note": "visit_note"}, frozenset(FamilyKind)),
        PageForm("intake", IntakeIn, {}, frozenset({FamilyKind.vraaggezin})),
        PageForm("complete", IntakeDoneIn, {}, frozenset({FamilyKind.vraaggezin})),
        PageForm("vog", VogIn, {}, frozenset({FamilyKind.steungezin})),
        PageForm(
            "competence",
            CompetenceIn,
            {"note": "competence_note"},
            frozenset({FamilyKind.steungezin}),
        ),
        PageForm("couple", CouplingIn, {}, frozenset({FamilyKind.vraaggezin})),
    )
}


COUPLING_FORMS = {
    form.name: form
    for form in (
        PageForm(
            "review",
            ReviewIn,
            {"note": "review_note", "search_again": "review_search_again"},
        ),
        PageForm(
            "end",
            CouplingStepIn,
            {"on": "ended_on", "note": "end_note"},
            fixed={"to": Phase.afgesloten.value},
        ),
    )
}
"""The forms of a coupling's page: a review (``services.add_review``) and ending the
coupling with a reason (``services.step``); core's coupling page takes the other steps."""


def family_url(family_id: int) -> str:
    return f"{BASE}/{family_id}"


def coupling_url(coupling_id: int) -> str:
    return f"{COUPLINGS}/{coupling_id}"


def _links(request: Request[Any, Any, Any]) -> dict[str, str]:
    """What every page of the plugin's own navigation needs (``_subnav.html``)."""
    return {
        "families_url": BASE,
        "couplings_url": COUPLINGS,
        "waiting_url": WAITING,
        "current_path": request.url.path,
    }


def actor_of(request: Request[Any, Any, Any]) -> str:
    return viewer_of(request).name or "coordinator"


def _vocabulary(names: Mapping[str, str]) -> list[tuple[str, str]]:
    # The vocabularies carry their Dutch labels (the sign-up API shows the same ones).
    return list(names.items())


def _defaults(family: Family, request: Request[Any, Any, Any]) -> dict[str, dict[str, Any]]:
    """What each form shows when it is opened."""
    today = date.today().isoformat()
    return {
        "visit": {"visited_on": today},
        "intake": {
            "support_needed": family.support_needed or "",
            "upbringing_important": family.upbringing_important or "",
            "expectations": family.expectations or "",
            "gives_back": family.gives_back or "",
            "upbringing_views": list(family.upbringing_views),
            "expected_support": list(family.support_kinds),
        },
        "complete": {"completed_on": today},
        "vog": {},
        "competence": {"checked_on": today, "checked_by": actor_of(request)},
        "couple": {"kennismaking_on": today},
    }


# --- the pages ---------------------------------------------------------------------------


def families_page(
    request: Request[Any, Any, Any], tenant: TenantRuntime, session: Session
) -> Response[Any]:
    """One page of the families (``?pagina=``, PAGE_SIZE a page, as core's requests list),
    read with one query for what the rows show (``services.family_rows``)."""
    _ = gettext_for(request)
    raw = request.query_params.get(KIND_FILTER) or ""
    kind = FamilyKind(raw) if raw in FamilyKind.__members__ else None
    page_raw = request.query_params.get(PAGE_PARAM, "1")
    page = int(page_raw) if page_raw.isdigit() and int(page_raw) > 0 else 1
    found, total = services.family_rows(session, tenant, kind, page=page, page_size=PAGE_SIZE)
    rows = [
        {
            "family": row,
            "missing": [translate(m, _) for m in row.missing],
            "waiting_for": _waiting_for(row, row.missing, _),
            "standing": _standing(row, _),
        }
        for row in found
    ]
    note_families(session, [row.id for row in found])
    return render(
        request,
        "buurtgezinnen/families.html",
        {
            "page_title": _("Buurtgezinnen: families"),
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
            "page_param": PAGE_PARAM,
            "kind": kind.value if kind else "",
            "filter_name": KIND_FILTER,
            "base": BASE,
            **_links(request),
        },
    )


def _standing(out: FamilyOut | services.FamilyRow, _: Callable[[str], str]) -> str:
    """Where the family stands, in a word or two (beside a vraaggezin's request status)."""
    if out.stopped_on is not None:
        return _("Stopped on %(date)s") % {"date": nl_date(out.stopped_on)}
    if out.running_couplings:
        return _("In a coupling")
    if out.ready_for_matching:
        return _("Ready for matching")
    return _("Not ready for matching yet")


def _waiting_for(
    out: FamilyOut | services.FamilyRow,
    missing: Sequence[UserMessage],
    _: Callable[[str], str],
) -> str | None:
    """Why a family with nothing missing is still not ready for matching: a vraaggezin
    whose intake is not completed, or whose request is not open (closed, cancelled)."""
    if out.ready_for_matching or missing or out.running_couplings:
        return None
    if out.kind is FamilyKind.vraaggezin and out.intake_completed_on is None:
        return _("completing the intake")
    if out.request_status is not None:
        return _("The request is %(status)s.") % {"status": out.request_status}
    return None


def family_page(
    request: Request[Any, Any, Any],
    tenant: TenantRuntime,
    session: Session,
    family_id: int,
    *,
    failed: tuple[str, FormState] | None = None,
    refused: Sequence[str] = (),
    status_code: int = 200,
) -> Response[Any]:
    """The family page; ``failed`` is the form that was sent and refused (shown with
    its errors and what was typed), ``refused`` what a service said about it."""
    _ = gettext_for(request)
    family = services.get_family(session, family_id)
    missing = services.missing_for_matching(session, tenant, family)
    out = services.family_out(session, tenant, family, missing)
    couplings = [
        services.coupling_out(session, c) for c in services.list_couplings(session, None, family_id)
    ]
    note_families(session, [family_id])
    note_couplings(session, [c.id for c in couplings])
    suggestions = _suggestions(session, tenant, family, out)
    defaults = _defaults(family, request)
    forms = {
        name: FormState(values=defaults[name], token=new_form_token())
        for name, form in FORMS.items()
        if family.kind in form.kinds
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render(
        request,
        "buurtgezinnen/family.html",
        {
            "page_title": out.name,
            "f": out,
            "family": family,
            "missing": [translate(m, _) for m in missing],
            "waiting_for": _waiting_for(out, missing, _),
            "standing": _standing(out, _),
            "couplings": couplings,
            "suggestions": suggestions,
            "forms": forms,
            "failed": failed[0] if failed else None,
            "refused": list(refused),
            "upbringing_views": _vocabulary(UPBRINGING_VIEWS),
            "support_kinds": _vocabulary(SUPPORT_KINDS),
            "base": BASE,
            "couplings_url": COUPLINGS,
        },
        status_code=status_code,
    )


def _suggestions(
    session: Session, tenant: TenantRuntime, family: Family, out: FamilyOut
) -> list[tuple[int, Any]] | None:
    """A vraaggezin without a running coupling: the steungezinnen core's matching suggests
    (``services.suggestions_for``), each with its family's id; None for other families."""
    if family.kind is not FamilyKind.vraaggezin or out.running_couplings:
        return None
    found = services.suggestions_for(session, tenant, family.id or 0)
    helper_ids = [s.helper.id for s in found.suggestions]
    note_helpers(session, helper_ids)
    family_of = {
        helper_id: int(family_id or 0)
        for family_id, helper_id in session.exec(
            select(Family.id, Family.helper_id).where(col(Family.helper_id).in_(helper_ids))
        ).all()
    }
    return [(family_of[s.helper.id], s) for s in found.suggestions if s.helper.id in family_of]


def _input(form: PageForm, values: Mapping[str, Any], actor: str) -> dict[str, Any]:
    """The service's input from the form's fields: blanks are left out (the service's
    defaults apply), the acting coordinator is named where the service records one."""
    inputs = {form.rename.get(f, f): f for f in form.model.model_fields}
    data: dict[str, Any] = dict(form.fixed)
    for input_name, name in inputs.items():
        if name in form.fixed:
            continue
        if name in ("visited_by", "actor"):
            data[name] = actor
        elif name in ("upbringing_views", "expected_support"):
            data[name] = as_list(values.get(input_name))
        else:
            value = values.get(input_name)
            if isinstance(value, str) and value.strip():
                data[name] = value
    return data


class FamilyPages(Controller):
    path = BASE

    @get("/", sync_to_thread=True, name="buurtgezinnen-families")
    def families(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        return families_page(request, tenant, db_session)

    @get("/{family_id:int}", sync_to_thread=True, name="buurtgezinnen-family")
    def family(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        family_id: FromPath[int],
    ) -> Response[Any]:
        return family_page(request, tenant, db_session, family_id)

    async def _submit(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantRuntime,
        session: Session,
        family_id: int,
        name: str,
        store: Callable[[Any], object],
        extra: Mapping[str, str] | None = None,
    ) -> Response[Any]:
        form_def = FORMS[name]
        form = await posted_form(request)

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            return family_page(
                request,
                tenant,
                session,
                family_id,
                failed=(name, form),
                refused=refused,
                status_code=status,
            )

        if form.expired:
            return await in_thread(lambda: page(400))
        data = validate(
            form_def.model,
            _input(form_def, {**form.values, **(extra or {})}, actor_of(request)),
            form,
            gettext_for(request),
            field_messages=FIELD_MESSAGES,
            rename=form_def.rename,
        )
        if data is None:
            return await in_thread(lambda: page(422))

        def work() -> str:
            family = services.get_family(session, family_id)
            if family.kind not in form_def.kinds:  # the page offers no such form
                raise NotFound(f"family {family_id} is a {family.kind.value}")
            stored = store(data)
            note_families(session, [family_id])
            return stored if isinstance(stored, str) else family_url(family_id)

        return await store_form(
            request, session, form, work, page, service_messages=SERVICE_MESSAGES
        )

    @post("/{family_id:int}/bezoeken", name="buurtgezinnen-visit")
    async def visit(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        family_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            tenant,
            db_session,
            family_id,
            "visit",
            lambda data: services.add_visit(db_session, tenant, family_id, data),
        )

    @post("/{family_id:int}/intakevragen", name="buurtgezinnen-intake")
    async def intake(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        family_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            tenant,
            db_session,
            family_id,
            "intake",
            lambda data: services.record_intake(db_session, family_id, data),
        )

    @post("/{family_id:int}/intake-afronden", name="buurtgezinnen-intake-complete")
    async def complete_intake(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        family_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            tenant,
            db_session,
            family_id,
            "complete",
            lambda data: services.complete_intake(db_session, tenant, family_id, data),
        )

    @post("/{family_id:int}/vog", name="buurtgezinnen-vog")
    async def vog(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        family_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            tenant,
            db_session,
            family_id,
            "vog",
            lambda data: services.record_vog(db_session, tenant, family_id, data),
        )

    @post("/{family_id:int}/competentiecheck", name="buurtgezinnen-competence")
    async def competence(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        family_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            tenant,
            db_session,
            family_id,
            "competence",
            lambda data: services.record_competence(db_session, family_id, data),
        )

    @post("/{family_id:int}/koppelen", name="buurtgezinnen-couple")
    async def couple(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        family_id: FromPath[int],
    ) -> Response[Any]:
        """Couple the vraaggezin with one of the suggested steungezinnen; to the new
        coupling's page."""

        def store(data: Any) -> str:
            coupling = services.create_coupling(db_session, tenant, data)
            note_couplings(db_session, [coupling.id or 0])
            # A fragment of its own: the browser would keep the form's #koppelen otherwise.
            return coupling_url(coupling.id or 0) + MAIN

        return await self._submit(
            request,
            tenant,
            db_session,
            family_id,
            "couple",
            store,
            extra={"vraaggezin_id": str(family_id)},
        )


def couplings_page(request: Request[Any, Any, Any], session: Session) -> Response[Any]:
    """Every coupling, the running ones first (what is due soonest on top), then the
    ended ones (most recently ended first)."""
    _ = gettext_for(request)
    couplings = [services.coupling_out(session, c) for c in services.list_couplings(session)]
    note_couplings(session, [c.id for c in couplings])
    running = [c for c in couplings if c.phase is not Phase.afgesloten]
    running.sort(key=lambda c: (_next_date(c) or date.max, c.id))
    ended = [c for c in couplings if c.phase is Phase.afgesloten]
    ended.sort(key=lambda c: (c.ended_on or date.min, c.id), reverse=True)
    return render(
        request,
        "buurtgezinnen/couplings.html",
        {
            "page_title": _("Buurtgezinnen: couplings"),
            "running": running,
            "ended": ended,
            "end_reasons": _end_reasons(_),
            "today": date.today(),
            **_links(request),
        },
    )


def _next_date(coupling: CouplingOut) -> date | None:
    """The date the coordinator plans by next: the end of the trial, else the review."""
    if coupling.phase is Phase.proefperiode:
        return coupling.trial_ends_on
    return coupling.next_review_on


def _end_reasons(_: Callable[[str], str]) -> dict[str, str]:
    return {reason: _(label) for reason, label in END_REASONS.items()}


def coupling_page(
    request: Request[Any, Any, Any],
    session: Session,
    coupling_id: int,
    *,
    failed: tuple[str, FormState] | None = None,
    refused: Sequence[str] = (),
    status_code: int = 200,
) -> Response[Any]:
    """One coupling: both families, its history (the phase dates), the reviews, and the
    forms for what the plugin does itself (a review, ending the coupling with a reason);
    the steps core's coupling page takes are linked there."""
    _ = gettext_for(request)
    out = services.coupling_out(session, services.get_coupling(session, coupling_id))
    note_couplings(session, [coupling_id])
    today = date.today().isoformat()
    offered = {
        "review": out.phase is Phase.actief,
        "end": out.phase is not Phase.afgesloten,
    }
    defaults: dict[str, dict[str, Any]] = {"review": {"held_on": today}, "end": {"ended_on": today}}
    forms = {
        name: FormState(values=defaults[name], token=new_form_token())
        for name, shown in offered.items()
        if shown
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    reasons = list(_end_reasons(_).items())
    return render(
        request,
        "buurtgezinnen/coupling.html",
        {
            "page_title": _("Coupling %(id)s: %(vraaggezin)s and %(steungezin)s")
            % {"id": out.id, "vraaggezin": out.vraaggezin, "steungezin": out.steungezin},
            "c": out,
            "core_steps": [s for s in out.next_steps if s != Phase.afgesloten.value],
            "end_reasons": _end_reasons(_),
            "forms": forms,
            "failed": failed[0] if failed else None,
            "refused": list(refused),
            "continue_options": [
                ("", _("Choose yes or no")),
                ("true", _("Yes, continue")),
                ("false", _("No, stop")),
            ],
            "review_reasons": [("", _("No reason: both families continue")), *reasons],
            "end_reason_options": [("", _("Choose a reason")), *reasons],
            **_links(request),
        },
        status_code=status_code,
    )


class CouplingPages(Controller):
    path = COUPLINGS

    @get("/", sync_to_thread=True, name="buurtgezinnen-couplings")
    def couplings(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        return couplings_page(request, db_session)

    @get("/{coupling_id:int}", sync_to_thread=True, name="buurtgezinnen-coupling")
    def coupling(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        coupling_id: FromPath[int],
    ) -> Response[Any]:
        return coupling_page(request, db_session, coupling_id)

    async def _submit(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        coupling_id: int,
        name: str,
        store: Callable[[Any], object],
    ) -> Response[Any]:
        form_def = COUPLING_FORMS[name]
        form = await posted_form(request)

        def page(status: int, refused: Sequence[str] = ()) -> Response[Any]:
            form_def.errors_by_input(form)
            return coupling_page(
                request,
                session,
                coupling_id,
                failed=(name, form),
                refused=refused,
                status_code=status,
            )

        if form.expired:
            return await in_thread(lambda: page(400))
        data = validate(
            form_def.model,
            _input(form_def, form.values, actor_of(request)),
            form,
            gettext_for(request),
            field_messages=FIELD_MESSAGES,
            rename=form_def.rename,
        )
        if data is None:
            return await in_thread(lambda: page(422))

        def work() -> str:
            store(data)
            note_couplings(session, [coupling_id])
            return coupling_url(coupling_id)

        return await store_form(
            request, session, form, work, page, service_messages=form_def.service_messages()
        )

    @post("/{coupling_id:int}/evaluaties", name="buurtgezinnen-review")
    async def review(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        coupling_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            db_session,
            coupling_id,
            "review",
            lambda data: services.add_review(db_session, tenant, coupling_id, data),
        )

    @post("/{coupling_id:int}/beeindigen", name="buurtgezinnen-end")
    async def end(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        coupling_id: FromPath[int],
    ) -> Response[Any]:
        return await self._submit(
            request,
            db_session,
            coupling_id,
            "end",
            lambda data: services.step(db_session, tenant, coupling_id, data),
        )


STEUNGEZIN_STANDING = {
    "beschikbaar": "available",
    "intake": "competence check not done yet",
}
"""A free steungezin's standing on the waiting list (``figures.waiting_list``'s status)
as a coordinator reads it (English message ids)."""


def waiting_page(
    request: Request[Any, Any, Any], tenant: TenantRuntime, session: Session
) -> Response[Any]:
    """The waiting list the API's ``waiting-list`` route returns: the vraaggezinnen
    waiting for a steungezin and the steungezinnen without a family, the longest waiting
    first, each linked to its family page."""
    _ = gettext_for(request)
    waiting = figures.waiting_list(session, tenant, date.today())
    note_families(session, [w.family_id for w in waiting.vraaggezinnen])
    note_families(session, [w.family_id for w in waiting.steungezinnen])
    return render(
        request,
        "buurtgezinnen/waiting.html",
        {
            "page_title": _("Buurtgezinnen: waiting list"),
            "waiting": waiting,
            "steungezin_standing": {k: _(v) for k, v in STEUNGEZIN_STANDING.items()},
            **_links(request),
        },
    )


class WaitingPages(Controller):
    path = WAITING

    @get("/", sync_to_thread=True, name="buurtgezinnen-waiting-list")
    def waiting(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        return waiting_page(request, tenant, db_session)


def router() -> Router:
    """The pages, for the ``route_handlers`` hook (core's page router: the CSRF token
    as a form field, Dutch error pages, the login page for a visitor not logged in)."""
    return pages_router([FamilyPages, CouplingPages, WaitingPages], roles=ROLES)
