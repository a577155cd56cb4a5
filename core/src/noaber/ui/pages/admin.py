"""Municipality administration: users and roles, programme settings, reports and exports.

The reports page and its exports are open to coordinators too, limited to their
programmes' tables and the municipality-wide tables without case detail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from pydantic import BaseModel
from sqlmodel import Session, col, select

from noaber.errors import Forbidden, NotFound
from noaber.requests.types import request_types_of
from noaber.ui import accounts
from noaber.ui.charts import bar_chart
from noaber.ui.contrib import ReportTable
from noaber.ui.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, to_csv, to_xlsx
from noaber.ui.identity import Viewer, viewer_of
from noaber.ui.pages.common import ROLE_NAMES
from noaber.ui.queries import all_reports
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import COORDINATION, names_no_one, redirect, roles
from noaber.web.dependencies import CurrentTenant, DbSession


def _settings_rows(settings: BaseModel | None) -> list[tuple[str, str, str]]:
    if settings is None:
        return []
    fields = type(settings).model_fields
    return [
        (name, str(value), fields[name].description or "")
        for name, value in settings.model_dump(mode="json").items()
    ]


class AdminPages(Controller):
    path = "/beheer"
    opt = roles("municipality_admin")

    @get("/programmas", sync_to_thread=False, name="ui-programmes")
    def programmes(self, request: Request[Any, Any, Any], tenant: CurrentTenant) -> Response[Any]:
        _ = gettext_for(request)
        municipality = tenant.municipality
        return render(
            request,
            "admin/programmes.html",
            {
                "page_title": _("Programmes"),
                "programmes": [
                    (name, _settings_rows(municipality.plugin_settings[name]))
                    for name in sorted(municipality.enabled_plugins)
                ],
                "types": list(request_types_of(tenant.plugins)),
                "matching": municipality.config.matching,
            },
        )

    @get("/gebruikers", sync_to_thread=True, name="ui-users")
    def users(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        _ = gettext_for(request)
        return render(
            request,
            "admin/users.html",
            {
                "page_title": _("Users and roles"),
                "accounts": list_accounts(db_session),
                "role_names": ROLE_NAMES,
                "reset": request.query_params.get("hersteld", ""),
            },
        )

    @post(
        "/gebruikers/{account_id:int}/tweestapsverificatie",
        sync_to_thread=True,
        opt={
            "purpose": "account administration",
            "object_type": "account",
            **names_no_one(
                "a staff account's second factor removed (a lost phone): the account is the "
                "entry's object (a resident's account names its person)"
            ),
        },
        name="ui-user-totp-reset",
    )
    def reset_totp(self, db_session: DbSession, account_id: FromPath[int]) -> Response[Any]:
        """A lost phone: remove the account's two-step verification (it enrols again at
        its next login) and end its sessions."""
        services = accounts.module("noaber.accounts.services")
        if services is None:
            raise NotFound("no accounts in this installation")
        account = services.get_account(db_session, account_id)
        accounts.note_object("account", account_id)
        accounts.note_subjects([account.person_id])
        services.remove_totp(account)
        return redirect(f"/beheer/gebruikers?hersteld={account_id}")

    @get("/rapportages", sync_to_thread=True, name="ui-reports", opt=roles(*COORDINATION))
    def reports(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        programme = request.query_params.get("programma") or ""
        visible = visible_reports(viewer_of(request), all_reports(db_session, tenant, _))
        tables = [t for t in visible if not programme or t.programme in (None, programme)]
        colour = tenant.municipality.config.branding.primary_colour
        charts = {
            t.name: bar_chart(
                t.title,
                [row[0] for row in t.rows],
                [row[t.chart_column] for row in t.rows],
                colour,
            )
            for t in tables
            if t.chart == "bar" and t.rows
        }
        return render(
            request,
            "admin/reports.html",
            {
                "page_title": _("Reports"),
                "tables": tables,
                "charts": charts,
                "programmes": sorted({t.programme for t in visible if t.programme}),
                "programme": programme,
            },
        )

    @get(
        "/rapportages/{name:str}",
        sync_to_thread=True,
        name="ui-report-export",
        opt=roles(*COORDINATION),
    )
    def export(
        self,
        request: Request[Any, Any, Any],
        tenant: CurrentTenant,
        db_session: DbSession,
        name: FromPath[str],
    ) -> Response[bytes]:
        stem, _dot, extension = name.rpartition(".")
        if extension not in ("csv", "xlsx"):
            raise NotFound(f"no export {name}")
        tables = {t.name: t for t in all_reports(db_session, tenant, gettext_for(request))}
        table = tables.get(stem)
        if table is None:
            raise NotFound(f"no report {stem}")
        if not visible_reports(viewer_of(request), [table]):
            raise Forbidden(f"report {stem} is for another programme's coordinators")
        filename = f"{tenant.slug}-{stem}.{extension}"
        body, media = (
            (to_csv(table), CSV_MEDIA_TYPE)
            if extension == "csv"
            else (to_xlsx(table), XLSX_MEDIA_TYPE)
        )
        return Response(
            body,
            media_type=media,
            headers={"content-disposition": f'attachment; filename="{filename}"'},
        )


def visible_reports(viewer: Viewer, tables: Sequence[ReportTable]) -> list[ReportTable]:
    """The report tables ``viewer`` may see: all for a municipality admin; for a
    coordinator the tables of the programmes they coordinate and the municipality-wide
    tables without case detail."""
    if viewer.is_admin:
        return list(tables)
    return [
        t
        for t in tables
        if (not t.case_detail if t.programme is None else viewer.may_use(t.programme))
    ]


def list_accounts(session: Session) -> list[dict[str, Any]] | None:
    """The municipality's accounts, their roles and programmes (as ``GET /api/accounts``);
    None without the accounts layer."""
    controllers = accounts.module("noaber.accounts.controllers")
    models = accounts.module("noaber.accounts.models")
    if controllers is None or models is None:
        return None
    account = models.Account
    rows = session.exec(select(account).order_by(col(account.display_name))).all()
    return [controllers.account_out(a).model_dump() for a in rows]
