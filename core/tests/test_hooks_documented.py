"""Every hookspec must have a section in the plugin-author reference (datasette does the same)."""

import inspect
import re
from pathlib import Path

from noaber import hookspecs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins" / "hooks.md"


def hook_names() -> set[str]:
    return {
        name
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(fn, "noaber_spec")
    }


def test_there_are_hooks():
    assert {
        "settings_model",
        "route_handlers",
        "migration_locations",
        "seed_demo_data",
    } <= hook_names()


def test_every_hook_is_documented():
    documented = set(re.findall(r"^## `?(\w+)", DOCS.read_text(), flags=re.MULTILINE))
    missing = hook_names() - documented
    assert not missing, f"hooks missing from {DOCS}: {sorted(missing)}"


def test_every_hookspec_has_a_docstring():
    for name in hook_names():
        doc = inspect.getdoc(getattr(hookspecs, name)) or ""
        assert "Called" in doc, f"{name}: the docstring must say when the hook is called"
