"""`noaber tenants`: the municipalities provisioned in this install."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import click
from rich.table import Table

from noaber.cli.base import build_platform, fails_cleanly, print_table
from noaber.errors import NoaberError

P = ParamSpec("P")
R = TypeVar("R")


def needs_owner_role(func: Callable[P, R]) -> Callable[P, R]:
    """A permission error means the command ran as the app role: say what to do."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from sqlalchemy.exc import ProgrammingError

        try:
            return func(*args, **kwargs)
        except ProgrammingError as exc:
            if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
                raise
            raise NoaberError(
                "the database role may not change the tenant registry: run `noaber tenants` "
                "with NOABER_MIGRATION_DATABASE_URL set to the owner role (docs/hosting.md)"
            ) from exc

    return wrapper


@click.group()
def tenants() -> None:
    """Provisioned municipalities (tenants) of this install."""


@tenants.command("provision")
@click.argument("slug")
@click.option("--host", "hosts", multiple=True, help="An extra host name (repeatable).")
@fails_cleanly
@needs_owner_role
def tenants_provision(slug: str, hosts: tuple[str, ...]) -> None:
    """Provision (or update) a tenant from its installed municipality package."""
    from noaber.tenancy.registry import provision

    platform = build_platform()
    municipality = platform.municipality(slug)
    platform.load_tenants()
    with platform.admin_sessions.begin() as session:
        provision(session, municipality, hosts)
    platform.load_tenants()
    click.echo(
        f"provisioned {slug}: hosts "
        + ", ".join(sorted(h for h, s in platform.host_map.items() if s == slug))
    )


@tenants.command("list")
@fails_cleanly
def tenants_list() -> None:
    """Provisioned tenants with their status and hosts."""
    platform = build_platform()
    platform.load_tenants()
    table = Table("slug", "name", "status", "hosts")
    for slug, tenant in sorted(platform.tenants.items()):
        hosts = ", ".join(sorted(h for h, s in platform.host_map.items() if s == slug))
        table.add_row(slug, tenant.municipality.config.name, tenant.status.value, hosts)
    print_table(table)


def _set_status(slug: str, status: str) -> None:
    from noaber.tenancy.models import TenantStatus
    from noaber.tenancy.registry import set_status

    platform = build_platform()
    with platform.admin_sessions.begin() as session:
        set_status(session, slug, TenantStatus(status))
    seconds = platform.settings.registry_refresh_seconds
    click.echo(f"{slug} is {status}; running workers follow within {seconds:g} s")


@tenants.command("suspend")
@click.argument("slug")
@fails_cleanly
@needs_owner_role
def tenants_suspend(slug: str) -> None:
    """Suspend a tenant: its hosts answer 503; its data is kept."""
    _set_status(slug, "suspended")


@tenants.command("resume")
@click.argument("slug")
@fails_cleanly
@needs_owner_role
def tenants_resume(slug: str) -> None:
    """Resume a suspended tenant."""
    _set_status(slug, "active")


@tenants.command("export")
@click.argument("slug")
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False))
@fails_cleanly
def tenants_export(slug: str, archive: Path) -> None:
    """Write every row of a tenant (core's and every plugin's tables) to a zip archive."""
    from noaber.tenancy.archive import export_tenant

    platform = build_platform()
    digest, counts = export_tenant(platform.admin_engine, slug, archive)
    click.echo(f"exported {slug}: {sum(counts.values())} rows in {len(counts)} tables to {archive}")
    click.echo(f"sha256 {digest}")


@tenants.command("offboard")
@click.argument("slug")
@click.option(
    "--archive",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Export here first (recommended); the register keeps its checksum.",
)
@click.option("--reason", default="", help="Why, for the offboarding register.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@fails_cleanly
@needs_owner_role
def tenants_offboard(slug: str, archive: Path | None, reason: str, yes: bool) -> None:
    """Delete every row of a tenant, with a register of what was deleted."""
    from noaber.tenancy.archive import export_tenant, offboard_tenant

    platform = build_platform()
    if not yes:
        click.confirm(f"Delete every row of {slug}? This cannot be undone", abort=True)
    digest = None
    if archive is not None:
        digest, _counts = export_tenant(platform.admin_engine, slug, archive)
        click.echo(f"exported {slug} to {archive} (sha256 {digest})")
    deleted = offboard_tenant(platform.admin_engine, slug, reason=reason, export_sha256=digest)
    for table, count in deleted.items():
        click.echo(f"  {table}: {count} deleted")
    click.echo(f"offboarded {slug}: {sum(deleted.values())} rows deleted and registered")


@tenants.command("import")
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@fails_cleanly
@needs_owner_role
def tenants_import(archive: Path) -> None:
    """Restore a tenant from an export archive (all or nothing)."""
    from noaber.tenancy.archive import import_tenant

    platform = build_platform()
    slug, counts = import_tenant(platform.admin_engine, archive)
    click.echo(f"imported {slug}: {sum(counts.values())} rows in {len(counts)} tables")
