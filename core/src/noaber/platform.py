"""The composition root: everything one running Noaber needs, built once.

A :class:`Platform` holds the settings, the plugin catalog, the installed
municipalities, the database, and a :class:`TenantRuntime` for every provisioned
tenant. The web app, the CLI and tests all build one through :meth:`Platform.build`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import pluggy
from sqlalchemy import Engine, inspect
from sqlmodel import select

from noaber.db import invalidation
from noaber.db.engine import make_engine
from noaber.db.session import ALL_TENANTS, SessionFactory
from noaber.errors import ConfigurationError
from noaber.municipalities.loader import Municipality, build_host_map, discover_municipalities
from noaber.plugins import PluginCatalog, discover_plugins
from noaber.settings import Settings
from noaber.tenancy.models import Tenant, TenantHost, TenantStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TenantRuntime:
    """A provisioned municipality as the running platform sees it."""

    municipality: Municipality
    plugins: pluggy.PluginManager
    status: TenantStatus = TenantStatus.active

    @property
    def slug(self) -> str:
        return self.municipality.slug

    @property
    def hook(self) -> pluggy.HookRelay:
        """Call hooks of exactly this tenant's plugins and rules: ``tenant.hook.x(...)``."""
        return self.plugins.hook

    def enables(self, plugin: str) -> bool:
        return plugin in self.municipality.enabled_plugins


@dataclass
class Platform:
    settings: Settings
    catalog: PluginCatalog
    municipalities: Mapping[str, Municipality]
    engine: Engine
    sessions: SessionFactory
    tenants: dict[str, TenantRuntime] = field(default_factory=dict)
    host_map: dict[str, str] = field(default_factory=dict)
    _admin_sessions: SessionFactory | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        settings: Settings | None = None,
        *,
        catalog: PluginCatalog | None = None,
        municipalities: Mapping[str, Municipality] | None = None,
        engine: Engine | None = None,
    ) -> Platform:
        """Load plugins and municipality packages (refusing on configuration errors)."""
        settings = settings or Settings()
        catalog = catalog or discover_plugins(settings)
        if municipalities is None:
            municipalities = discover_municipalities(catalog)
        if settings.tenant is not None and settings.tenant not in municipalities:
            raise ConfigurationError(
                f"NOABER_TENANT={settings.tenant!r} names no installed municipality package "
                f"(installed: {', '.join(sorted(municipalities)) or 'none'})"
            )
        # Host clashes between installed packages are configuration errors, found at start.
        build_host_map(municipalities.values(), settings.base_domain)
        engine = engine or make_engine(settings.database_url, pool_size=settings.db_pool_size)
        if settings.redis_url:
            invalidation.attach(engine, settings.redis_url, settings.redis_namespace)
        return cls(settings, catalog, municipalities, engine, SessionFactory(engine))

    def municipality(self, slug: str) -> Municipality:
        try:
            return self.municipalities[slug]
        except KeyError:
            installed = ", ".join(sorted(self.municipalities)) or "none"
            raise ConfigurationError(
                f"no installed municipality package has slug {slug!r} (installed: {installed})"
            ) from None

    @property
    def admin_sessions(self) -> SessionFactory:
        """Sessions as the migration role, for platform code that crosses tenants
        (provisioning, export, offboarding). On PostgreSQL that role bypasses row-level
        security, so use it only where crossing tenants is the point; the tenant guards
        of the ORM still apply (say ``all_tenants=True`` deliberately)."""
        url = self.settings.migration_database_url
        if url is None or url == self.settings.database_url:
            return self.sessions
        if self._admin_sessions is None:
            engine = make_engine(url, pool_size=2)
            if self.settings.redis_url:
                invalidation.attach(engine, self.settings.redis_url, self.settings.redis_namespace)
            self._admin_sessions = SessionFactory(engine)
        return self._admin_sessions

    @property
    def admin_engine(self) -> Engine:
        return self.admin_sessions.engine

    def database_ready(self) -> bool:
        return inspect(self.engine).has_table("tenant")

    def load_tenants(self) -> None:
        """(Re)build the runtime of every provisioned tenant and the host map."""
        if not self.database_ready():
            raise ConfigurationError("the database has no tables yet: run `noaber db upgrade`")
        with self.sessions.begin() as session:
            opts = {ALL_TENANTS: True}
            rows = session.exec(select(Tenant).execution_options(**opts)).all()
            hosts = session.exec(select(TenantHost).execution_options(**opts)).all()
        extra: dict[str, list[str]] = {}
        for host in hosts:
            extra.setdefault(host.tenant_id, []).append(host.host)
        tenants: dict[str, TenantRuntime] = {}
        for row in rows:
            if self.settings.tenant is not None and row.slug != self.settings.tenant:
                continue
            municipality = self.municipalities.get(row.slug)
            if municipality is None:
                log.error(
                    "tenant %r is provisioned but its package %s is not installed",
                    row.slug,
                    row.package,
                )
                continue
            known = self.tenants.get(row.slug)
            if known is not None and known.municipality is municipality:
                # Reuse the plugin manager: a refresh only picks up status and hosts.
                tenants[row.slug] = dataclasses.replace(known, status=row.status)
            else:
                tenants[row.slug] = TenantRuntime(
                    municipality, municipality.plugin_manager(self.catalog), row.status
                )
        host_map = build_host_map(
            (t.municipality for t in tenants.values()), self.settings.base_domain, extra
        )
        # Swapped whole, so a request in another thread sees the old state or the new.
        self.tenants, self.host_map = tenants, host_map

    def tenant_for_host(self, host: str) -> TenantRuntime | None:
        """The tenant a request's host belongs to; None for unknown and platform hosts."""
        if self.settings.tenant is not None:
            return self.tenants.get(self.settings.tenant)
        slug = self.host_map.get(host)
        return self.tenants.get(slug) if slug is not None else None

    def is_platform_host(self, host: str) -> bool:
        return self.settings.tenant is None and host in self.settings.platform_hosts

    def dispose(self) -> None:
        invalidation.detach(self.engine)
        self.engine.dispose()
        if self._admin_sessions is not None:
            invalidation.detach(self._admin_sessions.engine)
            self._admin_sessions.engine.dispose()
