"""`noaber plugins` and `noaber municipalities`: what is installed."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from noaber.cli.base import fails_cleanly, print_table
from noaber.settings import Settings


@click.group()
def plugins() -> None:
    """Installed programme plugins."""


@plugins.command("list")
@fails_cleanly
def plugins_list() -> None:
    """Installed plugins and the municipalities that enable each."""
    from noaber.municipalities.loader import discover_municipalities
    from noaber.plugins import discover_plugins

    catalog = discover_plugins(Settings())
    municipalities = discover_municipalities(catalog)
    table = Table("plugin", "version", "status", "enabled by")
    names = sorted({*catalog.plugins, *catalog.blocked, *catalog.broken})
    for name in names:
        users = sorted(s for s, m in municipalities.items() if name in m.config.plugins)
        status = "loaded" if name in catalog.plugins else (catalog.unavailable_reason(name) or "")
        version = catalog.plugins[name].version if name in catalog.plugins else "-"
        table.add_row(name, version, status, ", ".join(users) or "-")
    print_table(table)


@click.group()
def municipalities() -> None:
    """Installed municipality packages."""


@municipalities.command("list")
@fails_cleanly
def municipalities_list() -> None:
    """Installed municipality packages with their plugins and hosts."""
    from noaber.municipalities.loader import discover_municipalities, hosts_of
    from noaber.plugins import discover_plugins

    settings = Settings()
    catalog = discover_plugins(settings)
    table = Table("slug", "name", "CBS code", "plugins", "hosts")
    for slug, m in sorted(discover_municipalities(catalog).items()):
        hosts = ", ".join(sorted(hosts_of(m, settings.base_domain)))
        table.add_row(
            slug, m.config.name, m.config.cbs_code, ", ".join(sorted(m.enabled_plugins)), hosts
        )
    print_table(table)


@municipalities.command("check")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@fails_cleanly
def municipalities_check(path: Path) -> None:
    """Validate a municipality package (its folder or its municipality.toml)."""
    from noaber.municipalities.loader import load_municipality_from_path
    from noaber.plugins import discover_plugins

    municipality = load_municipality_from_path(path, discover_plugins(Settings()))
    config = municipality.config
    click.echo(
        f"{municipality.package}: OK: {config.name} ({config.cbs_code}), "
        f"{len(config.neighbourhoods)} neighbourhoods, plugins: "
        f"{', '.join(sorted(municipality.enabled_plugins)) or 'none'}"
    )
    for name, reason in municipality.skipped_plugins.items():
        click.echo(f"warning: plugin {name!r} is enabled but {reason}")
