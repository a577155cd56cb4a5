"""The families list page in pages (``?pagina=``, as core's requests list) and read with
one query per page for what its rows show (real database, no mocks)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from sqlmodel import col, select

from noaber.people.models import HouseholdMember
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import statements_of
from noaber_buurtgezinnen.pages import BASE, families


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("meppel", role="coordinator", programme="buurtgezinnen")


def row_of(page: Any, family_id: int) -> str:
    return html.unescape(page.text.split(f'id="gezin-{family_id}"', 1)[1].split("</tr>", 1)[0])


def listed_ids(page: Any) -> list[int]:
    table = page.text.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return [int(part.split('"', 1)[0]) for part in table.split('id="gezin-')[1:]]


def subjects(platform: Any, page: Any) -> set[int]:
    with tenant_scope("meppel"), platform.sessions() as session:
        return set(
            session.exec(
                select(AccessLogEntry.subject_person_id).where(
                    AccessLogEntry.trace_id == page.headers["x-trace-id"]
                )
            )
        )


def members(platform: Any, household_ids: list[int]) -> set[int]:
    with tenant_scope("meppel"), platform.sessions() as session:
        return set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id).in_(household_ids)
                )
            )
        )


def test_the_families_list_is_paginated_and_keeps_its_filter(
    mp, bg, coordinator, platform, monkeypatch
):
    monkeypatch.setattr(families, "PAGE_SIZE", 2)
    vraag = [bg.new_vraaggezin(mp, 50, name=f"Gezin V{i}") for i in range(5)]
    steun = bg.new_steungezin(mp, 50, name="Gezin S")

    first = coordinator.get(BASE, params={"soort": "vraaggezin"})
    assert first.status_code == 200
    assert listed_ids(first) == [vraag[0]["id"], vraag[1]["id"]]
    assert "5 gezinnen" in first.text  # the total, not this page's rows
    nav = first.text.split('id="paginas"', 1)[1].split("</nav>", 1)[0]
    assert "Pagina 1 van 3" in nav
    assert f'href="{BASE}?soort=vraaggezin&amp;pagina=2">Volgende pagina</a>' in nav
    assert "Vorige pagina" not in nav
    # Only the families shown are named in the access log.
    logged = subjects(platform, first)
    assert logged >= members(platform, [vraag[0]["household_id"], vraag[1]["household_id"]])
    assert not logged & members(platform, [vraag[2]["household_id"], steun["household_id"]])

    last = coordinator.get(BASE, params={"soort": "vraaggezin", "pagina": "3"})
    assert listed_ids(last) == [vraag[4]["id"]]
    nav = last.text.split('id="paginas"', 1)[1].split("</nav>", 1)[0]
    assert "Pagina 3 van 3" in nav
    assert f'href="{BASE}?soort=vraaggezin&amp;pagina=2">Vorige pagina</a>' in nav
    assert "Volgende pagina" not in nav

    # All families: six, three pages; a page number that is no number is the first page.
    assert listed_ids(coordinator.get(BASE, params={"pagina": "drie"})) == [
        vraag[0]["id"],
        vraag[1]["id"],
    ]
    assert listed_ids(coordinator.get(BASE, params={"pagina": "3"})) == [
        vraag[4]["id"],
        steun["id"],
    ]
    beyond = coordinator.get(BASE, params={"pagina": "9"})
    assert beyond.status_code == 200
    assert "Op deze pagina staan geen gezinnen." in beyond.text
    assert f'href="{BASE}?soort=">Naar de eerste pagina</a>' in beyond.text


def test_the_families_list_reads_its_rows_in_one_query_however_many_families(
    mp, bg, coordinator, platform
):
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.ready_steungezin(mp, 200)
    bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30))
    few, _ = statements_of(platform, coordinator, BASE)
    more = [
        bg.ready_vraaggezin(mp, 100, name="Gezin Smit"),
        bg.new_vraaggezin(mp, 40, name="Gezin Kok"),
        bg.ready_steungezin(mp, 200, name="Gezin Bakker"),
        bg.new_steungezin(mp, 40, name="Gezin Bos"),
    ]
    many, _ = statements_of(platform, coordinator, BASE)
    assert len(many) == len(few), many
    family_reads = [s for s in many if "FROM buurtgezinnen_family" in s]
    assert len(family_reads) <= 3, family_reads  # the rows, the total, the access log

    # The rows say what the API says about each family.
    page = coordinator.get(BASE)
    for family in bg.ok(mp.get(f"{bg.BASE}/families"), 200)["items"]:
        row = row_of(page, family["id"])
        assert row.count("<li>") == len(family["intake_missing"])
        if family["running_couplings"]:
            assert "In een koppeling" in row
        elif family["ready_for_matching"]:
            assert "Klaar om te koppelen" in row
        else:
            assert "Nog niet klaar om te koppelen" in row
    assert "In een koppeling" in row_of(page, vraag["id"])
    assert "Klaar om te koppelen" in row_of(page, more[0]["id"])
    assert "een VOG" in row_of(page, more[3]["id"])
