"""Sessions that carry the tenant guards.

Three guards, installed on every session this factory makes:

* reads: every ORM SELECT/UPDATE/DELETE gets ``tenant_id = <current tenant>`` for each
  :class:`TenantOwned` entity (SQLAlchemy's ``with_loader_criteria`` recipe);
* writes: new tenant-owned objects get the current tenant; an object of another tenant
  cannot be flushed;
* PostgreSQL: ``app.tenant_id`` is set for each transaction, for row-level security.

Without a tenant in context, tenant-owned statements raise instead of seeing all rows.
Platform code that must work across tenants (provisioning, exports) says so with
``execution_options(all_tenants=True)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import ORMExecuteState, sessionmaker, with_loader_criteria
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql import ClauseElement, Executable, FromClause
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session, SQLModel

from noaber.db.base import TenantOwned
from noaber.db.direct import driver_errors
from noaber.errors import TenantMismatch
from noaber.tenancy.context import current_tenant, require_tenant

ALL_TENANTS = "all_tenants"


class _TenantTables:
    """Maps each tenant-owned table to its entity; rebuilt when plugins add tables."""

    def __init__(self) -> None:
        self._by_table: dict[FromClause, type[TenantOwned]] = {}
        self._mapper_count = -1

    def by_table(self) -> dict[FromClause, type[TenantOwned]]:
        mappers = SQLModel._sa_registry.mappers
        if len(mappers) != self._mapper_count:
            self._by_table = {
                m.local_table: m.class_ for m in mappers if issubclass(m.class_, TenantOwned)
            }
            self._mapper_count = len(mappers)
        return self._by_table

    def entities_in(self, statement: Executable) -> list[type[TenantOwned]]:
        assert isinstance(statement, ClauseElement)
        by_table = self.by_table()
        # Every table the statement reads, subqueries included: ``select(func.count())
        # .select_from(X)`` names no entity at the top level but must still be filtered.
        found = {by_table.get(t) for t in find_tables(statement, include_aliases=True)}
        return [entity for entity in found if entity is not None]


_tenant_tables = _TenantTables()


def tenant_tables() -> set[FromClause]:
    """The tables of every tenant-owned entity (core's and the loaded plugins')."""
    return set(_tenant_tables.by_table())


def _filter_by_tenant(state: ORMExecuteState) -> None:
    _follow_tenant_scope(state.session)
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get(ALL_TENANTS, False):
        return
    entities = _tenant_tables.entities_in(state.statement)
    if not entities:
        return
    tenant = require_tenant()
    # One criterion per mapped entity; they propagate to the lazy and eager loads the
    # statement triggers. SQLModel mixins have no class-level column to target instead.
    state.statement = state.statement.options(
        *(
            with_loader_criteria(entity, lambda cls: cls.tenant_id == tenant, include_aliases=True)
            for entity in entities
        )
    )


def _stamp_tenant(session: Session, _flush_context: Any, _instances: Any) -> None:
    _follow_tenant_scope(session)
    tenant = current_tenant()
    for obj in session.new:
        if isinstance(obj, TenantOwned):
            # A table model built without tenant_id has no such attribute yet.
            if getattr(obj, "tenant_id", None) is None:
                obj.tenant_id = require_tenant()
            elif tenant is not None and obj.tenant_id != tenant:
                raise TenantMismatch(f"cannot create a {type(obj).__name__} of another tenant")
    for obj in session.dirty:
        if isinstance(obj, TenantOwned) and tenant is not None and obj.tenant_id != tenant:
            raise TenantMismatch(f"cannot change a {type(obj).__name__} of another tenant")
    for obj in session.deleted:
        if isinstance(obj, TenantOwned) and tenant is not None and obj.tenant_id != tenant:
            raise TenantMismatch(f"cannot delete a {type(obj).__name__} of another tenant")


_PG_TENANT = "noaber_pg_tenant"
_SET_TENANT = "SELECT set_config('app.tenant_id', %s, true)"


def _set_pg_tenant(session: Session, _transaction: Any, connection: Any) -> None:
    if connection.dialect.name != "postgresql":
        return
    # Transaction-local (is_local=true): a pooled connection never carries it over. Sent
    # in one round trip with the BEGIN psycopg puts before it (pipeline mode).
    tenant = current_tenant() or ""
    driver = connection.connection.driver_connection
    with driver_errors(connection, _SET_TENANT, (tenant,)), driver.pipeline():
        driver.execute(_SET_TENANT, (tenant,))
    session.info[_PG_TENANT] = tenant


def _follow_tenant_scope(session: OrmSession) -> None:
    """Code may enter another ``tenant_scope`` inside one transaction: set it again, so
    row-level security always sees the tenant the ORM guard filters by."""
    if _PG_TENANT not in session.info:
        return  # not on PostgreSQL, or no transaction on a connection yet
    tenant = current_tenant()
    # Leaving a scope keeps the last tenant until the transaction ends (a commit after
    # ``with tenant_scope(...)`` still flushes that tenant's rows); the ORM guard refuses
    # tenant-owned reads without a tenant in context anyway.
    if tenant is None or session.info[_PG_TENANT] == tenant:
        return
    session.connection().execute(
        text("SELECT set_config('app.tenant_id', :tenant, true)"), {"tenant": tenant}
    )
    session.info[_PG_TENANT] = tenant


def _forget_pg_tenant(session: Session, _transaction: Any) -> None:
    if _transaction.parent is None:
        session.info.pop(_PG_TENANT, None)


class TenantSession(Session):
    """The session class of the platform; the guards below listen on it."""


class SessionFactory:
    """Makes guarded sessions for one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._maker = sessionmaker(bind=engine, class_=TenantSession, expire_on_commit=False)

    def __call__(self) -> TenantSession:
        return self._maker()

    @contextmanager
    def begin(self) -> Iterator[TenantSession]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self._maker() as session, session.begin():
            yield session


event.listen(TenantSession, "do_orm_execute", _filter_by_tenant)
event.listen(TenantSession, "before_flush", _stamp_tenant)
event.listen(TenantSession, "after_begin", _set_pg_tenant)
event.listen(TenantSession, "after_transaction_end", _forget_pg_tenant)
