"""Fixtures on top of core's (``noaber.testing``: database_url, noaber_catalog, ...).

Three test municipalities, from ``tests/municipalities/``: Proefstad and Buurstad enable
this plugin, Anderstad does not. The database is core's migrated test database, which includes this
plugin's migration branch because the plugin is installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from noaber.municipalities.loader import load_municipality_from_path
from noaber.platform import Platform
from noaber.plugins import PluginCatalog
from noaber.testing import StaffClient
from noaber.web.app import create_app

MUNICIPALITIES = Path(__file__).parent / "municipalities"


@pytest.fixture
def programme_platform(
    make_platform: Callable[..., Platform], noaber_catalog: PluginCatalog
) -> Platform:
    """The three test municipalities, provisioned on a fresh database (core's fixture)."""
    municipalities = {
        m.slug: m
        for m in (
            load_municipality_from_path(MUNICIPALITIES / f"{slug}.toml", noaber_catalog)
            for slug in ("proefstad", "buurstad", "anderstad")
        )
    }
    return make_platform(municipalities=municipalities)


@pytest.fixture
def client(programme_platform: Platform) -> Iterator[StaffClient]:
    """Routes need a login: each ``host`` header gets a logged-in municipality admin."""
    with TestClient(create_app(programme_platform), raise_server_exceptions=False) as client:
        yield StaffClient(client, programme_platform)
