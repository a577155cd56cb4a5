"""Every Gezinslab route that shows or changes a family's trajectory names each member of
the household in the access log, so they find it under "who saw my data"; one that shows
or changes the team names the volunteers in it (not the professionals at work);
aggregates name nobody."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from noaber.people.models import HouseholdMember
from noaber.tenancy.context import tenant_scope
from noaber.testing import form_token, logged_subjects

BASE = "/api/gezinslab"


def _subjects(platform: Any, response: Any) -> set[int]:
    return logged_subjects(platform, "leeuwarden", response)


def _members(platform, household_id: int) -> set[int]:
    with tenant_scope("leeuwarden"), platform.sessions.begin() as session:
        return set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id) == household_id
                )
            )
        )


def test_the_family_s_members_are_named_for_every_trajectory_route(platform, lw, h):
    visser = h.make_household(lw, "Gezin Visser", children=2)
    bakker = h.make_household(lw, "Gezin Bakker", children=1)
    family, other = _members(platform, visser), _members(platform, bakker)
    assert len(family) == 3
    started = lw.post(
        f"{BASE}/trajectories/",
        json={"household_id": visser, "started_on": "2025-02-03", "goals": []},
    )
    assert started.status_code == 201, started.text
    tid = started.json()["id"]
    h.start(lw, bakker)

    def named(response, status: int = 200) -> set[int]:
        assert response.status_code == status, response.text
        return _subjects(platform, response)

    assert named(started, 201) == family
    assert named(lw.get(f"{BASE}/trajectories/{tid}")) == family
    assert named(lw.get(f"{BASE}/trajectories/{tid}/team")) == family
    assert named(lw.get(f"{BASE}/trajectories/")) == family | other
    goal = lw.post(
        f"{BASE}/trajectories/{tid}/goals",
        json={"text": "Rust in huis", "domains": ["huiselijke_relaties"]},
    )
    assert named(goal, 201) == family
    measured = h.measure(lw, tid, "baseline", "2025-02-10", {"financien": 2})
    assert named(measured, 201) == family
    cost = lw.post(
        f"{BASE}/trajectories/{tid}/avoided-costs",
        json={
            "cost_kind": "uithuisplaatsing",
            "description": "voorkomen",
            "avoided_on": "2025-06-02",
            "quantity": "1",
            "periods": "1",
        },
    )
    assert named(cost, 201) == family
    assert named(lw.get(f"{BASE}/avoided-costs")) == family  # the ledger is per family
    lesson = lw.post(
        f"{BASE}/lessons/",
        json={
            "kind": "knelpunt",
            "title": "Geen urgentie",
            "text": "Geen urgentie voor terugplaatsing.",
            "tags": ["wonen"],
            "noticed_on": "2025-03-20",
            "author": "Gezinslab Oost",
            "trajectory_id": tid,
        },
    )
    assert named(lesson, 201) == family
    assert named(lw.get(f"{BASE}/lessons/")) == family
    # Aggregates name nobody.
    assert named(lw.get(f"{BASE}/figures")) == set()


PAGES = "/gezinslab/trajecten"


def _form(client, page: str, action: str, **fields) -> dict:
    """The fields of the form on ``page`` whose action is ``action`` (with the anchor the
    page gives it), with its token."""
    return {"form_token": form_token(client.get(page), action), **fields}


def test_every_form_of_the_pages_names_the_family_a_repeated_and_a_refused_one_too(
    platform, lw, h, client_for
):
    coordinator = client_for("leeuwarden", role="coordinator", programme="gezinslab")
    visser = h.make_household(lw, "Gezin Visser", children=2)
    bakker = h.make_household(lw, "Gezin Bakker", children=1)
    h.start(lw, bakker)  # another family's trajectory: never named below
    family = _members(platform, visser)
    assert len(family) == 3

    def named(response, status: int = 303) -> set[int]:
        assert response.status_code == status, response.text
        return _subjects(platform, response)

    new = f"{PAGES}/nieuw"
    form = _form(
        coordinator,
        new,
        new,
        household_id=str(visser),
        started_on="2025-02-03",
        domains=["financien"],
        goal="Rust in huis",
    )
    started = coordinator.post(new, data=form, follow_redirects=False)
    assert named(started) == family
    # A double submit stores nothing but is sent to the family's trajectory: named too.
    again = coordinator.post(new, data=form, follow_redirects=False)
    assert again.headers["location"] == started.headers["location"]
    assert named(again) == family
    page = started.headers["location"]
    tid = int(page.rsplit("/", 1)[1])

    def send(path: str, **fields) -> set[int]:
        """Send the page's form whose action is ``path`` (with its anchor)."""
        action = f"{page}/{path}"
        sent = coordinator.post(
            action.split("#")[0],
            data=_form(coordinator, page, action, **fields),
            follow_redirects=False,
        )
        assert sent.headers.get("location") == page, sent.text
        return named(sent)

    assert (
        send(
            "team#team",
            member_kind="vrijwilliger",
            member_name="Wim Dijkstra",
            contribution="Gaat mee naar de schuldhulp",
            joined_on="2025-02-03",
        )
        == family
    )
    goal_form = _form(coordinator, page, f"{page}/doelen#doelen", text="Elke week sporten")
    for _ in range(2):  # the second stores nothing and is sent where the first went
        sent = coordinator.post(f"{page}/doelen", data=goal_form, follow_redirects=False)
        assert sent.headers["location"] == page
        assert named(sent) == family
    assert (
        send("metingen#zrm", kind="baseline", measured_on="2025-02-10", score_financien="2")
        == family
    )
    body = lw.get(f"{BASE}/trajectories/{tid}").json()
    [member] = body["team"]
    assert (
        send(
            "acties#acties",
            description="Afspraak maken",
            owner_id=str(member["id"]),
            due_on="2025-06-01",
        )
        == family
    )
    action_id = lw.get(f"{BASE}/trajectories/{tid}").json()["actions"][0]["id"]
    assert send(f"acties/{action_id}/gedaan#actie-{action_id}", done_on="2025-03-01") == family
    goal_id = body["goals"][0]["id"]
    assert send(f"doelen/{goal_id}/bereikt#doel-{goal_id}", reached_on="2025-04-01") == family
    assert (
        send(
            "vermeden-kosten#kosten",
            cost_kind="uithuisplaatsing",
            cost_description="Kinderen thuis",
            avoided_on="2025-05-01",
            quantity="1",
            periods="1",
        )
        == family
    )
    # A write the service refuses is logged with the family it concerned.
    second = h.measure(lw, tid, "baseline", "2025-02-11", {"financien": 3})
    assert named(second, 409) == family
    unknown = lw.post(
        f"{BASE}/trajectories/{tid}/goals/{goal_id + 1000}/reached",
        json={"reached_on": "2025-04-01"},
    )
    assert named(unknown, 404) == family

    assert send("afsluiten", closed_on="2025-10-06", closing_note="Klaar") == family

    # A lesson from the trajectory names the family, a repeated submit too; one from no
    # trajectory holds no personal data and names nobody.
    lessons = "/gezinslab/lessen/nieuw"
    form = _form(
        coordinator,
        lessons,
        lessons,
        kind="les",
        title="Samen eten",
        text="Werkt.",
        noticed_on="2025-05-05",
        author="Team",
        trajectory_id=str(tid),
    )
    shared = coordinator.post(lessons, data=form, follow_redirects=False)
    assert named(shared) == family
    assert named(coordinator.post(lessons, data=form, follow_redirects=False)) == family
    alone = lw.post(
        f"{BASE}/lessons/",
        json={
            "kind": "les",
            "title": "Zonder gezin",
            "text": "Algemeen.",
            "noticed_on": "2025-05-05",
            "author": "Team",
        },
    )
    assert named(alone, 201) == set()


def test_the_team_s_volunteers_are_named_where_the_team_is_shown_or_changed(platform, lw, h):
    visser = h.make_household(lw, "Gezin Visser", children=1)
    family = _members(platform, visser)
    tid = h.start(lw, visser)["id"]
    sandra = h.make_helper(lw, "Sandra de Boer")
    other = h.make_helper(lw, "Kees Smit")  # in the pool, not in this team: never named
    org = lw.post("/api/organisations", json={"name": "Sociaal team", "kind": "school"})
    assert org.status_code == 201, org.text
    pro = lw.post(
        "/api/professionals", json={"organisation_id": org.json()["id"], "name": "Anna Wit"}
    )
    assert pro.status_code == 201, pro.text

    def named(response, status: int = 200) -> set[int]:
        assert response.status_code == status, response.text
        return _subjects(platform, response)

    def member(**fields):
        body = {"contribution": "helpt mee", "joined_on": "2025-02-03", **fields}
        return lw.post(f"{BASE}/trajectories/{tid}/team", json=body)

    with_sandra = family | {sandra["person"]}
    added = member(kind="vrijwilliger", name="Sandra de Boer", helper_id=sandra["id"])
    assert named(added, 201) == with_sandra
    # A professional at work is not a data subject: the family only.
    professional = member(kind="professional", name="Anna Wit", professional_id=pro.json()["id"])
    assert named(professional, 201) == family
    # A refused addition names the volunteer it concerned too.
    refused = member(
        kind="vrijwilliger", name="Sandra de Boer", helper_id=sandra["id"], organisation_id=999999
    )
    assert named(refused, 422) == with_sandra

    assert named(lw.get(f"{BASE}/trajectories/{tid}/team")) == with_sandra
    assert named(lw.get(f"{BASE}/trajectories/{tid}")) == with_sandra
    assert named(lw.get(f"{BASE}/trajectories/")) == family  # team sizes, no names

    def action(owner: int):
        return lw.post(
            f"{BASE}/trajectories/{tid}/actions",
            json={"description": "Afspraak maken", "owner_id": owner, "due_on": "2025-06-01"},
        )

    hers = action(added.json()["id"])
    assert named(hers, 201) == with_sandra  # the answer names its owner
    assert named(action(professional.json()["id"]), 201) == family
    done = lw.post(
        f"{BASE}/trajectories/{tid}/actions/{hers.json()['id']}/done",
        json={"done_on": "2025-03-01"},
    )
    assert named(done, 201) == with_sandra
    measured = h.measure(lw, tid, "baseline", "2025-02-10", {"financien": 2})
    assert named(measured, 201) == with_sandra  # the answer shows the team
    closed = lw.post(f"{BASE}/trajectories/{tid}/close", json={"closed_on": "2025-10-06"})
    assert named(closed, 201) == with_sandra
    assert other["person"] not in _subjects(platform, lw.get(f"{BASE}/trajectories/{tid}"))


def test_the_pages_name_the_volunteer_added_to_the_team_and_shown_in_it(
    platform, lw, h, client_for
):
    coordinator = client_for("leeuwarden", role="coordinator", programme="gezinslab")
    visser = h.make_household(lw, "Gezin Visser", children=1)
    family = _members(platform, visser)
    tid = h.start(lw, visser)["id"]
    sandra = h.make_helper(lw, "Sandra de Boer")
    with_sandra = family | {sandra["person"]}
    page = f"{PAGES}/{tid}"

    def send(path: str, **fields) -> set[int]:
        """Send the page's form whose action is ``path`` (with its anchor)."""
        action = f"{page}/{path}"
        sent = coordinator.post(
            action.split("#")[0],
            data=_form(coordinator, page, action, **fields),
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text
        assert sent.headers["location"] == page
        return _subjects(platform, sent)

    assert (
        send(
            "team#team",
            member_kind="vrijwilliger",
            member_name="Sandra de Boer",
            contribution="Gaat mee naar de schuldhulp",
            joined_on="2025-02-03",
            helper_id=str(sandra["id"]),
        )
        == with_sandra
    )
    [member] = lw.get(f"{BASE}/trajectories/{tid}/team").json()
    assert (
        send(
            "acties#acties",
            description="Afspraak maken",
            owner_id=str(member["id"]),
            due_on="2025-06-01",
        )
        == with_sandra
    )
    action_id = lw.get(f"{BASE}/trajectories/{tid}").json()["actions"][0]["id"]
    assert send(f"acties/{action_id}/gedaan#actie-{action_id}", done_on="2025-03-01") == with_sandra
    assert send("afsluiten", closed_on="2025-10-06", closing_note="Klaar") == family
    # A closed trajectory's page offers no helper pool, but shows the team.
    shown = coordinator.get(page)
    assert shown.status_code == 200, shown.text
    assert "Sandra de Boer" in shown.text
    assert _subjects(platform, shown) == with_sandra
