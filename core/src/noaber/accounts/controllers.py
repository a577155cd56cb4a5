"""Login, logout, two-factor, password change and reset; account administration."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect
from pydantic import BaseModel, Field
from sqlmodel import col, select

from noaber.accounts import oidc, passwords, services
from noaber.accounts.mail import Mail, Mailer, MailNotSent
from noaber.accounts.models import Account, PlatformAdmin
from noaber.accounts.roles import TENANT_ROLES, Principal, Role
from noaber.accounts.sessions import clock, new_session_data, rotate
from noaber.accounts.web import (
    MFA_OPTIONAL,
    OWN_SECOND_FACTOR,
    OWN_SESSION_ENDS,
    PRINCIPAL_KEY,
    PUBLIC,
    ROLES,
    SIGNS_IN,
    STAFF_ACCOUNT,
)
from noaber.clock import utcnow
from noaber.errors import NotFound, ServiceUnavailable, Unauthorized
from noaber.platform import Platform
from noaber.privacy.access_log import note_object, note_subjects
from noaber.privacy.web import ACTION, NAMES_NO_ONE, OBJECT_TYPE, PURPOSE
from noaber.web.dependencies import (
    PLATFORM_ROUTE,
    CurrentMailer,
    CurrentPlatform,
    CurrentTenant,
    DbSession,
    MaybeTenant,
)
from noaber.web.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from noaber.web.params import PageNumber, PageSize
from noaber.web.problems import problem
from noaber.web.shared_state import RateCounter, client_address

EVERYONE = tuple(str(r) for r in (*TENANT_ROLES, Role.platform_admin))
LOGIN_WINDOW_SECONDS = 15 * 60
GENERIC_FAILURE = "E-mailadres of wachtwoord onjuist."

AUTH_OPT = {PURPOSE: "authentication", OBJECT_TYPE: "account"}


class LoginIn(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    totp_code: str | None = Field(default=None, max_length=10)


class CodeIn(BaseModel):
    code: str = Field(min_length=6, max_length=10)


class LogoutIn(BaseModel):
    everywhere: bool = False


class PasswordChangeIn(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class ResetRequestIn(BaseModel):
    email: str = Field(min_length=3, max_length=254)


class ResetConfirmIn(BaseModel):
    token: str = Field(min_length=10, max_length=200)
    password: str = Field(min_length=1, max_length=1024)


class SessionOut(BaseModel):
    authenticated: bool
    status: str
    role: str | None = None
    display_name: str | None = None
    programmes: list[str] = []
    csrf_token: str | None = None


def _session_data(request: Request[Any, Any, Any]) -> dict[str, Any]:
    data = request.scope.get("session")
    return dict(data) if isinstance(data, dict) else {}


def _status(account: Account | PlatformAdmin, mfa_done: bool) -> str:
    if mfa_done or not services.needs_mfa(account):
        return "ok"
    return "totp_required" if account.totp_enabled else "totp_enrolment_required"


def _session_out(request: Request[Any, Any, Any], account: Account | PlatformAdmin) -> SessionOut:
    data = _session_data(request)
    role = "platform_admin" if isinstance(account, PlatformAdmin) else account.role
    programmes = [] if isinstance(account, PlatformAdmin) else list(account.programmes)
    return SessionOut(
        authenticated=True,
        status=_status(account, bool(data.get("mfa"))),
        role=role,
        display_name=account.display_name,
        programmes=programmes,
        csrf_token=data.get("csrf"),
    )


def _session_account(request: Request[Any, Any, Any], db_session: Any) -> Account | PlatformAdmin:
    principal: Principal | None = request.scope["state"].get(PRINCIPAL_KEY)
    if principal is None or principal.account_id is None:
        raise Unauthorized("Log in first.", login="required")
    account: Account | PlatformAdmin | None
    if principal.role is Role.platform_admin:
        account = db_session.get(PlatformAdmin, principal.account_id)
    else:
        account = db_session.get(Account, principal.account_id)
    if account is None:
        raise Unauthorized("Log in first.", login="required")
    return account


class AuthController(Controller):
    path = "/api/auth"
    tags = ["accounts"]
    opt = {PLATFORM_ROUTE: True, **AUTH_OPT}

    @post(
        "/login",
        opt={PUBLIC: True, ACTION: "login", NAMES_NO_ONE: SIGNS_IN},
        status_code=200,
        summary="Log in",
    )
    async def login(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        tenant: MaybeTenant,
        platform: CurrentPlatform,
        data: JSONBody[LoginIn],
    ) -> Response[Any]:
        counter: RateCounter = request.app.state.login_counter
        slug = tenant.slug if tenant is not None else "_platform"
        key = f"{platform.settings.redis_namespace}:login:{slug}:{client_address(request.scope)}"
        hit = await counter.hit(key, LOGIN_WINDOW_SECONDS)
        if hit.count > platform.settings.login_attempts_per_window:
            response = problem(429, "Te veel inlogpogingen; probeer het later opnieuw.")
            response.headers["Retry-After"] = str(max(hit.reset_in, 1))
            return response
        from anyio.to_thread import run_sync

        return await run_sync(self._login, request, db_session, tenant, data)

    def _login(
        self, request: Request[Any, Any, Any], db_session: Any, tenant: Any, data: LoginIn
    ) -> Response[Any]:
        account: Account | PlatformAdmin | None
        if tenant is None:
            account = services.find_platform_admin(db_session, data.email)
        else:
            account = services.find_account(db_session, data.email)
        outcome = services.check_password_login(account, data.password)
        if account is not None and account.id is not None:
            note_object("account", account.id)
        if outcome.locked:
            response = problem(429, "Dit account is tijdelijk geblokkeerd na te veel pogingen.")
            return response
        if not outcome.ok or account is None:
            return problem(401, GENERIC_FAILURE)
        mfa_done = False
        if data.totp_code and account.totp_enabled:
            if not services.verify_totp(account, data.totp_code):
                account.failed_logins += 1
                return problem(401, "De code klopt niet.")
            mfa_done = True
        assert account.id is not None
        session_data = new_session_data(
            kind="platform_admin" if isinstance(account, PlatformAdmin) else "account",
            account_id=account.id,
            epoch=account.session_epoch,
            mfa=mfa_done or not services.needs_mfa(account),
            tenant=tenant.slug if tenant is not None else None,
        )
        rotate(request, session_data)
        if isinstance(account, Account):
            account.last_login_at = utcnow()
        return Response(_session_out(request, account).model_dump())

    @post(
        "/totp",
        sync_to_thread=True,
        status_code=200,
        opt={ROLES: EVERYONE, MFA_OPTIONAL: True, NAMES_NO_ONE: SIGNS_IN},
        summary="Confirm the login with a one-time code",
    )
    def totp(
        self, request: Request[Any, Any, Any], db_session: DbSession, data: JSONBody[CodeIn]
    ) -> Response[Any]:
        account = _session_account(request, db_session)
        if not account.totp_enabled or not services.verify_totp(account, data.code):
            return problem(401, "De code klopt niet.")
        session_data = _session_data(request)
        session_data["mfa"] = True
        rotate(request, session_data)
        return Response(_session_out(request, account).model_dump())

    @post(
        "/totp/enrol",
        sync_to_thread=True,
        opt={ROLES: EVERYONE, MFA_OPTIONAL: True, NAMES_NO_ONE: OWN_SECOND_FACTOR},
        summary="Start setting up an authenticator app",
    )
    def totp_enrol(self, request: Request[Any, Any, Any], db_session: DbSession) -> dict[str, str]:
        account = _session_account(request, db_session)
        secret, uri = services.begin_totp_enrolment(account)
        return {"secret": secret, "otpauth_uri": uri}

    @post(
        "/totp/confirm",
        sync_to_thread=True,
        status_code=200,
        opt={ROLES: EVERYONE, MFA_OPTIONAL: True, NAMES_NO_ONE: OWN_SECOND_FACTOR},
        summary="Finish setting up an authenticator app with its first code",
    )
    def totp_confirm(
        self, request: Request[Any, Any, Any], db_session: DbSession, data: JSONBody[CodeIn]
    ) -> Response[Any]:
        account = _session_account(request, db_session)
        services.confirm_totp_enrolment(account, data.code)
        session_data = _session_data(request)
        session_data["mfa"] = True
        rotate(request, session_data)
        return Response(_session_out(request, account).model_dump())

    @get("/session", sync_to_thread=True, opt={PUBLIC: True}, summary="Who is logged in")
    def session(self, request: Request[Any, Any, Any], db_session: DbSession) -> SessionOut:
        principal: Principal | None = request.scope["state"].get(PRINCIPAL_KEY)
        if principal is None:
            return SessionOut(authenticated=False, status="anonymous")
        return _session_out(request, _session_account(request, db_session))

    @post(
        "/logout",
        sync_to_thread=True,
        opt={ROLES: EVERYONE, MFA_OPTIONAL: True, NAMES_NO_ONE: OWN_SESSION_ENDS},
        status_code=200,
        summary="Log out (everywhere: end every session of the account)",
    )
    def logout(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        data: JSONBody[LogoutIn | None] = None,
    ) -> dict[str, bool]:
        if data is not None and data.everywhere:
            services.end_all_sessions(_session_account(request, db_session))
        request.clear_session()
        return {"logged_out": True}

    @post(
        "/password",
        sync_to_thread=True,
        opt={ROLES: EVERYONE},
        status_code=200,
        summary="Change your password (ends your other sessions)",
    )
    def change_password(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        data: JSONBody[PasswordChangeIn],
    ) -> Response[Any]:
        account = _session_account(request, db_session)
        if not passwords.verify_password(account.password_hash, data.current_password):
            return problem(403, "Het huidige wachtwoord klopt niet.")
        services.set_password(account, data.new_password)
        session_data = _session_data(request)
        session_data["epoch"] = account.session_epoch
        rotate(request, session_data)
        return Response(_session_out(request, account).model_dump())

    @post(
        "/password-reset",
        sync_to_thread=True,
        opt={
            PUBLIC: True,
            NAMES_NO_ONE: "asks a mail for an address; names no one (no enumeration)",
        },
        status_code=202,
        summary="Mail a single-use password-reset link",
    )
    def request_reset(
        self,
        db_session: DbSession,
        tenant: MaybeTenant,
        platform: CurrentPlatform,
        mailer: CurrentMailer,
        data: JSONBody[ResetRequestIn],
    ) -> dict[str, str]:
        answer = {"detail": "Als dit adres bij ons bekend is, is er een link verstuurd."}
        if tenant is None:
            return answer
        account = services.find_account(db_session, data.email)
        if account is None or account.disabled or account.id is None:
            return answer
        note_object("account", account.id)
        token = services.issue_password_reset(
            db_session, account, platform.settings.password_reset_minutes
        )
        db_session.commit()  # the token is stored before the link goes out
        # A refusal is logged by the mailer; the answer stays the same (no enumeration).
        with suppress(MailNotSent):
            send_reset_mail(mailer, platform, tenant.slug, account, token)
        return answer

    @post(
        "/password-reset/confirm",
        sync_to_thread=True,
        opt={PUBLIC: True, NAMES_NO_ONE: "the actor sets a new password with a mailed link"},
        status_code=200,
        summary="Set a new password with a reset link's token",
    )
    def confirm_reset(
        self, db_session: DbSession, data: JSONBody[ResetConfirmIn]
    ) -> dict[str, bool]:
        account = services.redeem_password_reset(db_session, data.token, data.password)
        assert account.id is not None
        note_object("account", account.id)
        return {"password_changed": True}


class OidcController(Controller):
    """Single sign-on for staff with the municipality's identity provider."""

    path = "/api/auth/oidc"
    tags = ["accounts"]
    opt = {PUBLIC: True, **AUTH_OPT}

    @get("/login", sync_to_thread=True, summary="Log in with the municipality's identity provider")
    def login(
        self, request: Request[Any, Any, Any], tenant: CurrentTenant, platform: CurrentPlatform
    ) -> Redirect:
        provider = _provider(platform, tenant.slug)
        redirect_uri = str(request.base_url).rstrip("/") + "/api/auth/oidc/callback"
        url, pending = oidc.start(provider, redirect_uri)
        now = clock()
        request.set_session({"oidc": pending, "created": now, "seen": now, "tenant": tenant.slug})
        return Redirect(url, status_code=302)

    @get(
        "/callback",
        sync_to_thread=True,
        opt={ACTION: "login"},
        summary="Where the identity provider sends the browser back",
    )
    def callback(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        tenant: CurrentTenant,
        platform: CurrentPlatform,
        code: FromQuery[str],
        oidc_state: Annotated[str, QueryParameter(name="state")],
    ) -> Redirect:
        provider = _provider(platform, tenant.slug)
        pending = _session_data(request).get("oidc") or {}
        claims = oidc.finish(provider, pending, code, oidc_state)
        account = oidc.account_for(db_session, claims)
        assert account.id is not None
        note_object("account", account.id)
        account.last_login_at = utcnow()
        rotate(
            request,
            new_session_data(
                kind="account",
                account_id=account.id,
                epoch=account.session_epoch,
                mfa=True,
                tenant=tenant.slug,
            ),
        )
        return Redirect("/", status_code=302)


def _provider(platform: Platform, slug: str) -> oidc.OidcProvider:
    providers = oidc.parse_providers(platform.settings.oidc_providers)
    if slug not in providers:
        raise NotFound("This municipality has no single sign-on.")
    return providers[slug]


def reset_link(platform: Platform, slug: str, token: str) -> str:
    municipality = platform.municipalities[slug]
    host = f"{municipality.config.host_label()}.{platform.settings.base_domain}"
    return f"https://{host}/wachtwoord-herstellen#token={token}"


def send_reset_mail(
    mailer: Mailer, platform: Platform, slug: str, account: Account, token: str
) -> None:
    minutes = platform.settings.password_reset_minutes
    mailer.send(
        Mail(
            to=account.email,
            subject="Nieuw wachtwoord instellen",
            body=(
                f"Beste {account.display_name},\n\nMet deze link stelt u een nieuw wachtwoord in. "
                f"De link werkt één keer en {minutes} minuten lang:\n\n"
                f"{reset_link(platform, slug, token)}\n\n"
                "Heeft u dit niet aangevraagd? Dan kunt u deze mail negeren."
            ),
        )
    )


class AccountIn(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str | None = Field(default=None, max_length=1024)
    programmes: list[str] = []
    person_id: int | None = None
    helper_id: int | None = None
    professional_id: int | None = None


class AccountOut(BaseModel):
    id: int
    email: str
    display_name: str
    role: str
    programmes: list[str]
    disabled: bool
    totp_enabled: bool
    person_id: int | None
    helper_id: int | None
    professional_id: int | None


def account_out(account: Account) -> AccountOut:
    assert account.id is not None
    return AccountOut(
        id=account.id,
        email=account.email,
        display_name=account.display_name,
        role=account.role,
        programmes=list(account.programmes),
        disabled=account.disabled,
        totp_enabled=account.totp_enabled,
        person_id=account.person_id,
        helper_id=account.helper_id,
        professional_id=account.professional_id,
    )


class AccountController(Controller):
    """Functioneel beheer: the municipality admin manages the accounts of the municipality."""

    path = "/api/accounts"
    tags = ["accounts"]
    opt = {ROLES: ("municipality_admin",), PURPOSE: "account administration"}

    @get("/", sync_to_thread=True, summary="Accounts of the municipality, oldest first")
    def list_accounts(
        self,
        db_session: DbSession,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        role: FromQuery[Role | None] = None,
    ) -> Page[AccountOut]:
        statement = select(Account).order_by(col(Account.id))
        if role is not None:
            statement = statement.where(Account.role == role)
        rows, total = paginate(db_session, statement, page, page_size)
        note_subjects(r.person_id for r in rows)  # a resident's account is their data
        return Page[AccountOut](
            items=[account_out(r) for r in rows], total=total, page=page, page_size=page_size
        )

    @post(
        "/",
        sync_to_thread=True,
        opt={NAMES_NO_ONE: STAFF_ACCOUNT},
        summary="Create an account",
    )
    def create(self, db_session: DbSession, data: JSONBody[AccountIn]) -> AccountOut:
        note_subjects([data.person_id])  # a resident's account is their data
        account = services.create_account(db_session, **data.model_dump())
        note_object("account", account.id or 0)  # the entry is about the new account
        return account_out(account)

    @post(
        "/{account_id:int}/disable",
        sync_to_thread=True,
        status_code=200,
        opt={NAMES_NO_ONE: STAFF_ACCOUNT},
        summary="Disable",
    )
    def disable(self, db_session: DbSession, account_id: FromPath[int]) -> AccountOut:
        account = services.get_account(db_session, account_id)
        note_subjects([account.person_id])
        services.disable_account(account)
        return account_out(account)

    @post(
        "/{account_id:int}/password-reset",
        sync_to_thread=True,
        status_code=202,
        opt={NAMES_NO_ONE: STAFF_ACCOUNT},
        summary="Mail the account a password-reset link",
    )
    def reset(
        self,
        db_session: DbSession,
        tenant: MaybeTenant,
        platform: CurrentPlatform,
        mailer: CurrentMailer,
        account_id: FromPath[int],
    ) -> dict[str, str]:
        account = services.get_account(db_session, account_id)
        note_subjects([account.person_id])
        assert tenant is not None
        token = services.issue_password_reset(
            db_session, account, platform.settings.password_reset_minutes
        )
        db_session.commit()  # the token is stored before the link goes out
        try:
            send_reset_mail(mailer, platform, tenant.slug, account, token)
        except MailNotSent as exc:
            raise ServiceUnavailable(
                f"The mail server did not accept the link ({exc.reason}); please try again."
            ) from None
        return {"detail": "De link is verstuurd."}


CONTROLLERS = [AuthController, OidcController, AccountController]
