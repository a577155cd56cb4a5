"""How `noaber new` finds the templates."""

from __future__ import annotations

import pytest
from template_helpers import TEMPLATES

from noaber.cli.new import template_path, templates_root
from noaber.errors import NoaberError


def test_found_in_the_checkout_core_is_installed_from(monkeypatch):
    monkeypatch.delenv("NOABER_TEMPLATES", raising=False)
    assert templates_root() == TEMPLATES


def test_environment_variable_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("NOABER_TEMPLATES", str(tmp_path))
    assert templates_root() == tmp_path
    with pytest.raises(NoaberError, match="is not a cookiecutter template"):
        template_path("municipality")


def test_explicit_template_folder(tmp_path):
    assert template_path("plugin", TEMPLATES / "plugin") == (TEMPLATES / "plugin").resolve()
    with pytest.raises(NoaberError, match=r"no cookiecutter\.json"):
        template_path("plugin", tmp_path)
