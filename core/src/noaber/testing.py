"""Pytest fixtures for Noaber and for plugin authors (a pytest plugin, loaded automatically).

The database is real: SQLite by default, PostgreSQL when ``NOABER_TEST_DATABASE=postgres``
(server at ``NOABER_TEST_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/postgres``).
Without a server those tests are skipped, except under ``CI=true`` where they fail.

Each test gets its own database, cloned from one migrated template per session: a file
copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL.
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


class PostgresDatabases:
    """Creates and drops throwaway databases on the test server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.engine = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")

    def url_of(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

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
        dbs = PostgresDatabases(require_postgres())
        name = dbs.create()
        engine = make_engine(dbs.url_of(name), pool_size=1)
        migrate.upgrade(engine, noaber_catalog)
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
def database_url(noaber_template_database: str, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of the test's own."""
    if backend() == "postgres":
        dbs = PostgresDatabases(POSTGRES_URL)
        name = dbs.create(template=noaber_template_database)
        yield dbs.url_of(name)
        dbs.drop(name)
        dbs.engine.dispose()
    else:
        path = tmp_path / "noaber.sqlite"
        shutil.copyfile(noaber_template_database, path)
        yield f"sqlite:///{path}"


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
    database_url: str, noaber_catalog: PluginCatalog
) -> Iterator[Callable[..., Platform]]:
    """Build a platform on the test database; keyword arguments override settings."""
    built: list[Platform] = []

    def factory(*, provision_all: bool = True, **overrides: Any) -> Platform:
        settings = Settings(database_url=database_url, **overrides)
        platform = Platform.build(settings, catalog=noaber_catalog)
        if provision_all:
            with platform.sessions.begin() as session:
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
