"""Two-step verification in the interface: enrolling an authenticator app at the first
login of a staff account, and re-enrolling (a new phone) from the account's settings.

Staff roles must use TOTP (``noaber.accounts.roles.MFA_ROLES``). A staff account
without it that logs in has a session whose second factor is not done: every other
page refuses it (the accounts guard) and the interface sends it here. The secret is
shown as a QR code and as text; the first code from the app confirms it. Re-enrolment
asks for the current password first and keeps the new secret in the (server-side)
session until a code from the new app confirms it; then every other session ends.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post

from noaber.errors import InvalidInput
from noaber.ui.forms import FormState, read_form
from noaber.ui.pages.login import (
    ENROL_PATH,
    LANDING,
    MFA_KEY,
    MFA_OPTIONAL,
    ROLES,
    TENANT_ROLES,
    _account,
    _layer,
    safe_next,
)
from noaber.ui.qr import qr_svg
from noaber.ui.templating import gettext_for, render
from noaber.ui.web import in_thread, names_no_one, redirect
from noaber.web.dependencies import DbSession

SETTINGS_PATH = "/instellingen/tweestapsverificatie"
PENDING_KEY = "totp_pending"
"""Session key of a re-enrolment's new secret, until a code confirms it."""

# Access log: these pages touch the account only (no personal data of residents).
ACCOUNT_OPT = {"purpose": "authentication", "object_type": "account"}
OWN_SECOND_FACTOR = names_no_one("the actor's own second factor")


def _note_account(account: Any) -> None:
    access_log = _layer()[3]
    if account is not None and account.id is not None:
        access_log.note_object("account", account.id)


def _session_data(request: Request[Any, Any, Any]) -> dict[str, Any]:
    data = request.scope.get("session")
    return dict(data) if isinstance(data, dict) else {}


def _landing(account: Any, next_value: Any) -> str:
    return safe_next(next_value) or LANDING.get(str(account.role), "/")


class TwoFactorPages(Controller):
    path = "/"
    opt = {ROLES: TENANT_ROLES, **ACCOUNT_OPT}

    # Enrolment at the first login -------------------------------------------------

    def _enrol_page(
        self,
        request: Request[Any, Any, Any],
        account: Any,
        secret: str,
        form: FormState,
        *,
        action: str,
        heading: str,
        status: int = 200,
    ) -> Response[Any]:
        _ = gettext_for(request)
        services = _layer()[0]
        uri = services.totp_uri(account, secret)
        context: dict[str, Any] = {
            "page_title": heading,
            "heading": heading,
            "form": form,
            "action": action,
            "secret": secret,
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr": qr_svg(uri, _("QR code for your authenticator app")),
        }
        if not request.scope["state"].get(MFA_KEY):
            context["nav"] = []  # until the second factor is done, no links to pages that refuse
        return render(request, "account/totp_enrol.html", context, status_code=status)

    @get(
        ENROL_PATH,
        sync_to_thread=True,
        opt={MFA_OPTIONAL: True, "access_action": "read"},
        name="ui-totp-enrol",
    )
    def enrol_form(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        _ = gettext_for(request)
        services = _layer()[0]
        account = _account(db_session, request)
        _note_account(account)
        next_value = request.query_params.get("next", "")
        if account is None:
            return redirect("/inloggen")
        if account.totp_enabled:
            # Set up already: log in with a code, or change it in the settings.
            if request.scope["state"].get(MFA_KEY):
                return redirect(SETTINGS_PATH)
            return redirect("/inloggen")
        secret, _uri = services.begin_totp_enrolment(account, keep_pending=True)
        return self._enrol_page(
            request,
            account,
            secret,
            FormState(values={"next": next_value}),
            action=ENROL_PATH,
            heading=_("Set up two-step verification"),
        )

    @post(
        ENROL_PATH,
        opt={MFA_OPTIONAL: True, "access_action": "update", **OWN_SECOND_FACTOR},
        name="ui-totp-confirm",
    )
    async def enrol(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        _ = gettext_for(request)
        services, sessions, _models, _log = _layer()
        values = await read_form(request)
        code = str(values.get("code", "")).strip()
        form = FormState(values={"code": code, "next": values.get("next", "")})

        def confirm() -> tuple[Any, str | None]:
            account = _account(db_session, request)
            _note_account(account)
            if account is None or account.totp_enabled:
                return account, "done"
            if not code:
                form.errors["code"] = _("Enter the six-digit code from the app.")
            else:
                try:
                    services.confirm_totp_enrolment(account, code)
                except InvalidInput:
                    form.errors["code"] = _(
                        "The code is not correct. Check that the time on your phone is right "
                        "and enter the code that the app shows now."
                    )
            if form.errors:
                return account, None
            data = _session_data(request)
            data["mfa"] = True
            sessions.rotate(request, data)
            return account, "ok"

        account, outcome = await in_thread(confirm)
        if account is None:
            return redirect("/inloggen")
        if outcome == "done":
            return redirect(SETTINGS_PATH if request.scope["state"].get(MFA_KEY) else "/inloggen")
        if outcome == "ok":
            return redirect(_landing(account, values.get("next")))
        return self._enrol_page(
            request,
            account,
            str(account.totp_secret),
            form,
            action=ENROL_PATH,
            heading=_("Set up two-step verification"),
            status=422,
        )

    # Re-enrolment from the settings (with the current password) --------------------

    def _settings_page(
        self, request: Request[Any, Any, Any], account: Any, form: FormState, status: int = 200
    ) -> Response[Any]:
        _ = gettext_for(request)
        return render(
            request,
            "account/totp_settings.html",
            {
                "page_title": _("Two-step verification"),
                "form": form,
                "account": account,
                "done": request.query_params.get("gewijzigd") == "1",
            },
            status_code=status,
        )

    @get(SETTINGS_PATH, sync_to_thread=True, name="ui-totp-settings")
    def settings(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        account = _account(db_session, request)
        _note_account(account)
        return self._settings_page(request, account, FormState())

    @post(
        SETTINGS_PATH,
        opt={"access_action": "update", **OWN_SECOND_FACTOR},
        name="ui-totp-renew",
    )
    async def renew(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        """Step 1: the current password; then the new secret is shown (not yet active)."""
        _ = gettext_for(request)
        services = _layer()[0]
        values = await read_form(request)
        form = FormState()

        def check() -> tuple[Any, str | None]:
            account = _account(db_session, request)
            _note_account(account)
            password = str(values.get("password", ""))
            if not password:
                form.errors["password"] = _("Enter your current password.")
            else:
                outcome = services.check_password_login(account, password)  # counts failures
                if outcome.locked:
                    form.errors["password"] = _(
                        "This account is blocked for a while after too many attempts."
                    )
                elif not outcome.ok:
                    form.errors["password"] = _("The password is not correct.")
            if form.errors:
                return account, None
            secret = services.new_totp_secret()
            data = _session_data(request)
            data[PENDING_KEY] = secret
            request.set_session(data)
            return account, secret

        account, secret = await in_thread(check)
        if secret is None:
            return self._settings_page(request, account, form, status=422)
        return self._enrol_page(
            request,
            account,
            secret,
            form,
            action=SETTINGS_PATH + "/bevestigen",
            heading=_("Set up a new authenticator app"),
        )

    @post(
        SETTINGS_PATH + "/bevestigen",
        opt={"access_action": "update", **OWN_SECOND_FACTOR},
        name="ui-totp-replace",
    )
    async def replace(
        self, request: Request[Any, Any, Any], db_session: DbSession
    ) -> Response[Any]:
        """Step 2: a code from the new app replaces the secret; other sessions end."""
        _ = gettext_for(request)
        services, sessions, _models, _log = _layer()
        values = await read_form(request)
        code = str(values.get("code", "")).strip()
        form = FormState(values={"code": code})
        pending = _session_data(request).get(PENDING_KEY)

        def confirm() -> tuple[Any, bool]:
            account = _account(db_session, request)
            _note_account(account)
            if not isinstance(pending, str):
                return account, False
            if not code:
                form.errors["code"] = _("Enter the six-digit code from the app.")
                return account, False
            try:
                services.replace_totp(account, pending, code)
            except InvalidInput:
                form.errors["code"] = _(
                    "The code is not correct. Check that the time on your phone is right "
                    "and enter the code that the app shows now."
                )
                return account, False
            data = _session_data(request)
            data.pop(PENDING_KEY, None)
            data["epoch"] = account.session_epoch
            data["mfa"] = True
            sessions.rotate(request, data)
            return account, True

        account, ok = await in_thread(confirm)
        if ok:
            return redirect(SETTINGS_PATH + "?gewijzigd=1")
        if not isinstance(pending, str):  # no step 1 in this session: start again
            return redirect(SETTINGS_PATH)
        return self._enrol_page(
            request,
            account,
            pending,
            form,
            action=SETTINGS_PATH + "/bevestigen",
            heading=_("Set up a new authenticator app"),
            status=422,
        )
