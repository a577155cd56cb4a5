"""Privacy supervision: the privacy officer's (functionaris gegevensbescherming) and the
municipality admin's pages — search the access log, carry out a data subject's rights
(export, erasure) and read the retention register.

The privacy officer reads no case data here: the access log and the register hold
references only, and the data-subject page shows a person's name (to confirm the right
person) with links to the export and an erasure form.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from sqlmodel import col, select

from noaber.errors import NotFound
from noaber.ui import accounts
from noaber.ui.forms import FormState, read_form
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, redirect, roles
from noaber.web.dependencies import CurrentTenant, DbSession

PAGE_SIZE = 100
SUPERVISION = {"purpose": "privacy supervision"}
RIGHTS = {"purpose": "data-subject rights"}


def _privacy() -> tuple[Any, Any]:
    """The privacy layer's models and subject services (404 without them)."""
    models = accounts.module("noaber.privacy.models")
    subject = accounts.module("noaber.privacy.subject")
    if models is None or subject is None:
        raise NotFound("no privacy layer in this installation")
    return models, subject


def _int_or_none(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


class PrivacyPages(Controller):
    path = "/privacy"
    opt = roles("municipality_admin", "privacy_officer")

    @get("/logboek", sync_to_thread=True, opt={**SUPERVISION, "object_type": "access_log"})
    def access_log(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        _ = gettext_for(request)
        _privacy()
        log = accounts.module("noaber.privacy.access_log")
        assert log is not None  # with the privacy layer (checked above)
        query = request.query_params
        form = FormState(values={name: query.get(name, "") for name in log.SEARCH_FILTERS})
        filters: dict[str, Any] = {}
        for name in log.SEARCH_FILTERS:
            value = str(query.get(name, "") or "").strip()
            if not value:
                continue
            if name == "subject_person_id":
                filters[name] = _int_or_none(value)
                if filters[name] is None:
                    form.errors[name] = _("Enter a whole number.")
            else:
                filters[name] = value[:200]
        rows = db_session.exec(log.search(filters).limit(PAGE_SIZE + 1)).all()
        return render(
            request,
            "privacy/access_log.html",
            {
                "page_title": _("Access log"),
                "form": form,
                "entries": rows[:PAGE_SIZE],
                "more": len(rows) > PAGE_SIZE,
                "page_size": PAGE_SIZE,
            },
            status_code=422 if form.errors else 200,
        )

    @get("/bewaarregister", sync_to_thread=True, opt={**SUPERVISION, "object_type": "removal"})
    def retention_register(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        models, _subject = _privacy()
        register = models.RemovalRegister
        rows = db_session.exec(
            select(register).order_by(col(register.id).desc()).limit(PAGE_SIZE)
        ).all()
        months = tenant.municipality.config.retention_months
        return render(
            request,
            "privacy/retention_register.html",
            {
                "page_title": _("Retention register"),
                "rows": rows,
                "periods": sorted(dict(months).items()) if months else [],
            },
        )

    @get("/betrokkenen", sync_to_thread=True, opt=RIGHTS)
    def subject_lookup(
        self, request: Request[Any, Any, Any], db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        value = request.query_params.get("persoon", "")
        form = FormState(values={"persoon": value})
        person = None
        if value:
            number = _int_or_none(value)
            person = None if number is None else _person_name(db_session, number)
            if person is None:
                form.errors["persoon"] = _("There is no person with this number.")
            else:
                accounts.note_subjects([number])
        return render(
            request,
            "privacy/subject.html",
            {"page_title": _("Data-subject rights"), "form": form, "person": person},
            status_code=422 if form.errors else 200,
        )

    @post(
        "/betrokkenen/{person_id:int}/wissen",
        opt={**RIGHTS, "access_action": "erase", "object_type": "person"},
    )
    async def erase(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        person_id: FromPath[int],
    ) -> Response[Any]:
        _ = gettext_for(request)
        _models, subject = _privacy()
        values = await read_form(request)
        reason = str(values.get("reason", "")).strip()
        form = FormState(values={"persoon": str(person_id), "reason": reason})
        access = accounts.module("noaber.accounts.access")

        def run() -> dict[str, Any] | None:
            person = _person_name(db_session, person_id)
            if person is None:
                raise NotFound(f"No person {person_id}.")
            if not reason:
                form.errors["reason"] = _("Give the reason (for example the date of the request).")
            elif len(reason) > 200:
                form.errors["reason"] = _("This text is too long.")
            if form.errors:
                return person
            principal = access.current_principal() if access is not None else None
            subject.erase_person(
                db_session, tenant.plugins, person_id, principal=principal, reason=reason
            )
            return None

        person = await in_thread(run)
        if person is None:
            return redirect("/privacy/bewaarregister")
        return render(
            request,
            "privacy/subject.html",
            {"page_title": _("Data-subject rights"), "form": form, "person": person},
            status_code=422,
        )


def _person_name(session: Any, person_id: int) -> dict[str, Any] | None:
    """Only what the privacy officer needs to confirm the person: number and name."""
    from noaber.people.models import Person

    person = session.get(Person, person_id)
    if person is None:
        return None
    name = " ".join(p for p in (person.given_name, person.family_name) if p)
    return {"id": person.id, "name": name}
