"""The municipality's accounts in pages (``page``, ``page_size``, ``role``), as core's
other lists: a municipality with every resident's account must not answer all of them
at once (real database)."""

from __future__ import annotations

SLUG = "leeuwarden"


def new_account(admin, n: int, role: str) -> int:
    created = admin.post(
        "/api/accounts/",
        json={"email": f"account{n}@example.org", "display_name": f"Account {n}", "role": role},
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_accounts_are_listed_in_pages_and_by_role(client_for):
    admin = client_for(SLUG)
    before = admin.get("/api/accounts/", params={"page_size": 100}).json()["total"]
    made = [new_account(admin, n, "volunteer" if n % 2 else "coordinator") for n in range(5)]

    everything = admin.get("/api/accounts/", params={"page_size": 100}).json()
    assert everything["total"] == before + 5
    assert [a["id"] for a in everything["items"]][-5:] == made
    last = admin.get(
        "/api/accounts/", params={"page_size": 2, "page": (before + 5 + 1) // 2}
    ).json()
    assert last["items"][-1]["id"] == made[-1]
    volunteers = admin.get("/api/accounts/", params={"role": "volunteer"}).json()
    assert {a["id"] for a in volunteers["items"]} >= {made[1], made[3]}
    assert {a["role"] for a in volunteers["items"]} == {"volunteer"}
    for refused in ({"page_size": 101}, {"role": "koning"}):
        answer = admin.get("/api/accounts/", params=refused)
        assert answer.status_code in (400, 422), answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
