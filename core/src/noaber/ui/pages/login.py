"""Logging in and out in the interface (Dutch pages over the accounts services)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from sqlmodel import Session

from noaber.errors import NotFound
from noaber.ui import accounts
from noaber.ui.contrib import ALL_ROLES
from noaber.ui.forms import FormState, read_form
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import PUBLIC, in_thread, names_no_one, redirect
from noaber.web.dependencies import CurrentTenant, DbSession
from noaber.web.shared_state import RateCounter, client_address

# Keys of the accounts layer (noaber.accounts.web), spelled out so this module imports
# without it.
PRINCIPAL_KEY = "noaber_principal"
MFA_KEY = "noaber_mfa_done"
MFA_OPTIONAL = "mfa_optional"
ROLES = "roles"
LOGIN_WINDOW_SECONDS = 15 * 60

ENROL_PATH = "/tweestapsverificatie"
"""Where a staff account without two-step verification sets it up (``twofactor.py``)."""
LANDING = {
    "municipality_admin": "/werk",
    "privacy_officer": "/privacy/logboek",
    "coordinator": "/werk",
    "professional": "/mijn/dossiers",
    "volunteer": "/mijn/klussen",
    "resident": "/mijn/aanvragen",
}
TENANT_ROLES = tuple(r for r in ALL_ROLES if r != "platform_admin")


def safe_next(value: Any) -> str | None:
    """Only a path on this host (no ``//other.host``, no scheme)."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
        return value if "\\" not in value else None
    return None


def _layer() -> tuple[Any, Any, Any, Any]:
    """services, sessions, models and the access log of the accounts layer (404 without)."""
    found = (
        accounts.module("noaber.accounts.services"),
        accounts.module("noaber.accounts.sessions"),
        accounts.module("noaber.accounts.models"),
        accounts.module("noaber.privacy.access_log"),
    )
    if any(m is None for m in found):
        raise NotFound("no accounts in this installation")
    return found


def _account(session: Session, request: Request[Any, Any, Any]) -> Any:
    principal = request.scope["state"].get(PRINCIPAL_KEY)
    if principal is None or principal.account_id is None:
        return None
    return session.get(_layer()[2].Account, principal.account_id)


def _enrol_url(next_value: Any) -> str:
    target = safe_next(next_value)
    return f"{ENROL_PATH}?next={quote(target)}" if target else ENROL_PATH


class LoginPages(Controller):
    path = "/"

    def _page(
        self, request: Request[Any, Any, Any], form: FormState, *, step: str, status: int = 200
    ) -> Response[Any]:
        _ = gettext_for(request)
        return render(
            request,
            "public/login.html",
            {"page_title": _("Sign in"), "form": form, "step": step},
            status_code=status,
        )

    @get("/inloggen", sync_to_thread=True, opt={**PUBLIC, MFA_OPTIONAL: True}, name="ui-login")
    def login_form(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        _layer()
        state = request.scope["state"]
        next_value = request.query_params.get("next", "")
        if state.get(PRINCIPAL_KEY) is not None and not state.get(MFA_KEY):
            account = _account(db_session, request)
            if account is not None and not account.totp_enabled:
                # Logged in with a password, but two-step verification is not set up:
                # nothing else until it is.
                return redirect(_enrol_url(next_value))
        step = (
            "code"
            if state.get(PRINCIPAL_KEY) is not None and not state.get(MFA_KEY)
            else "password"
        )
        return self._page(request, FormState(values={"next": next_value}), step=step)

    @post(
        "/inloggen",
        opt={
            **PUBLIC,
            "csrf_exempt": True,
            "action": "login",
            **names_no_one("the actor signs in: the entry's actor and object are the account"),
        },
        name="ui-login-submit",
    )
    async def login(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        services, sessions, _models, access_log = _layer()
        values = await read_form(request)
        form = FormState(values={"email": values.get("email", ""), "next": values.get("next", "")})
        platform = request.app.state.platform
        counter: RateCounter = request.app.state.login_counter
        key = f"{platform.settings.redis_namespace}:login:{tenant.slug}:{client_address(request.scope)}"
        hit = await counter.hit(key, LOGIN_WINDOW_SECONDS)
        if hit.count > platform.settings.login_attempts_per_window:
            form.general.append(_("Too many attempts. Please try again later."))
            return self._page(request, form, step="password", status=429)

        def check() -> tuple[str, Any]:
            account = services.find_account(db_session, str(values.get("email", "")))
            outcome = services.check_password_login(account, str(values.get("password", "")))
            if account is not None and account.id is not None:
                access_log.note_object("account", account.id)
            if outcome.locked:
                return "locked", None
            if not outcome.ok or account is None:
                return "invalid", None
            code = str(values.get("code", "")).strip()
            mfa_done = not services.needs_mfa(account)
            if not mfa_done and account.totp_enabled and code:
                if not services.verify_totp(account, code):
                    account.failed_logins += 1
                    return "code", None
                mfa_done = True
            assert account.id is not None
            sessions.rotate(
                request,
                sessions.new_session_data(
                    kind="account",
                    account_id=account.id,
                    epoch=account.session_epoch,
                    mfa=mfa_done,
                    tenant=tenant.slug,
                ),
            )
            account.last_login_at = services.utcnow()
            if mfa_done:
                return "ok", account
            return ("code_needed" if account.totp_enabled else "enrol"), account

        result, account = await in_thread(check)
        if result == "locked":
            form.general.append(_("This account is blocked for a while after too many attempts."))
            return self._page(request, form, step="password", status=429)
        if result == "invalid":
            form.general.append(_("E-mail address or password is not correct."))
            return self._page(request, form, step="password", status=401)
        if result == "code":
            form.errors["code"] = _("The code is not correct.")
            return self._page(request, form, step="password", status=401)
        if result == "code_needed":
            return self._page(request, form, step="code")
        if result == "enrol":
            return redirect(_enrol_url(values.get("next")))
        assert account is not None
        return redirect(safe_next(values.get("next")) or LANDING.get(account.role, "/"))

    @post(
        "/inloggen/code",
        opt={
            ROLES: TENANT_ROLES,
            MFA_OPTIONAL: True,
            **names_no_one("the actor's own second login step: only their own session changes"),
        },
        name="ui-login-code",
    )
    async def code(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, db_session: DbSession
    ) -> Response[Any]:
        _ = gettext_for(request)
        services, sessions, _models, _log = _layer()
        values = await read_form(request)
        form = FormState(values={"next": values.get("next", "")})

        def check() -> Any:
            account = _account(db_session, request)
            if account is None or not services.verify_totp(account, str(values.get("code", ""))):
                return None
            current = request.scope.get("session")
            data = dict(current) if isinstance(current, dict) else {}
            data["mfa"] = True
            sessions.rotate(request, data)
            return account

        account = await in_thread(check)
        if account is None:
            form.errors["code"] = _("The code is not correct.")
            return self._page(request, form, step="code", status=401)
        return redirect(safe_next(values.get("next")) or LANDING.get(account.role, "/"))

    @post(
        "/uitloggen",
        opt={
            ROLES: TENANT_ROLES,
            MFA_OPTIONAL: True,
            **names_no_one("the actor's own session ends"),
        },
        name="ui-logout",
    )
    async def logout(self, request: Request[Any, Any, Any]) -> Response[Any]:
        request.clear_session()
        return redirect("/")
