"""`noaber demo` fills each municipality with people, households, helpers, organisations
and general requests, through the services (so every rule holds), and the matching on
that data works end to end."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from noaber.demo.seed import seed_demo
from noaber.testing import HostClient, logged_in_client
from noaber.web.app import create_app

pytestmark = pytest.mark.slow  # tens of seconds: runs first (see conftest.py)


def test_demo_people_in_every_municipality(make_platform):
    platform = make_platform(rate_limit_per_minute=0, tenant_rate_limit_per_minute=0)
    assert seed_demo(platform) == ["amersfoort", "leeuwarden", "meppel"]
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        for slug in ("amersfoort", "leeuwarden", "meppel"):
            c = logged_in_client(client, platform, slug)
            totals = {
                path: c.get(f"/api/{path}/").json()["total"]
                for path in ("people", "households", "helpers", "organisations", "professionals")
            }
            assert totals["households"] >= 5, (slug, totals)
            assert totals["helpers"] >= 10, (slug, totals)
            assert totals["organisations"] >= 5, (slug, totals)
            assert totals["professionals"] >= 3, (slug, totals)
            assert totals["people"] >= 25, (slug, totals)

            households = c.get("/api/households/?page_size=100").json()["items"]
            assert all(h["neighbourhood_id"] is not None for h in households)
            assert any(h["children_ages"] for h in households)
            assert c.get("/api/helpers/?status=paused").json()["total"] >= 1

            searching = c.get("/api/requests/?status=zoeken&type=hulpvraag").json()["items"]
            assert len(searching) >= 2, slug
            suggestions = c.get(f"/api/requests/{searching[0]['id']}/suggestions/").json()
            assert suggestions["considered"] >= 10
            for s in suggestions["suggestions"]:
                assert s["explanation"]["eligible"] is True
            coupled = c.get("/api/matches/?status=actief").json()
            assert coupled["total"] >= 1, slug
            timeline = c.get(f"/api/requests/{coupled['items'][0]['request_id']}/timeline")
            kinds = {e["kind"] for e in timeline.json()["items"]}
            assert {"status_change", "match"} <= kinds


def test_the_demo_resident_sees_a_request_that_found_a_helper(make_platform):
    """``bewoner@<slug>.demo`` is a resident of the demo data, not an empty account: their
    own page shows their request and its helper."""
    platform = make_platform(rate_limit_per_minute=0, tenant_rate_limit_per_minute=0)
    seed_demo(platform)
    label = platform.municipalities["leeuwarden"].config.host_label()
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        resident = HostClient(client, f"{label}.{platform.settings.base_domain}")
        login = resident.post(
            "/api/auth/login",
            json={"email": "bewoner@leeuwarden.demo", "password": "noaber demo wachtwoord"},
        )
        assert login.status_code == 200, login.text
        page = resident.get("/mijn/aanvragen")
        assert page.status_code == 200
        assert "U hebt geen hulpvragen" not in page.text
        assert "gekoppeld" in page.text
