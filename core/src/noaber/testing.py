"""Pytest fixtures for Noaber and for plugin authors (a pytest plugin, loaded automatically).

The database is real: SQLite by default, PostgreSQL when ``NOABER_TEST_DATABASE=postgres``
(server at ``NOABER_TEST_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/postgres``).
Without a server those tests are skipped, except under ``CI=true`` where they fail.

Each test gets its own database, cloned from one migrated template per session: a file
copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL.

On PostgreSQL the application connects as ``noaber_test_app`` (``NOABER_TEST_APP_ROLE``), a
role that owns nothing and cannot bypass row-level security, exactly as in a hosted
install; migrations and platform commands use the server's admin URL
(``migration_database_url``). So every test on PostgreSQL exercises RLS.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from noaber.db import migrate
from noaber.db.engine import make_engine, normalise_url
from noaber.platform import Platform
from noaber.plugins import PluginCatalog, discover_plugins
from noaber.settings import Settings
from noaber.tenancy.registry import provision

POSTGRES_URL = os.environ.get(
    "NOABER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
APP_ROLE = os.environ.get("NOABER_TEST_APP_ROLE", "noaber_test_app")
REDIS_URL = os.environ.get("NOABER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def backend() -> str:
    return os.environ.get("NOABER_TEST_DATABASE", "sqlite")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_postgres() -> str:
    """The admin URL of the test server; skip (or, under CI, fail) when it is down."""
    try:
        engine = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        message = f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc}"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return POSTGRES_URL


def require_redis() -> str:
    """The test Redis URL; skip (or, under CI, fail) when Redis is down."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:
        message = f"Redis is not reachable at {REDIS_URL}: {exc}"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return REDIS_URL


def ensure_app_role(admin_engine: Any, role: str = APP_ROLE) -> None:
    """Create the application's login role if it is missing: no superuser, no BYPASSRLS,
    owns nothing. Idempotent and safe when several test runs race to create it."""
    from sqlalchemy.exc import DBAPIError

    statement = text(
        "DO $$ BEGIN "
        f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; '
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )
    for attempt in range(5):
        try:
            with admin_engine.connect() as conn:
                conn.execute(statement)
            return
        except DBAPIError:  # "tuple concurrently updated" when two runs race
            if attempt == 4:
                raise


class PostgresDatabases:
    """Creates and drops throwaway databases on the test server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.engine = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")

    def url_of(self, name: str, role: str | None = None) -> str:
        url = make_url(self.admin_url).set(database=name)
        if role is not None:
            url = url.set(username=role, password=None)
        return url.render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        name = f"noaber_test_{uuid.uuid4().hex[:12]}"
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return name

    def drop(self, name: str) -> None:
        with self.engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def noaber_catalog() -> PluginCatalog:
    """Every installed plugin, loaded once."""
    return discover_plugins(Settings())


@pytest.fixture(scope="session")
def noaber_template_database(
    tmp_path_factory: pytest.TempPathFactory, noaber_catalog: PluginCatalog
) -> Iterator[str]:
    """A database migrated to head, never used directly: tests get clones."""
    if backend() == "postgres":
        from noaber.db.rls import grant_app_role

        dbs = PostgresDatabases(require_postgres())
        ensure_app_role(dbs.engine)
        name = dbs.create()
        engine = make_engine(dbs.url_of(name), pool_size=1)
        migrate.upgrade(engine, noaber_catalog)
        grant_app_role(engine, APP_ROLE)
        engine.dispose()
        yield name
        dbs.drop(name)
        dbs.engine.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite"
        engine = make_engine(f"sqlite:///{path}", pool_size=1)
        migrate.upgrade(engine, noaber_catalog)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        yield str(path)


@pytest.fixture
def noaber_database(noaber_template_database: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A migrated, empty database of the test's own: (application URL, migration URL)."""
    if backend() == "postgres":
        dbs = PostgresDatabases(POSTGRES_URL)
        name = dbs.create(template=noaber_template_database)
        yield dbs.url_of(name, role=APP_ROLE), dbs.url_of(name)
        dbs.drop(name)
        dbs.engine.dispose()
    else:
        path = tmp_path / "noaber.sqlite"
        shutil.copyfile(noaber_template_database, path)
        yield f"sqlite:///{path}", f"sqlite:///{path}"


@pytest.fixture
def database_url(noaber_database: tuple[str, str]) -> str:
    """A migrated, empty database of the test's own, as the application role (on
    PostgreSQL: subject to row-level security)."""
    return noaber_database[0]


@pytest.fixture
def migration_database_url(noaber_database: tuple[str, str]) -> str:
    """The same database as the migration role (owner; crosses tenants)."""
    return noaber_database[1]


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database (no tables) on the backend under test."""
    if backend() == "postgres":
        dbs = PostgresDatabases(require_postgres())
        name = dbs.create()
        yield dbs.url_of(name)
        dbs.drop(name)
        dbs.engine.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"


@pytest.fixture
def make_platform(
    database_url: str, migration_database_url: str, noaber_catalog: PluginCatalog
) -> Iterator[Callable[..., Platform]]:
    """Build a platform on the test database; keyword arguments override settings
    (``municipalities=`` is passed to :meth:`Platform.build`)."""
    built: list[Platform] = []

    def factory(*, provision_all: bool = True, **overrides: Any) -> Platform:
        municipalities = overrides.pop("municipalities", None)
        overrides.setdefault("database_url", database_url)
        overrides.setdefault("migration_database_url", migration_database_url)
        settings = Settings(**overrides)
        platform = Platform.build(settings, catalog=noaber_catalog, municipalities=municipalities)
        if provision_all:
            with platform.admin_sessions.begin() as session:
                for slug in sorted(platform.municipalities):
                    if settings.tenant in (None, slug):
                        provision(session, platform.municipalities[slug])
        platform.load_tenants()
        built.append(platform)
        return platform

    yield factory
    for platform in built:
        platform.dispose()


@pytest.fixture
def platform(make_platform: Callable[..., Platform]) -> Platform:
    """The platform with every installed municipality provisioned (no demo data)."""
    return make_platform()


class HostClient:
    """A test client bound to one Host header; all hosts share one app and lifespan."""

    def __init__(self, client: Any, host: str) -> None:
        self._client = client
        self.host = host

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {"host": self.host, **kwargs.pop("headers", {})}
        return self._client.request(method, url, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Any:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Any:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Any:
        return self.request("DELETE", url, **kwargs)


@pytest.fixture
def client_for(platform: Platform) -> Iterator[Callable[[str], HostClient]]:
    """``client_for("meppel")`` (a slug or any host name) sends requests with that host."""
    from litestar.testing import TestClient

    from noaber.web.app import create_app

    with TestClient(create_app(platform), raise_server_exceptions=False) as client:

        def factory(host_or_slug: str) -> HostClient:
            host = host_or_slug
            if host in platform.municipalities:
                label = platform.municipalities[host].config.host_label()
                host = f"{label}.{platform.settings.base_domain}"
            return HostClient(client, host)

        yield factory


def synthetic_municipalities(
    count: int, template: Any, *, prefix: str = "gemeente"
) -> dict[str, Any]:
    """``count`` municipalities made from one installed municipality (``template``, a
    :class:`~noaber.municipalities.loader.Municipality`): own slug, name, CBS codes and
    neighbourhoods, the template's plugins and settings. For scale tests and benchmarks
    (there are 342 Dutch municipalities)."""
    import dataclasses

    made: dict[str, Any] = {}
    for i in range(count):
        digits = f"{9000 - i:04d}"
        hoods = [
            hood.model_copy(
                update={
                    "name": f"{hood.name} {i}",
                    "cbs_wijk_code": f"WK{digits}{n:02d}",
                    "cbs_buurt_codes": [f"BU{digits}{n:02d}01"],
                }
            )
            for n, hood in enumerate(template.config.neighbourhoods)
        ]
        slug = f"{prefix}{i:03d}"
        config = template.config.model_copy(
            update={
                "slug": slug,
                "name": f"Gemeente {i:03d}",
                "cbs_code": f"GM{digits}",
                "hosts": [],
                "neighbourhoods": hoods,
            }
        )
        made[slug] = dataclasses.replace(template, config=config)
    return made
