"""The ``check_request_transition`` hook: a plugin can veto a request's move; nothing changes."""

from __future__ import annotations

from typing import Any

from noaber import hookimpl
from noaber.testing import new_request


class RefuseClosingWithoutNote:
    """Refuses to close a request unless its reason mentions a note."""

    @hookimpl
    def check_request_transition(
        self, session: Any, request: Any, target: str, reason: str | None
    ) -> str | None:
        assert session is not None
        assert request.id is not None
        if target == "afgesloten" and "verslag" not in (reason or ""):
            return "write the closing report first"
        return None


def test_a_plugin_vetoes_a_transition_and_nothing_is_stored(platform, client_for):
    platform.tenants["meppel"].plugins.register(RefuseClosingWithoutNote())
    meppel = client_for("meppel")
    rid = new_request(meppel, "intake", "zoeken", "gekoppeld")
    timeline_before = meppel.get(f"/api/requests/{rid}/timeline").json()["total"]

    refused = meppel.post(
        f"/api/requests/{rid}/transitions", json={"to": "afgesloten", "reason": "klaar"}
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["refused"] == ["write the closing report first"]
    assert meppel.get(f"/api/requests/{rid}").json()["status"] == "gekoppeld"
    assert meppel.get(f"/api/requests/{rid}/timeline").json()["total"] == timeline_before

    allowed = meppel.post(
        f"/api/requests/{rid}/transitions", json={"to": "afgesloten", "reason": "verslag klaar"}
    )
    assert allowed.status_code == 201, allowed.text
    assert allowed.json()["status"] == "afgesloten"


def test_the_veto_only_reaches_its_own_tenant(platform, client_for):
    platform.tenants["meppel"].plugins.register(RefuseClosingWithoutNote())
    leeuwarden = client_for("leeuwarden")
    rid = new_request(leeuwarden, "intake", "zoeken", "gekoppeld")
    r = leeuwarden.post(
        f"/api/requests/{rid}/transitions", json={"to": "afgesloten", "reason": "x"}
    )
    assert r.status_code == 201, r.text
