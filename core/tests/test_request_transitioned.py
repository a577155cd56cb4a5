"""The ``request_transitioned`` hook: a plugin reacts to a request's move in the same
transaction, whichever route moved it, and a failure rolls the whole move back."""

from __future__ import annotations

from typing import Any

from noaber import hookimpl
from noaber.errors import Conflict
from noaber.requests.models import TimelineKind
from noaber.requests.services import add_timeline
from noaber.testing import new_request


class RecordMoves:
    """Writes its own timeline note for every move; refuses (raises) on reason 'boom'."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, str, str, str | None, str, str]] = []

    @hookimpl
    def request_transitioned(
        self,
        session: Any,
        request: Any,
        previous: str,
        target: str,
        reason: str | None,
        actor: str,
    ) -> None:
        assert request.status == target  # called after the move
        self.calls.append((request.id, previous, target, reason, actor, request.status))
        add_timeline(
            session,
            kind=TimelineKind.note,
            text=f"plugin saw {previous} -> {target}",
            actor="test-plugin",
            request_id=request.id,
            household_id=request.household_id,
        )
        if reason == "boom":
            raise Conflict("the plugin's records cannot follow this move")


def _timeline(client: Any, rid: int) -> list[str]:
    return [item["text"] for item in client.get(f"/api/requests/{rid}/timeline").json()["items"]]


def test_the_hook_sees_every_move_and_writes_in_the_same_transaction(platform, client_for):
    plugin = RecordMoves()
    platform.tenants["meppel"].plugins.register(plugin)
    try:
        meppel = client_for("meppel")
        rid = new_request(meppel)
        moved = meppel.post(f"/api/requests/{rid}/transitions", json={"to": "intake"})
        assert moved.status_code == 201, moved.text
        assert plugin.calls == [(rid, "nieuw", "intake", None, "coordinator", "intake")]
        assert "plugin saw nieuw -> intake" in _timeline(meppel, rid)
    finally:
        platform.tenants["meppel"].plugins.unregister(plugin)


def test_a_failing_hook_rolls_the_move_back(platform, client_for):
    plugin = RecordMoves()
    platform.tenants["meppel"].plugins.register(plugin)
    try:
        meppel = client_for("meppel")
        rid = new_request(meppel)
        before = _timeline(meppel, rid)
        refused = meppel.post(
            f"/api/requests/{rid}/transitions", json={"to": "geannuleerd", "reason": "boom"}
        )
        assert refused.status_code == 409
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert len(plugin.calls) == 1
        # Neither core's move nor the plugin's note was stored.
        assert meppel.get(f"/api/requests/{rid}").json()["status"] == "nieuw"
        assert _timeline(meppel, rid) == before
    finally:
        platform.tenants["meppel"].plugins.unregister(plugin)


def test_only_the_tenant_s_own_plugins_are_called(platform, client_for):
    plugin = RecordMoves()
    platform.tenants["meppel"].plugins.register(plugin)
    try:
        leeuwarden = client_for("leeuwarden")
        rid = new_request(leeuwarden)
        assert (
            leeuwarden.post(f"/api/requests/{rid}/transitions", json={"to": "intake"}).status_code
            == 201
        )
        assert plugin.calls == []
    finally:
        platform.tenants["meppel"].plugins.unregister(plugin)
