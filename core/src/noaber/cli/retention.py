"""`noaber retention run [--dry-run]`: remove what each municipality's retention
periods say is due, keeping a register of what went."""

from __future__ import annotations

import click

from noaber.cli.base import build_platform, fails_cleanly


@click.group()
def retention() -> None:
    """Retention periods of personal data."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Only show what would be removed.")
@click.option("--tenant", "-t", default=None, help="One municipality (default: all).")
@fails_cleanly
def run(dry_run: bool, tenant: str | None) -> None:
    """Anonymise or delete what is past its retention period (see docs/privacy.md)."""
    from noaber.privacy import retention as rules

    platform = build_platform()
    platform.load_tenants()
    slugs = [tenant] if tenant else sorted(platform.tenants)
    verb = "would remove" if dry_run else "removed"
    for slug in slugs:
        report = rules.run(platform, slug, dry_run=dry_run)
        for kind, ids in sorted(report.due.items()):
            shown = ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else "")
            click.echo(f"{slug}: {verb} {len(ids)} {kind}" + (f" ({shown})" if ids else ""))
        for kind in report.unknown_types:
            click.echo(f"{slug}: no retention rule knows object type {kind!r} (configured)")
