"""Which tenants' data changed, as this process knows it: a generation per tenant and
database, moved each time a transaction that wrote to it commits.

Every engine made by :func:`noaber.db.engine.make_engine` reports here: a statement
that writes (anything but a read, a transaction command or an access-log insert) marks
the tenant in context (none: every tenant) on its driver connection, and the driver's
``commit`` moves the marked generations *after* the database has the change. So a
cache that takes a tenant's :meth:`Changes.tag` *before* it reads, and keeps the result
only while the tag is unchanged, never serves an answer older than a commit this
process made (:mod:`noaber.db.read_cache`).

Other processes of the install (web workers, the ``noaber`` command) hear of a commit
over :mod:`noaber.db.invalidation` (topic :data:`TOPIC`, with Redis); without Redis,
the caches' short lifetimes bound what they miss. Engines of one database share one
:class:`Changes` (the application's and the migration role's).
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, event

from noaber.db import invalidation
from noaber.tenancy.context import current_tenant

TOPIC = "changes"
"""The :mod:`~noaber.db.invalidation` topic; its argument is the tenant's slug."""

EVERY_TENANT = "*"

# Statements that change no stored data. The access log is written on every request,
# reads included, and no cached answer shows it.
_NOT_WRITES: tuple[str, ...] = ("SELECT", "PRAGMA", "SHOW", "SET ", "BEGIN", "SAVEPOINT")
_NOT_WRITES += ("RELEASE", "ROLLBACK", "COMMIT", "EXPLAIN", "INSERT INTO ACCESS_LOG ")

_next = itertools.count(1).__next__  # one sequence: a generation value is never reused


class Changes:
    """The generations of one database's tenants in this process."""

    def __init__(self) -> None:
        self._epoch = 0  # moved when a change's tenant is unknown: every tenant changed
        self._generations: dict[str, int] = {}
        self._engines: weakref.WeakSet[Engine] = weakref.WeakSet()

    def tag(self, slug: str) -> tuple[int, int]:
        """What a cache keeps with an answer read from ``slug``'s data after this call;
        another value later means the data may have changed since."""
        return self._epoch, self._generations.get(slug, 0)

    def changed(self, slugs: Iterable[str], *, broadcast: bool = True) -> None:
        """``slugs`` (or :data:`EVERY_TENANT`) changed: their tags move, and the install's
        other processes are told (unless this is what they told us)."""
        for slug in slugs:
            if slug == EVERY_TENANT:
                self._epoch = _next()
            else:
                self._generations[slug] = _next()
            if broadcast:
                # One message per change (the engines share an install), by the first
                # that has a publisher.
                any(invalidation.broadcast(e, f"{TOPIC}:{slug}") for e in list(self._engines))


_databases: dict[tuple[Any, ...], Changes] = {}


def _database_of(engine: Engine) -> tuple[Any, ...]:
    url = engine.url
    return (url.get_backend_name(), url.host, url.port, url.database)


def of(engine: Engine) -> Changes:
    """The generations of ``engine``'s database."""
    key = _database_of(engine)
    found = _databases.get(key)
    if found is None:
        found = _databases[key] = Changes()
    return found


def forget(slug: str | None) -> None:
    """Another process committed a change of ``slug`` (None: of anything, or we may
    have missed messages): move its tags in every database this process uses."""
    for changes in list(_databases.values()):
        changes.changed([slug or EVERY_TENANT], broadcast=False)


class TrackedConnection:
    """Mixin for driver connections: the tenants whose data the open transaction
    wrote, reported to their :class:`Changes` when it commits."""

    noaber_changes: Changes | None = None
    noaber_wrote: set[str] | None = None

    def commit(self) -> None:
        super().commit()  # type: ignore[misc]
        self.noaber_report()

    def rollback(self) -> None:
        self.noaber_wrote = None
        super().rollback()  # type: ignore[misc]

    def noaber_in_transaction(self) -> bool:
        raise NotImplementedError

    def noaber_report(self) -> None:
        wrote, self.noaber_wrote = self.noaber_wrote, None
        if wrote and self.noaber_changes is not None:
            self.noaber_changes.changed(wrote)


def _connected(changes: Changes, dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, TrackedConnection):
        dbapi_connection.noaber_changes = changes


def _executed(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if statement.lstrip()[:24].upper().startswith(_NOT_WRITES):
        return
    driver = conn.connection.dbapi_connection
    if not isinstance(driver, TrackedConnection):
        return
    wrote = driver.noaber_wrote
    if wrote is None:
        wrote = driver.noaber_wrote = set()
    wrote.add(current_tenant() or EVERY_TENANT)
    if not driver.noaber_in_transaction():
        driver.noaber_report()  # autocommit: committed already, no commit() follows


def track(engine: Engine) -> None:
    """Report the commits of ``engine``'s connections (they must be :class:`TrackedConnection`)."""
    changes = of(engine)
    changes._engines.add(engine)
    event.listen(engine, "connect", lambda dbapi, record: _connected(changes, dbapi, record))
    event.listen(engine, "after_cursor_execute", _executed)
