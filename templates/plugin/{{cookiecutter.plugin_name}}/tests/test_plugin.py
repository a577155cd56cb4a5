"""The plugin is installed, validates its settings, and answers only where enabled."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import {{ cookiecutter.__package }}
from noaber.ui.catalog import check_plugin
from {{ cookiecutter.__package }}.plugin import LOCALE
from {{ cookiecutter.__package }}.settings import {{ cookiecutter.__class }}Settings

NAME = "{{ cookiecutter.plugin_name }}"
ENABLED = "proefstad.localhost"
NOT_ENABLED = "anderstad.localhost"


def test_plugin_is_found_through_its_entry_point(noaber_catalog):
    plugin = noaber_catalog.plugins[NAME]
    assert plugin.module.__name__ == "{{ cookiecutter.__package }}.plugin"
    assert plugin.settings_model is {{ cookiecutter.__class }}Settings


def test_settings_refuse_bad_values():
    with pytest.raises(ValidationError):
        {{ cookiecutter.__class }}Settings.model_validate({"max_open_items": 0})
    with pytest.raises(ValidationError):
        {{ cookiecutter.__class }}Settings.model_validate({"no_such_key": 1})


def test_route_answers_for_a_tenant_that_enables_the_plugin(client):
    response = client.get("/api/{{ cookiecutter.__url }}", headers={"host": ENABLED})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["programme"] == NAME
    assert body["municipality"] == "Proefstad"
    assert body["settings"]["max_open_items"] == 3


def test_route_is_404_for_a_tenant_that_does_not(client):
    response = client.get("/api/{{ cookiecutter.__url }}", headers={"host": NOT_ENABLED})
    assert response.status_code == 404


def test_every_message_has_a_dutch_translation():
    # Each UserMessage id of the package, and no broken placeholder in a translation.
    assert check_plugin(Path({{ cookiecutter.__package }}.__file__).parent, LOCALE) == []
