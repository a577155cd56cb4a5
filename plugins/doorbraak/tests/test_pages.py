"""The specialist's and coordinator's web pages of the doorbraakaanpak: the cases list
and a case's page with the forms for the goal, the plan, blockages, escalations and
their decisions, over the plugin's services (real SQLite, no mocks)."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import col, select

from noaber.clock import dutch_today
from noaber.people.models import HouseholdMember
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import form_token
from noaber.ui.i18n import translations_for
from noaber_doorbraak import pages
from noaber_doorbraak.models import Spending, SpendingStatus
from noaber_doorbraak.pages import (
    BASE,
    FIELD_MESSAGES,
    NAV_LABEL,
    OUTCOME_NAMES,
    PARTY_NAMES,
    SERVICE_MESSAGES,
)

API = "/api/doorbraak"
OPENED = date(2026, 1, 12)  # the day conftest's open_case opens a case


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("amersfoort", role="coordinator", programme="doorbraak")


def page_of(case_id: int) -> str:
    return f"{BASE}/{case_id}"


def send(client: Any, case_id: int, form: str, **fields: Any) -> Any:
    """Open the case page and send one of its forms with the page's token."""
    action = f"{page_of(case_id)}/{form}"
    token = form_token(client.get(page_of(case_id)), action)
    return client.post(action, data={"form_token": token, **fields}, follow_redirects=False)


def stored(response: Any, case_id: int) -> None:
    assert response.status_code == 303, response.text
    assert response.headers["location"] == page_of(case_id)


def error_of(page: Any, field_id: str) -> str:
    """The Dutch message next to the field with id ``field_id`` (which points to it)."""
    message = page.text.split(f'id="{field_id}-fout">', 1)[1].split("</p>", 1)[0]
    field_tag = page.text.split(f'id="{field_id}" name=', 1)[1].split(">", 1)[0]
    assert f'{field_id}-fout"' in field_tag
    assert 'aria-invalid="true"' in field_tag
    return html.unescape(message)


def refusal_of(page: Any, alert_id: str) -> str:
    block = page.text.split(f'id="{alert_id}" role="alert">', 1)[1].split("</div>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", "", block))


def row_of(page: Any, row_id: str) -> str:
    return html.unescape(page.text.split(f'id="{row_id}"', 1)[1].split("</tr>", 1)[0])


def case_api(client: Any, case_id: int) -> dict[str, Any]:
    r = client.get(f"{API}/cases/{case_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def blockage_api(client: Any, case_id: int, rule: str = "Kostendelersnorm") -> int:
    r = client.post(
        f"{API}/cases/{case_id}/blockages",
        json={
            "rule": rule,
            "owner_organisation": "Gemeente Amersfoort",
            "description": "De bijstand wordt gekort omdat de oudste zoon inwoont.",
            "noticed_on": "2026-01-20",
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def subjects_of(platform: Any, response: Any) -> set[int]:
    trace = response.headers["x-trace-id"]
    with tenant_scope("amersfoort"), platform.sessions() as session:
        return set(
            session.exec(
                select(AccessLogEntry.subject_person_id).where(AccessLogEntry.trace_id == trace)
            )
        )


def members_of(platform: Any, household_id: int) -> set[int]:
    with tenant_scope("amersfoort"), platform.sessions() as session:
        return set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id) == household_id
                )
            )
        )


def test_a_case_gets_goal_plan_blockage_escalation_and_decision_through_the_pages(
    af, h, coordinator
):
    household = h.make_household(af, "Gezin Yilmaz")
    case = h.open_case(af, household)
    cid, rid = case["id"], case["request_id"]

    listed = coordinator.get(BASE)
    assert listed.status_code == 200
    row = row_of(listed, f"casus-{cid}")
    assert f'href="{page_of(cid)}"' in row
    assert "Gezin Yilmaz" in row
    assert "Sanne de Vries" in row
    assert "12-01-2026" in row
    assert "aangemeld" in row
    assert "<td" in row
    assert ">0</td>" in row
    assert "Nee" in row

    page = coordinator.get(page_of(cid))
    assert f'href="/aanvragen/{rid}"' in page.text
    assert f'href="/huishoudens/{household}"' in page.text
    assert "Nog geen doel vastgelegd" in page.text

    goal = "Over een jaar wonen we in een eigen huis en zijn de schulden geregeld."
    stored(send(coordinator, cid, "doel", goal=goal, recorded_on="2026-01-19"), cid)
    assert case_api(af, cid)["goal"] == goal
    assert case_api(af, cid)["goal_recorded_on"] == "2026-01-19"

    stored(
        send(
            coordinator,
            cid,
            "acties",
            party="netwerk",
            action_description="Oom Hasan helpt met de brief aan de woningcorporatie.",
            owner="Hasan Yilmaz",
            due_on="2026-02-15",
        ),
        cid,
    )
    actions = case_api(af, cid)["actions"]
    assert actions["gezin"] == []
    assert actions["professional"] == []
    (action,) = actions["netwerk"]
    assert action["owner"] == "Hasan Yilmaz"
    assert action["due_on"] == "2026-02-15"
    assert action["done_on"] is None

    stored(send(coordinator, cid, f"acties/{action['id']}/gedaan", done_on="2026-02-10"), cid)
    assert case_api(af, cid)["actions"]["netwerk"][0]["done_on"] == "2026-02-10"

    stored(
        send(
            coordinator,
            cid,
            "knelpunten",
            rule="Kostendelersnorm",
            owner_organisation="Gemeente Amersfoort",
            legal_basis="Participatiewet art. 22a",
            blockage_description="De bijstand wordt gekort omdat de oudste zoon inwoont.",
            noticed_on="2026-01-20",
        ),
        cid,
    )
    (blockage,) = case_api(af, cid)["blockages"]
    assert blockage["rule"] == "Kostendelersnorm"
    assert blockage["legal_basis"] == "Participatiewet art. 22a"
    assert blockage["status"] == "open"
    assert ">1</td>" in row_of(coordinator.get(BASE), f"casus-{cid}")

    # The escalation form offers the next level of Amersfoort's path first.
    page = coordinator.get(page_of(cid))
    level_select = page.text.split(f'id="level-{blockage["id"]}"', 1)[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]+)"', level_select) == [
        "teamleider",
        "programmamanager",
        "wethouder",
    ]
    assert '<option value="teamleider" selected>' in level_select
    stored(
        send(
            coordinator,
            cid,
            f"knelpunten/{blockage['id']}/escaleren",
            level="teamleider",
            question="Mag de kostendelersnorm een jaar buiten toepassing blijven?",
            escalated_on="2026-01-22",
            deadline="",
        ),
        cid,
    )
    (blockage,) = case_api(af, cid)["blockages"]
    (escalation,) = blockage["escalations"]
    assert blockage["status"] == "geescaleerd"
    assert escalation["level"] == "teamleider"
    assert escalation["deadline"] == "2026-02-05"  # the path's default of 14 days
    assert escalation["overdue"] is True  # no decision and the deadline has passed
    assert escalation["escalated_by"]  # the coordinator who escalated
    page = coordinator.get(page_of(cid))
    assert '<strong class="noaber-overdue">te laat</strong>' in row_of(
        page, f"escalatie-{escalation['id']}"
    )
    assert "Ja, een besluit is te laat" in row_of(coordinator.get(BASE), f"casus-{cid}")

    stored(
        send(
            coordinator,
            cid,
            f"escalaties/{escalation['id']}/besluit",
            decision="Uitzondering voor een jaar toegestaan.",
            decided_by="Teamleider Inkomen",
            decided_on="2026-01-29",
            resolved="true",
        ),
        cid,
    )
    (blockage,) = case_api(af, cid)["blockages"]
    (escalation,) = blockage["escalations"]
    assert escalation["decision"] == "Uitzondering voor een jaar toegestaan."
    assert escalation["decided_by"] == "Teamleider Inkomen"
    assert escalation["resolved"] is True
    assert blockage["status"] == "opgelost"
    assert blockage["resolved_on"] == "2026-01-29"

    page = coordinator.get(page_of(cid))
    assert goal in page.text
    assert "Oom Hasan helpt met de brief" in page.text
    assert "Gedaan op 10-02-2026" in row_of(page, f"actie-{action['id']}")
    assert "Uitzondering voor een jaar toegestaan." in page.text
    assert f'action="{page_of(cid)}/escalaties/{escalation["id"]}/besluit' not in page.text
    assert f'action="{page_of(cid)}/knelpunten/{blockage["id"]}/escaleren' not in page.text
    listed = row_of(coordinator.get(BASE), f"casus-{cid}")
    assert ">0</td>" in listed
    assert "Nee" in listed


def test_the_case_page_shows_the_map_and_the_maatwerk(af, h, coordinator):
    cid = h.open_case(af, h.make_household(af))["id"]
    agency = af.post(
        f"{API}/cases/{cid}/agencies",
        json={
            "name": "Schuldhulpverlening",
            "involvement": "Budgetbeheer",
            "yearly_cost": "4200.00",
            "yearly_cost_after": "1000.00",
        },
    )
    assert agency.status_code == 201, agency.text
    spending = af.post(
        f"{API}/cases/{cid}/spending", json={"amount": "750.00", "purpose": "Borg voor de huur"}
    )
    assert spending.status_code == 201, spending.text
    page = coordinator.get(page_of(cid))
    assert page.status_code == 200
    map_row = row_of(page, f"instantie-{agency.json()['id']}")
    assert "Schuldhulpverlening" in map_row
    assert "Budgetbeheer" in map_row
    assert "€\xa04.200,00" in map_row
    assert "€\xa01.000,00" in map_row
    spent = row_of(page, f"besteding-{spending.json()['id']}")
    assert "Borg voor de huur" in spent
    assert "€\xa0750,00" in spent
    assert "aangevraagd" in spent


def test_bad_input_is_refused_in_dutch_next_to_the_field_and_nothing_is_stored(af, h, coordinator):
    cid = h.open_case(af, h.make_household(af))["id"]
    # What the form itself finds wrong: nothing typed for the action, a date that is none.
    page = send(
        coordinator,
        cid,
        "acties",
        party="gezin",
        action_description="",
        owner="Ayse",
        due_on="volgende week",
    )
    assert page.status_code == 422
    assert error_of(page, "action_description") == "Vul dit veld in."
    assert error_of(page, "due_on") == "Vul de datum in waarop de actie klaar is."
    assert 'value="Ayse"' in page.text  # what was typed is kept
    assert 'value="volgende week"' in page.text
    # What the service refuses: a due date before the case opened, in Dutch.
    page = send(
        coordinator,
        cid,
        "acties",
        party="gezin",
        action_description="Afspraak maken bij de schuldhulp",
        owner="Ayse",
        due_on="2026-01-02",
    )
    assert page.status_code == 422
    assert error_of(page, "due_on") == (
        "De datum (02-01-2026) ligt vóór de start van de casus (12-01-2026)."
    )
    assert "Afspraak maken bij de schuldhulp" in page.text
    assert case_api(af, cid)["actions"] == {"gezin": [], "netwerk": [], "professional": []}

    page = send(coordinator, cid, "doel", goal="   ", recorded_on="2026-01-19")
    assert page.status_code == 422
    assert error_of(page, "goal") == "Schrijf het doel van het gezin op, in de eigen woorden."
    assert case_api(af, cid)["goal"] is None

    blockage = blockage_api(af, cid)
    page = send(
        coordinator,
        cid,
        f"knelpunten/{blockage}/escaleren",
        level="teamleider",
        question="Uitzondering?",
        escalated_on="2026-01-19",  # before the blockage was noticed (20-01-2026)
    )
    assert page.status_code == 422
    assert error_of(page, f"escalated_on-{blockage}") == (
        "De datum (19-01-2026) ligt vóór het moment dat het knelpunt werd opgemerkt (20-01-2026)."
    )
    assert "Uitzondering?" in page.text
    assert case_api(af, cid)["blockages"][0]["escalations"] == []


def test_escalating_to_a_level_already_asked_is_refused_in_dutch(af, h, coordinator):
    """The page was opened before another specialist escalated the same blockage higher:
    the level it still offers is refused (409), nothing is stored."""
    cid = h.open_case(af, h.make_household(af))["id"]
    blockage = blockage_api(af, cid)
    action = f"{page_of(cid)}/knelpunten/{blockage}/escaleren"
    token = form_token(coordinator.get(page_of(cid)), action)
    first = af.post(
        f"{API}/blockages/{blockage}/escalations",
        json={
            "level": "programmamanager",
            "question": "Uitzondering?",
            "escalated_on": "2026-01-21",
        },
    )
    assert first.status_code == 201, first.text
    page = coordinator.post(
        action,
        data={
            "form_token": token,
            "level": "teamleider",
            "question": "Mag de norm buiten toepassing blijven?",
            "escalated_on": "2026-01-22",
        },
        follow_redirects=False,
    )
    assert page.status_code == 409
    assert refusal_of(page, f"escalate-{blockage}-geweigerd") == (
        "Dit knelpunt is al geëscaleerd naar programmamanager. Escaleer hoger: wethouder."
    )
    assert "Mag de norm buiten toepassing blijven?" in page.text  # what was typed is kept
    (escalation,) = case_api(af, cid)["blockages"][0]["escalations"]
    assert escalation["level"] == "programmamanager"
    # The API keeps its English detail.
    again = af.post(
        f"{API}/blockages/{blockage}/escalations",
        json={"level": "teamleider", "question": "?", "escalated_on": "2026-01-22"},
    )
    assert again.status_code == 409
    assert "already escalated to 'programmamanager'" in again.json()["detail"]

    # A decision someone else recorded first: 409 in Dutch, the first decision stays.
    decide = f"{page_of(cid)}/escalaties/{escalation['id']}/besluit"
    token = form_token(coordinator.get(page_of(cid)), decide)
    decided = af.post(
        f"{API}/escalations/{escalation['id']}/decision",
        json={
            "decision": "Nee",
            "decided_by": "Programmamanager",
            "decided_on": "2026-01-25",
            "resolved": False,
        },
    )
    assert decided.status_code == 201, decided.text
    page = coordinator.post(
        decide,
        data={
            "form_token": token,
            "decision": "Ja",
            "decided_by": "Iemand anders",
            "decided_on": "2026-01-26",
            "resolved": "true",
        },
        follow_redirects=False,
    )
    assert page.status_code == 409
    assert refusal_of(page, "geweigerd") == (
        "Over deze escalatie is al besloten op 25-01-2026 door Programmamanager."
    )
    assert case_api(af, cid)["blockages"][0]["escalations"][0]["decision"] == "Nee"


def test_a_double_submit_stores_once(af, h, coordinator):
    cid = h.open_case(af, h.make_household(af))["id"]
    action = f"{page_of(cid)}/acties"
    form = {
        "form_token": form_token(coordinator.get(page_of(cid)), action),
        "party": "gezin",
        "action_description": "Ayse belt de woningcorporatie.",
        "owner": "Ayse",
        "due_on": "2026-02-01",
    }
    stored(coordinator.post(action, data=form, follow_redirects=False), cid)
    stored(coordinator.post(action, data=form, follow_redirects=False), cid)  # where the first went
    assert len(case_api(af, cid)["actions"]["gezin"]) == 1
    # A new form (a new token) is a new action.
    stored(
        send(coordinator, cid, "acties", **{k: v for k, v in form.items() if k != "form_token"}),
        cid,
    )
    assert len(case_api(af, cid)["actions"]["gezin"]) == 2
    # A refused submit frees its token: the corrected form is stored with it.
    token = form_token(coordinator.get(page_of(cid)), action)
    bad = coordinator.post(
        action, data={**form, "form_token": token, "due_on": "2025-12-31"}, follow_redirects=False
    )
    assert bad.status_code == 422
    assert len(case_api(af, cid)["actions"]["gezin"]) == 2
    stored(
        coordinator.post(action, data={**form, "form_token": token}, follow_redirects=False), cid
    )
    assert len(case_api(af, cid)["actions"]["gezin"]) == 3


def test_a_closed_case_shows_no_forms_and_refuses_them_in_dutch(af, h, coordinator):
    cid = h.open_case(af, h.make_household(af), goal="Een eigen huis")["id"]
    request_id = case_api(af, cid)["request_id"]
    action = f"{page_of(cid)}/acties"
    token = form_token(coordinator.get(page_of(cid)), action)
    for status in ("kennismaking", "plan", "uitvoering"):
        moved = af.post(f"/api/requests/{request_id}/transitions", json={"to": status})
        assert moved.status_code == 201, moved.text
    closed = af.post(
        f"{API}/cases/{cid}/close",
        json={"outcome": "behaald", "closed_on": "2026-06-01", "note": "Eigen huis gevonden."},
    )
    assert closed.status_code == 201, closed.text
    page = coordinator.get(page_of(cid))
    assert "Deze casus neemt geen wijzigingen meer aan." in page.text
    assert f'action="{action}' not in page.text
    refused = coordinator.post(
        action,
        data={
            "form_token": token,
            "party": "gezin",
            "action_description": "Te laat",
            "owner": "Ayse",
            "due_on": "2026-06-10",
        },
        follow_redirects=False,
    )
    assert refused.status_code == 409
    assert refusal_of(refused, "geweigerd") == (
        "Deze casus is afgesloten op 01-06-2026; hij neemt geen wijzigingen meer aan."
    )
    assert case_api(af, cid)["actions"]["gezin"] == []
    # The list's filter: closed cases only, or open ones only.
    other = h.open_case(af, h.make_household(af, "Gezin Bakker"))["id"]
    only_closed = coordinator.get(BASE, params={"stand": "gesloten"}).text
    assert f'id="casus-{cid}"' in only_closed
    assert f'id="casus-{other}"' not in only_closed
    assert "afgesloten op 01-06-2026" in only_closed
    only_open = coordinator.get(BASE, params={"stand": "open"}).text
    assert f'id="casus-{cid}"' not in only_open
    assert f'id="casus-{other}"' in only_open
    everything = coordinator.get(BASE).text
    assert f'id="casus-{cid}"' in everything
    assert f'id="casus-{other}"' in everything


def test_other_programmes_roles_and_municipalities_have_no_access(af, h, client_for):
    cid = h.open_case(af, h.make_household(af))["id"]
    other = client_for("amersfoort", role="coordinator", programme="wijkbedrijf")
    assert other.get(BASE).status_code == 403
    page = other.get(page_of(cid))
    assert page.status_code == 403
    assert "Geen toegang" in page.text  # the Dutch error page
    refused = other.post(
        f"{page_of(cid)}/doel",
        data={"form_token": "x" * 32, "goal": "Ingebroken", "recorded_on": "2026-01-20"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert case_api(af, cid)["goal"] is None
    assert client_for("amersfoort", role="professional").get(BASE).status_code == 403
    # A municipality without the doorbraakaanpak does not have the pages at all.
    assert client_for("meppel").get(BASE).status_code == 404
    # Not logged in: to the login page.
    anonymous = client_for("amersfoort", anonymous=True).get(page_of(cid), follow_redirects=False)
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/inloggen")
    # Another municipality's case is not found.
    assert client_for("leeuwarden").get(page_of(cid)).status_code == 404


def test_the_navigation_links_to_the_cases_for_doorbraak_coordinators(coordinator, client_for):
    link = f'<a href="{BASE}">Doorbraak</a>'
    assert link in coordinator.get("/werk").text
    assert link in client_for("amersfoort").get("/werk").text  # the municipality admin
    assert f'<a href="{BASE}" aria-current="page">Doorbraak</a>' in coordinator.get(BASE).text
    assert BASE not in client_for("meppel").get("/werk").text
    other = client_for("amersfoort", role="coordinator", programme="wijkbedrijf").get("/werk")
    assert other.status_code == 200
    assert BASE not in other.text


def test_the_pages_and_forms_name_the_family_in_the_access_log(platform, af, h, coordinator):
    household = h.make_household(af, "Gezin Yilmaz")
    cid = h.open_case(af, household)["id"]
    members = members_of(platform, household)
    assert len(members) == 2
    page = coordinator.get(page_of(cid))
    assert page.status_code == 200
    assert subjects_of(platform, page) >= members
    assert subjects_of(platform, coordinator.get(BASE)) >= members
    sent = send(coordinator, cid, "doel", goal="Een eigen huis", recorded_on="2026-01-19")
    stored(sent, cid)
    assert subjects_of(platform, sent) >= members
    with tenant_scope("amersfoort"), platform.sessions() as session:
        purposes = set(
            session.exec(
                select(AccessLogEntry.purpose).where(
                    AccessLogEntry.trace_id == page.headers["x-trace-id"]
                )
            )
        )
    assert purposes == {"doorbraak"}


def test_the_pages_messages_in_tables_have_dutch_translations(platform):
    """Ids kept in tables are not found by the catalogue check of the templates and code
    (test_interface_messages): the navigation label, the parties and the forms' messages."""
    gettext = translations_for(platform.tenants["amersfoort"].plugins, "nl").gettext
    ids = [
        NAV_LABEL,
        *PARTY_NAMES.values(),
        *OUTCOME_NAMES.values(),
        *FIELD_MESSAGES.values(),
        *SERVICE_MESSAGES.values(),
    ]
    assert [i for i in ids if gettext(i) == i] == []


def close_api(client: Any, case_id: int, closed_on: str = "2026-06-01") -> None:
    """Move the case's request to ``uitvoering`` and close the case with its outcome."""
    request_id = case_api(client, case_id)["request_id"]
    for status in ("kennismaking", "plan", "uitvoering"):
        moved = client.post(f"/api/requests/{request_id}/transitions", json={"to": status})
        assert moved.status_code == 201, moved.text
    closed = client.post(
        f"{API}/cases/{case_id}/close",
        json={"outcome": "behaald", "closed_on": closed_on, "note": "Eigen huis gevonden."},
    )
    assert closed.status_code == 201, closed.text


def test_a_closed_case_refuses_every_write_in_the_api_and_on_the_page(af, h, coordinator, platform):
    """Escalating a blockage, deciding an escalation and deciding maatwerk went through
    on a closed case; every write of the API and the pages now answers 409."""
    cid = h.open_case(af, h.make_household(af), goal="Een eigen huis")["id"]
    blockage = blockage_api(af, cid)
    other = blockage_api(af, cid, rule="Wachtlijst schuldhulp")
    escalated = af.post(
        f"{API}/blockages/{blockage}/escalations",
        json={"level": "teamleider", "question": "Uitzondering?", "escalated_on": "2026-01-21"},
    )
    assert escalated.status_code == 201, escalated.text
    escalation = escalated.json()["id"]
    action = af.post(
        f"{API}/cases/{cid}/actions",
        json={"party": "gezin", "description": "Bellen", "owner": "Ayse", "due_on": "2026-02-01"},
    ).json()["id"]
    # The page's forms, opened before the case is closed.
    page = coordinator.get(page_of(cid))
    escalate_form = f"{page_of(cid)}/knelpunten/{other}/escaleren"
    decide_form = f"{page_of(cid)}/escalaties/{escalation}/besluit"
    tokens = {form: form_token(page, form) for form in (escalate_form, decide_form)}
    close_api(af, cid)
    # Maatwerk still awaiting a decision on a closed case: closing now refuses that, so
    # only a case closed before that rule has one.
    with tenant_scope("amersfoort"), platform.sessions.begin() as session:
        left = Spending(
            case_id=cid,
            amount=Decimal("500.00"),
            purpose="Borg",
            requested_by="Specialist",
            requested_at=datetime(2026, 5, 1, tzinfo=UTC),
            budget_year=2026,
            status=SpendingStatus.aangevraagd,
        )
        session.add(left)
        session.flush()
        spending = left.id
    before = case_api(af, cid)
    budget_before = af.get(f"{API}/budget").json()

    writes = [
        ("put", f"{API}/cases/{cid}/goal", {"text": "Anders", "recorded_on": "2026-06-02"}),
        (
            "post",
            f"{API}/cases/{cid}/agencies",
            {"name": "GGD", "involvement": "Zorg", "yearly_cost": "100.00"},
        ),
        (
            "post",
            f"{API}/cases/{cid}/actions",
            {"party": "gezin", "description": "x", "owner": "x", "due_on": "2026-06-10"},
        ),
        ("post", f"{API}/cases/{cid}/actions/{action}/done", {"done_on": "2026-06-02"}),
        (
            "post",
            f"{API}/cases/{cid}/blockages",
            {
                "rule": "Nog een regel",
                "owner_organisation": "UWV",
                "description": "x",
                "noticed_on": "2026-06-02",
            },
        ),
        (
            "post",
            f"{API}/blockages/{other}/escalations",
            {"level": "teamleider", "question": "?", "escalated_on": "2026-06-02"},
        ),
        (
            "post",
            f"{API}/escalations/{escalation}/decision",
            {
                "decision": "Ja",
                "decided_by": "Teamleider",
                "decided_on": "2026-06-02",
                "resolved": True,
            },
        ),
        ("post", f"{API}/cases/{cid}/spending", {"amount": "10.00", "purpose": "x"}),
        ("post", f"{API}/spending/{spending}/decision", {"approve": True, "decided_by": "PM"}),
        (
            "post",
            f"{API}/cases/{cid}/close",
            {"outcome": "niet_behaald", "closed_on": "2026-06-03", "note": "x"},
        ),
    ]
    for method, url, body in writes:
        h.refused(getattr(af, method)(url, json=body), 409, None, [f"case {cid} was closed"])
    assert case_api(af, cid) == before
    assert af.get(f"{API}/budget").json() == budget_before

    message = "Deze casus is afgesloten op 01-06-2026; hij neemt geen wijzigingen meer aan."
    refused = coordinator.post(
        escalate_form,
        data={
            "form_token": tokens[escalate_form],
            "level": "teamleider",
            "question": "Mag de wachtlijst worden overgeslagen?",
            "escalated_on": "2026-06-02",
        },
        follow_redirects=False,
    )
    assert refused.status_code == 409
    assert refusal_of(refused, "geweigerd") == message
    refused = coordinator.post(
        decide_form,
        data={
            "form_token": tokens[decide_form],
            "decision": "Ja",
            "decided_by": "Teamleider",
            "decided_on": "2026-06-02",
            "resolved": "true",
        },
        follow_redirects=False,
    )
    assert refused.status_code == 409
    assert refusal_of(refused, "geweigerd") == message
    assert case_api(af, cid) == before


def test_an_agency_is_added_to_the_map_with_its_costs_typed_the_dutch_way(
    platform, af, h, coordinator
):
    household = h.make_household(af)
    cid = h.open_case(af, household)["id"]
    page = coordinator.get(page_of(cid))
    assert "Nog geen instanties op de kaart." in page.text
    assert '<label class="utrecht-form-label" for="agency_name">Instantie</label>' in page.text
    fields = {
        "agency_name": "Schuldhulpverlening",
        "involvement": "Budgetbeheer en een schuldregeling",
        "yearly_cost": "€ 4.200",
        "yearly_cost_after": "1.000,50",
    }
    sent = send(coordinator, cid, "instanties", **fields)
    stored(sent, cid)
    assert subjects_of(platform, sent) >= members_of(platform, household)
    (agency,) = case_api(af, cid)["agencies"]
    assert agency["name"] == "Schuldhulpverlening"
    assert agency["involvement"] == "Budgetbeheer en een schuldregeling"
    assert agency["yearly_cost"] == "4200.00"
    assert agency["yearly_cost_after"] == "1000.50"
    # Without the cost after the breakthrough: it stays the same.
    stored(
        send(
            coordinator,
            cid,
            "instanties",
            agency_name="Wijkteam",
            involvement="Gesprekken",
            yearly_cost="1250,5",
            yearly_cost_after="",
        ),
        cid,
    )
    agencies = case_api(af, cid)["agencies"]
    assert [(a["yearly_cost"], a["yearly_cost_after"]) for a in agencies] == [
        ("4200.00", "1000.50"),
        ("1250.50", None),
    ]
    page = coordinator.get(page_of(cid))
    row = row_of(page, f"instantie-{agencies[1]['id']}")
    assert "Wijkteam" in row
    assert "€\xa01.250,50" in row
    assert "ongewijzigd" in row
    assert "Zoals het was: €\xa05.450,50 per jaar" in html.unescape(page.text)

    # Wrong input: the Dutch message next to the field, what was typed is kept.
    page = send(
        coordinator,
        cid,
        "instanties",
        agency_name="",
        involvement="Huisbezoeken",
        yearly_cost="veel",
        yearly_cost_after="-5",
    )
    assert page.status_code == 422
    assert error_of(page, "agency_name") == "Vul de naam van de instantie in."
    assert error_of(page, "yearly_cost") == (
        "Vul de kosten per jaar in euro's in, bijvoorbeeld 4200 of 1250,50."
    )
    assert error_of(page, "yearly_cost_after") == (
        "Vul de kosten per jaar na de doorbraak in euro's in, bijvoorbeeld 1000, "
        "of laat het veld leeg."
    )
    assert 'value="veel"' in page.text
    assert "Huisbezoeken" in page.text
    assert len(case_api(af, cid)["agencies"]) == 2

    # A double submit stores once.
    action = f"{page_of(cid)}/instanties"
    form = {
        "form_token": form_token(coordinator.get(page_of(cid)), action),
        "agency_name": "GGD",
        "involvement": "Jeugdgezondheidszorg",
        "yearly_cost": "300",
    }
    stored(coordinator.post(action, data=form, follow_redirects=False), cid)
    stored(coordinator.post(action, data=form, follow_redirects=False), cid)
    assert len(case_api(af, cid)["agencies"]) == 3

    # A closed case shows no form and refuses one opened before, in Dutch.
    token = form_token(coordinator.get(page_of(cid)), action)
    h_goal = af.put(
        f"{API}/cases/{cid}/goal", json={"text": "Een eigen huis", "recorded_on": "2026-01-20"}
    )
    assert h_goal.status_code == 200, h_goal.text
    close_api(af, cid)
    assert f'action="{action}' not in coordinator.get(page_of(cid)).text
    refused = coordinator.post(action, data={**form, "form_token": token}, follow_redirects=False)
    assert refused.status_code == 409
    assert refusal_of(refused, "geweigerd") == (
        "Deze casus is afgesloten op 01-06-2026; hij neemt geen wijzigingen meer aan."
    )
    assert len(case_api(af, cid)["agencies"]) == 3


def test_maatwerk_is_asked_for_and_decided_on_the_case_page_within_the_budget(
    platform, af, h, coordinator
):
    """Amersfoort's maatwerk budget is €40,000 a year: what asks or grants more is refused
    in Dutch and nothing is stored or booked."""
    household = h.make_household(af)
    cid = h.open_case(af, household)["id"]
    year = dutch_today().year
    page = coordinator.get(page_of(cid))
    assert f"Maatwerkbudget {year}: nog €\xa040.000,00 van €\xa040.000,00 over" in html.unescape(
        page.text
    )

    # More than remains: refused next to the amount, what was typed is kept.
    page = send(coordinator, cid, "maatwerk", amount="40.000,01", purpose="Een auto")
    assert page.status_code == 422
    assert error_of(page, "amount") == (
        f"Het bedrag (€\xa040.000,01) is meer dan er over is van het maatwerkbudget van {year} "
        "(€\xa040.000,00)."
    )
    assert "Een auto" in page.text
    page = send(coordinator, cid, "maatwerk", amount="0", purpose="")
    assert page.status_code == 422
    assert error_of(page, "amount") == (
        "Vul een bedrag in euro's in dat groter is dan 0, bijvoorbeeld 750 of 125,50."
    )
    assert error_of(page, "purpose") == "Schrijf op waarvoor het maatwerk is."
    assert case_api(af, cid)["spending"] == []

    sent = send(coordinator, cid, "maatwerk", amount="30.000", purpose="Borg en inrichting")
    stored(sent, cid)
    assert subjects_of(platform, sent) >= members_of(platform, household)
    stored(send(coordinator, cid, "maatwerk", amount="15000,00", purpose="Schuldsanering"), cid)
    first, second = case_api(af, cid)["spending"]
    assert (first["amount"], first["status"]) == ("30000.00", "aangevraagd")
    assert first["requested_by"] not in ("", "doorbraakspecialist")  # the coordinator
    assert af.get(f"{API}/budget").json()["pending"] == "45000.00"

    # A decision without saying which: refused next to the field of that request.
    page = send(coordinator, cid, f"maatwerk/{first['id']}/besluit", approve="")
    assert page.status_code == 422
    assert error_of(page, f"approve-{first['id']}") == (
        "Kies of het maatwerk wordt toegekend of afgewezen."
    )
    sent = send(
        coordinator,
        cid,
        f"maatwerk/{first['id']}/besluit",
        approve="true",
        spending_decided_by="Programmamanager",
        decision_note="Past binnen het plan.",
    )
    stored(sent, cid)
    assert subjects_of(platform, sent) >= members_of(platform, household)
    first = case_api(af, cid)["spending"][0]
    assert (first["status"], first["decided_by"]) == ("toegekend", "Programmamanager")
    assert first["decision_note"] == "Past binnen het plan."
    assert af.get(f"{API}/budget").json()["spent"] == "30000.00"

    # Granting the second would overdraw the budget: 409 in Dutch, nothing booked.
    page = send(
        coordinator,
        cid,
        f"maatwerk/{second['id']}/besluit",
        approve="true",
        spending_decided_by="Programmamanager",
        decision_note="Graag toekennen",
    )
    assert page.status_code == 409
    assert refusal_of(page, f"grant-{second['id']}-geweigerd") == (
        f"Met het toekennen van €\xa015.000,00 zou het maatwerkbudget van {year} worden "
        "overschreden: er is nog €\xa010.000,00 over."
    )
    assert "Graag toekennen" in page.text
    assert case_api(af, cid)["spending"][1]["status"] == "aangevraagd"
    budget_now = af.get(f"{API}/budget").json()
    assert (budget_now["spent"], budget_now["pending"]) == ("30000.00", "15000.00")

    # Refusing it books nothing; the page shows both decisions and no more forms.
    stored(
        send(
            coordinator,
            cid,
            f"maatwerk/{second['id']}/besluit",
            approve="false",
            spending_decided_by="Programmamanager",
            decision_note="Eerst de schuldhulp.",
        ),
        cid,
    )
    assert case_api(af, cid)["spending"][1]["status"] == "afgewezen"
    assert af.get(f"{API}/budget").json()["spent"] == "30000.00"
    page = coordinator.get(page_of(cid))
    assert "toegekend" in row_of(page, f"besteding-{first['id']}")
    assert "Eerst de schuldhulp." in row_of(page, f"besteding-{second['id']}")
    assert "/besluit#maatwerk" not in page.text
    assert f"Maatwerkbudget {year}: nog €\xa010.000,00 van €\xa040.000,00 over" in html.unescape(
        page.text
    )


def test_a_maatwerk_decision_someone_made_first_or_of_another_case_is_refused(af, h, coordinator):
    cid = h.open_case(af, h.make_household(af))["id"]
    other = h.open_case(af, h.make_household(af, "Gezin Bakker"))["id"]
    spending = af.post(
        f"{API}/cases/{cid}/spending", json={"amount": "500.00", "purpose": "Borg"}
    ).json()["id"]
    theirs = af.post(
        f"{API}/cases/{other}/spending", json={"amount": "200.00", "purpose": "Fiets"}
    ).json()["id"]
    action = f"{page_of(cid)}/maatwerk/{spending}/besluit"
    token = form_token(coordinator.get(page_of(cid)), action)
    first = af.post(
        f"{API}/spending/{spending}/decision", json={"approve": False, "decided_by": "PM"}
    )
    assert first.status_code == 201, first.text
    page = coordinator.post(
        action,
        data={"form_token": token, "approve": "true", "spending_decided_by": "Iemand anders"},
        follow_redirects=False,
    )
    assert page.status_code == 409
    assert refusal_of(page, "geweigerd") == "Over deze maatwerkaanvraag is al besloten: afgewezen."
    assert case_api(af, cid)["spending"][0]["status"] == "afgewezen"
    # Another case's request through this case's page: not found, nothing decided.
    action = f"{page_of(cid)}/maatwerk/{theirs}/besluit"
    token = form_token(
        coordinator.get(page_of(other)), f"{page_of(other)}/maatwerk/{theirs}/besluit"
    )
    page = coordinator.post(
        action,
        data={"form_token": token, "approve": "true", "spending_decided_by": "PM"},
        follow_redirects=False,
    )
    assert page.status_code == 404
    assert case_api(af, other)["spending"][0]["status"] == "aangevraagd"


def test_a_case_is_closed_with_its_outcome_on_its_page_and_then_takes_no_changes(
    platform, af, h, coordinator
):
    household = h.make_household(af)
    cid = h.open_case(af, household)["id"]
    request_id = case_api(af, cid)["request_id"]
    close = f"{page_of(cid)}/afsluiten"
    # Without the family's goal there is nothing to measure the outcome against.
    page = coordinator.get(page_of(cid))
    assert "De uitkomst wordt afgemeten aan het doel van het gezin: leg eerst het doel vast." in (
        page.text
    )
    assert f'action="{close}' not in page.text
    token = form_token(page, f"{page_of(cid)}/doel")  # a form the page has: its token
    fields = {"outcome": "behaald", "closed_on": "2026-06-01", "outcome_note": "Klaar."}
    refused = coordinator.post(close, data={"form_token": token, **fields}, follow_redirects=False)
    assert refused.status_code == 409
    assert refusal_of(refused, "geweigerd") == (
        "De uitkomst wordt afgemeten aan het doel van het gezin: leg eerst het doel vast."
    )
    assert case_api(af, cid)["closed_on"] is None

    # With a goal, a case is closed from uitvoering: the page says so and links the request.
    goal = af.put(
        f"{API}/cases/{cid}/goal", json={"text": "Een eigen huis", "recorded_on": "2026-01-20"}
    )
    assert goal.status_code == 200, goal.text
    page = coordinator.get(page_of(cid))
    assert f'action="{close}' not in page.text
    section = html.unescape(page.text.split('id="afsluiten"', 1)[1])
    assert "de aanvraag heeft dan de status uitvoering (nu aangemeld)" in section
    assert f'href="/aanvragen/{request_id}"' in section
    token = form_token(page, f"{page_of(cid)}/doel")
    refused = coordinator.post(close, data={"form_token": token, **fields}, follow_redirects=False)
    assert refused.status_code == 409
    assert "kan van daaruit niet naar \u2018afgesloten\u2019" in refusal_of(refused, "geweigerd")
    assert case_api(af, cid)["status"] == "aangemeld"

    for status in ("kennismaking", "plan", "uitvoering"):
        moved = af.post(f"/api/requests/{request_id}/transitions", json={"to": status})
        assert moved.status_code == 201, moved.text
    page = coordinator.get(page_of(cid))
    outcome_select = page.text.split('id="outcome"', 1)[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', outcome_select) == [
        "",
        "behaald",
        "deels_behaald",
        "niet_behaald",
    ]
    # Wrong input: the Dutch messages next to the fields, nothing closed.
    page = send(coordinator, cid, "afsluiten", outcome="", closed_on="", outcome_note="")
    assert page.status_code == 422
    assert error_of(page, "outcome") == "Kies hoe ver het gezin met zijn doel is gekomen."
    assert error_of(page, "closed_on") == "Vul de datum in waarop de casus wordt afgesloten."
    assert error_of(page, "outcome_note") == "Schrijf op wat er voor het gezin is veranderd."
    page = send(
        coordinator,
        cid,
        "afsluiten",
        outcome="deels_behaald",
        closed_on="2026-01-02",
        outcome_note="Een huis, de schulden nog niet.",
    )
    assert page.status_code == 422
    assert error_of(page, "closed_on") == (
        "De datum (02-01-2026) ligt vóór de start van de casus (12-01-2026)."
    )
    assert "Een huis, de schulden nog niet." in page.text
    assert case_api(af, cid)["closed_on"] is None

    form = {
        "form_token": form_token(coordinator.get(page_of(cid)), close),
        "outcome": "deels_behaald",
        "closed_on": "2026-06-01",
        "outcome_note": "Een huis, de schulden nog niet.",
    }
    sent = coordinator.post(close, data=form, follow_redirects=False)
    stored(sent, cid)
    assert subjects_of(platform, sent) >= members_of(platform, household)
    stored(coordinator.post(close, data=form, follow_redirects=False), cid)  # once
    closed = case_api(af, cid)
    assert (closed["status"], closed["outcome"]) == ("afgesloten", "deels_behaald")
    assert (closed["closed_on"], closed["outcome_note"]) == (
        "2026-06-01",
        "Een huis, de schulden nog niet.",
    )
    timeline = af.get(f"/api/requests/{request_id}/timeline").json()["items"]
    assert timeline[0]["data"]["to"] == "afgesloten"
    assert timeline[0]["data"]["reason"] == "deels_behaald: Een huis, de schulden nog niet."

    page = coordinator.get(page_of(cid))
    assert 'id="uitkomst">Doel deels behaald<' in page.text
    assert "01-06-2026" in page.text
    assert "Deze casus neemt geen wijzigingen meer aan." in page.text
    assert f'action="{page_of(cid)}/' not in page.text  # no form of the case any more
    assert 'id="afsluiten"' not in page.text


def test_the_cases_list_comes_in_pages_newest_first(platform, af, h, coordinator, monkeypatch):
    """Core's way (``?pagina=``, as the list of requests), with the filter kept; only the
    families a page shows are named in the access log."""
    monkeypatch.setattr(pages.cases, "PAGE_SIZE", 2)
    households = [h.make_household(af, f"Gezin {n}") for n in ("Aydin", "Bakker", "Claes")]
    cases = [h.open_case(af, household)["id"] for household in households]
    first = coordinator.get(BASE)
    assert first.status_code == 200
    assert re.findall(r'id="casus-(\d+)"', first.text) == [str(cases[2]), str(cases[1])]
    assert "(3)</caption>" in first.text
    assert "Pagina 1 van 2" in first.text
    assert f'href="{BASE}?stand=&amp;pagina=2" rel="next">Volgende pagina</a>' in first.text
    assert "Vorige pagina" not in first.text
    assert members_of(platform, households[0]).isdisjoint(subjects_of(platform, first))
    second = coordinator.get(BASE, params={"pagina": "2"})
    assert re.findall(r'id="casus-(\d+)"', second.text) == [str(cases[0])]
    assert "Pagina 2 van 2" in second.text
    assert f'href="{BASE}?stand=&amp;pagina=1" rel="prev">Vorige pagina</a>' in second.text
    assert "Volgende pagina" not in second.text
    assert subjects_of(platform, second) >= members_of(platform, households[0])
    assert members_of(platform, households[2]).isdisjoint(subjects_of(platform, second))
    # A page past the last shows the last; what is no page number, the first.
    assert re.findall(r'id="casus-(\d+)"', coordinator.get(BASE + "?pagina=9").text) == [
        str(cases[0])
    ]
    assert "Pagina 1 van 2" in coordinator.get(BASE + "?pagina=x").text
    # The filter counts and pages its own cases, and the page links keep it.
    goal = af.put(
        f"{API}/cases/{cases[0]}/goal", json={"text": "Een huis", "recorded_on": "2026-01-20"}
    )
    assert goal.status_code == 200, goal.text
    close_api(af, cases[0])
    only_open = coordinator.get(BASE, params={"stand": "open"}).text
    assert re.findall(r'id="casus-(\d+)"', only_open) == [str(cases[2]), str(cases[1])]
    assert "(2)</caption>" in only_open
    assert "Pagina 1 van" not in only_open
    monkeypatch.setattr(pages.cases, "PAGE_SIZE", 1)
    closed_only = coordinator.get(BASE, params={"stand": "gesloten"}).text
    assert re.findall(r'id="casus-(\d+)"', closed_only) == [str(cases[0])]
    assert "Pagina 1 van 1" not in closed_only
    only_open = coordinator.get(BASE, params={"stand": "open"}).text
    assert f'href="{BASE}?stand=open&amp;pagina=2" rel="next">' in only_open
