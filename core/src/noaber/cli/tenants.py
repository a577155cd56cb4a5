"""`noaber tenants`: the municipalities provisioned in this install."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from noaber.cli.base import build_platform, fails_cleanly


@click.group()
def tenants() -> None:
    """Provisioned municipalities (tenants) of this install."""


@tenants.command("provision")
@click.argument("slug")
@click.option("--host", "hosts", multiple=True, help="An extra host name (repeatable).")
@fails_cleanly
def tenants_provision(slug: str, hosts: tuple[str, ...]) -> None:
    """Provision (or update) a tenant from its installed municipality package."""
    from noaber.tenancy.registry import provision

    platform = build_platform()
    municipality = platform.municipality(slug)
    platform.load_tenants()
    with platform.sessions.begin() as session:
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
    Console().print(table)
