"""Tests of the {{ cookiecutter.municipality_name }} package, on the fixtures of ``noaber.testing``.

Run them with ``pytest`` where this package and noaber-core are installed.
"""

from __future__ import annotations

from litestar.testing import TestClient

from noaber.municipalities.loader import load_municipality
from noaber.plugins import discover_plugins
from noaber.settings import Settings
from noaber.web.app import create_app

SLUG = "{{ cookiecutter.slug }}"
PACKAGE = "{{ cookiecutter.__package }}"
PLUGINS = {{ (cookiecutter.plugins|plugin_list)|sort|list|tojson }}
HOSTS = {{ (cookiecutter|municipality_config).hosts|tojson }}


def test_configuration_is_valid_for_the_installed_plugins():
    municipality = load_municipality(PACKAGE, discover_plugins(Settings()))
    assert municipality.slug == SLUG
    assert municipality.config.cbs_code == "{{ cookiecutter.cbs_code }}"
    assert sorted(municipality.enabled_plugins) == PLUGINS
    assert municipality.skipped_plugins == {}


def test_served_under_its_host_in_a_hosted_install(client_for):
    for host in [SLUG, *HOSTS]:
        response = client_for(host).get("/health")
        assert response.status_code == 200, response.text
        assert response.json()["tenant"] == SLUG


def test_municipality_api_lists_its_programmes(client_for):
    response = client_for(SLUG).get("/api/municipality")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "{{ cookiecutter.municipality_name }}"
    assert body["programmes"] == PLUGINS


def test_single_municipality_deployment_serves_every_host(make_platform):
    platform = make_platform(tenant=SLUG)
    assert set(platform.tenants) == {SLUG}
    with TestClient(create_app(platform)) as client:
        response = client.get("/health", headers={"host": "noaber.example.org"})
        assert response.status_code == 200, response.text
        assert response.json()["tenant"] == SLUG
