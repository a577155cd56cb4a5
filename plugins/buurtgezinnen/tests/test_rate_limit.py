"""The public forms are rate-limited by the platform's limiter like every route."""

from __future__ import annotations

import pytest
from sqlalchemy import text


@pytest.fixture
def platform(make_platform):
    return make_platform(rate_limit_per_minute=3, tenant_rate_limit_per_minute=0)


def test_public_sign_up_is_rate_limited(platform, client_for, bg):
    mp = client_for("meppel")
    body = bg.vraaggezin_body(privacy_consent=True)
    for _ in range(3):
        bg.ok(mp.post(f"{bg.BASE}/aanmelden/vraaggezin", json=body))
    limited = mp.post(f"{bg.BASE}/aanmelden/vraaggezin", json=body)
    problem = bg.refused(limited, 429)
    assert int(limited.headers["retry-after"]) >= 1
    assert "Too many requests" in problem["detail"]
    with platform.admin_engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM buurtgezinnen_family")).scalar_one()
    assert stored == 3
