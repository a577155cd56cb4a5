"""The generated reference documents every hook and every configuration key, and the
documentation builds with MkDocs in strict mode."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from noaber import hookspecs
from noaber.plugins import discover_plugins
from noaber.reference import (
    cli_reference,
    configuration_reference,
    hook_docs,
    hook_reference,
    municipality_keys,
    plugin_keys,
    undocumented,
)
from noaber.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "docs" / "reference" / "configuration-notes.toml"


def notes() -> dict[str, str]:
    return tomllib.loads(NOTES.read_text(encoding="utf-8"))


def installed_models():
    catalog = discover_plugins(Settings())
    return {name: plugin.settings_model for name, plugin in catalog.plugins.items()}


def all_keys():
    keys = municipality_keys()
    for name, model in installed_models().items():
        if model is not None:
            keys += plugin_keys(model, name)
    return keys


def test_every_hookspec_is_in_the_hook_reference_with_its_docstring():
    specs = {
        name
        for name in dir(hookspecs)
        if hasattr(getattr(hookspecs, name), f"{hookspecs.PROJECT_NAME}_spec")
    }
    documented = {hook.name for hook in hook_docs()}
    assert specs == documented
    reference = hook_reference()
    for hook in hook_docs():
        assert f"## `{hook.name}`" in reference
        assert "Called" in hook.doc, f"{hook.name}: the docstring must say when it is called"
        assert hook.doc.splitlines()[0] in reference


def test_every_configuration_key_is_documented():
    missing = undocumented(all_keys(), notes())
    assert not missing, (
        "configuration keys without a description: give the field a description in its "
        f"model, or a note in {NOTES.relative_to(ROOT)}: {missing}"
    )


def test_notes_name_only_keys_that_exist():
    paths = {key.path for key in all_keys()}
    stale = sorted(set(notes()) - paths)
    assert not stale, f"{NOTES.relative_to(ROOT)} describes keys that do not exist: {stale}"


def test_configuration_reference_lists_every_key():
    text = configuration_reference(installed_models(), notes())
    for key in all_keys():
        assert f"| `{key.path}` |" in text
    for name in installed_models():
        assert f"## `[plugins.{name}]`" in text


def test_cli_reference_lists_every_command():
    text = cli_reference()
    for command in ("noaber new municipality", "noaber new plugin", "noaber db upgrade"):
        assert f"## `{command}`" in text


def test_reference_pages_are_generated_and_in_the_navigation():
    mkdocs = (ROOT / "mkdocs.yml").read_text()
    for page, marker in [
        ("reference/hooks.md", "noaber:hook-reference"),
        ("reference/configuration.md", "noaber:configuration-reference"),
        ("reference/cli.md", "noaber:cli-reference"),
    ]:
        assert marker in (ROOT / "docs" / page).read_text()
        assert page in mkdocs
    for page in re.findall(r":\s+(\S+\.md)$", mkdocs, flags=re.MULTILINE):
        assert (ROOT / "docs" / page).exists() or page == "hosting.md", page


def test_documentation_builds_strict(tmp_path):
    pytest.importorskip("mkdocs", reason="the docs dependency group is not installed")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    hooks = (tmp_path / "reference" / "hooks" / "index.html").read_text()
    for hook in hook_docs():
        assert hook.name in hooks
    config = (tmp_path / "reference" / "configuration" / "index.html").read_text()
    assert "cbs_code" in config
    assert (tmp_path / "hosting" / "index.html").exists()
