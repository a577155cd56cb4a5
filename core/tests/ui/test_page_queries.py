"""Pages read each table they show once: the helpers a page loads to show are the
helpers it names in the access log, not read a second time for it (real database)."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from noaber import testing
from noaber.people.models import HelperProfile
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import statements_of


def helper_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if "FROM helper_profile" in s]


def new_helper(api: Any, name: str) -> dict[str, Any]:
    person = api.post("/api/people", json={"given_name": name, "postcode": "7941 AB"})
    assert person.status_code == 201, person.text
    body = {
        "kind": "volunteer",
        "display_name": name,
        "reach_anywhere": True,
        "person_id": person.json()["id"],
    }
    created = api.post("/api/helpers", json=body)
    assert created.status_code == 201, created.text
    return dict(created.json())


def subjects(platform: Any, page: Any) -> set[int]:
    with tenant_scope("meppel"), platform.sessions() as session:
        return set(
            session.exec(
                select(AccessLogEntry.subject_person_id).where(
                    AccessLogEntry.trace_id == page.headers["x-trace-id"]
                )
            )
        )


def test_the_request_page_reads_its_helpers_once_and_logs_them(platform, client_for):
    api = client_for("meppel")
    coordinator = client_for("meppel", role="coordinator")
    request_id = testing.new_request(api, "intake", "zoeken", description="Boodschappen")
    helpers = [new_helper(api, name) for name in ("Sjoerd", "Wietske")]
    for helper in helpers:
        proposed = api.post(
            "/api/matches", json={"request_id": request_id, "helper_id": helper["id"]}
        )
        assert proposed.status_code == 201, proposed.text

    statements, page = statements_of(platform, coordinator, f"/aanvragen/{request_id}")
    assert len(helper_reads(statements)) == 1, helper_reads(statements)
    assert "Sjoerd" in page.text
    assert "Wietske" in page.text
    assert {h["person_id"] for h in helpers} <= subjects(platform, page)


def test_my_jobs_reads_the_helper_once_and_logs_them(platform, client_for):
    api = client_for("meppel")
    coordinator = client_for("meppel", role="coordinator")
    helper = new_helper(api, "Sjoerd")
    request_id = testing.new_request(api, "intake", "zoeken", description="Boodschappen")
    proposed = api.post("/api/matches", json={"request_id": request_id, "helper_id": helper["id"]})
    assert proposed.status_code == 201, proposed.text

    statements, page = statements_of(platform, coordinator, f"/mijn/klussen?helper={helper['id']}")
    assert len(helper_reads(statements)) == 1, helper_reads(statements)
    assert "Boodschappen" in page.text
    assert helper["person_id"] in subjects(platform, page)
    with tenant_scope("meppel"), platform.sessions() as session:
        assert session.get(HelperProfile, helper["id"]) is not None
