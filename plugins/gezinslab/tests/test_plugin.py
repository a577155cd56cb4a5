"""The plugin's wiring: migration branch, request type, demo data, tenant guards."""

from __future__ import annotations

import random

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel, select

from noaber.db.engine import make_engine
from noaber.demo.context import DemoContext
from noaber.requests.types import request_types_of
from noaber.tenancy.context import tenant_scope
from noaber_gezinslab import figures, services
from noaber_gezinslab.demo import seed
from noaber_gezinslab.models import Trajectory


def test_migration_matches_the_models(database_url):
    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
            )
        ours = [d for d in diff if "gezinslab" in repr(d)]
        assert ours == []
    finally:
        engine.dispose()


def test_request_type_only_where_enabled(platform):
    leeuwarden = request_types_of(platform.tenants["leeuwarden"].plugins)
    assert "gezinslab" in leeuwarden.types
    assert leeuwarden.types["gezinslab"].workflow.initial == "aangemeld"
    meppel = request_types_of(platform.tenants["meppel"].plugins)
    assert "gezinslab" not in meppel.types


def test_demo_data_tells_the_story_and_stays_in_its_tenant(platform):
    municipality = platform.municipalities["leeuwarden"]
    with platform.sessions.begin() as session, tenant_scope("leeuwarden"):
        seed(
            DemoContext(
                session=session,
                municipality=municipality,
                plugin_settings=municipality.plugin_settings,
                random=random.Random(1),
            )
        )
    with platform.sessions() as session, tenant_scope("leeuwarden"):
        fig = figures.figures(session)
        assert (fig.started, fig.active, fig.closed) == (3, 2, 1)
        assert fig.costs_avoided > 0
        assert fig.volunteers == 3
        assert fig.experts_by_experience == 1
        closed = services.list_trajectories(session)[0]
        story = services.trajectory_out(session, services.get_trajectory(session, closed.id))
        assert story.status == "afgesloten"
        assert story.avoided_costs[0].cost_kind == "uithuisplaatsing"
        assert story.avoided_costs[0].quantity == 2
        assert {p.domain: p.change for p in story.progress}["huisvesting"] == 4
    with platform.sessions() as session, tenant_scope("meppel"):
        assert session.exec(select(Trajectory)).all() == []
        assert services.list_trajectories(session) == []
