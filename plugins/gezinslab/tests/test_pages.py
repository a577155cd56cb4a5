"""The coordinator's web pages: the trajectories list and a trajectory's page with its
goal, ZRM measurement and action forms, over the plugin's services (real SQLite, no
mocks)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

import noaber_gezinslab
from noaber.people.models import HouseholdMember
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import form_token
from noaber.ui.catalog import check_plugin
from noaber.ui.i18n import translations_for
from noaber_gezinslab.pages import (
    BASE,
    FIELD_MESSAGES,
    KIND_NAMES,
    MEMBER_NAMES,
    NAV_LABEL,
    SCORE_MESSAGE,
    SERVICE_MESSAGES,
    STATUS_NAMES,
)
from noaber_gezinslab.plugin import LOCALE

API = "/api/gezinslab/trajectories"


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("leeuwarden", role="coordinator", programme="gezinslab")


@pytest.fixture
def started(lw: Any, h: Any) -> dict[str, Any]:
    """A trajectory started through the API (3 February 2025, one goal), with one team
    member."""
    hid = h.make_household(lw, "Gezin Visser", children=2)
    trajectory = h.start(lw, hid)
    member = h.add_member(lw, trajectory["id"], "vrijwilliger", "Wim Dijkstra")
    return {"id": trajectory["id"], "household_id": hid, "member": member["id"]}


def page_of(tid: int) -> str:
    return f"{BASE}/{tid}"


ANCHORS = (
    (r"doelen/(\d+)/bereikt", r"doel-\1"),
    (r"acties/(\d+)/gedaan", r"actie-\1"),
    ("doelen", "doelen"),
    ("metingen", "zrm"),
    ("team", "team"),
    ("acties", "acties"),
    ("vermeden-kosten", "kosten"),
)
"""The section of the trajectory page each form (a path under the page) returns to."""


def action_of(tid: int, form: str) -> str:
    """The action of the trajectory page's ``form`` as the page writes it: the path, with
    the anchor of the form's section (a refused form is shown there)."""
    for pattern, anchor in ANCHORS:
        found = re.fullmatch(pattern, form)
        if found is not None:
            return f"{page_of(tid)}/{form}#{found.expand(anchor)}"
    return f"{page_of(tid)}/{form}"


def send(client: Any, tid: int, form: str, **fields: Any) -> Any:
    """Open the trajectory page and send one of its forms with the page's token."""
    action = f"{page_of(tid)}/{form}"
    token = form_token(client.get(page_of(tid)), action_of(tid, form))
    return client.post(action, data={"form_token": token, **fields}, follow_redirects=False)


def stored(response: Any, tid: int) -> None:
    assert response.status_code == 303, response.text
    assert response.headers["location"] == page_of(tid)


def error_of(page: Any, field: str, field_id: str | None = None) -> str:
    """The Dutch message next to ``field`` (and the field points to it)."""
    field_id = field_id or field
    message = page.text.split(f'id="{field_id}-fout">', 1)[1].split("</p>", 1)[0]
    field_tag = page.text.split(f'id="{field_id}" name="{field}"', 1)[1].split(">", 1)[0]
    assert f'{field_id}-fout"' in field_tag
    assert 'aria-invalid="true"' in field_tag
    return html.unescape(message)


def refusal_of(page: Any, name: str) -> str:
    block = page.text.split(f'id="{name}-geweigerd" role="alert">', 1)[1].split("</div>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", "", block)).strip()


def row_of(page: Any, tid: int) -> str:
    row = page.text.split(f'id="traject-{tid}">', 1)[1].split("</tr>", 1)[0]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))).strip()


def api(lw: Any, tid: int) -> dict[str, Any]:
    r = lw.get(f"{API}/{tid}")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_every_message_of_the_plugin_has_a_dutch_translation():
    assert check_plugin(Path(noaber_gezinslab.__file__).parent, LOCALE) == []


def test_the_pages_messages_in_tables_have_dutch_translations(platform):
    """Ids kept in tables are not found by the catalogue check of the templates and code."""
    gettext = translations_for(platform.tenants["leeuwarden"].plugins, "nl").gettext
    ids = [
        *FIELD_MESSAGES.values(),
        *SERVICE_MESSAGES.values(),
        SCORE_MESSAGE,
        *KIND_NAMES.values(),
        *STATUS_NAMES.values(),
        *MEMBER_NAMES.values(),
    ]
    same_in_dutch = {"Professional"}
    assert [i for i in ids if gettext(i) == i and i not in same_in_dutch] == []
    assert gettext("Professional") == "Professional"
    assert gettext(NAV_LABEL) == "Gezinslab"


def test_a_trajectory_is_followed_through_the_pages_alone(lw, h, coordinator, started):
    tid, member = started["id"], started["member"]
    listed = coordinator.get(BASE)
    assert listed.status_code == 200
    assert row_of(listed, tid) == "Gezin Visser Lopend 03-02-2025 1 0"

    page = coordinator.get(page_of(tid))
    assert f'href="/huishoudens/{started["household_id"]}"' in page.text
    assert "Ik wil een huis waar mijn kinderen weer kunnen wonen." in page.text
    assert "Wim Dijkstra (Vrijwilliger)" in page.text
    assert "De voortgang is te zien na een nulmeting en een vervolgmeting." in page.text

    stored(send(coordinator, tid, "doelen", text="Rust in huis", domains="financien"), tid)
    stored(
        send(
            coordinator,
            tid,
            "metingen",
            kind="baseline",
            measured_on="2025-02-10",
            score_financien="2",
            score_huisvesting="1",
            measurement_note="Veel schulden, geen vaste woonplek.",
        ),
        tid,
    )
    stored(
        send(
            coordinator,
            tid,
            "metingen",
            kind="follow_up",
            measured_on="2025-05-01",
            score_financien="4",
            score_huisvesting="2",
        ),
        tid,
    )
    stored(
        send(
            coordinator,
            tid,
            "acties",
            description="Afspraak bij de schuldhulp maken",
            owner_id=str(member),
            due_on="2025-06-01",
        ),
        tid,
    )
    assert row_of(coordinator.get(BASE), tid) == "Gezin Visser Lopend 03-02-2025 1 1"

    body = api(lw, tid)
    goal = next(g for g in body["goals"] if g["text"] == "Rust in huis")
    assert goal == {
        "id": goal["id"],
        "text": "Rust in huis",
        "domains": ["financien"],
        "reached_on": None,
    }
    action = body["actions"][0]
    assert action["owner_id"] == member
    assert action["due_on"] == "2025-06-01"
    assert action["done_on"] is None
    stored(send(coordinator, tid, f"acties/{action['id']}/gedaan", done_on="2025-05-20"), tid)
    stored(send(coordinator, tid, f"doelen/{goal['id']}/bereikt", reached_on="2025-06-15"), tid)

    body = api(lw, tid)
    assert [(m["kind"], m["measured_on"], m["scores"]) for m in body["measurements"]] == [
        ("baseline", "2025-02-10", {"financien": 2, "huisvesting": 1}),
        ("follow_up", "2025-05-01", {"financien": 4, "huisvesting": 2}),
    ]
    assert body["measurements"][0]["note"] == "Veel schulden, geen vaste woonplek."
    assert body["measurements"][0]["measured_by"] == "Test coordinator"
    assert [(p["domain"], p["baseline"], p["latest"], p["change"]) for p in body["progress"]] == [
        ("financien", 2, 4, 2),
        ("huisvesting", 1, 2, 1),
    ]
    assert body["actions"][0]["done_on"] == "2025-05-20"
    assert next(g for g in body["goals"] if g["id"] == goal["id"])["reached_on"] == "2025-06-15"
    assert "financien" in body["domains"]

    page = coordinator.get(page_of(tid))
    progress = page.text.split('id="voortgang-financien"', 1)[1].split("</tr>", 1)[0]
    assert "Financiën" in progress
    assert "+2 (beter)" in progress
    assert "Bereikt op 15-06-2025" in page.text
    assert "Gedaan op 20-05-2025" in page.text
    # Done and reached: no more forms for them.
    assert f"/acties/{action['id']}/gedaan" not in page.text
    assert f"/doelen/{goal['id']}/bereikt" not in page.text
    assert row_of(coordinator.get(BASE), tid) == "Gezin Visser Lopend 03-02-2025 1 0"


def test_wrong_input_is_refused_in_dutch_next_to_the_field_and_nothing_is_stored(
    lw, h, coordinator, started
):
    tid = started["id"]
    before = api(lw, tid)

    page = send(
        coordinator,
        tid,
        "metingen",
        kind="baseline",
        measured_on="2025-02-10",
        score_financien="7",
        score_huisvesting="2",
    )
    assert page.status_code == 422
    assert error_of(page, "score_financien") == (
        "Vul een score in van 1 (acute problematiek) tot en met 5 (volledig zelfredzaam)."
    )
    assert 'id="score_financien" name="score_financien"' in page.text
    assert 'value="7"' in page.text  # what was typed is kept
    assert 'id="score_huisvesting-fout"' not in page.text

    page = send(coordinator, tid, "metingen", kind="baseline", measured_on="2025-02-10")
    assert page.status_code == 422
    assert "Geef minstens één leefgebied een score van 1 tot en met 5." in html.unescape(
        page.text.split('id="scores-fout">', 1)[1].split("</p>", 1)[0]
    )

    # Before the trajectory started: the service's own message, next to the date.
    page = send(
        coordinator,
        tid,
        "metingen",
        kind="baseline",
        measured_on="2025-01-06",
        score_financien="2",
        measurement_note="Te vroeg",
    )
    assert page.status_code == 422
    assert error_of(page, "measured_on") == (
        "De meting (06-01-2025) ligt vóór de start van het traject (03-02-2025)."
    )
    assert "Te vroeg" in page.text

    page = send(coordinator, tid, "doelen", text="   ")
    assert page.status_code == 422
    assert error_of(page, "text") == "Schrijf het doel op in de woorden van het gezin."

    # An owner who is not in this family's team (another trajectory's member).
    other = h.start(lw, h.make_household(lw, "Gezin Postma"))["id"]
    stranger = h.add_member(lw, other, "professional", "Wijkcoach")["id"]
    page = send(
        coordinator,
        tid,
        "acties",
        description="Bellen",
        owner_id=str(stranger),
        due_on="2025-06-01",
    )
    assert page.status_code == 422
    assert error_of(page, "owner_id") == "Kies iemand uit het team rond het gezin."
    assert "Bellen" in page.text

    goal = before["goals"][0]["id"]
    page = send(coordinator, tid, f"doelen/{goal}/bereikt", reached_on="2025-01-01")
    assert page.status_code == 422
    assert error_of(page, "reached_on", f"reached_on-{goal}") == (
        "Het doel kan niet bereikt zijn (01-01-2025) vóór de start van het traject (03-02-2025)."
    )
    assert api(lw, tid) == before


def test_refusals_of_the_service_are_shown_in_dutch_with_409(lw, h, coordinator, started):
    tid = started["id"]
    page = send(
        coordinator,
        tid,
        "metingen",
        kind="follow_up",
        measured_on="2025-03-01",
        score_financien="3",
    )
    assert page.status_code == 409
    assert refusal_of(page, "measurement") == (
        "Dit traject heeft nog geen nulmeting. Leg eerst de nulmeting vast."
    )
    assert api(lw, tid)["measurements"] == []

    assert h.measure(lw, tid, "baseline", "2025-02-10", {"financien": 2}).status_code == 201
    page = send(
        coordinator, tid, "metingen", kind="baseline", measured_on="2025-03-01", score_financien="3"
    )
    assert page.status_code == 409
    assert refusal_of(page, "measurement") == (
        "Dit traject heeft al een nulmeting (van 10-02-2025). Leg een vervolgmeting vast."
    )
    assert len(api(lw, tid)["measurements"]) == 1
    # The API keeps its English detail.
    again = h.measure(lw, tid, "baseline", "2025-03-01", {"financien": 3})
    assert again.status_code == 409
    assert "already has a baseline" in again.json()["detail"]

    # A page opened before the trajectory was closed: its goal form is refused.
    action = f"{page_of(tid)}/doelen"
    token = form_token(coordinator.get(page_of(tid)), action_of(tid, "doelen"))
    closed = lw.post(f"{API}/{tid}/close", json={"closed_on": "2025-07-01"})
    assert closed.status_code == 201, closed.text
    page = coordinator.post(
        action, data={"form_token": token, "text": "Nog een doel"}, follow_redirects=False
    )
    assert page.status_code == 409
    assert refusal_of(page, "goal") == (
        "Dit traject is afgesloten op 01-07-2025; er kan niets meer aan veranderen."
    )
    assert [g["text"] for g in api(lw, tid)["goals"]] == [
        "Ik wil een huis waar mijn kinderen weer kunnen wonen."
    ]
    # A closed trajectory's page offers no forms; the list shows it among the closed.
    page = coordinator.get(page_of(tid))
    assert f'action="{action}' not in page.text
    closed_list = coordinator.get(BASE, params={"status": "afgesloten"})
    assert row_of(closed_list, tid) == "Gezin Visser Afgesloten op 01-07-2025 03-02-2025 1 0"
    assert f'id="traject-{tid}"' not in coordinator.get(BASE, params={"status": "actief"}).text


def test_a_double_submit_of_one_form_stores_once(lw, coordinator, started):
    tid = started["id"]
    action = f"{page_of(tid)}/doelen"
    token = form_token(coordinator.get(page_of(tid)), action_of(tid, "doelen"))
    form = {"form_token": token, "text": "Samen eten op zondag"}
    stored(coordinator.post(action, data=form, follow_redirects=False), tid)
    stored(coordinator.post(action, data=form, follow_redirects=False), tid)  # where the first went
    texts = [g["text"] for g in api(lw, tid)["goals"]]
    assert texts.count("Samen eten op zondag") == 1
    # A refused submit frees its token: the corrected form can be sent with it.
    token = form_token(coordinator.get(page_of(tid)), action_of(tid, "doelen"))
    bad = coordinator.post(action, data={"form_token": token, "text": ""}, follow_redirects=False)
    assert bad.status_code == 422
    good = coordinator.post(
        action, data={"form_token": token, "text": "Elke week sporten"}, follow_redirects=False
    )
    stored(good, tid)
    assert len(api(lw, tid)["goals"]) == 3


def test_other_programmes_coordinators_have_no_access_and_no_link(
    lw, coordinator, client_for, started
):
    tid = started["id"]
    other = client_for("leeuwarden", role="coordinator", programme="wijkbedrijf")
    assert other.get(BASE).status_code == 403
    page = other.get(page_of(tid))
    assert page.status_code == 403
    assert "Geen toegang" in page.text
    refused = other.post(
        f"{page_of(tid)}/doelen",
        data={"form_token": "x" * 32, "text": "Ongevraagd"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert len(api(lw, tid)["goals"]) == 1
    assert BASE not in other.get("/werk").text
    assert client_for("leeuwarden", role="volunteer").get(BASE).status_code == 403
    # A municipality without the Gezinslab does not have the pages at all.
    assert client_for("meppel").get(BASE).status_code == 404

    link = f'<a href="{BASE}">Gezinslab</a>'
    assert link in coordinator.get("/werk").text
    assert link in lw.get("/werk").text  # the municipality admin
    assert f'<a href="{BASE}" aria-current="page">Gezinslab</a>' in coordinator.get(BASE).text


def _subjects(platform: Any, response: Any) -> set[int]:
    trace = response.headers["x-trace-id"]
    with tenant_scope("leeuwarden"), platform.sessions() as session:
        return {
            p
            for p in session.exec(
                select(AccessLogEntry.subject_person_id).where(AccessLogEntry.trace_id == trace)
            )
            if p is not None
        }


def test_the_pages_name_the_household_s_members_in_the_access_log(
    platform, lw, h, coordinator, started
):
    tid = started["id"]
    with tenant_scope("leeuwarden"), platform.sessions() as session:
        members = set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id) == started["household_id"]
                )
            )
        )
    assert len(members) == 3
    page = coordinator.get(page_of(tid))
    assert page.status_code == 200
    assert _subjects(platform, page) == members
    assert _subjects(platform, coordinator.get(BASE)) >= members
    posted = send(coordinator, tid, "doelen", text="Rust in huis")
    stored(posted, tid)
    assert _subjects(platform, posted) == members


def test_the_team_is_shown_and_a_member_is_added_through_the_page(
    platform, lw, h, coordinator, started
):
    tid = started["id"]
    sandra = h.make_helper(lw, "Sandra de Boer")
    page = coordinator.get(page_of(tid))
    assert "Wim Dijkstra (Vrijwilliger): Wim Dijkstra helpt mee" in html.unescape(page.text)
    helper_choice = page.text.split('id="helper_id" name="helper_id"', 1)[1].split("</select>")[0]
    assert f'<option value="{sandra["id"]}">Sandra de Boer</option>' in helper_choice
    # The page shows the helper pool: the persons behind it are in the access log.
    assert sandra["person"] in _subjects(platform, page)

    posted = send(
        coordinator,
        tid,
        "team",
        member_kind="ervaringsdeskundige",
        member_name="Sandra de Boer",
        contribution="Kent de weg naar de schuldhulp uit eigen ervaring",
        joined_on="2025-03-01",
        helper_id=str(sandra["id"]),
    )
    stored(posted, tid)
    team = lw.get(f"{API}/{tid}/team").json()
    assert [(m["kind"], m["name"], m["helper_id"], m["joined_on"]) for m in team] == [
        ("vrijwilliger", "Wim Dijkstra", None, "2025-02-03"),
        ("ervaringsdeskundige", "Sandra de Boer", sandra["id"], "2025-03-01"),
    ]
    new = team[1]["id"]
    page = coordinator.get(page_of(tid))
    assert "Sandra de Boer (Ervaringsdeskundige): Kent de weg" in html.unescape(page.text)
    # The action's owner is chosen from the team, the new member included.
    owners = page.text.split('id="owner_id" name="owner_id"', 1)[1].split("</select>")[0]
    assert f'<option value="{new}">Sandra de Boer (Ervaringsdeskundige)</option>' in owners
    assert row_of(coordinator.get(BASE), tid) == "Gezin Visser Lopend 03-02-2025 2 0"


def test_a_team_member_with_wrong_input_or_on_a_closed_trajectory_is_refused(
    lw, h, coordinator, started
):
    tid = started["id"]
    before = api(lw, tid)["team"]
    page = send(
        coordinator,
        tid,
        "team",
        member_kind="",
        member_name="",
        contribution="Rijdt mee naar afspraken",
        joined_on="2025-03-01",
    )
    assert page.status_code == 422
    assert error_of(page, "member_kind") == "Kies wat voor teamlid dit is."
    assert error_of(page, "member_name") == "Vul de naam van het teamlid in."
    assert "Rijdt mee naar afspraken" in page.text  # what was typed is kept

    # A helper that is not in this municipality's pool (a stale or altered form).
    page = send(
        coordinator,
        tid,
        "team",
        member_kind="vrijwilliger",
        member_name="Bianca Hoekstra",
        contribution="Kookt mee",
        joined_on="2025-03-01",
        helper_id="99999",
    )
    assert page.status_code == 422
    assert error_of(page, "helper_id") == "Kies een helper uit de lijst."
    assert 'value="Bianca Hoekstra"' in page.text
    assert api(lw, tid)["team"] == before

    action = f"{page_of(tid)}/team"
    token = form_token(coordinator.get(page_of(tid)), action_of(tid, "team"))
    assert lw.post(f"{API}/{tid}/close", json={"closed_on": "2025-07-01"}).status_code == 201
    page = coordinator.post(
        action,
        data={
            "form_token": token,
            "member_kind": "buurtbedrijf",
            "member_name": "Bakkerij De Korenaar",
            "contribution": "Een stageplek",
            "joined_on": "2025-07-02",
        },
        follow_redirects=False,
    )
    assert page.status_code == 409
    assert refusal_of(page, "member") == (
        "Dit traject is afgesloten op 01-07-2025; er kan niets meer aan veranderen."
    )
    assert api(lw, tid)["team"] == before
    assert f'action="{action}' not in coordinator.get(page_of(tid)).text


def gezinslab_request(lw: Any, household_id: int) -> int:
    r = lw.post(
        "/api/requests",
        json={
            "type": "gezinslab",
            "asked_by": "self",
            "household_id": household_id,
            "description": "Aanmelding via de huisarts",
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


NEW = f"{BASE}/nieuw"


def start_form(client: Any, **fields: Any) -> Any:
    token = form_token(client.get(NEW), NEW)
    return client.post(NEW, data={"form_token": token, **fields}, follow_redirects=False)


def members_of(platform: Any, household_id: int) -> set[int]:
    with tenant_scope("leeuwarden"), platform.sessions() as session:
        return set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id) == household_id
                )
            )
        )


def test_a_trajectory_is_started_through_the_page(platform, lw, h, coordinator, started):
    postma = h.make_household(lw, "Gezin Postma", children=1)
    request_id = gezinslab_request(lw, postma)
    listed = coordinator.get(BASE)
    assert f'href="{NEW}"' in listed.text  # the list leads to the form

    page = coordinator.get(NEW)
    assert page.status_code == 200
    households = page.text.split('id="household_id" name="household_id"', 1)[1].split("</select>")[
        0
    ]
    assert f'<option value="{postma}">Gezin Postma</option>' in households
    assert f'<option value="{started["household_id"]}">Gezin Visser</option>' in households
    requests = page.text.split('id="request_id" name="request_id"', 1)[1].split("</select>")[0]
    assert (
        f'<option value="{request_id}">Hulpvraag {request_id} (Gezin Postma)</option>' in requests
    )
    # The households shown are named in the access log.
    shown = _subjects(platform, page)
    assert members_of(platform, postma) <= shown
    assert members_of(platform, started["household_id"]) <= shown

    posted = start_form(
        coordinator,
        household_id=str(postma),
        started_on="2025-09-15",
        request_id=str(request_id),
        domains=["financien", "werk_opleiding"],
        goal="Zonder schulden de zomer door",
    )
    assert posted.status_code == 303, posted.text
    tid = int(posted.headers["location"].rsplit("/", 1)[1])
    assert posted.headers["location"] == page_of(tid)
    assert _subjects(platform, posted) == members_of(platform, postma)
    body = api(lw, tid)
    assert (body["household_id"], body["request_id"], body["status"], body["started_on"]) == (
        postma,
        request_id,
        "actief",
        "2025-09-15",
    )
    assert body["domains"] == ["financien", "werk_opleiding"]
    assert [g["text"] for g in body["goals"]] == ["Zonder schulden de zomer door"]
    page = coordinator.get(page_of(tid))
    assert "Gezinslab: Gezin Postma" in page.text
    assert row_of(coordinator.get(BASE), tid) == "Gezin Postma Lopend 15-09-2025 0 0"
    # The request is followed now: it is no longer offered.
    page = coordinator.get(NEW)
    requests = page.text.split('id="request_id" name="request_id"', 1)[1].split("</select>")[0]
    assert f'<option value="{request_id}">' not in requests


def test_starting_a_trajectory_is_refused_in_dutch_and_nothing_is_stored(
    lw, h, coordinator, started
):
    before = lw.get(f"{API}/").json()
    page = start_form(coordinator, household_id="", started_on="", goal="Weer werk vinden")
    assert page.status_code == 422
    assert error_of(page, "household_id") == "Kies het huishouden van het gezin."
    assert error_of(page, "started_on") == "Vul de datum in waarop het traject start."
    assert "Weer werk vinden" in page.text  # what was typed is kept

    # A household with a running trajectory: a refusal of the service, 409.
    page = start_form(
        coordinator,
        household_id=str(started["household_id"]),
        started_on="2025-09-15",
        goal="Nog een traject",
    )
    assert page.status_code == 409
    assert refusal_of(page, "start") == (
        "Dit huishouden heeft al een lopend traject (gestart op 03-02-2025). "
        "Sluit dat af voordat u een nieuw traject start."
    )
    assert f'<option value="{started["household_id"]}" selected>' in page.text
    assert "Nog een traject" in page.text

    # The request of another household: the service's message next to the field.
    postma = h.make_household(lw, "Gezin Postma")
    other = gezinslab_request(lw, h.make_household(lw, "Gezin De Vries"))
    page = start_form(
        coordinator, household_id=str(postma), started_on="2025-09-15", request_id=str(other)
    )
    assert page.status_code == 422
    assert error_of(page, "request_id") == "Deze hulpvraag is voor een ander huishouden."
    assert lw.get(f"{API}/").json() == before

    # The API keeps its English detail.
    again = lw.post(
        f"{API}/", json={"household_id": started["household_id"], "started_on": "2025-09-15"}
    )
    assert again.status_code == 409
    assert "already has an active trajectory" in again.json()["detail"]


def test_a_trajectory_is_closed_through_the_page(lw, h, coordinator, started):
    tid = started["id"]
    before = api(lw, tid)
    page = send(coordinator, tid, "afsluiten", closed_on="2025-01-31", closing_note="Te vroeg")
    assert page.status_code == 422
    assert error_of(page, "closed_on") == (
        "Het traject kan niet worden afgesloten (31-01-2025) vóór de start (03-02-2025)."
    )
    assert "Te vroeg" in page.text
    page = send(coordinator, tid, "afsluiten", closed_on="")
    assert page.status_code == 422
    assert error_of(page, "closed_on") == "Vul de datum in waarop het traject is afgesloten."
    assert api(lw, tid) == before

    # A second page, opened before the first closes the trajectory.
    action = f"{page_of(tid)}/afsluiten"
    late = form_token(coordinator.get(page_of(tid)), action)
    stored(
        send(
            coordinator,
            tid,
            "afsluiten",
            closed_on="2025-10-06",
            closing_note="De kinderen wonen weer thuis.",
        ),
        tid,
    )
    body = api(lw, tid)
    assert (body["status"], body["closed_on"], body["closing_note"]) == (
        "afgesloten",
        "2025-10-06",
        "De kinderen wonen weer thuis.",
    )
    page = coordinator.post(
        action, data={"form_token": late, "closed_on": "2025-10-07"}, follow_redirects=False
    )
    assert page.status_code == 409
    assert refusal_of(page, "close") == (
        "Dit traject is afgesloten op 06-10-2025; er kan niets meer aan veranderen."
    )
    assert api(lw, tid)["closed_on"] == "2025-10-06"

    # The page shows it closed and offers none of the forms that change it.
    page = coordinator.get(page_of(tid))
    assert html.unescape(page.text.split('id="stand">', 1)[1].split("</dd>", 1)[0]) == (
        "Afgesloten (afgesloten op 06-10-2025)"
    )
    assert "De kinderen wonen weer thuis." in page.text
    assert 'id="gesloten-uitleg"' in page.text
    for form in ("doelen", "metingen", "team", "acties", "afsluiten"):
        assert f'action="{page_of(tid)}/{form}' not in page.text, form
    assert row_of(coordinator.get(BASE), tid) == (
        "Gezin Visser Afgesloten op 06-10-2025 03-02-2025 1 0"
    )


def test_an_avoided_cost_is_recorded_from_the_catalogue_in_dutch_money(lw, h, coordinator, started):
    tid = started["id"]
    page = coordinator.get(page_of(tid))
    kinds = page.text.split('id="cost_kind" name="cost_kind"', 1)[1].split("</select>")[0]
    # Leeuwarden's catalogue of unit costs, amounts in Dutch money notation.
    assert (
        '<option value="huisuitzetting">huisuitzetting: €\xa08.000,00 per uitzetting</option>'
        in (kinds)
    )
    assert "uithuisplaatsing: €\xa060.000,00 per kind per jaar</option>" in kinds

    page = send(
        coordinator,
        tid,
        "vermeden-kosten",
        cost_kind="uithuisplaatsing",
        cost_description="Twee kinderen weer thuis",
        avoided_on="2025-01-15",
        quantity="2",
        periods="1,5",
    )
    assert page.status_code == 422
    assert error_of(page, "avoided_on") == (
        "De vermeden kosten (15-01-2025) kunnen niet vóór de start van het traject "
        "(03-02-2025) liggen."
    )
    assert 'value="1,5"' in page.text  # what was typed is kept, comma and all
    page = send(
        coordinator,
        tid,
        "vermeden-kosten",
        cost_kind="schuldsanering",
        cost_description="Geen schuldsanering nodig",
        avoided_on="2025-05-01",
        quantity="0",
    )
    assert page.status_code == 422
    assert error_of(page, "quantity") == "Vul in hoeveel eenheden, bijvoorbeeld 2 of 1,5."
    # A kind the municipality has no amount for (an altered or stale form).
    page = send(
        coordinator,
        tid,
        "vermeden-kosten",
        cost_kind="schuldsanering",
        cost_description="Geen schuldsanering nodig",
        avoided_on="2025-05-01",
        quantity="1",
    )
    assert page.status_code == 422
    assert error_of(page, "cost_kind") == "Deze gemeente heeft geen bedrag voor deze soort kosten."
    assert api(lw, tid)["avoided_costs"] == []

    stored(
        send(
            coordinator,
            tid,
            "vermeden-kosten",
            cost_kind="uithuisplaatsing",
            cost_description="Twee kinderen weer thuis",
            avoided_on="2025-10-06",
            quantity="2",
            periods="1,5",
        ),
        tid,
    )
    body = api(lw, tid)
    [entry] = body["avoided_costs"]
    assert (entry["quantity"], entry["periods"], entry["amount"]) == ("2.00", "1.50", "180000.00")
    assert entry["recorded_by"] == "Test coordinator"
    assert body["avoided_total"] == "180000.00"
    page = coordinator.get(page_of(tid))
    text = html.unescape(page.text)
    assert "2 x 1,5 x €\xa060.000,00 per kind per jaar (bron: Indicatief" in text
    assert '<td class="utrecht-table__cell">€\xa0180.000,00</td>' in text
    assert "Totaal vermeden: €\xa0180.000,00" in text

    # Also after closing: a prevented eviction can show later.
    assert lw.post(f"{API}/{tid}/close", json={"closed_on": "2025-10-31"}).status_code == 201
    stored(
        send(
            coordinator,
            tid,
            "vermeden-kosten",
            cost_kind="huisuitzetting",
            cost_description="Betalingsregeling met de woningcorporatie",
            avoided_on="2025-11-15",
            quantity="1",
            periods="1",
        ),
        tid,
    )
    assert "Totaal vermeden: €\xa0188.000,00" in html.unescape(coordinator.get(page_of(tid)).text)


def test_the_trajectories_list_is_paginated_the_newest_first(platform, lw, h, coordinator):
    from noaber_gezinslab.pages import PAGE_SIZE

    ids = [
        h.start(lw, h.make_household(lw, f"Gezin {i:02d}", children=0))["id"]
        for i in range(PAGE_SIZE + 2)
    ]
    first = coordinator.get(BASE)
    assert first.status_code == 200
    assert "27 trajecten" in first.text
    shown = [int(i) for i in re.findall(r'id="traject-(\d+)"', first.text)]
    assert shown == list(reversed(ids))[:PAGE_SIZE]
    assert "Pagina 1 van 2" in first.text
    assert f'href="{BASE}?status=&amp;pagina=2"' in first.text
    assert "Vorige pagina" not in first.text
    # Only the families on the page are named in the access log.
    assert len(_subjects(platform, first)) == PAGE_SIZE

    second = coordinator.get(BASE, params={"pagina": "2"})
    assert [int(i) for i in re.findall(r'id="traject-(\d+)"', second.text)] == [ids[1], ids[0]]
    assert "Pagina 2 van 2" in second.text
    assert f'href="{BASE}?status=&amp;pagina=1"' in second.text
    # The filter is kept from page to page; a page number that is none gives the first.
    active = coordinator.get(BASE, params={"status": "actief", "pagina": "x"})
    assert "Pagina 1 van 2" in active.text
    assert f'href="{BASE}?status=actief&amp;pagina=2"' in active.text
    assert 'id="paginas"' not in coordinator.get(BASE, params={"status": "afgesloten"}).text
