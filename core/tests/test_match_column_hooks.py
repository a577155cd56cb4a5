"""The match_helper_columns / match_request_columns hooks: plugins give their filters and
score components fresh arrays of their own data, aligned with core's columns."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from noaber import hookimpl
from noaber.matching.columns import MatchFilter, ScoreComponent
from noaber.matching.services import batch_suggestions, suggestions
from noaber.tenancy.context import tenant_scope


class Allowlist:
    """A test plugin: only helpers on its (mutable) list pass; requests get a bonus flag."""

    def __init__(self) -> None:
        self.allowed: set[int] = set()
        self.seen: list[tuple[str, list[int]]] = []

    @hookimpl
    def match_helper_columns(self, session: Any, municipality: Any, helper_ids: Any) -> Any:
        assert session is not None
        assert municipality.slug == "meppel"
        self.seen.append(("helpers", helper_ids.tolist()))
        return {"test.allowed": np.isin(helper_ids, sorted(self.allowed))}

    @hookimpl
    def match_request_columns(self, session: Any, municipality: Any, request_ids: Any) -> Any:
        self.seen.append(("requests", request_ids.tolist()))
        return {"test.bonus": np.full(len(request_ids), 0.25, dtype=np.float32)}

    @hookimpl
    def match_filters(self, register: Any) -> None:
        register(
            MatchFilter(
                "test_allowed", "On the test list.", lambda r, h: h.extra["test.allowed"][None, :]
            )
        )

    @hookimpl
    def match_score_components(self, register: Any) -> None:
        register(
            ScoreComponent(
                "test_bonus",
                "A constant from the request side.",
                lambda r, h: r.extra["test.bonus"][:, None],
            )
        )


def _helper(client: Any, name: str) -> int:
    r = client.post(
        "/api/helpers", json={"kind": "volunteer", "display_name": name, "reach_anywhere": True}
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _request(client: Any) -> int:
    person = client.post("/api/people", json={"given_name": "Ria", "postcode": "7941 AB"})
    assert person.status_code == 201, person.text
    body = {
        "type": "hulpvraag",
        "asked_by": "self",
        "person_id": person.json()["id"],
        "description": "Boodschappen",
    }
    r = client.post("/api/requests", json=body)
    assert r.status_code == 201, r.text
    request_id = int(r.json()["id"])
    for to in ("intake", "zoeken"):
        moved = client.post(f"/api/requests/{request_id}/transitions", json={"to": to})
        assert moved.status_code in (200, 201), moved.text
    return request_id


def test_plugin_columns_reach_filters_and_components_fresh(platform, client_for):
    client = client_for("meppel")
    a, b = _helper(client, "Anna"), _helper(client, "Bram")
    request_id = _request(client)
    tenant = platform.tenants["meppel"]
    plugin = Allowlist()
    tenant.plugins.register(plugin)
    try:
        plugin.allowed = {b}
        with platform.sessions() as session, tenant_scope("meppel"):
            first = suggestions(session, tenant, request_id)
        assert [s.helper.id for s in first.suggestions] == [b]
        assert first.excluded_by_filter["test_allowed"] == 1
        bonus = {c.name: c for c in first.suggestions[0].explanation.components}["test_bonus"]
        assert bonus.value == 0.25
        # Core's helper columns are cached; the plugin's are not: a change counts at once.
        plugin.allowed = {a, b}
        with platform.sessions() as session, tenant_scope("meppel"):
            second = suggestions(session, tenant, request_id)
            batch = batch_suggestions(session, tenant)
        assert sorted(s.helper.id for s in second.suggestions) == [a, b]
        assert batch.assignments[0].request_id == request_id
        components = {c.name: c for c in batch.assignments[0].explanation.components}
        assert components["test_bonus"].value == 0.25
        assert ("requests", [request_id]) in plugin.seen
    finally:
        tenant.plugins.unregister(plugin)


def test_a_column_returned_twice_stops_with_an_error(platform, client_for):
    client = client_for("meppel")
    _helper(client, "Anna")
    request_id = _request(client)
    tenant = platform.tenants["meppel"]
    first, second = Allowlist(), Allowlist()
    tenant.plugins.register(first)
    tenant.plugins.register(second, name="second-allowlist")
    try:
        with (
            platform.sessions() as session,
            tenant_scope("meppel"),
            pytest.raises(ValueError, match="twice"),
        ):
            suggestions(session, tenant, request_id)
    finally:
        tenant.plugins.unregister(first)
        tenant.plugins.unregister(second)
