"""The plugin as a whole: where it is enabled, its migration, its demo data, rate limits."""

from __future__ import annotations

import pytest

ROUTES = [
    ("GET", "/api/buurtgezinnen"),
    ("POST", "/api/buurtgezinnen/aanmelden/vraaggezin"),
    ("POST", "/api/buurtgezinnen/aanmelden/steungezin"),
    ("GET", "/api/buurtgezinnen/aanmelden/vocabulary"),
    ("GET", "/api/buurtgezinnen/families"),
    ("GET", "/api/buurtgezinnen/couplings/"),
    ("GET", "/api/buurtgezinnen/worklist"),
    ("GET", "/api/buurtgezinnen/waiting-list"),
    ("GET", "/api/buurtgezinnen/figures"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_amersfoort_does_not_have_the_plugin(client_for, bg, method, path):
    response = client_for("amersfoort").request(method, path, json={})
    bg.refused(response, 404)


def test_meppel_and_leeuwarden_enable_it(client_for, bg):
    for slug in ("meppel", "leeuwarden"):
        bg.ok(client_for(slug).get(f"{bg.BASE}/families"), 200)["items"]
    types = bg.ok(client_for("meppel").get("/api/request-types"), 200)
    assert "buurtgezin" in [t["name"] for t in types]
    assert "buurtgezin" not in [
        t["name"] for t in bg.ok(client_for("amersfoort").get("/api/request-types"), 200)
    ]


def test_tenants_do_not_see_each_others_families(client_for, bg):
    meppel, leeuwarden = client_for("meppel"), client_for("leeuwarden")
    fam = bg.new_vraaggezin(meppel)
    assert bg.ok(leeuwarden.get(f"{bg.BASE}/families"), 200)["items"] == []
    bg.refused(leeuwarden.get(f"{bg.BASE}/families/{fam['id']}"), 404)


def test_migration_matches_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    from noaber.db.engine import make_engine

    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
            )
        assert [d for d in diff if "buurtgezinnen" in repr(d)] == []
    finally:
        engine.dispose()


def test_demo_data_goes_through_the_rules_and_stays_in_its_tenants(platform, client_for, bg):
    from noaber.demo.seed import seed_demo

    seed_demo(platform)
    mp = client_for("meppel")
    families = bg.ok(mp.get(f"{bg.BASE}/families"), 200)["items"]
    assert sum(f["kind"] == "steungezin" for f in families) == 6
    assert sum(f["kind"] == "vraaggezin" for f in families) == 5
    couplings = bg.ok(mp.get(f"{bg.BASE}/couplings/"), 200)["items"]
    assert sorted(c["phase"] for c in couplings) == ["actief", "afgesloten", "proefperiode"]
    closed = next(c for c in couplings if c["phase"] == "afgesloten")
    assert closed["end_reason"] == "doel_bereikt"
    work = bg.ok(mp.get(f"{bg.BASE}/worklist"), 200)
    assert any(w["kind"] == "review" and w["overdue"] for w in work)
    waiting = bg.ok(mp.get(f"{bg.BASE}/waiting-list"), 200)
    assert {w["name"] for w in waiting["vraaggezinnen"]} == {"Gezin Hendriks", "Gezin Peters"}
    hendriks = next(f for f in families if f["name"] == "Gezin Hendriks")
    suggestions = bg.ok(mp.get(f"{bg.BASE}/families/{hendriks['id']}/suggestions"), 200)
    assert suggestions["suggestions"], suggestions
    # Leeuwarden enables Buurtgezinnen too and gets its own demo families; Amersfoort none.
    leeuwarden = bg.ok(client_for("leeuwarden").get(f"{bg.BASE}/families"), 200)["items"]
    assert len(leeuwarden) == 11
    assert {f["id"] for f in leeuwarden}.isdisjoint({f["id"] for f in families})


def test_vocabularies_and_their_literals_agree():
    from typing import get_args

    from noaber_buurtgezinnen.vocabulary import (
        SUPPORT_KINDS,
        UPBRINGING_VIEWS,
        SupportKind,
        UpbringingView,
    )

    assert list(get_args(UpbringingView)) == list(UPBRINGING_VIEWS)
    assert list(get_args(SupportKind)) == list(SUPPORT_KINDS)
