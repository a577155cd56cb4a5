"""The API's families and couplings lists in pages (``page``, ``page_size``, as core's
lists), each page read with a fixed number of queries however many rows it holds, and
each row as the API's one-object answer shows it (real database, no mocks)."""

from __future__ import annotations

from sqlmodel import col, select

from noaber.people.models import HouseholdMember
from noaber.tenancy.context import tenant_scope
from noaber.testing import logged_subjects, statements_of


def test_the_families_are_listed_in_pages_with_the_total(mp, bg):
    vraag = [bg.new_vraaggezin(mp, 50, name=f"Gezin V{i}") for i in range(3)]
    steun = bg.new_steungezin(mp, 50, name="Gezin S")

    first = bg.ok(mp.get(f"{bg.BASE}/families", params={"page_size": 2}), 200)
    assert (first["total"], first["page"], first["page_size"]) == (4, 1, 2)
    assert [f["id"] for f in first["items"]] == [vraag[0]["id"], vraag[1]["id"]]
    second = bg.ok(mp.get(f"{bg.BASE}/families", params={"page_size": 2, "page": 2}), 200)
    assert [f["id"] for f in second["items"]] == [vraag[2]["id"], steun["id"]]
    only = bg.ok(mp.get(f"{bg.BASE}/families", params={"kind": "steungezin"}), 200)
    assert (only["total"], [f["id"] for f in only["items"]]) == (1, [steun["id"]])
    beyond = bg.ok(mp.get(f"{bg.BASE}/families", params={"page": 9}), 200)
    assert (beyond["items"], beyond["total"]) == ([], 4)


def test_a_page_size_beyond_the_maximum_is_refused_with_problem_details(mp, bg):
    for params in ({"page_size": 101}, {"page": 0}, {"kind": "buurman"}):
        refused = mp.get(f"{bg.BASE}/families", params=params)
        assert refused.status_code == 422, (params, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")


def test_each_family_in_the_list_is_what_its_own_answer_says(mp, bg):
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.ready_steungezin(mp, 200)
    bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30))
    bg.new_vraaggezin(mp, 40, name="Gezin Kok")
    listed = bg.ok(mp.get(f"{bg.BASE}/families"), 200)["items"]
    assert len(listed) == 3
    for family in listed:
        assert family == bg.ok(mp.get(f"{bg.BASE}/families/{family['id']}"), 200)
    assert {f["running_couplings"] for f in listed} == {0, 1}
    assert any(f["visits"] for f in listed)
    assert any(f["children_ages"] for f in listed)


def test_a_page_of_families_is_read_with_as_many_queries_however_many_it_holds(mp, bg, platform):
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.ready_steungezin(mp, 200)
    bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30))
    few, _ = statements_of(platform, mp, f"{bg.BASE}/families")
    bg.ready_vraaggezin(mp, 100, name="Gezin Smit")
    bg.new_vraaggezin(mp, 40, name="Gezin Kok")
    bg.ready_steungezin(mp, 200, name="Gezin Bakker")
    bg.new_steungezin(mp, 40, name="Gezin Bos")
    many, _ = statements_of(platform, mp, f"{bg.BASE}/families")
    assert len(bg.ok(mp.get(f"{bg.BASE}/families"), 200)["items"]) == 6
    assert len(many) == len(few), many
    # The members are read once: for the answer, and named in the access log from that.
    members = [s for s in many if "household_member" in s]
    assert len(members) == 1, members


def test_a_page_of_families_names_every_member_of_the_families_it_shows(mp, bg, platform):
    shown = [
        bg.new_vraaggezin(mp, 40, name="Gezin Kok"),
        bg.ready_steungezin(mp, 200, name="Gezin Bakker"),
        bg.new_vraaggezin(mp, 30, name="Gezin Smit"),
    ]
    with tenant_scope("meppel"), platform.sessions() as session:
        households = {
            f["household_id"]: set(
                session.exec(
                    select(HouseholdMember.person_id).where(
                        col(HouseholdMember.household_id) == f["household_id"]
                    )
                )
            )
            for f in shown
        }
    assert all(households.values())
    everyone = set().union(*households.values())
    answer = mp.get(f"{bg.BASE}/families")
    assert [f["id"] for f in bg.ok(answer, 200)["items"]] == [f["id"] for f in shown]
    assert logged_subjects(platform, "meppel", answer) == everyone
    first_two = mp.get(f"{bg.BASE}/families", params={"page_size": 2})
    assert logged_subjects(platform, "meppel", first_two) == (
        households[shown[0]["household_id"]] | households[shown[1]["household_id"]]
    )


def test_the_couplings_are_listed_in_pages_each_as_its_own_answer(mp, bg):
    made = []
    for i in range(3):
        vraag = bg.ready_vraaggezin(mp, 100, name=f"Gezin V{i}")
        steun = bg.ready_steungezin(mp, 200, name=f"Gezin S{i}")
        made.append(bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30)))
    first = bg.ok(mp.get(f"{bg.BASE}/couplings/", params={"page_size": 2}), 200)
    assert (first["total"], [c["id"] for c in first["items"]]) == (
        3,
        [made[0]["id"], made[1]["id"]],
    )
    second = bg.ok(mp.get(f"{bg.BASE}/couplings/", params={"page_size": 2, "page": 2}), 200)
    assert [c["id"] for c in second["items"]] == [made[2]["id"]]
    family = made[1]["vraaggezin_id"]
    theirs = bg.ok(mp.get(f"{bg.BASE}/couplings/", params={"family_id": family}), 200)
    assert (theirs["total"], [c["id"] for c in theirs["items"]]) == (1, [made[1]["id"]])
    for coupling in first["items"] + second["items"]:
        assert coupling == bg.ok(mp.get(f"{bg.BASE}/couplings/{coupling['id']}"), 200)
    refused = mp.get(f"{bg.BASE}/couplings/", params={"page_size": 101})
    assert refused.status_code == 422


def test_a_page_of_couplings_is_read_with_as_many_queries_however_many_it_holds(mp, bg, platform):
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.ready_steungezin(mp, 200)
    bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30))
    few, _ = statements_of(platform, mp, f"{bg.BASE}/couplings/")
    for i in range(3):
        vraag = bg.ready_vraaggezin(mp, 100, name=f"Gezin V{i}")
        steun = bg.ready_steungezin(mp, 200, name=f"Gezin S{i}")
        bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30))
    many, _ = statements_of(platform, mp, f"{bg.BASE}/couplings/")
    assert len(bg.ok(mp.get(f"{bg.BASE}/couplings/"), 200)["items"]) == 4
    assert len(many) == len(few), many
