"""Web wiring of accounts: who is logged in, the secure-by-default guard, CSRF.

Middleware order (outermost first): tenant → rate limit → session → :class:`AuthMiddleware`
(loads the principal) → :class:`CsrfMiddleware` → access log → the route, whose
:func:`auth_guard` decides.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any
from weakref import WeakKeyDictionary

from anyio.to_thread import run_sync
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import select

from noaber.accounts import access
from noaber.accounts.models import Account, PlatformAdmin
from noaber.accounts.roles import (
    ALL_PROGRAMMES,
    MFA_ROLES,
    STAFF_ROLES,
    Principal,
    Role,
)
from noaber.accounts.sessions import CSRF_HEADER, policy_of, touch
from noaber.db import invalidation
from noaber.db.session import SessionFactory, TenantSession
from noaber.errors import Forbidden, NotFound, Unauthorized
from noaber.platform import Platform, TenantRuntime
from noaber.tenancy.context import tenant_scope
from noaber.web.dependencies import TENANT_SCOPE_KEY

PRINCIPAL_KEY = "noaber_principal"
MFA_KEY = "noaber_mfa_done"

PUBLIC = "public"
"""Route ``opt`` key: reachable without a session (own credential, public form)."""
ROLES = "roles"
"""Route ``opt`` key: the roles that may use the route (default: the staff roles)."""
MFA_OPTIONAL = "mfa_optional"
"""Route ``opt`` key: usable before the second factor (the TOTP enrolment routes)."""
CSRF_EXEMPT = "csrf_exempt"
"""Route ``opt`` key: no CSRF token needed (only for routes with their own credential)."""

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Why the accounts' own routes name no data subject in the access log (their NAMES_NO_ONE
# route option): the entry's actor or object is the account itself.
SIGNS_IN = "the actor signs in: the entry's actor and object are the account"
OWN_SECOND_FACTOR = "the actor's own second factor"
OWN_SESSION_ENDS = "the actor's own session ends"
STAFF_ACCOUNT = (
    "a staff account: the account is the entry's object (a resident's account names its person)"
)


def principal_of_account(account: Account) -> Principal:
    role = Role(account.role)
    programmes = (
        frozenset({ALL_PROGRAMMES})
        if role in (Role.municipality_admin, Role.privacy_officer)
        else frozenset(account.programmes or [ALL_PROGRAMMES])
    )
    assert account.id is not None
    return Principal(
        account_id=account.id,
        role=role,
        label=account.display_name,
        tenant=account.tenant_id,
        programmes=programmes,
        person_id=account.person_id,
        helper_id=account.helper_id,
        professional_id=account.professional_id,
    )


def principal_of_admin(admin: PlatformAdmin) -> Principal:
    assert admin.id is not None
    return Principal(
        account_id=admin.id,
        role=Role.platform_admin,
        label=admin.display_name,
        tenant=None,
        programmes=frozenset(),
    )


# The principal loaded for a session's account is reused by this process for
# ``Settings.principal_cache_seconds`` (default 2 s). Bounded and invalidated: an entry
# holds only for the same tenant, account and session epoch; any committed change to an
# account (disabling, logout everywhere, password or role change, erasure) clears the
# cache at once (_forget_after_commit): in this process, and with Redis in every worker
# of the install (broadcast by noaber.db.invalidation, from the noaber command too).
# Without Redis another process sees the change after at most that long. Timeouts and
# the tenant check are never cached.
_PrincipalKey = tuple[str | None, str, int, Any]
_principals: WeakKeyDictionary[SessionFactory, dict[_PrincipalKey, tuple[float, Principal]]] = (
    WeakKeyDictionary()
)


def forget_principals(_argument: str | None = None) -> None:
    """Drop every cached principal (called when an account is added or changes)."""
    for cache in list(_principals.values()):
        cache.clear()


_ACCOUNTS_CHANGED = "noaber_accounts_changed"
PRINCIPALS_TOPIC = "principals"
"""The :mod:`~noaber.db.invalidation` topic: clear every worker's principal cache."""


_LOGIN_BOOKKEEPING = frozenset({"failed_logins", "locked_until", "last_login_at", "totp_last_step"})
"""Account columns every login attempt writes and no principal shows: changing only
these leaves the caches (and the other workers) alone."""


def _changes_principal(obj: Any) -> bool:
    attrs = sa_inspect(obj).attrs
    return any(a.history.has_changes() for a in attrs if a.key not in _LOGIN_BOOKKEEPING)


def _note_account_change(session: Any, _context: Any) -> None:
    accounts = (Account, PlatformAdmin)
    added_or_deleted = (*session.new, *session.deleted)
    if any(isinstance(obj, accounts) for obj in added_or_deleted) or any(
        isinstance(obj, accounts) and _changes_principal(obj) for obj in session.dirty
    ):
        session.info[_ACCOUNTS_CHANGED] = True


def _note_account_statement(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and any(
        m.class_ in (Account, PlatformAdmin) for m in state.all_mappers
    ):
        state.session.info[_ACCOUNTS_CHANGED] = True


def _forget_after_commit(session: Any) -> None:
    # Not at the flush: a request could load the still-committed account between the
    # flush and the commit and keep it for the cache's lifetime. (A note left by a
    # rolled-back change costs one needless clearing at most.)
    if session.info.pop(_ACCOUNTS_CHANGED, False):
        forget_principals()
        invalidation.broadcast(session.bind, PRINCIPALS_TOPIC)


event.listen(TenantSession, "after_flush", _note_account_change)
event.listen(TenantSession, "do_orm_execute", _note_account_statement)
event.listen(TenantSession, "after_commit", _forget_after_commit)


def _principal_key(
    platform: Platform, tenant: TenantRuntime | None, data: Mapping[str, Any]
) -> _PrincipalKey | None:
    """The cache key of a session's principal, or None when the session is stale (no
    account, timed out, of another tenant)."""
    if not data or "account_id" not in data:
        return None
    if policy_of(platform.settings).expired(dict(data)):
        return None
    slug = tenant.slug if tenant is not None else None
    if data.get("tenant") != slug:
        return None
    return (slug, str(data.get("kind")), int(data["account_id"]), data.get("epoch"))


def _cache_of(platform: Platform) -> dict[_PrincipalKey, tuple[float, Principal]]:
    cache = _principals.get(platform.sessions)  # per database, never shared between two
    if cache is None:
        cache = _principals[platform.sessions] = {}
    return cache


def cached_principal(
    platform: Platform, tenant: TenantRuntime | None, data: Mapping[str, Any]
) -> Principal | None:
    """The session's principal if this process loaded it less than
    ``principal_cache_seconds`` ago (no database, no thread), else None."""
    key = _principal_key(platform, tenant, data)
    cached = _cache_of(platform).get(key) if key is not None else None
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    return None


def load_session_principal(
    platform: Platform, tenant: TenantRuntime | None, data: Mapping[str, Any]
) -> Principal | None:
    """The principal a session's data stands for, or None when the session is stale:
    timed out, of another tenant, of a disabled account, or of an older epoch."""
    key = _principal_key(platform, tenant, data)
    if key is None:
        return None
    cache = _cache_of(platform)
    cached = cache.get(key)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    slug, _kind, account_id, _epoch = key
    principal = _load_principal(platform, slug, account_id, data)
    if principal is not None:
        cache[key] = (now + platform.settings.principal_cache_seconds, principal)
    return principal


def _load_principal(
    platform: Platform, slug: str | None, account_id: int, data: Mapping[str, Any]
) -> Principal | None:
    with tenant_scope(slug), platform.sessions.begin() as session:
        if data.get("kind") == "platform_admin":
            if slug is not None:
                return None
            admin = session.exec(
                select(PlatformAdmin).where(PlatformAdmin.id == account_id)
            ).first()
            if admin is None or admin.disabled or admin.session_epoch != data.get("epoch"):
                return None
            return principal_of_admin(admin)
        if slug is None:
            return None
        account = session.exec(select(Account).where(Account.id == account_id)).first()
        if account is None or account.disabled or account.session_epoch != data.get("epoch"):
            return None
        return principal_of_account(account)


class AuthMiddleware(ASGIMiddleware):
    """Turns the session into a principal (scope state and context variable)."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        data = scope.get("session")
        principal: Principal | None = None
        mfa = False
        if isinstance(data, dict) and data and "account_id" not in data:
            # A pre-login session (single sign-on in progress): expire it, keep it otherwise.
            if policy_of(self.platform.settings).expired(data):
                scope["session"] = {}
        elif isinstance(data, dict) and data:
            tenant = scope["state"].get(TENANT_SCOPE_KEY)
            principal = cached_principal(self.platform, tenant, data) or await run_sync(
                load_session_principal, self.platform, tenant, data
            )
            if principal is None:
                scope["session"] = {}  # stale or forged: the cookie is cleared
            else:
                mfa = bool(data.get("mfa"))
                touch(data)
        scope["state"][PRINCIPAL_KEY] = principal
        scope["state"][MFA_KEY] = mfa
        if principal is not None and (mfa or principal.role not in MFA_ROLES):
            scope["user"] = user_of(principal)
        access.set_principal(principal)
        await next_app(scope, receive, send)


def user_of(principal: Principal) -> SimpleNamespace:
    """``scope["user"]`` for the web interface: who is logged in, duck-typed."""
    return SimpleNamespace(
        id=principal.account_id,
        role=str(principal.role),
        display_name=principal.label,
        programmes=None if ALL_PROGRAMMES in principal.programmes else sorted(principal.programmes),
        person_id=principal.person_id,
        helper_id=principal.helper_id,
        professional_id=principal.professional_id,
    )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


class CsrfMiddleware(ASGIMiddleware):
    """Synchronizer-token CSRF protection for cookie-authenticated requests.

    A state-changing request (POST, PUT, PATCH, DELETE) that carries a live session
    must send the session's token in the ``X-CSRF-Token`` header (the token is in the
    login response and at ``GET /api/auth/session``). Requests without a session have
    no ambient authority to abuse and are not checked, nor are requests that carry an
    ``Authorization`` header (a browser never adds one cross-site on its own); a route
    with another credential of its own may say ``opt={"csrf_exempt": True}``.
    """

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if (
            scope.get("method", "GET") in UNSAFE_METHODS
            and _header(scope, b"authorization") is None
        ):
            handler = scope.get("route_handler")
            exempt = handler is not None and handler.opt.get(CSRF_EXEMPT, False)
            data = scope.get("session")
            if not exempt and isinstance(data, dict) and data.get("csrf"):
                sent = _header(scope, CSRF_HEADER.encode()) or ""
                if not hmac.compare_digest(sent.encode(), str(data["csrf"]).encode()):
                    raise Forbidden(
                        "Missing or wrong CSRF token (send the X-CSRF-Token header).",
                        csrf="invalid",
                        refused_by="csrf",
                    )
        await next_app(scope, receive, send)


def _route_plugin(handler: BaseRouteHandler) -> str | None:
    plugin = handler.opt.get("plugin")
    return str(plugin) if plugin else None


async def auth_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Every contributed route: a logged-in account of this tenant with an allowed role
    and programme; per-object roles also need access to every object in the path."""
    opt = handler.opt
    if opt.get(PUBLIC, False):
        return
    state = connection.scope["state"]
    principal: Principal | None = state.get(PRINCIPAL_KEY)
    if principal is None:
        raise Unauthorized("Log in to use this page.", login="required", refused_by="auth")
    if principal.role in MFA_ROLES and not state.get(MFA_KEY) and not opt.get(MFA_OPTIONAL):
        raise Unauthorized(
            "Confirm your login with the code from your authenticator app.",
            mfa="required",
            refused_by="auth",
        )
    tenant: TenantRuntime | None = state.get(TENANT_SCOPE_KEY)
    allowed = frozenset(Role(r) for r in opt.get(ROLES, ())) or STAFF_ROLES
    if tenant is None:
        if principal.role is not Role.platform_admin or Role.platform_admin not in allowed:
            raise Forbidden("Only platform administrators may use this route.", refused_by="auth")
        return
    if principal.role is Role.platform_admin:
        raise Forbidden(
            "Platform administrators cannot read a municipality's data.", refused_by="auth"
        )
    if principal.role not in allowed:
        raise Forbidden(
            f"This route is not available to the role {principal.role}.", refused_by="auth"
        )
    plugin = _route_plugin(handler)
    if plugin is not None and not principal.has_programme(plugin):
        raise Forbidden(
            f"Your account is not scoped to the programme {plugin!r}.", refused_by="auth"
        )
    if principal.sees_everything_in_tenant or principal.function_bound:
        return
    objects = access.path_objects(connection.path_params)
    if not objects and ROLES not in opt:
        # A per-object role on a route made for staff: only routes about one object
        # (which is checked below) are open to it.
        raise Forbidden(
            f"This route is not available to the role {principal.role}.", refused_by="auth"
        )
    if objects:
        platform: Platform = connection.scope["app"].state.platform

        def check() -> None:
            with tenant_scope(tenant.slug), platform.sessions.begin() as session:
                for kind, object_id in objects:
                    if not access.can_access(session, principal, kind, object_id, tenant.plugins):
                        raise NotFound(f"No {kind} {object_id}.", refused_by="auth")

        await run_sync(check)
