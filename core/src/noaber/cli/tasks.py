"""`noaber tasks run [--tenant SLUG] [--task NAME]`: run the plugins' periodic tasks
once (for cron-style deployments with NOABER_TASKS_IN_APP=false, and for tests)."""

from __future__ import annotations

import sys

import click

from noaber.cli.base import build_platform, console, fails_cleanly, print_table


@click.group()
def tasks() -> None:
    """Periodic background work of the plugins (e.g. retrying failed mail)."""


@tasks.command("run")
@click.option("--tenant", "-t", default=None, help="One municipality (default: every active one).")
@click.option("--task", "only", default=None, help="One task by name (default: every task).")
@fails_cleanly
def run(tenant: str | None, only: str | None) -> None:
    """Run every registered task once for each active tenant; exit status 1 when one failed."""
    from noaber.accounts.mail import Mailer
    from noaber.errors import NotFound
    from noaber.tasks.runner import TaskRunner, active_tenants, tasks_of

    platform = build_platform()
    try:
        platform.load_tenants()
        tenants = active_tenants(platform, tenant)
        if only is not None and not any(
            t.name == only for runtime in tenants for t in tasks_of(runtime)
        ):
            raise NotFound(f"no tenant here has a periodic task named {only!r}")
        runner = TaskRunner(platform, Mailer(platform.settings.smtp_url))
        try:
            outcomes = runner.run_due(tenant=tenant, task=only)
        finally:
            runner.close()
    finally:
        platform.dispose()
    for outcome in outcomes:
        click.echo(f"{outcome.tenant}: {outcome.task} {outcome.result}")
    if not outcomes:
        click.echo("no periodic tasks to run")
    failed = [o for o in outcomes if o.result == "failed"]
    if failed:
        console.print(f"[bold red]error:[/] {len(failed)} task run(s) failed (see the log)")
        sys.exit(1)


@tasks.command("list")
@fails_cleanly
def list_tasks() -> None:
    """The periodic tasks each active tenant has, and how often they run."""
    from rich.table import Table

    from noaber.tasks.runner import active_tenants, tasks_of

    platform = build_platform()
    try:
        platform.load_tenants()
        table = Table("tenant", "task", "every (s)")
        for runtime in active_tenants(platform):
            for task in tasks_of(runtime):
                table.add_row(runtime.slug, task.name, f"{task.every_seconds:g}")
    finally:
        platform.dispose()
    print_table(table)
