"""A resident's "who saw my data" in pages, over the API and on the page /mijn/inzage:
newest first, every entry reachable however long the file's log grows, the accounts
named by their display name, and nothing of another person's log (real database)."""

from __future__ import annotations

import html
import re

from noaber.web.pagination import MAX_PAGE_SIZE

SLUG = "leeuwarden"


def person(admin, given: str) -> int:
    created = admin.post("/api/people", json={"given_name": given, "family_name": "Visser"})
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_the_api_pages_through_every_entry_newest_first(client_for):
    admin = client_for(SLUG)
    anna = person(admin, "Anna")
    other = person(admin, "Bo")
    for _ in range(7):
        assert admin.get(f"/api/people/{anna}").status_code == 200
    assert admin.get(f"/api/people/{other}").status_code == 200
    resident = client_for(SLUG, role="resident", person_id=anna)

    first = resident.get("/api/me/access-log", params={"page_size": 3})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["total"] == 8  # the creation and seven reads
    assert (body["page"], body["page_size"], len(body["items"])) == (1, 3, 3)
    last = resident.get("/api/me/access-log", params={"page_size": 3, "page": 3}).json()
    # The resident's own first look is in their log too, on top: the oldest is last.
    assert last["total"] == 9
    assert [e["action"] for e in last["items"]] == ["read", "read", "create"]
    everything = resident.get("/api/me/access-log", params={"page_size": 100}).json()["items"]
    assert len(everything) == 10  # and the two looks before this one
    stamps = [e["at"] for e in everything]
    assert stamps == sorted(stamps, reverse=True)
    assert {e["what"] for e in everything} >= {f"person {anna}"}
    by_admin = [e for e in everything if e["who"] == "Test municipality_admin"]
    assert len(by_admin) == 8
    assert {e["who"] for e in everything} == {"Test municipality_admin", "Test resident"}

    refused = resident.get("/api/me/access-log", params={"page_size": MAX_PAGE_SIZE + 1})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_the_page_shows_fifty_a_page_with_links(client_for):
    admin = client_for(SLUG)
    anna = person(admin, "Anna")
    for _ in range(55):
        assert admin.get(f"/api/people/{anna}").status_code == 200
    resident = client_for(SLUG, role="resident", person_id=anna)

    first = resident.get("/mijn/inzage")
    assert first.status_code == 200
    rows = re.findall(r"<tr class=\"utrecht-table__row\"><td", first.text)
    assert len(rows) == 50
    nav = html.unescape(first.text.split('id="paginas"', 1)[1].split("</nav>", 1)[0])
    assert "Pagina 1 van 2" in nav
    assert 'href="/mijn/inzage?pagina=2"' in nav
    second = resident.get("/mijn/inzage", params={"pagina": "2"})
    # 56 entries by the admin (the creation and 55 reads) and the resident's first look
    assert len(re.findall(r"<tr class=\"utrecht-table__row\"><td", second.text)) == 7
    beyond = resident.get("/mijn/inzage", params={"pagina": "9"})
    assert beyond.status_code == 200
    assert "Op deze pagina staan geen vermeldingen." in beyond.text
    assert resident.get("/mijn/inzage", params={"pagina": "twee"}).status_code == 200
