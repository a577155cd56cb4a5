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
import re
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TEST_PASSWORD = "correct horse battery staple 7"  # noqa: S105
"""The password of every account :func:`client_for` creates."""


def new_request(client: Any, *statuses: str, **fields: Any) -> int:
    """A general request (``hulpvraag``) created over the API, for a new household of one
    parent unless ``fields`` names a ``person_id`` or ``household_id``, moved through
    ``statuses``."""
    if "person_id" not in fields and "household_id" not in fields:
        parent = {"person": {"given_name": "Test", "family_name": "Gezin"}, "role": "parent"}
        household = client.post("/api/households", json={"name": "Gezin Test", "members": [parent]})
        assert household.status_code == 201, household.text
        fields["household_id"] = household.json()["id"]
    body = {"type": "hulpvraag", "asked_by": "self", "description": "x", **fields}
    created = client.post("/api/requests", json=body)
    assert created.status_code == 201, created.text
    request_id = int(created.json()["id"])
    for status in statuses:
        moved = client.post(f"/api/requests/{request_id}/transitions", json={"to": status})
        assert moved.status_code == 201, moved.text
    return request_id


def write_po(folder: Path, entries: dict[str, str], name: str = "sample") -> Path:
    """A Dutch catalogue ``folder/nl/LC_MESSAGES/<name>.po`` of ``entries`` (English id
    to Dutch), as a plugin ships one (the ``ui_locale_dirs`` hook); returns ``folder``."""
    target = folder / "nl" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    header = (
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n'
    )
    body = "".join(f'\nmsgid "{k}"\nmsgstr "{v}"\n' for k, v in entries.items())
    (target / f"{name}.po").write_text(header + body, encoding="utf-8")
    return folder


@dataclass(frozen=True)
class Identity:
    """The account behind a logged-in :class:`HostClient`."""

    account_id: int
    email: str
    role: str
    programmes: tuple[str, ...]
    password: str
    totp_secret: str | None


class HostClient:
    """A test client bound to one Host header and one identity; all hosts share one app
    and lifespan. It keeps its own cookies (so clients of several identities or
    municipalities never mix them) and sends the session's CSRF token with every
    unsafe request unless ``auto_csrf`` is off or the test sets the header itself."""

    def __init__(
        self,
        client: Any,
        host: str,
        identity: Identity | None = None,
        platform: Platform | None = None,
    ) -> None:
        self._client = client
        self.host = host
        self.identity = identity
        self.cookies: dict[str, str] = {}
        self.csrf_token: str | None = None
        self.auto_csrf = True
        self.platform = platform
        """With a platform, every write it accepts is checked for its access-log
        entry's data subject (:func:`check_write_logged`), in every test."""

    @property
    def app(self) -> Any:
        return self._client.app

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {"host": self.host, **kwargs.pop("headers", {})}
        names = {k.lower() for k in headers}
        if self.cookies and "cookie" not in names:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if (
            method.upper() in UNSAFE_METHODS
            and self.auto_csrf
            and self.csrf_token
            and "x-csrf-token" not in names
        ):
            headers["x-csrf-token"] = self.csrf_token
        self._client.cookies.clear()
        response = self._client.request(method, url, headers=headers, **kwargs)
        self._client.cookies.clear()
        self._remember(response)
        if self.platform is not None and method.upper() in UNSAFE_METHODS:
            check_write_logged(self.platform, self.host, url, response, self.app)
        return response

    def _remember(self, response: Any) -> None:
        from http.cookies import SimpleCookie

        for header in response.headers.get_list("set-cookie"):
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(header)
            for name, morsel in parsed.items():
                if _cookie_deleted(morsel):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.headers.get("content-type", "").startswith("application/json"):
            try:
                body = response.json()
            except ValueError:
                return
            if isinstance(body, dict) and isinstance(body.get("csrf_token"), str):
                self.csrf_token = body["csrf_token"]

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


def write_accepted(url: str, response: Any) -> bool:
    """Whether a write was carried out: an API answer below 400; a page's redirect
    (post/redirect/get), as a form shown again with its errors answers 200 or 4xx,
    except to the login page (the visitor is not logged in)."""
    status = response.status_code
    if urlsplit(url).path.startswith("/api/"):
        return bool(status < 400)
    location = str(response.headers.get("location", ""))
    return 300 <= status < 400 and not urlsplit(location).path.startswith("/inloggen")


def routes_naming_no_one(app: Any) -> frozenset[str]:
    """The routes of ``app`` (``"METHOD /template"``) that declare their writes concern
    no person (the ``opt={NAMES_NO_ONE: reason}`` of :mod:`noaber.privacy.web`); kept
    in the app's state, as the test client checks every write against them."""
    from noaber.privacy.web import NAMES_NO_ONE

    found: frozenset[str] | None = app.state.get(NAMES_NO_ONE)
    if found is None:
        found = frozenset(
            f"{method} {route.path_format}"
            for route, method in live_routes(app)
            if route.route_handler_map[method][0].opt.get(NAMES_NO_ONE)
        )
        app.state[NAMES_NO_ONE] = found
    return found


CHECKED_WRITES: set[str] = set()
"""The routes (``"METHOD /template"``) of every accepted write this test process checked."""


def logged_write_routes(app: Any) -> set[str]:
    """The write routes of ``app`` that :func:`check_write_logged` applies to: tenant
    routes with an access-log entry (not the platform's own, not ``access_log: False``)."""
    from noaber.privacy.web import ACCESS_LOG
    from noaber.web.dependencies import PLATFORM_ROUTE

    found = set()
    for route, method in live_routes(app):
        opt = route.route_handler_map[method][0].opt
        if method in WRITE_METHODS and opt.get(ACCESS_LOG, True) and not opt.get(PLATFORM_ROUTE):
            found.add(f"{method} {route.path_format}")
    return found


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UNCHECKED_WRITES_OPTION = "--report-unchecked-writes"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        UNCHECKED_WRITES_OPTION,
        action="store_true",
        help="list the write routes no test of this run made an accepted write to (so the "
        "access-log write check never ran for them)",
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)  # a pytest-xdist worker
    if output is not None:
        output["noaber_checked_writes"] = sorted(CHECKED_WRITES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: a worker's checked writes, gathered in the controller."""
    CHECKED_WRITES.update(getattr(node, "workeroutput", {}).get("noaber_checked_writes", []))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if not config.getoption(UNCHECKED_WRITES_OPTION):
        return
    import tempfile

    from noaber.web.app import create_app

    with tempfile.TemporaryDirectory() as folder:
        platform = Platform.build(Settings(database_url=f"sqlite:///{folder}/routes.sqlite"))
        try:
            routes = logged_write_routes(create_app(platform))
        finally:
            platform.dispose()
    unchecked = sorted(routes - CHECKED_WRITES)
    terminalreporter.section("access-log write check")
    terminalreporter.write_line(
        f"{len(routes) - len(unchecked)} of {len(routes)} write routes had an accepted write "
        f"checked in this run; {len(unchecked)} had none (nothing checks their access-log "
        "subjects until a test makes one):"
    )
    for route in unchecked:
        terminalreporter.write_line(f"  {route}")


def check_write_logged(
    platform: Platform, host: str, url: str, response: Any, app: Any = None
) -> None:
    """Fail when an accepted write of personal data left no access-log entry naming a
    data subject. Run by :class:`HostClient` for every write, so each test that makes a
    write checks its log too: the whole suite is the list of valid writes. A route
    without an entry (``opt={"access_log": False}``, no tenant) answers no trace id."""
    trace = response.headers.get("x-trace-id")
    if trace is None or not write_accepted(url, response):
        return
    from noaber.web.tenancy import request_host

    scope: Any = {"headers": [(b"host", host.encode())]}
    tenant = platform.tenant_for_host(request_host(scope))
    assert tenant is not None, f"{host} answered a trace id but serves no tenant"
    rows = _logged(platform, tenant.slug, trace)
    assert rows, f"{url}: write answered {response.status_code} without an access-log entry"
    routes = {route for route, _ in rows}
    CHECKED_WRITES.update(routes)
    if any(subject is not None for _, subject in rows):
        return
    if app is not None and routes <= routes_naming_no_one(app):
        return
    raise AssertionError(
        f"{sorted(routes)} ({url}) answered {response.status_code}: its access-log "
        "entries name no data subject. Note the persons the write concerns before it "
        "(noaber.privacy.access_log.note_subjects, noaber.people.services.note_subjects_of), "
        "or, when its writes concern no person, say why on the route: "
        "opt={NAMES_NO_ONE: reason} (noaber.privacy.web)"
    )


def _logged(platform: Platform, slug: str, trace: str) -> list[tuple[str, int | None]]:
    """``(route, subject_person_id)`` of the access-log entries of one request."""
    from noaber.tenancy.archive import tenant_transaction

    with tenant_transaction(platform.admin_engine, slug) as conn:
        rows = conn.execute(
            text("SELECT route, subject_person_id FROM access_log WHERE trace_id = :t"),
            {"t": trace},
        ).all()
    return [(str(route), subject) for route, subject in rows]


def logged_subjects(platform: Platform, slug: str, response: Any) -> set[int]:
    """The data subjects the access-log entries of the request that gave ``response``
    name (by its ``x-trace-id`` header)."""
    rows = _logged(platform, slug, response.headers["x-trace-id"])
    return {subject for _, subject in rows if subject is not None}


_FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def form_token(page: Any, action: str | None = None, status: int = 200) -> str:
    """The one-time token (:mod:`noaber.ui.forms`) of the form on ``page`` that posts to
    ``action`` (exactly that path, with or without a query string or fragment), or of its first
    form; fails when the page answered another status or has no such form."""
    assert page.status_code == status, page.text
    text_after = page.text
    if action is not None:
        found_form = re.search(f'action="{re.escape(action)}["?#]', page.text)
        assert found_form is not None, f"no form posting to {action}"
        text_after = page.text[found_form.end() :]
    found = _FORM_TOKEN.search(text_after)
    assert found is not None, f"no form token after the form posting to {action}"
    return found.group(1)


def _cookie_deleted(morsel: Any) -> bool:
    """Whether a ``Set-Cookie`` morsel tells the browser to drop the cookie: an empty
    value, ``Max-Age`` zero or less, or an ``Expires`` that has passed. Read from the
    parsed attributes, never from the header's text: a random session id may contain
    "1970" or "max-age=0"-like digits (it once made a fresh login look like a logout)."""
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    if morsel.value in ("", "null"):
        return True
    max_age = str(morsel["max-age"]).strip()
    if max_age:
        return int(max_age) <= 0
    expires = str(morsel["expires"]).strip()
    return bool(expires) and parsedate_to_datetime(expires) <= datetime.now(UTC)


@cache
def _test_password_hash() -> str:
    from noaber.accounts.passwords import hash_password

    return hash_password(TEST_PASSWORD)


def create_test_account(
    platform: Platform,
    slug: str,
    *,
    role: str = "municipality_admin",
    programmes: Sequence[str] | None = None,
    email: str | None = None,
    person_id: int | None = None,
    helper_id: int | None = None,
    professional_id: int | None = None,
) -> Identity:
    """An account of tenant ``slug`` with :data:`TEST_PASSWORD` and, for staff roles, an
    enrolled TOTP secret (``pyotp.TOTP(identity.totp_secret).now()`` gives a code)."""
    import pyotp

    from noaber.accounts.roles import MFA_ROLES, Role
    from noaber.accounts.services import create_account
    from noaber.tenancy.context import tenant_scope

    totp_secret = pyotp.random_base32() if Role(role) in MFA_ROLES else None
    email = email or f"{role}-{uuid.uuid4().hex[:8]}@{slug}.test"
    with tenant_scope(slug), platform.sessions.begin() as session:
        account = create_account(
            session,
            email=email,
            display_name=f"Test {role}",
            role=role,
            programmes=list(programmes) if programmes else None,
            password_hash=_test_password_hash(),
            totp_secret=totp_secret,
            person_id=person_id,
            helper_id=helper_id,
            professional_id=professional_id,
        )
        assert account.id is not None
        return Identity(
            account.id,
            account.email,
            account.role,
            tuple(account.programmes),
            TEST_PASSWORD,
            totp_secret,
        )


def _host_of(platform: Platform, host_or_slug: str) -> str:
    if host_or_slug in platform.municipalities:
        label = platform.municipalities[host_or_slug].config.host_label()
        return f"{label}.{platform.settings.base_domain}"
    return host_or_slug


@pytest.fixture
def client_for(platform: Platform) -> Iterator[Callable[..., HostClient]]:
    """``client_for("meppel")`` (a slug or any host name): a client for that host, logged
    in as a municipality admin with every programme (TOTP done, CSRF token attached).

    ``client_for(slug, role="coordinator", programme="gezinslab")`` logs in as another
    role (``person_id=``, ``helper_id=``, ``professional_id=`` link the account to domain
    records); ``client_for(slug, anonymous=True)`` has no session. A host that serves no
    tenant (a platform host, an unknown name) gives an anonymous client. The session is
    put in the session store directly; the login routes are tested over HTTP elsewhere.
    """
    from litestar.testing import TestClient

    from noaber.web.app import create_app
    from noaber.web.tenancy import request_host

    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        identities: dict[tuple[Any, ...], Identity] = {}

        def factory(
            host_or_slug: str,
            *,
            role: str = "municipality_admin",
            programme: str | None = None,
            programmes: Sequence[str] | None = None,
            anonymous: bool = False,
            person_id: int | None = None,
            helper_id: int | None = None,
            professional_id: int | None = None,
        ) -> HostClient:
            host = _host_of(platform, host_or_slug)
            scope: Any = {"headers": [(b"host", host.encode())]}
            tenant = platform.tenant_for_host(request_host(scope))
            if anonymous or tenant is None:
                return HostClient(client, host, platform=platform)
            scoped = tuple(programmes or ([programme] if programme else ()))
            key = (tenant.slug, role, scoped, person_id, helper_id, professional_id)
            identity = identities.get(key)
            if identity is None:
                identity = create_test_account(
                    platform,
                    tenant.slug,
                    role=role,
                    programmes=scoped or None,
                    person_id=person_id,
                    helper_id=helper_id,
                    professional_id=professional_id,
                )
                identities[key] = identity
            host_client = HostClient(client, host, identity, platform)
            login_directly(client, platform, tenant.slug, identity, host_client)
            return host_client

        yield factory


def logged_in_client(
    client: Any,
    platform: Platform,
    host_or_slug: str,
    *,
    role: str = "municipality_admin",
    programmes: Sequence[str] | None = None,
    person_id: int | None = None,
    helper_id: int | None = None,
    professional_id: int | None = None,
) -> HostClient:
    """For tests that make their own ``TestClient`` (a platform with changed settings):
    a :class:`HostClient` on ``host_or_slug`` logged in as a new account with ``role``
    (default a municipality admin with every programme). Anonymous if the host serves
    no tenant."""
    from noaber.web.tenancy import request_host

    host = _host_of(platform, host_or_slug)
    scope: Any = {"headers": [(b"host", host.encode())]}
    tenant = platform.tenant_for_host(request_host(scope))
    if tenant is None:
        return HostClient(client, host, platform=platform)
    identity = create_test_account(
        platform,
        tenant.slug,
        role=role,
        programmes=programmes,
        person_id=person_id,
        helper_id=helper_id,
        professional_id=professional_id,
    )
    host_client = HostClient(client, host, identity, platform)
    login_directly(client, platform, tenant.slug, identity, host_client)
    return host_client


def login_directly(
    client: Any, platform: Platform, slug: str, identity: Identity, host_client: HostClient
) -> None:
    """Put an authenticated session (second factor done) in the app's session store."""
    import json
    import secrets

    from noaber.accounts.sessions import COOKIE_NAME, STORE_NAME, new_session_data
    from noaber.tenancy.context import tenant_scope

    data = new_session_data(
        kind="account", account_id=identity.account_id, epoch=0, mfa=True, tenant=slug
    )
    session_id = secrets.token_hex(32)
    store = client.app.stores.get(STORE_NAME)

    async def put() -> None:
        with tenant_scope(slug):
            await store.set(
                session_id,
                json.dumps(data).encode(),
                expires_in=platform.settings.session_idle_minutes * 60,
            )

    client.blocking_portal.call(put)
    host_client.cookies[COOKIE_NAME] = session_id
    host_client.csrf_token = data["csrf"]


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


class StaffClient:
    """Requests as a logged-in municipality admin of whichever municipality the ``host``
    header names: for tests written against one raw ``TestClient`` across hosts."""

    def __init__(self, client: Any, platform: Platform) -> None:
        self._client = client
        self._platform = platform
        self._by_host: dict[str, HostClient] = {}

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        host = headers.pop("host")
        if host not in self._by_host:
            self._by_host[host] = logged_in_client(self._client, self._platform, host)
        return self._by_host[host].request(method, url, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)


def statements_of(
    platform: Platform, client: Any, path: str, **params: Any
) -> tuple[list[str], Any]:
    """The SQL statements one ``GET path`` runs, and its answer (which must be 200). A
    first ``GET`` goes before, so that what it caches is not counted: for tests that a
    page or list reads as many statements however many rows it shows."""
    from sqlalchemy import event

    query = params or None  # None keeps a query string written in ``path``
    client.get(path, params=query)
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(platform.engine, "before_cursor_execute", note)
    try:
        answer = client.get(path, params=query)
        assert answer.status_code == 200, answer.text
    finally:
        event.remove(platform.engine, "before_cursor_execute", note)
    return seen, answer


# The live route table, for tests generated from it (cross-tenant matrix, access-log
# subjects): routes added later are covered without editing those tests.


def live_routes(app: Any, skip: str = r"^/schema") -> Iterator[tuple[Any, str]]:
    """``(route, method)`` of every HTTP route of ``app`` (not HEAD or OPTIONS)."""
    import re

    from litestar.routes import HTTPRoute

    for route in app.routes:
        if not isinstance(route, HTTPRoute) or re.match(skip, route.path):
            continue
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            yield route, method


def ids_by_table(platform: Platform, slug: str, limit: int = 3) -> dict[str, list[Any]]:
    """Primary-key values of the tenant's first rows, per table (single-column keys)."""
    from sqlalchemy import select

    from noaber.db.rls import TENANT_COLUMN
    from noaber.tenancy.archive import tenant_tables, tenant_transaction

    found: dict[str, list[Any]] = {}
    with tenant_transaction(platform.admin_engine, slug) as conn:
        for table in tenant_tables(conn):
            pk = list(table.primary_key.columns)
            if TENANT_COLUMN not in table.columns or len(pk) != 1:
                continue
            rows = conn.execute(
                select(pk[0]).where(table.c[TENANT_COLUMN] == slug).order_by(pk[0]).limit(limit)
            )
            found[table.name] = [r[0] for r in rows]
    return found


def candidate_tables(param: str, path: str, tables: Sequence[str]) -> list[str]:
    """Tables whose rows a path parameter may name: by parameter name, then by the
    path segment before it, else every table."""
    import re

    base = re.sub(r"_?(id|pk|uuid)$", "", param)
    segments = [s for s in path.split("/") if s and not s.startswith("{")]
    names = [base, base.rstrip("s"), *(s.rstrip("s") for s in reversed(segments))]
    for name in names:
        key = name.replace("_", "").replace("-", "")
        for table in tables:
            if name and table.replace("_", "") == key:
                return [table]
        # A plugin's tables carry its name as a prefix: buurtgezinnen_coupling.
        for table in tables:
            if name and "_" in table and table.split("_", 1)[1].replace("_", "") == key:
                return [table]
        # ...or a qualifier as a suffix: /helpers/{helper_id} names helper_profile.
        for table in tables:
            if name and table.startswith(f"{name}_"):
                return [table]
    return list(tables)


def fill_path(path_format: str, params: Sequence[str], value_for: Callable[[str], Any]) -> str:
    """``path_format`` with each ``{param}`` replaced by ``value_for(param)``."""
    path = path_format
    for name in params:
        path = path.replace("{" + name + "}", str(value_for(name)))
    return path
