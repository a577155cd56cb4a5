"""`noaber new municipality` and `noaber new plugin`: start a package from a template.

Both wrap the cookiecutter templates in the repository's ``templates/`` folder. Asked
interactively by default; ``--no-input`` takes every answer from the options (and the
template's defaults), for scripts. Bad answers are refused by the template's
pre-generation hook before anything is written.

Where the templates are found, first match wins:

1. ``--template PATH`` (one template) or the environment variable ``NOABER_TEMPLATES``
   (a folder holding ``municipality/`` and ``plugin/``);
2. ``noaber/_templates`` next to this package, for a distribution that bundles them
   (the workspace's wheel does not yet: hatchling's force-include of ``../templates``
   breaks the sdist-to-wheel build);
3. the ``templates/`` folder of the source checkout that core is installed from
   (editable, as in the uv workspace): the nearest parent of this file that has one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from noaber.cli.base import fails_cleanly
from noaber.errors import NoaberError

TEMPLATES_ENV = "NOABER_TEMPLATES"
KINDS = ("municipality", "plugin")


def templates_root() -> Path:
    """The folder holding the ``municipality`` and ``plugin`` templates."""
    configured = os.environ.get(TEMPLATES_ENV)
    if configured:
        return Path(configured)
    here = Path(__file__).resolve()
    packaged = here.parents[1] / "_templates"
    if (packaged / "municipality" / "cookiecutter.json").is_file():
        return packaged
    for parent in here.parents:
        candidate = parent / "templates"
        if (candidate / "municipality" / "cookiecutter.json").is_file():
            return candidate
    raise NoaberError(
        "the Noaber templates were not found: set NOABER_TEMPLATES to the templates/ folder "
        "of a Noaber checkout, or pass --template"
    )


def template_path(kind: str, override: Path | None = None) -> Path:
    path = override if override is not None else templates_root() / kind
    if not (path / "cookiecutter.json").is_file():
        raise NoaberError(f"{path} is not a cookiecutter template (no cookiecutter.json)")
    return path.resolve()


def core_migration_head() -> str:
    """Core's current head revision(s), for a new plugin's first ``depends_on``."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from noaber.db.migrate import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    return ",".join(sorted(ScriptDirectory.from_config(cfg).get_heads()))


def bake(
    kind: str,
    answers: Mapping[str, Any],
    *,
    output_dir: Path,
    no_input: bool,
    overwrite: bool = False,
    template: Path | None = None,
) -> Path:
    """Generate a package from the ``kind`` template; return its folder."""
    from cookiecutter.exceptions import (
        CookiecutterException,
        FailedHookException,
        OutputDirExistsException,
    )
    from cookiecutter.main import cookiecutter

    path = template_path(kind, template)
    output_dir.mkdir(parents=True, exist_ok=True)
    # The pre-generation hook prints what it refuses; cookiecutter's own traceback of
    # the failed hook is noise to someone who typed a wrong CBS code.
    logging.getLogger("cookiecutter").setLevel(logging.CRITICAL)
    try:
        result = cookiecutter(
            str(path),
            no_input=no_input,
            extra_context=dict(answers),
            output_dir=str(output_dir),
            overwrite_if_exists=overwrite,
        )
    except FailedHookException:
        raise NoaberError(f"the {kind} was not generated: see the answers refused above") from None
    except OutputDirExistsException as exc:
        raise NoaberError(f"{exc}; pass --overwrite to write over it") from None
    except CookiecutterException as exc:
        raise NoaberError(f"the {kind} was not generated: {exc}") from None
    return Path(result)


def _install_hint(project: Path) -> None:
    """Say how to install the new package: a workspace member needs the root to depend on it."""
    dist = _distribution_name(project)
    root = next((p for p in project.resolve().parents if (p / "pyproject.toml").is_file()), None)
    if root is not None and "[tool.uv.workspace]" in (root / "pyproject.toml").read_text():
        click.echo(
            f"install: add {dist!r} to the dependencies and [tool.uv.sources] "
            f"({dist} = {{ workspace = true }}) of {root / 'pyproject.toml'}, then uv sync"
        )
    else:
        click.echo(f"install: pip install -e {project}  (or uv pip install -e {project})")


def _distribution_name(project: Path) -> str:
    import tomllib

    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    return str(data["project"]["name"])


def _default_output(folder: str) -> Path:
    """``municipalities/`` or ``plugins/`` when run at the root of a Noaber checkout."""
    return Path(folder) if Path(folder).is_dir() else Path()


def _given(pairs: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in pairs.items() if value is not None}


def _settings(values: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise NoaberError(
                f"--set {item!r}: expected KEY=VALUE, e.g. wijkbedrijf_hourly_rate=9.00"
            )
        out[key.strip()] = value
    return out


common_options = [
    click.option(
        "-o",
        "--output-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Where to write the package [default: municipalities/ or plugins/ if here, else .]",
    ),
    click.option("--no-input", is_flag=True, help="Ask nothing: use the options and defaults."),
    click.option("--overwrite", is_flag=True, help="Write over an existing folder."),
    click.option(
        "--template",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        help="Use this template folder instead of the bundled one.",
    ),
    click.option(
        "--set",
        "extra",
        multiple=True,
        metavar="KEY=VALUE",
        help="Any other template answer (repeatable).",
    ),
]


def with_common_options(func: Any) -> Any:
    for option in reversed(common_options):
        func = option(func)
    return func


@click.group()
def new() -> None:
    """Start a new municipality package or plugin from a template."""


@new.command("municipality")
@click.option("--name", "municipality_name", help="Name of the municipality, e.g. Zwolle.")
@click.option("--cbs-code", help="CBS municipality code: GM plus four digits.")
@click.option("--slug", help="Python identifier, lower case [default: from the name].")
@click.option("--host", "hosts", multiple=True, help="Extra host name (repeatable).")
@click.option(
    "--neighbourhoods",
    help="'Name: postcode, postcode; ...' (prefix a name with its WK code to give it).",
)
@click.option("--plugin", "plugins", multiple=True, help="Programme to enable (repeatable).")
@click.option("--no-plugins", is_flag=True, help="Enable no programme.")
@click.option("--database", type=click.Choice(["both", "sqlite", "postgresql"]), default=None)
@click.option("--rules/--no-rules", "include_rules", default=None, help="Add a rules module.")
@with_common_options
@fails_cleanly
def new_municipality(
    municipality_name: str | None,
    cbs_code: str | None,
    slug: str | None,
    hosts: tuple[str, ...],
    neighbourhoods: str | None,
    plugins: tuple[str, ...],
    no_plugins: bool,
    database: str | None,
    include_rules: bool | None,
    output_dir: Path | None,
    no_input: bool,
    overwrite: bool,
    template: Path | None,
    extra: tuple[str, ...],
) -> None:
    """Generate a municipality package: configuration, rules, demo data, tests, deployment."""
    answers = _given(
        {
            "municipality_name": municipality_name,
            "cbs_code": cbs_code,
            "slug": slug,
            "hosts": ",".join(hosts) if hosts else None,
            "neighbourhoods": neighbourhoods,
            "plugins": "" if no_plugins else (",".join(plugins) if plugins else None),
            "database": database,
            "include_rules": include_rules,
        }
    )
    answers |= _settings(extra)
    out = bake(
        "municipality",
        answers,
        output_dir=output_dir or _default_output("municipalities"),
        no_input=no_input,
        overwrite=overwrite,
        template=template,
    )
    click.echo(f"created {out}")
    click.echo(f"next: noaber municipalities check {out}")
    _install_hint(out)


@new.command("plugin")
@click.option("--name", "plugin_name", help="Plugin name: a Python identifier, lower case.")
@click.option("--title", help="Human-readable programme title.")
@click.option("--description", help="One sentence: what the programme does.")
@click.option("--author", help="Author or organisation.")
@click.option("--model/--no-model", "with_model", default=None, help="Add a table + migration.")
@with_common_options
@fails_cleanly
def new_plugin(
    plugin_name: str | None,
    title: str | None,
    description: str | None,
    author: str | None,
    with_model: bool | None,
    output_dir: Path | None,
    no_input: bool,
    overwrite: bool,
    template: Path | None,
    extra: tuple[str, ...],
) -> None:
    """Generate a programme plugin: hooks, settings, route, model + migration, tests."""
    answers = _given(
        {
            "plugin_name": plugin_name,
            "title": title,
            "description": description,
            "author": author,
            "with_model": with_model,
            "core_revision": core_migration_head(),
        }
    )
    answers |= _settings(extra)
    out = bake(
        "plugin",
        answers,
        output_dir=output_dir or _default_output("plugins"),
        no_input=no_input,
        overwrite=overwrite,
        template=template,
    )
    click.echo(f"created {out}")
    _install_hint(out)
    click.echo("then: noaber db upgrade (runs its migration branch) and pytest " + str(out))
