"""MkDocs hooks: generate the hook and configuration references at build time.

``docs/reference/hooks.md`` and ``docs/reference/configuration.md`` hold a marker that
is replaced by text generated from the code (``noaber.reference``), so the reference
always describes the installed code. While ``docs/hosting.md`` is not written yet, a
placeholder page keeps the navigation (and ``mkdocs build --strict``) whole.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

HOOKS_MARKER = "<!-- noaber:hook-reference -->"
CONFIG_MARKER = "<!-- noaber:configuration-reference -->"
CLI_MARKER = "<!-- noaber:cli-reference -->"
NOTES = Path(__file__).resolve().parents[1] / "reference" / "configuration-notes.toml"

HOSTING_PLACEHOLDER = """# Hosting Noaber

The hosting guide is being written. Until then, see
[Getting started for a hoster](getting-started/hoster.md) and the README's deployment
settings.
"""


def on_files(files: Files, config: Any) -> Files:
    if files.get_file_from_path("hosting.md") is None:
        files.append(File.generated(config, "hosting.md", content=HOSTING_PLACEHOLDER))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if HOOKS_MARKER in markdown:
        from noaber.reference import hook_reference

        markdown = markdown.replace(HOOKS_MARKER, hook_reference())
    if CONFIG_MARKER in markdown:
        from noaber.plugins import discover_plugins
        from noaber.reference import configuration_reference
        from noaber.settings import Settings

        catalog = discover_plugins(Settings())
        models = {name: plugin.settings_model for name, plugin in catalog.plugins.items()}
        notes = tomllib.loads(NOTES.read_text(encoding="utf-8"))
        markdown = markdown.replace(CONFIG_MARKER, configuration_reference(models, notes))
    if CLI_MARKER in markdown:
        from noaber.reference import cli_reference

        markdown = markdown.replace(CLI_MARKER, cli_reference())
    return markdown
