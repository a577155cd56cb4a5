"""The families list and one family's page with its forms: visits, a vraaggezin's intake
questions and completing its intake, a steungezin's VOG and competence check, coupling."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from sqlmodel import Session, col, select

from noaber.clock import dutch_today
from noaber.errors import NotFound, UserMessage
from noaber.platform import TenantRuntime
from noaber.ui.forms import FormState, new_form_token, posted_form, store_form, validate
from noaber.ui.i18n import nl_date, translate
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, page_number, pages_of
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber_buurtgezinnen import services
from noaber_buurtgezinnen.models import Family, FamilyKind
from noaber_buurtgezinnen.pages.common import (
    BASE,
    COUPLINGS,
    FIELD_MESSAGES,
    MAIN,
    SERVICE_MESSAGES,
    PageForm,
    _input,
    _links,
    actor_of,
    coupling_url,
    family_url,
)
from noaber_buurtgezinnen.privacy import note_couplings, note_families, note_helpers
from noaber_buurtgezinnen.schemas import (
    CompetenceIn,
    CouplingIn,
    FamilyOut,
    IntakeDoneIn,
    IntakeIn,
    VisitIn,
    VogIn,
)
from noaber_buurtgezinnen.vocabulary import SUPPORT_KINDS, UPBRINGING_VIEWS

KIND_FILTER = "soort"
"""The list's query parameter: ``vraaggezin`` or ``steungezin`` (anything else: all)."""
PAGE_PARAM = "pagina"
PAGE_SIZE = 25
"""Families a page of the families list shows (as core's requests list)."""

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


def _vocabulary(names: Mapping[str, str]) -> list[tuple[str, str]]:
    # The vocabularies carry their Dutch labels (the sign-up API shows the same ones).
    return list(names.items())


def _defaults(family: Family, request: Request[Any, Any, Any]) -> dict[str, dict[str, Any]]:
    """What each form shows when it is opened."""
    today = dutch_today().isoformat()
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


def families_page(
    request: Request[Any, Any, Any], tenant: TenantRuntime, session: Session
) -> Response[Any]:
    """One page of the families (``?pagina=``, PAGE_SIZE a page, as core's requests list),
    read with one query for what the rows show (``services.family_rows``)."""
    _ = gettext_for(request)
    raw = request.query_params.get(KIND_FILTER) or ""
    kind = FamilyKind(raw) if raw in FamilyKind.__members__ else None
    page = page_number(request, PAGE_PARAM)
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
            "pages": pages_of(total, PAGE_SIZE),
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
    couplings = services.couplings_out(session, services.list_couplings(session, None, family_id))
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
            return stored if isinstance(stored, str) else family_url(family_id)

        # Before the write: a refused one, and a repeated submit that is only sent where
        # the first went (``work`` does not run again), are logged with the family too
        # (and with the steungezin a coupling form chose).
        families = [family_id, data.steungezin_id if isinstance(data, CouplingIn) else None]
        await in_thread(lambda: note_families(session, families))
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
