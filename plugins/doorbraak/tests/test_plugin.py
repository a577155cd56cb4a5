"""The plugin's wiring: migration branch, request type, routes only where enabled, demo data."""

from __future__ import annotations

import random

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel, select

from noaber.db.engine import make_engine
from noaber.demo.context import DemoContext
from noaber.requests.types import request_types_of
from noaber.tenancy.context import tenant_scope
from noaber_doorbraak import factors, figures, services
from noaber_doorbraak.demo import seed
from noaber_doorbraak.models import Case
from noaber_doorbraak.settings import DoorbraakSettings


def test_migration_matches_the_models(database_url):
    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
            )
        assert [d for d in diff if "doorbraak" in repr(d)] == []
    finally:
        engine.dispose()


def test_enabled_in_amersfoort_and_leeuwarden_only(platform):
    for slug in ("amersfoort", "leeuwarden"):
        assert platform.tenants[slug].enables("doorbraak")
        types = request_types_of(platform.tenants[slug].plugins).types
        assert types["doorbraak"].workflow.initial == "aangemeld"
    assert not platform.tenants["meppel"].enables("doorbraak")
    assert "doorbraak" not in request_types_of(platform.tenants["meppel"].plugins).types


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/doorbraak"),
        ("GET", "/api/doorbraak/cases/"),
        ("POST", "/api/doorbraak/cases/"),
        ("GET", "/api/doorbraak/budget"),
        ("GET", "/api/doorbraak/neighbourhoods"),
        ("POST", "/api/doorbraak/factors/import"),
        ("POST", "/api/doorbraak/fhir/ServiceRequest"),
        ("POST", "/api/doorbraak/fhir"),
        ("POST", "/api/doorbraak/referrers/1/tokens/"),
    ],
)
def test_meppel_answers_404_on_every_route(client_for, method, path):
    r = client_for("meppel").request(method, path, json={})
    assert r.status_code == 404, r.text
    assert client_for("amersfoort").request("GET", "/api/doorbraak").status_code == 200


def test_settings_are_validated():
    with pytest.raises(ValueError, match="distinct"):
        DoorbraakSettings(escalation_levels=["teamleider", "teamleider"])
    with pytest.raises(ValueError, match="cents"):
        DoorbraakSettings(budget_by_year={2026: "10.005"})
    assert DoorbraakSettings(budget_by_year={2027: "1.00"}).budget_for(2027) == 1


def test_escalation_to_a_level_that_does_not_exist(af, h):
    cid = h.open_case(af, h.make_household(af))["id"]
    today = af.get(f"/api/doorbraak/cases/{cid}").json()["opened_on"]
    bid = af.post(
        f"/api/doorbraak/cases/{cid}/blockages",
        json={"rule": "x", "owner_organisation": "y", "description": "z", "noticed_on": today},
    ).json()["id"]
    r = af.post(
        f"/api/doorbraak/blockages/{bid}/escalations",
        json={"level": "koning", "question": "?", "escalated_on": today},
    )
    h.refused(
        r, 422, "level", ["'koning' is not a level", "teamleider → programmamanager → wethouder"]
    )
    assert af.get(f"/api/doorbraak/blockages/{bid}/escalations").status_code in (404, 405)
    assert af.get("/api/doorbraak/blockages").json()["items"][0]["escalations"] == []


def test_demo_data_tells_the_story_and_stays_in_its_tenant(platform):
    municipality = platform.municipalities["amersfoort"]
    with platform.sessions.begin() as session, tenant_scope("amersfoort"):
        seed(
            DemoContext(
                session=session,
                municipality=municipality,
                plugin_settings=municipality.plugin_settings,
                random=random.Random(1),
            )
        )
    settings = municipality.plugin_settings["doorbraak"]
    assert isinstance(settings, DoorbraakSettings)
    with platform.sessions() as session, tenant_scope("amersfoort"):
        fig = figures.figures(session, settings)
        assert (fig.cases, fig.open, fig.closed, fig.referrals) == (3, 2, 1, 1)
        assert fig.outcomes["behaald"] == 1
        assert fig.overdue_escalations == 1
        assert fig.costs_difference > 0
        overview = services.blockage_overview(session)
        assert overview.rules[0].legal_bases
        hoods = factors.overview(session, settings.small_count_threshold)
        assert all(len(n.factors) == 4 for n in hoods.neighbourhoods)
        assert all(n.activity.cases is None for n in hoods.neighbourhoods)
    with platform.sessions() as session, tenant_scope("meppel"):
        assert session.exec(select(Case)).all() == []
