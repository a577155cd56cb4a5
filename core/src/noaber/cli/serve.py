"""`noaber serve` and `noaber demo`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from noaber.cli.base import build_platform, console, fails_cleanly, step
from noaber.errors import NoaberError
from noaber.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")

DEMO_DATABASE = Path(".noaber") / "demo.sqlite"


def _serve(platform: Any, host: str, port: int, workers: int) -> None:
    import uvicorn

    from noaber.web.app import create_app

    if workers == 1:
        uvicorn.run(
            create_app(platform), host=host, port=port, log_level="warning", access_log=False
        )
    else:
        # Each worker builds its own platform from the environment.
        os.environ["DATABASE_URL"] = platform.settings.database_url
        uvicorn.run(
            "noaber.web.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
        )


def _announce(platform: Any, host: str, port: int) -> None:
    console.print(f"[bold]Noaber[/] serving on http://{host}:{port}", highlight=False)
    shown_port = "" if port == 80 else f":{port}"
    for _slug, tenant in sorted(platform.tenants.items()):
        config = tenant.municipality.config
        base = f"http://{config.host_label()}.{platform.settings.base_domain}{shown_port}"
        console.print(
            f"  {config.name:<12} {base}/api/municipality   (API docs: {base}/schema)",
            highlight=False,
            soft_wrap=True,
        )
    console.print("Press Ctrl+C to stop.")


serve_options = [
    click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on."),
    click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535)),
]


def with_serve_options(func: Callable[P, R]) -> Callable[P, R]:
    for option in reversed(serve_options):
        func = option(func)
    return func


@click.command()
@with_serve_options
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@fails_cleanly
def serve(host: str, port: int, workers: int) -> None:
    """Serve the platform on the configured database (DATABASE_URL)."""
    from noaber.db import migrate
    from noaber.tenancy.registry import provision

    platform = build_platform()
    if not platform.database_ready() or not migrate.is_up_to_date(
        platform.engine, platform.catalog
    ):
        raise NoaberError(
            "the database is not at the latest revision: run `noaber db upgrade` first"
        )
    from noaber.db.rls import app_role_problems

    if problems := app_role_problems(platform.engine):
        console.print(
            "[bold yellow]warning:[/] the database role of DATABASE_URL can see past row-level "
            f"security ({', '.join(problems)}); connect the app as a role that owns nothing "
            "(docs/hosting.md)",
            highlight=False,
        )
    if platform.settings.tenant is not None:
        # A single-municipality deployment provisions itself.
        with platform.admin_sessions.begin() as session:
            provision(session, platform.municipality(platform.settings.tenant))
    platform.load_tenants()
    _announce(platform, host, port)
    _serve(platform, host, port, workers)


@click.command()
@with_serve_options
@click.option(
    "--database",
    type=click.Path(path_type=Path),
    default=DEMO_DATABASE,
    show_default=True,
    help="SQLite file for the demo; it is emptied first.",
)
@click.option("--no-serve", is_flag=True, help="Fill the database and stop.")
@fails_cleanly
def demo(host: str, port: int, database: Path, no_serve: bool) -> None:
    """Start afresh on SQLite with demo data for every installed municipality, and serve it."""
    from noaber.db import migrate
    from noaber.demo.seed import seed_demo

    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    # The demo serves plain HTTP on this machine. Browsers keep a Secure cookie from
    # http://localhost, but curl and scripts (the README's example) do not send it back.
    settings = Settings(
        database_url=f"sqlite:///{database}", tenant=None, session_cookie_secure=False
    )
    platform = build_platform(settings)
    with step(f"creating the demo database {database}"):
        migrate.upgrade(platform.engine, platform.catalog)
    with console.status("adding demo data") as status:
        seed_demo(platform, progress=lambda msg: status.update(f"adding demo data: {msg}"))
    console.print(
        f"[green]✓[/] demo data for {len(platform.tenants)} municipalities", highlight=False
    )
    if no_serve:
        return
    _announce(platform, host, port)
    _serve(platform, host, port, workers=1)
