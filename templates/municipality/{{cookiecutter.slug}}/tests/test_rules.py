"""The rules module: its example hook runs for this municipality only."""

from __future__ import annotations

from noaber.demo.seed import seed_demo
from {{ cookiecutter.__package }}.rules import demo_households


def test_demo_households_are_valid():
    assert demo_households()


def test_rules_are_in_this_municipality_manager_only(platform):
    tenant = platform.tenants["{{ cookiecutter.slug }}"]
    names = {name for name, _ in tenant.plugins.list_name_plugin()}
    assert "{{ cookiecutter.__package }}.rules" in names
    for slug, other in platform.tenants.items():
        if slug != "{{ cookiecutter.slug }}":
            assert "{{ cookiecutter.__package }}.rules" not in {
                n for n, _ in other.plugins.list_name_plugin()
            }


def test_demo_data_is_seeded(make_platform):
    platform = make_platform(provision_all=False)
    assert "{{ cookiecutter.slug }}" in seed_demo(platform)
    assert "{{ cookiecutter.slug }}" in platform.tenants
