"""The work list shows a programme's coordinator only what its pages open: the requests
and couplings of the own programme and of the types without a programme. Another
programme's request on it was a link answering 404 (check_programme), and its name an
entry in the access log of a view the coordinator may not have."""

from __future__ import annotations

from noaber.testing import new_request

SLUG = "leeuwarden"  # runs every programme


def _links(page: str, ids: dict[str, int]) -> set[str]:
    return {name for name, rid in ids.items() if f'href="/aanvragen/{rid}"' in page}


def test_a_coordinator_s_work_list_leaves_out_other_programmes(client_for):
    admin = client_for(SLUG)
    person = admin.post("/api/people", json={"given_name": "Sjoukje", "family_name": "Test"})
    assert person.status_code == 201, person.text
    for_her = {"person_id": person.json()["id"]}
    ids = {
        "general": new_request(admin, **for_her),
        "gezinslab": new_request(admin, type="gezinslab", **for_her),
        "wijkbedrijf": new_request(admin, type="klus", **for_her),
        "wijkbedrijf crisis": new_request(admin, type="klus", urgency="crisis", **for_her),
    }
    assert _links(admin.get("/werk").text, ids) == set(ids)

    gezinslab = client_for(SLUG, role="coordinator", programme="gezinslab")
    work = gezinslab.get("/werk")
    assert work.status_code == 200
    assert _links(work.text, ids) == {"general", "gezinslab"}
    # What the list leaves out, the coordinator may not open either.
    for name in ("wijkbedrijf", "wijkbedrijf crisis"):
        assert gezinslab.get(f"/aanvragen/{ids[name]}").status_code == 404

    wijkbedrijf = client_for(SLUG, role="coordinator", programme="wijkbedrijf")
    assert _links(wijkbedrijf.get("/werk").text, ids) == {
        "general",
        "wijkbedrijf",
        "wijkbedrijf crisis",
    }
