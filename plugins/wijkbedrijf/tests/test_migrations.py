"""The wijkbedrijf's own revisions go down and up again with the data kept, on SQLite
and (in the postgres env) PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from noaber.db import migrate
from noaber.db.engine import make_engine

BEFORE_RETRIES = "0003_wijkbedrijf_attempt"


def test_the_retry_columns_downgrade_and_upgrade(
    platform, make_platform, migration_database_url, noaber_catalog, h
):
    url = f"smtp://127.0.0.1:{h.free_port()}"  # nobody listens: the mail fails
    with h.leeuwarden_mailing(make_platform, url, tasks_in_app=False) as lw:
        _, failed = h.plan_and_confirm(lw, h)
        _, without_address = h.plan_and_confirm(lw, h, email=None)
    engine = make_engine(migration_database_url, pool_size=1)
    try:
        config = migrate.alembic_config(engine, noaber_catalog)
        command.downgrade(config, BEFORE_RETRIES)
        columns = {c["name"] for c in inspect(engine).get_columns("wijkbedrijf_notification")}
        assert {"delivery", "attempted_at"} <= columns
        assert not {"attempts", "next_attempt_at"} & columns
        command.upgrade(config, "heads")
        assert migrate.is_up_to_date(engine, noaber_catalog)
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT id, attempts, next_attempt_at FROM wijkbedrijf_notification")
            ).all()
        rows = {r.id: (r.attempts, r.next_attempt_at) for r in found}
    finally:
        engine.dispose()
    # Tried before the revision: one attempt; failures from then are not retried unasked.
    assert rows[failed["notification"]["id"]] == (1, None)
    assert rows[without_address["notification"]["id"]] == (0, None)
