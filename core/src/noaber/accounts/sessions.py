"""Server-side sessions on the platform's store (Redis when configured).

The cookie holds only a random id (256 bits); the session data lives in the
``sessions`` store, whose keys carry the tenant (:mod:`noaber.web.shared_state`), so a
session of one municipality is unknown on another's host.

* A **new session id** is issued whenever the privilege changes (login, second factor,
  password change): :func:`rotate` marks the request and :class:`RotatingBackend` deletes
  the old id and stores the data under a fresh one (session fixation, ASVS 7.2.4).
* **Idle timeout**: the store entry expires ``session_idle_minutes`` after the last
  request, and the ``seen`` time in the data is checked as well. **Absolute timeout**:
  ``created`` older than ``session_absolute_hours`` ends the session whatever happens.
* **Ending sessions**: each account has a ``session_epoch``; a session carrying an older
  epoch is refused, so disabling an account or "log out everywhere" ends all of them
  in every worker without enumerating the store.
* Cookies are ``HttpOnly``, ``SameSite=Lax`` and ``Secure`` (``NOABER_SESSION_COOKIE_SECURE``
  may switch ``Secure`` off only for plain-HTTP development on a non-localhost name).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection

    from noaber.settings import Settings

COOKIE_NAME = "noaber_session"
STORE_NAME = "sessions"
CSRF_HEADER = "x-csrf-token"
_ROTATE = "noaber_rotate_session"
_LOADED = "noaber_session_loaded"
SEEN_RESOLUTION_SECONDS = 30
"""``seen`` is rewritten at most this often, so most requests do not write the store."""


def clock() -> float:
    """Seconds since the epoch (a function, so tests can move time forward)."""
    return time.time()


@dataclass(frozen=True)
class SessionPolicy:
    idle_seconds: int
    absolute_seconds: int

    def expired(self, data: dict[str, Any], now: float | None = None) -> bool:
        now = clock() if now is None else now
        created = float(data.get("created", 0))
        seen = float(data.get("seen", 0))
        return now - created > self.absolute_seconds or now - seen > self.idle_seconds


def policy_of(settings: Settings) -> SessionPolicy:
    return SessionPolicy(
        idle_seconds=settings.session_idle_minutes * 60,
        absolute_seconds=settings.session_absolute_hours * 3600,
    )


def new_session_data(
    *, kind: str, account_id: int, epoch: int, mfa: bool, tenant: str | None
) -> dict[str, Any]:
    """The data of a freshly authenticated session (also used by test fixtures)."""
    now = clock()
    return {
        "kind": kind,
        "account_id": account_id,
        "epoch": epoch,
        "mfa": mfa,
        "tenant": tenant,
        "created": now,
        "seen": now,
        "csrf": secrets.token_urlsafe(32),
    }


def rotate(connection: ASGIConnection[Any, Any, Any, Any], data: dict[str, Any]) -> None:
    """Replace the session with ``data`` under a new id (the old id stops working)."""
    connection.scope["state"][_ROTATE] = True
    connection.set_session(data)


def touch(data: dict[str, Any]) -> None:
    """Record activity for the idle timeout (at most every few seconds)."""
    now = clock()
    if now - float(data.get("seen", 0)) >= SEEN_RESOLUTION_SECONDS:
        data["seen"] = now


class RotatingBackend(ServerSideSessionBackend):
    """Litestar's server-side backend plus: rotation on privilege change, no store write
    for anonymous visitors, no write when nothing changed."""

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope["state"][_LOADED] = dict(data)
        return data

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        scope = connection.scope
        cookie_id = connection.cookies.get(self.config.key)
        if cookie_id == "null":
            cookie_id = None
        rotate_now = bool(scope["state"].get(_ROTATE)) or not cookie_id
        if not rotate_now and scope_session and scope["state"].get(_LOADED) == scope_session:
            return  # unchanged (most requests): the store's TTL was renewed on read
        store = self.config.get_store_from_app(scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        cookie_params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        if scope_session is Empty or not scope_session:
            if cookie_id:
                await self.delete(cookie_id, store=store)
                headers.add(
                    "Set-Cookie",
                    Cookie(value="", key=self.config.key, expires=0, **cookie_params).to_header(
                        header=""
                    ),
                )
            return
        if rotate_now:
            if cookie_id:
                await self.delete(cookie_id, store=store)
            session_id = self.generate_session_id()
        else:
            assert cookie_id is not None
            session_id = cookie_id
        await self.set(session_id, self.serialize_data(scope_session, scope), store=store)
        headers.add(
            "Set-Cookie",
            Cookie(value=session_id, key=self.config.key, **cookie_params).to_header(header=""),
        )


@dataclass
class NoaberSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingBackend


def session_config(settings: Settings) -> NoaberSessionConfig:
    return NoaberSessionConfig(
        key=COOKIE_NAME,
        store=STORE_NAME,
        max_age=settings.session_idle_minutes * 60,
        renew_on_access=True,
        secure=settings.session_cookie_secure,
        httponly=True,
        samesite="lax",
        path="/",
    )
