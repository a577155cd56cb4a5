"""The ``match_transitioned`` hook: a plugin reacts to a match's move in the same
transaction, whichever route moved it, and a failure rolls the whole move back."""

from __future__ import annotations

from typing import Any

from noaber import hookimpl
from noaber.errors import Conflict
from noaber.requests.models import TimelineKind
from noaber.requests.services import add_timeline, get_request


class RecordMatchMoves:
    """Writes its own timeline note for every move; refuses (raises) on reason 'boom'."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, str, str, str | None, str, str]] = []

    @hookimpl
    def match_transitioned(
        self,
        tenant: Any,
        session: Any,
        match: Any,
        previous: str,
        target: str,
        reason: str | None,
        actor: str,
    ) -> None:
        self.calls.append((tenant.slug, match.id, previous, target, reason, actor, match.status))
        request = get_request(session, match.request_id)
        add_timeline(
            session,
            kind=TimelineKind.note,
            text=f"plugin saw match {previous} -> {target}",
            actor="test-plugin",
            request_id=request.id,
            household_id=request.household_id,
        )
        if reason == "boom":
            raise Conflict("the plugin's records cannot follow this move")


def _proposed_match(client: Any) -> tuple[int, int]:
    """A hulpvraag in ``zoeken`` with a helper proposed for it: (request id, match id)."""
    hood = client.get("/api/neighbourhoods/").json()["items"][0]["id"]
    helper = client.post(
        "/api/helpers/",
        json={
            "home_neighbourhood_id": hood,
            "kind": "volunteer",
            "display_name": "Hulp Test",
            "skills": ["tuin"],
            "languages": ["nl"],
            "availability": ["mon_morning"],
            "reach_anywhere": True,
        },
    )
    assert helper.status_code == 201, helper.text
    person = client.post("/api/people/", json={"given_name": "Vrager", "postcode": "7941"})
    created = client.post(
        "/api/requests/",
        json={
            "type": "hulpvraag",
            "asked_by": "self",
            "description": "Tuin bijhouden",
            "person_id": person.json()["id"],
            "skills": ["tuin"],
            "availability": ["mon_morning"],
        },
    )
    assert created.status_code == 201, created.text
    rid = int(created.json()["id"])
    for to in ("intake", "zoeken"):
        moved = client.post(f"/api/requests/{rid}/transitions", json={"to": to})
        assert moved.status_code == 201, moved.text
    match = client.post("/api/matches/", json={"request_id": rid, "helper_id": helper.json()["id"]})
    assert match.status_code == 201, match.text
    return rid, int(match.json()["id"])


def _timeline(client: Any, rid: int) -> list[str]:
    return [item["text"] for item in client.get(f"/api/requests/{rid}/timeline").json()["items"]]


def _first_step(client: Any, mid: int) -> str:
    allowed = client.get(f"/api/matches/{mid}").json()["allowed_transitions"]
    return str(allowed[0])


def test_the_hook_sees_every_move_and_writes_in_the_same_transaction(platform, client_for):
    plugin = RecordMatchMoves()
    platform.tenants["meppel"].plugins.register(plugin)
    try:
        client = client_for("meppel")
        rid, mid = _proposed_match(client)
        initial = client.get(f"/api/matches/{mid}").json()["status"]
        to = _first_step(client, mid)
        moved = client.post(f"/api/matches/{mid}/transitions", json={"to": to})
        assert moved.status_code == 201, moved.text
        assert plugin.calls == [("meppel", mid, initial, to, None, "coordinator", to)]
        assert f"plugin saw match {initial} -> {to}" in _timeline(client, rid)
    finally:
        platform.tenants["meppel"].plugins.unregister(plugin)


def test_a_failing_hook_rolls_the_move_back(platform, client_for):
    plugin = RecordMatchMoves()
    platform.tenants["meppel"].plugins.register(plugin)
    try:
        client = client_for("meppel")
        rid, mid = _proposed_match(client)
        initial = client.get(f"/api/matches/{mid}").json()["status"]
        before = _timeline(client, rid)
        to = _first_step(client, mid)
        refused = client.post(f"/api/matches/{mid}/transitions", json={"to": to, "reason": "boom"})
        assert refused.status_code == 409
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "cannot follow this move" in refused.json()["detail"]
        assert len(plugin.calls) == 1
        # Neither core's move nor the plugin's note was stored.
        assert client.get(f"/api/matches/{mid}").json()["status"] == initial
        assert _timeline(client, rid) == before
    finally:
        platform.tenants["meppel"].plugins.unregister(plugin)


def test_only_the_tenant_s_own_plugins_are_called(platform, client_for):
    plugin = RecordMatchMoves()
    platform.tenants["leeuwarden"].plugins.register(plugin)
    try:
        client = client_for("meppel")
        _rid, mid = _proposed_match(client)
        to = _first_step(client, mid)
        assert client.post(f"/api/matches/{mid}/transitions", json={"to": to}).status_code == 201
        assert plugin.calls == []
    finally:
        platform.tenants["leeuwarden"].plugins.unregister(plugin)
