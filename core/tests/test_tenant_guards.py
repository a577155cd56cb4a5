"""The ORM-level tenant guard: the only guard on SQLite, the second one on PostgreSQL."""

import pytest
from sqlmodel import func, select

from noaber.errors import TenantMismatch, TenantMissing
from noaber.tenancy import tenant_scope
from noaber.tenancy.models import Neighbourhood


def test_reads_see_only_the_tenant_in_context(platform):
    with platform.sessions.begin() as session:
        with tenant_scope("meppel"):
            names = {n.name for n in session.exec(select(Neighbourhood)).all()}
        with tenant_scope("amersfoort"):
            count = session.exec(select(func.count()).select_from(Neighbourhood)).one()
    assert "Koedijkslanden" in names
    assert "Liendert" not in names
    assert count == len(platform.municipalities["amersfoort"].config.neighbourhoods)


def test_get_by_primary_key_of_another_tenant_finds_nothing(platform):
    with platform.sessions.begin() as session, tenant_scope("meppel"):
        meppel_id = session.exec(select(Neighbourhood.id)).first()
    with platform.sessions.begin() as session, tenant_scope("amersfoort"):
        assert session.get(Neighbourhood, meppel_id) is None
    with platform.sessions.begin() as session, tenant_scope("meppel"):
        assert session.get(Neighbourhood, meppel_id) is not None


def test_no_tenant_is_an_error_not_all_rows(platform):
    with platform.sessions.begin() as session, pytest.raises(TenantMissing):
        session.exec(select(Neighbourhood)).all()


def test_new_rows_get_the_tenant_in_context(platform):
    with platform.sessions.begin() as session, tenant_scope("meppel"):
        hood = Neighbourhood(name="Berggierslanden", cbs_wijk_code="WK011905", postcodes=["7942"])
        session.add(hood)
        session.flush()
        assert hood.tenant_id == "meppel"


def test_writing_a_row_for_another_tenant_is_refused(platform):
    with platform.sessions() as session, tenant_scope("meppel"):
        session.add(
            Neighbourhood(
                tenant_id="amersfoort", name="X", cbs_wijk_code="WK030799", postcodes=["3816"]
            )
        )
        with pytest.raises(TenantMismatch):
            session.flush()
        session.rollback()


def test_bulk_update_is_limited_to_the_tenant(platform):
    from sqlalchemy import update

    with platform.sessions.begin() as session, tenant_scope("meppel"):
        session.exec(update(Neighbourhood).values(name="renamed"))
    with platform.sessions.begin() as session, tenant_scope("amersfoort"):
        names = {n.name for n in session.exec(select(Neighbourhood)).all()}
    assert "renamed" not in names


def test_aggregates_joins_and_subqueries_are_filtered(platform):
    from noaber.tenancy.models import Tenant

    with platform.sessions.begin() as session, tenant_scope("meppel"):
        count = session.exec(select(func.count()).select_from(Neighbourhood)).one()
        via_join = session.exec(
            select(Neighbourhood.name).join(Tenant, Tenant.slug == Neighbourhood.tenant_id)
        ).all()
        in_subquery = session.exec(
            select(Tenant.slug).where(Tenant.slug.in_(select(Neighbourhood.tenant_id)))
        ).all()
    assert count == len(platform.municipalities["meppel"].config.neighbourhoods)
    assert len(via_join) == count
    assert in_subquery == ["meppel"]
