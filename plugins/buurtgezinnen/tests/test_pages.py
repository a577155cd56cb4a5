"""The coordinator's web pages: the families list and a family's page with the intake,
VOG and competence forms, over the plugin's services (real SQLite, no mocks)."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import col, func, select

from noaber.clock import dutch_today
from noaber.people.models import HouseholdMember
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import form_token
from noaber.ui.i18n import translations_for
from noaber_buurtgezinnen.models import Visit
from noaber_buurtgezinnen.pages import BASE, FIELD_MESSAGES, NAV_LABEL, SERVICE_MESSAGES


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("meppel", role="coordinator", programme="buurtgezinnen")


def page_of(family_id: int) -> str:
    return f"{BASE}/{family_id}"


SECTIONS = {
    "bezoeken": "bezoeken",
    "intakevragen": "intake",
    "intake-afronden": "afronden",
    "vog": "vog",
    "competentiecheck": "competentie",
    "koppelen": "koppelen",
}
"""The section of the family page each form returns to (the anchor of its action)."""


def action_of(family_id: int, form: str) -> str:
    """The action of the family page's ``form`` as the page writes it, with its anchor."""
    return f"{page_of(family_id)}/{form}#{SECTIONS[form]}"


def send(client: Any, family_id: int, form: str, **fields: str) -> Any:
    """Open the family page and send one of its forms with the page's token."""
    action = f"{page_of(family_id)}/{form}"
    token = form_token(client.get(page_of(family_id)), action_of(family_id, form))
    return client.post(action, data={"form_token": token, **fields}, follow_redirects=False)


def stored(response: Any, family_id: int) -> None:
    assert response.status_code == 303, response.text
    assert response.headers["location"] == page_of(family_id)


def error_of(page: Any, field: str) -> str:
    """The Dutch message next to ``field`` (and the field points to it)."""
    message = page.text.split(f'id="{field}-fout">', 1)[1].split("</p>", 1)[0]
    field_tag = page.text.split(f'id="{field}" name="{field}"', 1)[1].split(">", 1)[0]
    assert f'aria-describedby="{field}-fout"' in field_tag or f'{field}-fout"' in field_tag
    assert 'aria-invalid="true"' in field_tag
    return html.unescape(message)


def row_of(page: Any, family_id: int) -> str:
    return str(page.text.split(f'id="gezin-{family_id}"', 1)[1].split("</tr>", 1)[0])


def visits(platform: Any, family_id: int) -> int:
    with tenant_scope("meppel"), platform.sessions() as session:
        return int(
            session.exec(
                select(func.count()).select_from(Visit).where(Visit.family_id == family_id)
            ).one()
        )


def nl(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def test_a_steungezin_becomes_ready_for_matching_through_the_pages_alone(
    mp, bg, coordinator, platform
):
    steun = bg.new_steungezin(mp, 60, name="Gezin Bakker")
    fid = steun["id"]
    listed = coordinator.get(BASE, params={"soort": "steungezin"})
    assert listed.status_code == 200
    assert html.unescape(row_of(listed, fid)).count("<li>") == 3
    assert "nog 2 intakebezoek(en) (0 van de 2 gedaan)" in row_of(listed, fid)
    assert "een VOG" in row_of(listed, fid)
    assert "de competentiecheck" in row_of(listed, fid)
    assert "Nog niet klaar om te koppelen" in row_of(listed, fid)

    stored(send(coordinator, fid, "bezoeken", visited_on=bg.days_ago(50)), fid)
    stored(
        send(coordinator, fid, "bezoeken", visited_on=bg.days_ago(45), visit_note="Fijn gesprek"),
        fid,
    )
    issued = dutch_today() - timedelta(days=40)
    stored(send(coordinator, fid, "vog", issued_on=issued.isoformat()), fid)
    stored(
        send(
            coordinator,
            fid,
            "competentiecheck",
            checked_on=bg.days_ago(30),
            checked_by="Marieke (coördinator)",
            competence_note="Stabiel gezin, veel ervaring met kinderen.",
        ),
        fid,
    )

    family = bg.ok(mp.get(f"{bg.BASE}/families/{fid}"), 200)
    assert family["ready_for_matching"] is True
    assert family["intake_missing"] == []
    assert [v["visited_on"] for v in family["visits"]] == [bg.days_ago(50), bg.days_ago(45)]
    page = coordinator.get(page_of(fid))
    assert "Niets: het gezin is klaar om te koppelen." in page.text
    valid_until = date.fromisoformat(family["vog_valid_until"])
    assert valid_until > dutch_today()
    assert f"De VOG is geldig tot {nl(valid_until)}." in page.text
    assert "Marieke (coördinator)" in html.unescape(page.text)
    assert "Fijn gesprek" in page.text

    listed = coordinator.get(BASE, params={"soort": "steungezin"})
    assert "Niets" in row_of(listed, fid)
    assert "<li>" not in row_of(listed, fid)
    assert "Klaar om te koppelen" in row_of(listed, fid)


def test_a_vraaggezin_s_intake_is_recorded_and_completed_through_the_pages(mp, bg, coordinator):
    vraag = bg.new_vraaggezin(mp, 30)
    fid, rid = vraag["id"], vraag["request_id"]
    page = coordinator.get(page_of(fid))
    assert f'href="/aanvragen/{rid}"' in page.text
    assert f'href="/huishoudens/{vraag["household_id"]}"' in page.text

    stored(send(coordinator, fid, "bezoeken", visited_on=bg.days_ago(20)), fid)
    stored(send(coordinator, fid, "bezoeken", visited_on=bg.days_ago(10)), fid)
    assert bg.ok(mp.get(f"/api/requests/{rid}"), 200)["status"] == "intake"

    # The sign-up's question answers the first intake question; the intake form cannot be
    # saved half filled (422), and completing the intake now is refused (409), in Dutch.
    partial = send(
        coordinator,
        fid,
        "intakevragen",
        support_needed="Opvang op woensdag.",
        upbringing_important="Rust en regelmaat.",
        expectations="",
        gives_back="",
    )
    assert partial.status_code == 422
    assert error_of(partial, "expectations") == "Vul dit veld in."
    assert "Rust en regelmaat." in partial.text  # what was typed is kept
    early = send(coordinator, fid, "intake-afronden", completed_on=bg.days_ago(5))
    assert early.status_code == 409
    refusal = early.text.split('id="complete-geweigerd" role="alert">', 1)[1].split("</div>")[0]
    assert html.unescape(refusal) == (
        '<p class="utrecht-paragraph">Leg eerst de vier intakevragen vast. Nog niet '
        "beantwoord: wat het gezin belangrijk vindt in de opvoeding, wat het gezin verwacht "
        "van een steungezin, wat het gezin terug kan doen.</p>"
    )
    assert bg.ok(mp.get(f"/api/requests/{rid}"), 200)["status"] == "intake"

    stored(
        send(
            coordinator,
            fid,
            "intakevragen",
            **bg.INTAKE,
            upbringing_views=["rust", "sport"],
            expected_support="opvang",
        ),
        fid,
    )
    stored(send(coordinator, fid, "intake-afronden", completed_on=bg.days_ago(5)), fid)
    family = bg.ok(mp.get(f"{bg.BASE}/families/{fid}"), 200)
    assert family["intake_completed_on"] == bg.days_ago(5)
    assert family["upbringing_important"] == bg.INTAKE["upbringing_important"]
    assert family["upbringing_views"] == ["rust", "sport"]
    assert family["support_kinds"] == ["opvang"]
    assert family["ready_for_matching"] is True
    assert bg.ok(mp.get(f"/api/requests/{rid}"), 200)["status"] == "zoeken"
    page = coordinator.get(page_of(fid))
    assert f"De intake is afgerond op {nl(dutch_today() - timedelta(days=5))}." in page.text
    assert f'action="{page_of(fid)}/intake-afronden' not in page.text


def test_a_vog_date_in_the_future_is_refused_in_dutch_and_nothing_is_stored(mp, bg, coordinator):
    steun = bg.new_steungezin(mp, 60)
    fid = steun["id"]
    tomorrow = dutch_today() + timedelta(days=1)
    page = send(coordinator, fid, "vog", issued_on=tomorrow.isoformat())
    assert page.status_code == 422
    assert error_of(page, "issued_on") == (
        f"{nl(tomorrow)} ligt in de toekomst. Vul de dag in waarop het gebeurde."
    )
    assert f'value="{tomorrow.isoformat()}"' in page.text
    assert bg.ok(mp.get(f"{bg.BASE}/families/{fid}"), 200)["vog_valid_until"] is None
    # A date that is no date: the form's own message.
    page = send(coordinator, fid, "vog", issued_on="gisteren")
    assert page.status_code == 422
    assert error_of(page, "issued_on") == "Vul de datum in waarop de VOG is afgegeven."
    assert 'value="gisteren"' in page.text
    assert bg.ok(mp.get(f"{bg.BASE}/families/{fid}"), 200)["vog_valid_until"] is None


def test_a_visit_before_the_sign_up_is_refused_in_dutch_and_nothing_is_stored(
    mp, bg, coordinator, platform
):
    vraag = bg.new_vraaggezin(mp, 30)
    fid = vraag["id"]
    before = dutch_today() - timedelta(days=31)
    page = send(coordinator, fid, "bezoeken", visited_on=before.isoformat(), visit_note="Te vroeg")
    assert page.status_code == 422
    signed_up = nl(dutch_today() - timedelta(days=30))
    assert error_of(page, "visited_on") == (
        f"Het bezoek ({nl(before)}) ligt vóór de aanmelding van het gezin ({signed_up})."
    )
    assert "Te vroeg" in page.text
    assert visits(platform, fid) == 0
    # The first visit would have moved the request to intake: it did not.
    assert bg.ok(mp.get(f"/api/requests/{vraag['request_id']}"), 200)["status"] == "aangemeld"
    # The summary above the form links to the field.
    assert '<a class="utrecht-link" href="#visited_on">' in page.text


def test_a_double_submit_of_one_form_stores_once(mp, bg, coordinator, platform):
    steun = bg.new_steungezin(mp, 60)
    fid = steun["id"]
    action = f"{page_of(fid)}/bezoeken"
    token = form_token(coordinator.get(page_of(fid)), action_of(fid, "bezoeken"))
    form = {"form_token": token, "visited_on": bg.days_ago(10)}
    first = coordinator.post(action, data=form, follow_redirects=False)
    second = coordinator.post(action, data=form, follow_redirects=False)
    stored(first, fid)
    stored(second, fid)  # sent where the first went
    assert visits(platform, fid) == 1
    # A new form (a new token) is a new visit.
    stored(send(coordinator, fid, "bezoeken", visited_on=bg.days_ago(5)), fid)
    assert visits(platform, fid) == 2
    # A refused submit releases its token: the corrected form can be sent with it.
    token = form_token(coordinator.get(page_of(fid)), action_of(fid, "bezoeken"))
    bad = coordinator.post(
        action, data={"form_token": token, "visited_on": bg.days_ago(-3)}, follow_redirects=False
    )
    assert bad.status_code == 422
    assert visits(platform, fid) == 2
    again = coordinator.post(
        action, data={"form_token": token, "visited_on": bg.days_ago(1)}, follow_redirects=False
    )
    stored(again, fid)
    assert visits(platform, fid) == 3


def test_a_form_without_a_valid_token_is_shown_again_and_stores_nothing(
    mp, bg, coordinator, platform
):
    steun = bg.new_steungezin(mp, 60)
    fid = steun["id"]
    action = f"{page_of(fid)}/bezoeken"
    for sent, token in enumerate((None, "x")):  # missing, or not one a page made
        data = {"visited_on": bg.days_ago(10)} | ({"form_token": token} if token else {})
        page = coordinator.post(action, data=data, follow_redirects=False)
        assert page.status_code == 400
        assert "Het formulier was verlopen. Verstuur het opnieuw." in page.text
        assert bg.days_ago(10) in page.text  # what was typed is kept
        assert visits(platform, fid) == sent  # nothing stored
        resent = coordinator.post(
            action,
            data={
                "form_token": form_token(page, action_of(fid, "bezoeken"), 400),
                "visited_on": bg.days_ago(10),
            },
            follow_redirects=False,
        )
        stored(resent, fid)  # the page's fresh token works
    assert visits(platform, fid) == 2


def test_the_forms_work_with_the_csrf_token_as_a_form_field(mp, bg, coordinator, platform):
    """A browser's HTML form cannot send the API's header: the page's hidden field is
    checked instead, and a post without it is refused."""
    steun = bg.new_steungezin(mp, 60)
    fid = steun["id"]
    action = f"{page_of(fid)}/bezoeken"
    page = coordinator.get(page_of(fid))
    assert f'name="_csrf_token" value="{coordinator.csrf_token}"' in page.text
    coordinator.auto_csrf = False
    try:
        forged = coordinator.post(
            action,
            data={
                "form_token": form_token(page, action_of(fid, "bezoeken")),
                "visited_on": bg.days_ago(3),
            },
            follow_redirects=False,
        )
        assert forged.status_code == 403
        assert visits(platform, fid) == 0
        sent = coordinator.post(
            action,
            data={
                "form_token": form_token(coordinator.get(page_of(fid)), action_of(fid, "bezoeken")),
                "visited_on": bg.days_ago(3),
                "_csrf_token": coordinator.csrf_token,
            },
            follow_redirects=False,
        )
        stored(sent, fid)
    finally:
        coordinator.auto_csrf = True
    assert visits(platform, fid) == 1


def test_other_programmes_roles_and_municipalities_have_no_access(mp, bg, client_for, platform):
    steun = bg.new_steungezin(mp, 60)
    fid = steun["id"]
    other = client_for("meppel", role="coordinator", programme="wijkbedrijf")
    assert other.get(BASE).status_code == 403
    page = other.get(page_of(fid))
    assert page.status_code == 403
    assert "Geen toegang" in page.text  # the Dutch error page
    refused = other.post(
        f"{page_of(fid)}/bezoeken",
        data={"form_token": "x" * 32, "visited_on": bg.days_ago(3)},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert visits(platform, fid) == 0
    assert client_for("meppel", role="professional").get(BASE).status_code == 403
    assert client_for("meppel", role="volunteer").get(page_of(fid)).status_code == 403
    # A municipality without Buurtgezinnen does not have the pages at all.
    assert client_for("amersfoort").get(BASE).status_code == 404
    # Not logged in: to the login page.
    anonymous = client_for("meppel", anonymous=True).get(page_of(fid), follow_redirects=False)
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/inloggen")
    # Another municipality's family is not found.
    assert client_for("leeuwarden").get(page_of(fid)).status_code == 404


def test_the_family_page_names_the_families_in_the_access_log(mp, bg, coordinator, platform):
    vraag = bg.ready_vraaggezin(mp, 100)
    steun = bg.ready_steungezin(mp, 200)
    coupling = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=30))
    page = coordinator.get(page_of(steun["id"]))
    assert page.status_code == 200
    assert f'href="/buurtgezinnen/koppelingen/{coupling["id"]}"' in page.text
    assert f'href="{page_of(vraag["id"])}"' in page.text
    assert "kennismaking" in page.text

    trace = page.headers["x-trace-id"]
    households = [vraag["household_id"], steun["household_id"]]
    with tenant_scope("meppel"), platform.sessions() as session:
        entries = session.exec(select(AccessLogEntry).where(AccessLogEntry.trace_id == trace)).all()
        members = set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id).in_(households)
                )
            )
        )
    assert len(members) >= 3
    assert {e.subject_person_id for e in entries} >= members
    assert {e.purpose for e in entries} == {"buurtgezinnen"}

    listed = coordinator.get(BASE)
    with tenant_scope("meppel"), platform.sessions() as session:
        subjects = set(
            session.exec(
                select(AccessLogEntry.subject_person_id).where(
                    AccessLogEntry.trace_id == listed.headers["x-trace-id"]
                )
            )
        )
    assert subjects >= members


def test_the_navigation_links_to_the_families_for_buurtgezinnen_coordinators(
    coordinator, client_for
):
    link = f'<a href="{BASE}">Buurtgezinnen</a>'
    assert link in coordinator.get("/werk").text
    assert link in client_for("meppel").get("/werk").text  # the municipality admin
    assert f'<a href="{BASE}" aria-current="page">Buurtgezinnen</a>' in coordinator.get(BASE).text
    assert BASE not in client_for("amersfoort").get("/werk").text
    volunteer = client_for("meppel", role="volunteer").get("/mijn/klussen", follow_redirects=True)
    assert BASE not in volunteer.text
    # A coordinator of another programme would be refused behind the link: no link.
    other = client_for("meppel", role="coordinator", programme="wijkbedrijf").get("/werk")
    assert other.status_code == 200
    assert BASE not in other.text


def test_the_pages_messages_in_tables_have_dutch_translations(platform):
    """Ids kept in tables are not found by the catalogue check of the templates and code
    (test_interface_messages): the navigation label and the forms' messages."""
    gettext = translations_for(platform.tenants["meppel"].plugins, "nl").gettext
    ids = [NAV_LABEL, *FIELD_MESSAGES.values(), *SERVICE_MESSAGES.values()]
    assert [i for i in ids if gettext(i) == i] == []
