"""Filling an empty database with demo data for every installed municipality."""

from __future__ import annotations

import random
from collections.abc import Callable

from noaber.demo.context import DemoContext
from noaber.platform import Platform
from noaber.tenancy.context import tenant_scope
from noaber.tenancy.registry import provision

Progress = Callable[[str], None]


def seed_demo(
    platform: Platform, *, seed: int = 2026, progress: Progress | None = None
) -> list[str]:
    """Provision every installed municipality and let its plugins add demo data.

    Each municipality is one transaction: a failure leaves no half-seeded tenant.
    Provisioning changes the tenant registry, so this runs as the migration role.
    """
    slugs = sorted(platform.municipalities)
    for slug in slugs:
        municipality = platform.municipalities[slug]
        if progress:
            progress(f"provisioning {municipality.config.name}")
        pm = municipality.plugin_manager(platform.catalog)
        with platform.admin_sessions.begin() as session:
            provision(session, municipality)
            with tenant_scope(slug):
                demo = DemoContext(
                    session=session,
                    municipality=municipality,
                    plugin_settings=municipality.plugin_settings,
                    random=random.Random(f"{seed}:{slug}"),
                    plugins=pm,
                )
                pm.hook.seed_demo_data(demo=demo)
                # Flush while the tenant is in context: new rows get their tenant here.
                session.flush()
    platform.load_tenants()
    return slugs
