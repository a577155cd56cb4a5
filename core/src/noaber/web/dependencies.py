"""Dependencies every route handler can ask for by name.

``platform``, ``tenant`` (the tenant of the host; None on a platform route),
``db_session`` (a guarded session in a transaction, committed when the handler
returns, rolled back when it raises) and ``mailer`` (the platform's
:class:`~noaber.accounts.mail.Mailer`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, Protocol, TypeVar, cast

import anyio
import anyio.to_thread
from anyio.to_thread import run_sync
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.response import Response
from litestar.types import Scope
from sqlalchemy.util import greenlet_spawn
from sqlmodel import Session

from noaber.accounts.mail import Mailer
from noaber.errors import ServiceUnavailable
from noaber.platform import Platform, TenantRuntime
from noaber.settings import Settings

# Annotated types for handler parameters: ``def handler(tenant: CurrentTenant, db_session: DbSession)``.
CurrentTenant = NamedDependency[TenantRuntime]
MaybeTenant = NamedDependency[TenantRuntime | None]
DbSession = NamedDependency[Session]
CurrentPlatform = NamedDependency[Platform]
CurrentMailer = NamedDependency[Mailer]

PLATFORM_ROUTE = "platform_route"
"""Route ``opt`` key: the route also answers on platform hosts, without a tenant."""

TENANT_SCOPE_KEY = "noaber_tenant"
T = TypeVar("T")

COMMIT_PARTICIPANTS_KEY = "noaber_commit_participants"
"""Scope state: the :class:`CommitParticipant` list of the request."""

FINISH_KEY = "noaber_finish"
"""``Session.info``: ends the request's transaction, given the response's status
(:func:`run_read`); the session's provider then has nothing left to do."""


class CommitParticipant(Protocol):
    """Rows a middleware stores in the handler's own transaction when it commits (the
    access log's entries of the request): one commit instead of two, and never the
    handler's writes without them."""

    def join(self, session: Session, status: int | None) -> None:
        """Add the rows to ``session`` (called just before its commit). ``status`` is
        the response's when it is built by then, else None."""

    def committed(self) -> None:
        """The transaction that holds them is committed."""


def join_commit(scope: Scope, participant: CommitParticipant) -> None:
    scope["state"].setdefault(COMMIT_PARTICIPANTS_KEY, []).append(participant)


def provide_platform(state: State) -> Platform:
    platform: Platform = state.platform
    return platform


def provide_mailer(state: State) -> Mailer:
    mailer: Mailer = state.mailer
    return mailer


def provide_tenant(scope: Scope) -> TenantRuntime | None:
    tenant: TenantRuntime | None = scope["state"].get(TENANT_SCOPE_KEY)
    return tenant


class TenantLimiters:
    """Per tenant, how many database sessions it may hold at once in this process: one
    municipality's burst waits for its own slots instead of taking every pooled
    connection from the others (the noisy neighbour)."""

    def __init__(self, per_tenant: int, wait_seconds: float = 10.0) -> None:
        self.per_tenant = per_tenant
        self.wait_seconds = wait_seconds
        self._limiters: dict[str, anyio.CapacityLimiter] = {}

    def of(self, slug: str) -> anyio.CapacityLimiter:
        limiter = self._limiters.get(slug)
        if limiter is None:
            limiter = self._limiters[slug] = anyio.CapacityLimiter(self.per_tenant)
        return limiter

    @asynccontextmanager
    async def slot(self, slug: str | None) -> AsyncIterator[None]:
        if slug is None:
            yield
            return
        limiter = self.of(slug)
        # The dependency is set up and cleaned up in different tasks: borrow by token.
        borrower = object()
        try:
            # A free slot (nobody waiting) is taken at once: no timer, no trip through
            # the event loop.
            limiter.acquire_on_behalf_of_nowait(borrower)
        except anyio.WouldBlock:
            try:
                with anyio.fail_after(self.wait_seconds):
                    await limiter.acquire_on_behalf_of(borrower)
            except TimeoutError:
                raise ServiceUnavailable(
                    "This municipality has too many requests in progress; please try again shortly."
                ) from None
        try:
            yield
        finally:
            limiter.release_on_behalf_of(borrower)


def tenant_limiters(settings: Settings) -> TenantLimiters:
    per_tenant = settings.tenant_db_concurrency or max(1, settings.db_pool_size // 2)
    return TenantLimiters(per_tenant)


def _reads_inline(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _nothing_to_commit(session: Session) -> bool:
    """Whether finishing ``session`` needs no database work: nothing pending, and no
    transaction or a SQLite one that only read (``sqlite3`` begins one for a write)."""
    if session.new or session.dirty or session.deleted:
        return False
    if not session.in_transaction():
        return True
    driver: Any = session.connection().connection.driver_connection
    return _reads_inline(session) and not driver.in_transaction


async def run_read(session: Session, respond: Callable[[], Response[Any]]) -> Response[Any]:
    """Build a read-only handler's response with ``respond`` (database reads with
    ``session`` only) where it costs least.

    On SQLite in the event loop: its statements are in-process calls of microseconds
    that never wait for a lock in WAL mode (a worker thread would cost more than the
    read). On PostgreSQL in the event loop too, in a greenlet (SQLAlchemy's
    ``greenlet_spawn``): the code stays sync, but while a statement waits for the
    server the connection (:class:`noaber.db.engine.LoopConnection`) gives the loop
    back, so no worker thread and no hand-over of the GIL per request. The request's
    transaction ends there as well, the commit participants joining with the
    response's status."""
    if _reads_inline(session):
        return respond()

    def respond_and_finish() -> Response[Any]:
        response = respond()
        finish = session.info.get(FINISH_KEY)
        if finish is not None:
            finish(response.status_code)
        return response

    return await in_loop(respond_and_finish)


async def in_loop(func: Callable[..., T], *args: Any) -> T:
    """Run sync database code on PostgreSQL in the event loop, in a greenlet: while a
    statement waits for the server, :class:`noaber.db.engine.LoopConnection` gives the
    loop back (no worker thread, no hand-over of the GIL at every round trip)."""
    # A worker thread's token (connections = threads): the pool then always has a
    # connection for the greenlet, which must never block the event loop waiting.
    async with anyio.to_thread.current_default_thread_limiter():
        return cast(T, await greenlet_spawn(func, *args))


async def provide_db_session(
    state: State, scope: Scope, tenant: MaybeTenant
) -> AsyncIterator[Session]:
    """Commit in a worker thread before the response is sent: a 2xx means it is stored
    (a session that only read from SQLite is closed in place: nothing to wait for).

    The request's :class:`CommitParticipant` rows join the commit when there is one
    anyway: a session that wrote, or any session on PostgreSQL that began a transaction
    (which ends with a round trip either way). A SQLite session that only read, and a
    session that never began one, are left alone: their participants store their rows
    themselves (the access log's group commit shares one commit among concurrent
    requests).

    It takes ``tenant`` so that Litestar resolves the two one after the other: two
    independent dependencies are resolved in a task group of their own, which costs
    more per request than both providers together."""
    platform: Platform = state.platform
    limiters: TenantLimiters | None = state.get("tenant_limiters")
    async with AsyncExitStack() as stack:
        if limiters is not None:
            await stack.enter_async_context(limiters.slot(tenant.slug if tenant else None))
        session = platform.sessions()
        finished = False

        def finish(participants: list[CommitParticipant] | None, status: int | None) -> None:
            nonlocal finished
            if finished:
                return
            finished = True
            try:
                if participants is None:
                    session.rollback()
                    return
                for participant in participants:
                    participant.join(session, status)
                session.commit()
                for participant in participants:
                    participant.committed()
            finally:
                session.close()

        def participants() -> list[CommitParticipant]:
            found: list[CommitParticipant] = scope["state"].get(COMMIT_PARTICIPANTS_KEY, [])
            return found

        session.info[FINISH_KEY] = lambda status: finish(participants(), status)
        try:
            yield session
        except BaseException:
            if not finished:
                await run_sync(finish, None, None)
            raise
        if finished:
            return
        # Nothing to commit, and no transaction either (an answer from the read cache)
        # or none worth joining: the participants store their rows themselves.
        nothing = _nothing_to_commit(session)
        if nothing and not session.in_transaction():
            return  # never began: holds no connection and no object, nothing to close
        if nothing and (_reads_inline(session) or not participants()):
            session.close()  # it only read: no commit to make, nothing to wait for
        else:
            await run_sync(finish, participants(), None)


DEPENDENCIES = {
    "platform": Provide(provide_platform, sync_to_thread=False),
    "tenant": Provide(provide_tenant, sync_to_thread=False),
    "db_session": Provide(provide_db_session),
    "mailer": Provide(provide_mailer, sync_to_thread=False),
}
