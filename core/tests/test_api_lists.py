"""Every list of the API answers a page (``Page``: items, total, page, page_size), so
no answer grows with the municipality: checked on the live OpenAPI document, so an
endpoint added later is covered without editing this file. A ``GET`` whose answer is
a bare JSON array must be listed below with the reason its length is bounded."""

from __future__ import annotations

BOUNDED = {
    "/api/request-types": "the request types the municipality's programmes define",
    "/api/me/requests": "one resident's own requests",
    "/api/me/matches": "one volunteer's own couplings and jobs",
    "/api/people/{person_id}/consents": "one person's consents",
    "/api/households/{household_id}/shares": "one household's case shares",
    "/api/buurtgezinnen/worklist": "what is due this week of the running couplings",
    "/api/doorbraak/referrers/{organisation_id}/tokens": "one organisation's credentials",
    "/api/gezinslab/trajectories/{trajectory_id}/team": "one trajectory's team",
    "/api/wijkbedrijf/jobs/{job_id}/assignments": "one job's plannings",
    "/api/wijkbedrijf/jobs/{job_id}/hours": "one job's hours",
    "/api/wijkbedrijf/jobs/{job_id}/notifications": "one job's confirmations",
}


def bare_arrays(schema: dict) -> set[str]:
    found = set()
    for path, item in schema["paths"].items():
        operation = item.get("get")
        if not operation:
            continue
        for code, answer in operation.get("responses", {}).items():
            body = answer.get("content", {}).get("application/json", {}).get("schema", {})
            if code.startswith("2") and body.get("type") == "array":
                found.add(path)
    return found


def test_every_list_answers_a_page(client_for):
    schema = client_for("leeuwarden").get("/schema/openapi.json").json()
    unbounded = sorted(bare_arrays(schema) - set(BOUNDED))
    assert unbounded == [], "lists answered without pages: " + ", ".join(unbounded)
    # The check finds arrays at all: the bounded lists are still arrays.
    assert bare_arrays(schema) >= {"/api/me/requests", "/api/request-types"}
