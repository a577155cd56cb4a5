"""The plugin's wiring: enabled only in Leeuwarden, migration branch, request type,
matching contributions, demo data, tenant isolation."""

from __future__ import annotations

import random

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel, select

from noaber.db.engine import make_engine
from noaber.demo.context import DemoContext
from noaber.requests.types import request_types_of
from noaber.tenancy.context import tenant_scope
from noaber_wijkbedrijf import figures, invoices
from noaber_wijkbedrijf.demo import seed
from noaber_wijkbedrijf.models import Invoice, Job


def test_migration_matches_the_models(database_url):
    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
            )
        ours = [d for d in diff if "wijkbedrijf" in repr(d)]
        assert ours == []
    finally:
        engine.dispose()


def test_leeuwarden_enables_it_meppel_and_amersfoort_answer_404(client_for, h):
    lw = client_for("leeuwarden")
    programme = lw.get("/api/wijkbedrijf")
    assert programme.status_code == 200
    assert programme.json()["settings"]["hourly_rate"] == "9.00"
    assert lw.get(f"{h.base}/jobs/").status_code == 200
    for slug in ("meppel", "amersfoort"):
        other = client_for(slug)
        for path in (
            "/api/wijkbedrijf",
            f"{h.base}/jobs/",
            f"{h.base}/invoices/",
            f"{h.base}/figures?year=2026",
        ):
            assert other.get(path).status_code == 404, (slug, path)
        assert other.post(f"{h.base}/jobs/", json={}).status_code == 404


def test_request_type_and_matching_only_where_enabled(platform):
    leeuwarden = request_types_of(platform.tenants["leeuwarden"].plugins)
    assert leeuwarden.types["klus"].workflow.initial == "aangemeld"
    assert leeuwarden.types["klus"].programme == "wijkbedrijf"
    assert "klus" not in request_types_of(platform.tenants["meppel"].plugins).types
    filters: list[str] = []
    platform.tenants["leeuwarden"].plugins.hook.match_filters(
        register=lambda f: filters.append(f.name)
    )
    assert "wijkbedrijf_free" in filters
    filters.clear()
    platform.tenants["meppel"].plugins.hook.match_filters(register=lambda f: filters.append(f.name))
    assert "wijkbedrijf_free" not in filters


def test_a_fully_booked_volunteer_is_not_suggested(lw, h):
    resident = h.person(lw)
    busy = h.volunteer(lw, "Vol geboekt")
    free = h.volunteer(lw, "Vrij")
    window = {"wished_from": "2026-03-03", "wished_until": "2026-03-03"}
    first = h.ok(h.job(lw, resident, **window))
    h.confirmed(lw, first["id"], busy)
    second = h.ok(h.job(lw, resident, **window))
    out = h.ok(lw.get(f"{h.base}/jobs/{second['id']}/suggestions"), 200)
    assert [s["helper"]["display_name"] for s in out["suggestions"]] == ["Vrij"]
    assert out["excluded_by_filter"]["wijkbedrijf_free"] == 1
    assert free in [s["helper"]["id"] for s in out["suggestions"]]


def test_demo_data_and_tenant_isolation(platform, client_for, h):
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
        jobs = session.exec(select(Job)).all()
        assert len(jobs) == 14
        stored = session.exec(select(Invoice)).all()
        assert stored
        for year in {i.year for i in stored}:
            sequences = sorted(i.sequence for i in stored if i.year == year)
            assert sequences == list(range(1, len(sequences) + 1))  # gap-free
        assert any(i.kind == "creditnota" for i in stored)
        assert any(i.reduced_total > 0 for i in stored)
        year = stored[0].issued_on.year
        fig = figures.figures(session, year)
        assert fig.total.active_volunteers > 0
        assert fig.total.revenue > 0
        assert fig.total.attendance_days > 0
        pdf = invoices.pdf(session, platform.tenants["leeuwarden"], stored[0])
        assert pdf.startswith(b"%PDF")
    with platform.sessions() as session, tenant_scope("meppel"):
        assert session.exec(select(Job)).all() == []
        assert session.exec(select(Invoice)).all() == []
    lw = client_for("leeuwarden")
    assert lw.get(f"{h.base}/jobs/").json()["total"] == 14


def test_core_transitions_of_a_klus_follow_the_planning(lw, h):
    job = h.ok(h.job(lw, h.person(lw)))
    url = f"/api/requests/{job['request_id']}/transitions"
    h.refused(lw.post(url, json={"to": "ingepland"}), 409, None, ["volunteer confirmed"])
    assert h.ok(lw.get(f"{h.base}/jobs/{job['id']}"), 200)["status"] == "aangemeld"
    a = h.confirmed(lw, job["id"], h.volunteer(lw))
    h.refused(lw.post(url, json={"to": "aangemeld"}), 409, None, ["still confirmed"])
    h.approved(lw, job["id"], a["id"], "2")
    h.ok(lw.post(f"{h.base}/jobs/{job['id']}/done", json={}))
    h.refused(lw.post(url, json={"to": "afgerond"}), 409, None, ["not invoiced"])
    inv = h.ok(h.invoice(lw, job_id=job["id"], issued_on="2026-03-10"))
    h.refused(lw.post(url, json={"to": "afgerond"}), 409, None, ["unpaid invoice"])
    h.ok(lw.post(f"{h.base}/invoices/{inv['id']}/payment", json={"paid_on": "2026-03-12"}))
    assert h.ok(lw.get(f"{h.base}/jobs/{job['id']}"), 200)["status"] == "afgerond"
