"""The coordinator's web pages of the wijkbedrijf: the hours to approve, the jobs and one
job's page with its planning, hours, confirmations (and a resend) and invoices, over
the plugin's services (real SQLite, a real SMTP server, no mocks)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from sqlmodel import select

from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import form_token
from noaber.ui.i18n import translations_for
from noaber_wijkbedrijf.pages import (
    CHANNEL_NAMES,
    CREDIT_MESSAGES,
    HOURS,
    JOB_SERVICE_MESSAGES,
    JOBS,
    NAV_LABEL,
    PAYMENT_MESSAGES,
    PLANNING_MESSAGES,
    REASON_MESSAGES,
    SERVICE_MESSAGES,
)


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("leeuwarden", role="coordinator", programme="wijkbedrijf")


def approve_url(hours_id: int) -> str:
    return f"{HOURS}/{hours_id}/goedkeuren"


def reject_url(hours_id: int) -> str:
    return f"{HOURS}/{hours_id}/afkeuren"


def resend_url(job_id: int, notification_id: int) -> str:
    return f"{JOBS}/{job_id}/bevestigingen/{notification_id}/opnieuw"


def send(client: Any, page_url: str, action: str, **fields: str) -> Any:
    """Open the page and send its form that posts to ``action`` with the page's token."""
    token = form_token(client.get(page_url), action)
    return client.post(action, data={"form_token": token, **fields}, follow_redirects=False)


def redirected(response: Any, location: str) -> None:
    assert response.status_code == 303, response.text
    assert response.headers["location"] == location


def row_of(page: Any, row_id: str) -> str:
    assert f'id="{row_id}"' in page.text, f"no row {row_id}"
    return html.unescape(page.text.split(f'id="{row_id}"', 1)[1].split("</tr>", 1)[0])


def hours_status(lw: Any, h: Any, hours_id: int) -> dict[str, Any]:
    for status in ("ingediend", "goedgekeurd", "afgekeurd"):
        for row in h.ok(lw.get(f"{h.base}/hours/", params={"status": status}), 200)["items"]:
            if row["id"] == hours_id:
                return dict(row)
    raise AssertionError(f"hours {hours_id} not found")


def subjects_of(platform: Any, response: Any) -> set[int]:
    """The persons the access log names for the request that answered ``response``."""
    trace = response.headers["x-trace-id"]
    with tenant_scope("leeuwarden"), platform.sessions() as session:
        return {
            e.subject_person_id
            for e in session.exec(select(AccessLogEntry).where(AccessLogEntry.trace_id == trace))
            if e.subject_person_id is not None
        }


def registered(lw: Any, h: Any, amount: str = "2.5", on: str = "2026-03-03", **extra: Any) -> Any:
    """Grietje's job with Sjoerd confirmed on it and his hours registered (API)."""
    resident = h.person(lw, **extra)
    volunteer_person = h.person(lw, "Sjoerd", "Hoekstra")
    sjoerd = h.volunteer(lw, "Sjoerd Hoekstra", person_id=volunteer_person)
    job = h.ok(h.job(lw, resident))
    a = h.confirmed(lw, job["id"], sjoerd)
    entry = h.ok(h.hours(lw, job["id"], a["id"], amount, on=on))
    return {
        "resident": resident,
        "volunteer_person": volunteer_person,
        "helper": sjoerd,
        "job": job,
        "assignment": a,
        "hours": entry,
    }


# --- hours to approve -----------------------------------------------------------------------


def test_hours_registered_through_the_api_are_approved_on_the_page(lw, h, coordinator, platform):
    first = registered(lw, h, "2.5", on="2026-03-04")
    earlier = h.ok(h.hours(lw, first["job"]["id"], first["assignment"]["id"], "1", on="2026-03-03"))
    hid = first["hours"]["id"]
    page = coordinator.get(HOURS)
    assert page.status_code == 200
    assert "<h1" in page.text
    assert "Wijkbedrijf: uren goedkeuren" in page.text
    row = row_of(page, f"uren-{hid}")
    assert "Sjoerd Hoekstra" in row
    assert "tuinonderhoud" in row
    assert "voor Grietje de Vries" in row
    assert "04-03-2026" in row
    assert ">2,5<" in row
    assert f'href="{JOBS}/{first["job"]["id"]}"' in row
    # The oldest work first: the hours of 3 March before those of 4 March.
    assert page.text.index(f'id="uren-{earlier["id"]}"') < page.text.index(f'id="uren-{hid}"')

    response = send(coordinator, HOURS, approve_url(hid))
    redirected(response, f"{HOURS}?besluit=goedgekeurd")
    after = coordinator.get(response.headers["location"])
    assert "De uren zijn goedgekeurd." in after.text
    assert f'id="uren-{hid}"' not in after.text  # no longer waiting
    assert f'id="uren-{earlier["id"]}"' in after.text

    stored = hours_status(lw, h, hid)
    assert stored["status"] == "goedgekeurd"
    assert stored["decided_by"] == "Test coordinator"  # the signed-in account, not a default
    assert hours_status(lw, h, earlier["id"])["status"] == "ingediend"


def test_a_reject_without_a_reason_is_refused_in_dutch_and_nothing_changes(lw, h, coordinator):
    hid = registered(lw, h)["hours"]["id"]
    for reason in ("", "   "):
        page = send(coordinator, HOURS, reject_url(hid), reason=reason)
        assert page.status_code == 422
        message = page.text.split(f'id="reden-{hid}-fout">', 1)[1].split("</p>", 1)[0]
        assert message == "Vul de reden in waarom deze uren worden afgekeurd."
        field = page.text.split(f'id="reden-{hid}"', 1)[1].split(">", 1)[0]
        assert 'aria-invalid="true"' in field
        assert f"reden-{hid}-fout" in field
        assert f'href="#reden-{hid}"' in page.text  # the summary links to the field
        assert hours_status(lw, h, hid)["status"] == "ingediend"

    response = send(coordinator, HOURS, reject_url(hid), reason="Dubbel geschreven")
    redirected(response, f"{HOURS}?besluit=afgekeurd")
    assert "De uren zijn afgekeurd." in coordinator.get(response.headers["location"]).text
    stored = hours_status(lw, h, hid)
    assert stored["status"] == "afgekeurd"
    assert stored["note"] == "Dubbel geschreven"


def test_approving_hours_someone_already_decided_on_answers_409_in_dutch(lw, h, coordinator):
    hid = registered(lw, h)["hours"]["id"]
    page = coordinator.get(HOURS)
    approve_token = form_token(page, approve_url(hid))
    reject_token = form_token(page, reject_url(hid))
    # Another coordinator rejects them meanwhile (through the API).
    h.ok(lw.post(f"{h.base}/hours/{hid}/reject", json={"reason": "Te veel", "actor": "Anke"}))

    late = coordinator.post(
        approve_url(hid), data={"form_token": approve_token}, follow_redirects=False
    )
    assert late.status_code == 409
    refusal = late.text.split('id="geweigerd">', 1)[1].split("</div>", 1)[0]
    assert "Deze uren zijn al afgekeurd door Anke." in refusal
    late = coordinator.post(
        reject_url(hid),
        data={"form_token": reject_token, "reason": "Ook te veel"},
        follow_redirects=False,
    )
    assert late.status_code == 409
    assert "Deze uren zijn al afgekeurd door Anke." in late.text
    stored = hours_status(lw, h, hid)
    assert (stored["status"], stored["decided_by"], stored["note"]) == (
        "afgekeurd",
        "Anke",
        "Te veel",
    )


def test_a_double_submit_stores_once(lw, h, coordinator):
    hid = registered(lw, h)["hours"]["id"]
    token = form_token(coordinator.get(HOURS), approve_url(hid))
    first = coordinator.post(approve_url(hid), data={"form_token": token}, follow_redirects=False)
    stored = hours_status(lw, h, hid)
    # A second store would be refused (already approved): it is sent where the first went.
    second = coordinator.post(approve_url(hid), data={"form_token": token}, follow_redirects=False)
    redirected(first, f"{HOURS}?besluit=goedgekeurd")
    redirected(second, f"{HOURS}?besluit=goedgekeurd")
    assert hours_status(lw, h, hid) == stored

    # A refused submit frees its token: the corrected form is sent with it.
    second_hours = registered(lw, h, on="2026-03-05")["hours"]["id"]
    token = form_token(coordinator.get(HOURS), reject_url(second_hours))
    bad = coordinator.post(
        reject_url(second_hours), data={"form_token": token, "reason": ""}, follow_redirects=False
    )
    assert bad.status_code == 422
    good = coordinator.post(
        reject_url(second_hours),
        data={"form_token": token, "reason": "Niet gewerkt"},
        follow_redirects=False,
    )
    redirected(good, f"{HOURS}?besluit=afgekeurd")
    assert hours_status(lw, h, second_hours)["status"] == "afgekeurd"


def test_the_forms_need_the_csrf_token_as_a_form_field(lw, h, coordinator):
    hid = registered(lw, h)["hours"]["id"]
    page = coordinator.get(HOURS)
    assert f'name="_csrf_token" value="{coordinator.csrf_token}"' in page.text
    coordinator.auto_csrf = False
    try:
        forged = coordinator.post(
            approve_url(hid),
            data={"form_token": form_token(page, approve_url(hid))},
            follow_redirects=False,
        )
        assert forged.status_code == 403
        assert hours_status(lw, h, hid)["status"] == "ingediend"
        sent = coordinator.post(
            approve_url(hid),
            data={
                "form_token": form_token(coordinator.get(HOURS), approve_url(hid)),
                "_csrf_token": coordinator.csrf_token,
            },
            follow_redirects=False,
        )
        redirected(sent, f"{HOURS}?besluit=goedgekeurd")
    finally:
        coordinator.auto_csrf = True
    assert hours_status(lw, h, hid)["status"] == "goedgekeurd"


# --- jobs -----------------------------------------------------------------------------------


def test_the_jobs_list_shows_the_planning(lw, h, coordinator):
    planned = registered(lw, h)
    unplanned = h.ok(h.job(lw, h.person(lw, "Anneke", "Visser"), category="samen koken"))
    page = coordinator.get(JOBS)
    assert page.status_code == 200
    row = row_of(page, f"klus-{planned['job']['id']}")
    assert "tuinonderhoud" in row
    assert "Grietje de Vries" in row
    assert "02-03-2026 tot en met 06-03-2026" in row
    assert "ingepland" in row
    # 09:00 Dutch time (08:00 UTC, as stored).
    assert "Sjoerd Hoekstra, 03-03-2026 09:00\u201312:00 (bevestigd)" in row
    other = row_of(page, f"klus-{unplanned['id']}")
    assert "samen koken" in other
    assert "Nog geen vrijwilliger ingepland" in other
    assert "aangemeld" in other


def test_the_job_page_shows_the_planning_and_a_confirmation_that_reached_nobody(lw, h, coordinator):
    data = registered(lw, h, phone="0612345678")  # no e-mail address
    job = data["job"]
    page = coordinator.get(f"{JOBS}/{job['id']}")
    assert page.status_code == 200
    assert "Klus " + str(job["id"]) + ": tuinonderhoud" in page.text
    assert f'href="/aanvragen/{job["request_id"]}"' in page.text
    planning = row_of(page, f"inzet-{data['assignment']['id']}")
    assert "Sjoerd Hoekstra" in planning
    assert "03-03-2026 09:00" in planning  # Europe/Amsterdam, not UTC
    assert "03-03-2026 12:00" in planning
    assert "bevestigd" in planning
    hours = row_of(page, f"uren-{data['hours']['id']}")
    assert "ingediend" in hours
    assert "2,5" in hours

    [note] = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
    assert note["delivery"] == "geen_emailadres"
    item = html.unescape(page.text.split(f'id="bevestiging-{note["id"]}"', 1)[1].split("</li>")[0])
    assert "per sms aan 0612345678" in item
    assert (
        "Geen e-mailadres: laat de bewoner het op een andere manier weten, per telefoon of brief."
        in item
    )
    assert resend_url(job["id"], note["id"]) not in item  # nothing to resend by mail
    # A stale or forged resend of it is refused in Dutch; nothing is sent.
    refused = coordinator.post(
        resend_url(job["id"], note["id"]), data={"form_token": "t" * 32}, follow_redirects=False
    )
    assert refused.status_code == 409
    assert "De bewoner heeft geen e-mailadres" in html.unescape(refused.text)
    [again] = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
    assert (again["delivery"], again["attempts"]) == ("geen_emailadres", 0)


def test_the_job_page_links_its_invoice(lw, h, coordinator):
    data = registered(lw, h)
    job = data["job"]
    h.ok(lw.post(f"{h.base}/hours/{data['hours']['id']}/approve", json={}))
    invoice = h.ok(h.invoice(lw, job_id=job["id"]))
    page = coordinator.get(f"{JOBS}/{job['id']}")
    row = row_of(page, f"factuur-{invoice['id']}")
    assert f'href="/api/wijkbedrijf/invoices/{invoice["id"]}/pdf"' in row
    assert f"Factuur {invoice['number']} (pdf)" in row
    assert "€\xa022,50" in row  # 2,5 hours at € 9
    assert "open" in row
    assert coordinator.get(f"/api/wijkbedrijf/invoices/{invoice['id']}/pdf").status_code == 200


def test_a_failed_confirmation_is_shown_in_dutch_and_sent_again_from_the_job_page(
    platform, make_platform, h
):
    port = h.free_port()
    with h.leeuwarden_mailing(make_platform, f"smtp://127.0.0.1:{port}", tasks_in_app=False) as lw:
        job, confirmed = h.plan_and_confirm(lw, h)  # the mail server is down
        note = confirmed["notification"]
        assert note["delivery"] == "mislukt"
        url = f"{JOBS}/{job['id']}"
        page = lw.get(url)
        assert page.status_code == 200
        state = page.text.split(f'id="bevestiging-{note["id"]}-stand">', 1)[1].split("</p>")[0]
        assert state.startswith(
            "Mislukt (ConnectionRefusedError, pogingen: 1); wordt automatisch opnieuw "
            "geprobeerd op "
        )
        action = resend_url(job["id"], note["id"])
        token = form_token(page, action)
        stale = form_token(lw.get(url), action)  # a second tab

        with h.smtp_server(port=port) as (inbox, _):
            first = lw.post(action, data={"form_token": token}, follow_redirects=False)
            again = lw.post(action, data={"form_token": token}, follow_redirects=False)
            late = lw.post(action, data={"form_token": stale}, follow_redirects=False)
        done = f"{url}?bevestiging=verstuurd#bevestigingen"
        redirected(first, done)
        redirected(again, done)  # the double submit sends nothing
        assert late.status_code == 409  # the other tab: it went out already
        assert "Deze bevestiging is al naar de bewoner verstuurd." in late.text
        [(recipients, message)] = inbox.messages
        assert recipients == ["grietje@example.nl"]
        assert message["Subject"] == "Uw klus is ingepland"

        after = lw.get(f"{url}?bevestiging=verstuurd")
        assert "De bevestiging is verstuurd." in after.text
        state = after.text.split(f'id="bevestiging-{note["id"]}-stand">', 1)[1].split("</p>")[0]
        assert state.startswith("Verstuurd op ")
        assert action not in after.text  # no button any more
        [listed] = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
        assert (listed["delivery"], listed["attempts"]) == ("verstuurd", 2)
        # Another job's confirmation is not resent through this job's page.
        other = h.ok(h.job(lw, h.person(lw, "Bauke")))
        misplaced = lw.post(
            resend_url(other["id"], note["id"]),
            data={"form_token": "u" * 32},
            follow_redirects=False,
        )
        assert misplaced.status_code == 404


# --- who may, and the access log --------------------------------------------------------------


def test_other_programmes_roles_and_municipalities_have_no_access(lw, h, client_for):
    data = registered(lw, h)
    hid, job_id = data["hours"]["id"], data["job"]["id"]
    other = client_for("leeuwarden", role="coordinator", programme="buurtgezinnen")
    for path in (HOURS, JOBS, f"{JOBS}/{job_id}"):
        refused = other.get(path)
        assert refused.status_code == 403, path
        assert "Geen toegang" in refused.text
    forged = other.post(approve_url(hid), data={"form_token": "x" * 32}, follow_redirects=False)
    assert forged.status_code == 403
    assert hours_status(lw, h, hid)["status"] == "ingediend"
    assert HOURS not in other.get("/werk").text  # no link to pages that refuse them
    assert client_for("leeuwarden", role="professional").get(HOURS).status_code == 403
    assert client_for("leeuwarden", role="volunteer").get(f"{JOBS}/{job_id}").status_code == 403
    assert client_for("meppel").get(HOURS).status_code == 404  # no wijkbedrijf there
    anonymous = client_for("leeuwarden", anonymous=True).get(HOURS, follow_redirects=False)
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/inloggen")
    assert lw.get(f"{JOBS}/{job_id + 1000}").status_code == 404


def test_the_navigation_links_to_the_wijkbedrijf_for_its_coordinators(coordinator, client_for):
    link = f'<a href="{HOURS}">Wijkbedrijf</a>'
    assert link in coordinator.get("/werk").text
    assert link in client_for("leeuwarden").get("/werk").text  # the municipality admin
    assert f'<a href="{HOURS}" aria-current="page">Wijkbedrijf</a>' in coordinator.get(HOURS).text
    assert HOURS not in client_for("meppel").get("/werk").text


def test_the_pages_name_the_resident_and_the_volunteer_in_the_access_log(
    lw, h, coordinator, platform
):
    data = registered(lw, h)
    people = {data["resident"], data["volunteer_person"]}
    job_page = coordinator.get(f"{JOBS}/{data['job']['id']}")
    assert job_page.status_code == 200
    assert subjects_of(platform, job_page) >= people
    for path in (HOURS, JOBS):
        listed = coordinator.get(path)
        assert subjects_of(platform, listed) >= people, path
    decided = send(coordinator, HOURS, approve_url(data["hours"]["id"]))
    assert decided.status_code == 303
    assert subjects_of(platform, decided) >= people


def test_the_pages_messages_in_tables_have_dutch_translations(platform):
    """Ids kept in tables are not found by the catalogue check of the templates and code
    (test_interface_messages): the navigation label and the form's messages."""
    gettext = translations_for(platform.tenants["leeuwarden"].plugins, "nl").gettext
    ids = [NAV_LABEL, *SERVICE_MESSAGES.values()]
    assert [i for i in ids if gettext(i) == i] == []
    assert gettext(NAV_LABEL) == "Wijkbedrijf"


# --- planning on the job's page ---------------------------------------------------------------


def plan_url(job_id: int) -> str:
    return f"{JOBS}/{job_id}/inplannen"


def withdraw_url(job_id: int, assignment_id: int) -> str:
    return f"{JOBS}/{job_id}/inzet/{assignment_id}/intrekken"


def a_job(lw: Any, h: Any, name: str = "Grietje", **extra: Any) -> dict[str, Any]:
    return dict(h.ok(h.job(lw, h.person(lw, name), **extra)))


def assignments(lw: Any, h: Any, job_id: int) -> list[dict[str, Any]]:
    return list(h.ok(lw.get(f"{h.base}/jobs/{job_id}/assignments"), 200))


def status(lw: Any, h: Any, job_id: int) -> str:
    return str(h.ok(lw.get(f"{h.base}/jobs/{job_id}"), 200)["status"])


def plan(client: Any, job_id: int, helper: int | str, day: str, start: str, end: str) -> Any:
    url = f"{JOBS}/{job_id}"
    return send(client, url, plan_url(job_id), helper_id=str(helper), datum=day, van=start, tot=end)


def error_of(page: Any, field: str) -> str:
    return html.unescape(page.text.split(f'id="{field}-fout">', 1)[1].split("</p>", 1)[0])


def test_a_suggested_volunteer_is_planned_in_dutch_time(lw, h, coordinator, platform):
    job = a_job(lw, h)
    sjoerd = h.volunteer(lw, "Sjoerd Hoekstra", person_id=h.person(lw, "Sjoerd", "Hoekstra"))
    h.volunteer(lw, "Jelle Bakker", availability=["sat_morning"])  # not on weekdays
    page = coordinator.get(f"{JOBS}/{job['id']}")
    options = page.text.split('id="helper_id"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{sjoerd}">Sjoerd Hoekstra</option>' in options
    assert "Jelle Bakker" not in options
    assert subjects_of(platform, page) >= {job["person_id"]}

    # Winter time: 09:00 in Leeuwarden on 3 March is 08:00 UTC.
    response = plan(coordinator, job["id"], sjoerd, "2026-03-03", "09:00", "12:00")
    redirected(response, f"{JOBS}/{job['id']}?gedaan=ingepland#planning")
    [planned] = assignments(lw, h, job["id"])
    assert planned["helper_id"] == sjoerd
    assert planned["status"] == "voorgesteld"
    assert planned["starts_at"].startswith("2026-03-03T08:00:00")
    assert planned["ends_at"].startswith("2026-03-03T11:00:00")
    assert subjects_of(platform, response) >= {job["person_id"]}

    after = coordinator.get(response.headers["location"])
    assert "De vrijwilliger is ingepland." in after.text
    row = html.unescape(after.text.split(f'id="inzet-{planned["id"]}"', 1)[1].split("</tr>")[0])
    assert "03-03-2026 09:00" in row
    assert "03-03-2026 12:00" in row
    assert "voorgesteld" in row


def test_summer_time_is_dutch_time_too(lw, h, coordinator):
    job = a_job(lw, h, wished_from="2026-07-06", wished_until="2026-07-10")
    sjoerd = h.volunteer(lw, "Sjoerd Hoekstra")
    redirected(
        plan(coordinator, job["id"], sjoerd, "2026-07-07", "09:00", "10:30"),
        f"{JOBS}/{job['id']}?gedaan=ingepland#planning",
    )
    [planned] = assignments(lw, h, job["id"])
    assert planned["starts_at"].startswith("2026-07-07T07:00:00")  # CEST is UTC+2
    assert planned["ends_at"].startswith("2026-07-07T08:30:00")


def test_wrong_planning_input_is_refused_next_to_the_field_and_nothing_is_stored(
    lw, h, coordinator
):
    job = a_job(lw, h)
    sjoerd = h.volunteer(lw, "Sjoerd Hoekstra")
    missing = plan(coordinator, job["id"], "", "", "", "")
    assert missing.status_code == 422
    assert error_of(missing, "helper_id") == "Kies een vrijwilliger."
    assert error_of(missing, "datum") == "Vul een datum in, bijvoorbeeld 03-03-2026."
    assert error_of(missing, "van") == "Vul een tijd in, bijvoorbeeld 09:00."

    backwards = plan(coordinator, job["id"], sjoerd, "2026-03-03", "12:00", "09:00")
    assert backwards.status_code == 422
    assert error_of(backwards, "tot") == "Vul een eindtijd in die na de begintijd ligt."
    # What was typed stays.
    assert 'value="12:00"' in backwards.text.split('id="van"', 1)[1].split(">", 1)[0]
    assert f'<option value="{sjoerd}" selected>' in backwards.text
    field = backwards.text.split('id="tot"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in field

    outside = plan(coordinator, job["id"], sjoerd, "2026-03-09", "09:00", "12:00")
    assert outside.status_code == 422
    assert error_of(outside, "datum") == (
        "09-03-2026 valt buiten de periode die de bewoner wenste: 02-03-2026 tot en met 06-03-2026."
    )
    assert assignments(lw, h, job["id"]) == []


def test_a_volunteer_planned_elsewhere_at_that_time_is_refused_in_dutch(lw, h, coordinator):
    first, second = a_job(lw, h), a_job(lw, h, "Anneke")
    sjoerd = h.volunteer(lw, "Sjoerd Hoekstra")
    h.ok(h.plan(lw, first["id"], sjoerd))  # 09:00-12:00 Dutch time on 3 March
    page = coordinator.get(f"{JOBS}/{second['id']}")
    token = form_token(page, plan_url(second["id"]))
    late = coordinator.post(
        plan_url(second["id"]),
        data={
            "form_token": token,
            "helper_id": str(sjoerd),
            "datum": "2026-03-03",
            "van": "11:00",
            "tot": "13:00",
        },
        follow_redirects=False,
    )
    assert late.status_code == 409
    refusal = html.unescape(late.text.split('id="inplannen-geweigerd">', 1)[1].split("</div>")[0])
    assert (
        f"Sjoerd Hoekstra is op dat moment al ingepland: op klus {first['id']}, op "
        "03-03-2026 van 09:00 tot 12:00. Kies een andere tijd of een andere vrijwilliger."
    ) in refusal
    assert assignments(lw, h, second["id"]) == []
    # The refused token is free again: another time is planned with it.
    later = coordinator.post(
        plan_url(second["id"]),
        data={
            "form_token": token,
            "helper_id": str(sjoerd),
            "datum": "2026-03-03",
            "van": "13:00",
            "tot": "15:00",
        },
        follow_redirects=False,
    )
    redirected(later, f"{JOBS}/{second['id']}?gedaan=ingepland#planning")
    assert len(assignments(lw, h, second["id"])) == 1


def test_a_volunteer_without_room_left_is_refused_in_dutch(lw, h, coordinator):
    first, second = a_job(lw, h), a_job(lw, h, "Anneke")
    sjoerd = h.volunteer(lw, "Sjoerd Hoekstra", max_load=1)
    page = coordinator.get(f"{JOBS}/{second['id']}")  # he is still suggested here
    assert f'<option value="{sjoerd}">' in page.text
    token = form_token(page, plan_url(second["id"]))
    h.ok(h.plan(lw, first["id"], sjoerd))  # meanwhile: his one place is taken
    late = coordinator.post(
        plan_url(second["id"]),
        data={
            "form_token": token,
            "helper_id": str(sjoerd),
            "datum": "2026-03-04",
            "van": "09:00",
            "tot": "12:00",
        },
        follow_redirects=False,
    )
    assert late.status_code == 409
    refusal = html.unescape(late.text.split('id="inplannen-geweigerd">', 1)[1].split("</div>")[0])
    assert "Sjoerd Hoekstra kan niet worden voorgesteld voor deze hulpvraag:" in refusal
    assert "De helper heeft al het maximale aantal koppelingen." in refusal
    assert assignments(lw, h, second["id"]) == []
    # No longer suggested: the page says so instead of offering him.
    assert f'<option value="{sjoerd}">' not in coordinator.get(f"{JOBS}/{second['id']}").text


def test_a_double_submit_plans_once(lw, h, coordinator):
    job = a_job(lw, h)
    sjoerd = h.volunteer(lw, "Sjoerd Hoekstra")
    token = form_token(coordinator.get(f"{JOBS}/{job['id']}"), plan_url(job["id"]))
    fields = {
        "form_token": token,
        "helper_id": str(sjoerd),
        "datum": "2026-03-03",
        "van": "09:00",
        "tot": "12:00",
    }
    first = coordinator.post(plan_url(job["id"]), data=fields, follow_redirects=False)
    second = coordinator.post(plan_url(job["id"]), data=fields, follow_redirects=False)
    redirected(first, f"{JOBS}/{job['id']}?gedaan=ingepland#planning")
    redirected(second, f"{JOBS}/{job['id']}?gedaan=ingepland#planning")
    assert len(assignments(lw, h, job["id"])) == 1


def test_a_confirmed_planning_is_withdrawn_with_a_reason(lw, h, coordinator, platform):
    job = a_job(lw, h)
    sjoerd = h.volunteer(lw, "Sjoerd Hoekstra", person_id=h.person(lw, "Sjoerd", "Hoekstra"))
    a = h.confirmed(lw, job["id"], sjoerd)
    assert status(lw, h, job["id"]) == "ingepland"
    url = f"{JOBS}/{job['id']}"

    bare = send(coordinator, url, withdraw_url(job["id"], a["id"]), reason="  ")
    assert bare.status_code == 422
    assert error_of(bare, f"intrekken-{a['id']}-reden") == (
        "Voor deze status is een reden verplicht."
    )
    assert assignments(lw, h, job["id"])[0]["status"] == "bevestigd"

    done = send(coordinator, url, withdraw_url(job["id"], a["id"]), reason="Sjoerd is ziek")
    redirected(done, f"{url}?gedaan=ingetrokken#planning")
    assert assignments(lw, h, job["id"])[0]["status"] == "ingetrokken"
    assert status(lw, h, job["id"]) == "aangemeld"  # nobody confirmed any more
    assert "De planning is ingetrokken." in coordinator.get(done.headers["location"]).text
    assert subjects_of(platform, done) >= {job["person_id"]}

    # Withdrawn once: no form any more, and a stale one is refused in Dutch.
    page = coordinator.get(url)
    assert withdraw_url(job["id"], a["id"]) not in page.text
    late = coordinator.post(
        withdraw_url(job["id"], a["id"]),
        data={"form_token": "w" * 32, "reason": "nogmaals"},
        follow_redirects=False,
    )
    assert late.status_code == 409
    refusal = html.unescape(late.text.split('id="geweigerd"', 1)[1].split("</div>")[0])
    assert "Laad de pagina opnieuw" in refusal
    # Another job's assignment is not withdrawn through this job's page.
    other = a_job(lw, h, "Bauke")
    assert (
        coordinator.post(
            withdraw_url(other["id"], a["id"]),
            data={"form_token": "x" * 32, "reason": "fout"},
            follow_redirects=False,
        ).status_code
        == 404
    )


def test_a_planned_job_is_marked_done(lw, h, coordinator):
    job = a_job(lw, h)
    url = f"{JOBS}/{job['id']}"
    assert f"{url}/uitgevoerd" not in coordinator.get(url).text  # not planned yet
    sjoerd, jelle = h.volunteer(lw, "Sjoerd Hoekstra"), h.volunteer(lw, "Jelle Bakker")
    confirmed = h.confirmed(lw, job["id"], sjoerd)
    proposed = h.ok(
        h.plan(lw, job["id"], jelle, "2026-03-04T09:00:00+01:00", "2026-03-04T12:00:00+01:00")
    )
    response = send(coordinator, url, f"{url}/uitgevoerd")
    redirected(response, f"{url}?gedaan=uitgevoerd")
    assert status(lw, h, job["id"]) == "uitgevoerd"
    found = {a["id"]: a["status"] for a in assignments(lw, h, job["id"])}
    assert found == {confirmed["id"]: "uitgevoerd", proposed["id"]: "ingetrokken"}
    after = coordinator.get(response.headers["location"])
    assert "De klus staat op uitgevoerd." in after.text
    assert f"{url}/inplannen" not in after.text  # nothing to plan any more
    assert f"{url}/annuleren" not in after.text


def test_a_job_cancelled_meanwhile_is_not_marked_done(lw, h, coordinator):
    job = a_job(lw, h)
    h.confirmed(lw, job["id"], h.volunteer(lw, "Sjoerd Hoekstra"))
    url = f"{JOBS}/{job['id']}"
    token = form_token(coordinator.get(url), f"{url}/uitgevoerd")
    h.ok(lw.post(f"{h.base}/jobs/{job['id']}/cancel", json={"reason": "Bewoner verhuisd"}))
    late = coordinator.post(f"{url}/uitgevoerd", data={"form_token": token}, follow_redirects=False)
    assert late.status_code == 409
    refusal = html.unescape(late.text.split('id="geweigerd"', 1)[1].split("</div>")[0])
    assert "De status is inmiddels \u2018geannuleerd\u2019" in refusal
    assert status(lw, h, job["id"]) == "geannuleerd"


def test_a_job_is_cancelled_with_a_reason(lw, h, coordinator):
    job = a_job(lw, h)
    a = h.ok(h.plan(lw, job["id"], h.volunteer(lw, "Sjoerd Hoekstra")))
    url = f"{JOBS}/{job['id']}"
    bare = send(coordinator, url, f"{url}/annuleren", reason="")
    assert bare.status_code == 422
    assert error_of(bare, "reason") == "Voor deze status is een reden verplicht."
    assert 'href="#reason"' in bare.text  # the summary leads to the field
    assert status(lw, h, job["id"]) == "aangemeld"
    assert assignments(lw, h, job["id"])[0]["status"] == "voorgesteld"

    response = send(coordinator, url, f"{url}/annuleren", reason="Bewoner verhuisd")
    redirected(response, f"{url}?gedaan=geannuleerd")
    assert status(lw, h, job["id"]) == "geannuleerd"
    [withdrawn] = assignments(lw, h, job["id"])
    assert (withdrawn["id"], withdrawn["status"]) == (a["id"], "ingetrokken")
    after = coordinator.get(response.headers["location"])
    assert "De klus is geannuleerd." in after.text
    assert f"{url}/annuleren" not in after.text


def test_the_planning_forms_are_for_the_programmes_coordinators_only(lw, h, client_for):
    job = a_job(lw, h)
    sjoerd = h.volunteer(lw, "Sjoerd Hoekstra")
    other = client_for("leeuwarden", role="coordinator", programme="buurtgezinnen")
    for action, fields in (
        (plan_url(job["id"]), {"helper_id": str(sjoerd), "datum": "2026-03-03"}),
        (f"{JOBS}/{job['id']}/annuleren", {"reason": "weg"}),
        (f"{JOBS}/{job['id']}/uitgevoerd", {}),
    ):
        forged = other.post(action, data={"form_token": "y" * 32, **fields}, follow_redirects=False)
        assert forged.status_code == 403, action
    assert client_for("meppel").post(plan_url(job["id"]), data={}).status_code == 404
    assert assignments(lw, h, job["id"]) == []
    assert status(lw, h, job["id"]) == "aangemeld"


def test_the_planning_messages_in_tables_have_dutch_translations(platform):
    gettext = translations_for(platform.tenants["leeuwarden"].plugins, "nl").gettext
    ids = [
        *PLANNING_MESSAGES.values(),
        *REASON_MESSAGES.values(),
        *JOB_SERVICE_MESSAGES.values(),
        *(name for name in CHANNEL_NAMES.values() if name != "Online"),  # the same in Dutch
    ]
    assert [i for i in ids if gettext(i) == i] == []


# --- taking in a job -----------------------------------------------------------------------

NEW_JOB = f"{JOBS}/nieuw"
JOB_FORM = {
    "channel": "telefoon",
    "asked_by": "self",
    "professional_id": "",
    "category": "tuinonderhoud",
    "description": "De heg snoeien",
    "estimated_hours": "2,5",
    "wished_from": "2026-03-02",
    "wished_until": "2026-03-06",
    "street": "Bilgaardpark",
    "house_number": "12",
    "postcode": "8926AB",
    "city": "Leeuwarden",
    "rate_code": "",
    "income_pct": "",
    "rate_reason": "",
}


def jobs_of(lw: Any, h: Any) -> list[dict[str, Any]]:
    return list(h.ok(lw.get(f"{h.base}/jobs/"), 200)["items"])


def take_in(client: Any, person_id: int, **fields: str) -> Any:
    url = f"{NEW_JOB}?bewoner={person_id}"
    return send(client, url, NEW_JOB, **{**JOB_FORM, "person_id": str(person_id), **fields})


def test_a_job_is_taken_in_from_the_jobs_list(lw, h, coordinator, platform):
    grietje = h.person(lw, street="Bilgaardpark", house_number="12", city="Leeuwarden")
    h.person(lw, "Anneke", "Visser")
    listed = coordinator.get(JOBS)
    assert f'href="{NEW_JOB}"' in listed.text

    found = coordinator.get(NEW_JOB, params={"zoek": "vries"})
    assert found.status_code == 200
    results = html.unescape(found.text.split('id="gevonden"', 1)[1].split("</ul>", 1)[0])
    assert f'bewoner={grietje}">Grietje de Vries</a>, Bilgaardpark 12 Leeuwarden' in results
    assert "Anneke" not in results
    assert f"bewoner={grietje}" in results
    assert subjects_of(platform, found) == {grietje}

    page = coordinator.get(NEW_JOB, params={"zoek": "vries", "bewoner": grietje})
    assert "Klus voor: Grietje de Vries" in page.text
    assert 'id="street" name="street" type="text" value="Bilgaardpark"' in page.text
    assert 'id="postcode" name="postcode" type="text" value="8926 AB"' in page.text
    assert subjects_of(platform, page) >= {grietje}

    response = take_in(coordinator, grietje)
    [job] = jobs_of(lw, h)
    redirected(response, f"{JOBS}/{job['id']}?gedaan=aangemeld")
    assert (job["person_id"], job["channel"], job["category"]) == (
        grietje,
        "telefoon",
        "tuinonderhoud",
    )
    assert (job["estimated_hours"], job["hourly_rate"], job["rate_code"]) == ("2.50", "9.00", None)
    assert (job["wished_from"], job["wished_until"]) == ("2026-03-02", "2026-03-06")
    assert job["status"] == "aangemeld"
    assert subjects_of(platform, response) == {grietje}
    after = coordinator.get(response.headers["location"])
    assert "De klus is aangemeld." in after.text
    assert "De heg snoeien" in after.text


def test_the_resident_chosen_for_a_new_job_is_named_in_the_access_log(lw, h, coordinator, platform):
    grietje = h.person(lw)
    bauke = h.person(lw, "Bauke", "de Vries")
    found = coordinator.get(f"{JOBS}/nieuw", params={"zoek": "vries"})
    assert "Bauke de Vries" in found.text
    assert subjects_of(platform, found) == {grietje, bauke}
    chosen = coordinator.get(f"{JOBS}/nieuw", params={"bewoner": grietje})
    assert "Grietje de Vries" in chosen.text
    assert subjects_of(platform, chosen) == {grietje}


def test_a_reduced_rate_needs_its_condition(lw, h, coordinator):
    grietje = h.person(lw)
    page = coordinator.get(NEW_JOB, params={"bewoner": grietje})
    assert "minima: Inkomen tot 120% van het sociaal minimum (€\xa04,50)" in html.unescape(
        page.text
    )

    above = take_in(coordinator, grietje, rate_code="minima", income_pct="130")
    assert above.status_code == 422
    assert error_of(above, "income_pct") == (
        "Een inkomen van 130% van het sociaal minimum ligt boven de 120% van het verlaagde "
        "tarief minima."
    )
    assert 'value="130"' in above.text.split('id="income_pct"', 1)[1].split(">", 1)[0]
    no_reason = take_in(coordinator, grietje, rate_code="coordinator")
    assert no_reason.status_code == 422
    assert error_of(no_reason, "rate_reason") == (
        "Voor het verlaagde tarief coordinator (Besluit van de coördinator) is uw reden nodig."
    )
    assert jobs_of(lw, h) == []

    response = take_in(coordinator, grietje, rate_code="minima", income_pct="110")
    [job] = jobs_of(lw, h)
    redirected(response, f"{JOBS}/{job['id']}?gedaan=aangemeld")
    assert (job["hourly_rate"], job["rate_code"], job["income_pct"]) == ("4.50", "minima", 110)


def test_wrong_job_input_is_refused_next_to_the_field(lw, h, coordinator):
    grietje = h.person(lw)
    bad = take_in(
        coordinator,
        grietje,
        description="",
        estimated_hours="0",
        wished_from="2026-03-06",
        wished_until="2026-03-02",
        category="",
    )
    assert bad.status_code == 422
    assert error_of(bad, "description") == "Vul dit veld in."
    assert error_of(bad, "category") == "Vul dit veld in."
    assert 'href="#description"' in bad.text
    assert 'value="2026-03-02"' in bad.text.split('id="wished_until"', 1)[1].split(">", 1)[0]
    assert jobs_of(lw, h) == []

    backwards = take_in(coordinator, grietje, wished_from="2026-03-06", wished_until="2026-03-02")
    assert backwards.status_code == 422
    assert error_of(backwards, "wished_until") == "Vul een dag in op of na de eerste dag."
    zero = take_in(coordinator, grietje, estimated_hours="0")
    assert zero.status_code == 422
    assert error_of(zero, "estimated_hours") == "Vul meer dan 0 en hoogstens 24 uur in."
    assert jobs_of(lw, h) == []


def test_a_double_submit_takes_in_one_job(lw, h, coordinator):
    grietje = h.person(lw)
    token = form_token(coordinator.get(NEW_JOB, params={"bewoner": grietje}), NEW_JOB)
    fields = {**JOB_FORM, "person_id": str(grietje), "form_token": token}
    first = coordinator.post(NEW_JOB, data=fields, follow_redirects=False)
    second = coordinator.post(NEW_JOB, data=fields, follow_redirects=False)
    [job] = jobs_of(lw, h)
    redirected(first, f"{JOBS}/{job['id']}?gedaan=aangemeld")
    redirected(second, f"{JOBS}/{job['id']}?gedaan=aangemeld")


def test_taking_in_a_job_is_for_the_programmes_coordinators_only(lw, h, client_for):
    grietje = h.person(lw)
    other = client_for("leeuwarden", role="coordinator", programme="buurtgezinnen")
    assert other.get(NEW_JOB).status_code == 403
    forged = other.post(
        NEW_JOB,
        data={**JOB_FORM, "person_id": str(grietje), "form_token": "z" * 32},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert client_for("meppel").get(NEW_JOB).status_code == 404
    assert jobs_of(lw, h) == []


# --- invoices on the job's page ----------------------------------------------------------------


def invoices_of(lw: Any, h: Any, job_id: int) -> list[dict[str, Any]]:
    return list(h.ok(lw.get(f"{h.base}/invoices/", params={"job_id": job_id}), 200)["items"])


def approved_job(lw: Any, h: Any) -> dict[str, Any]:
    data = registered(lw, h)
    h.ok(lw.post(f"{h.base}/hours/{data['hours']['id']}/approve", json={}), 201)
    return data


def test_a_job_s_approved_hours_are_invoiced_from_its_page(lw, h, coordinator, platform):
    data = approved_job(lw, h)
    job = data["job"]
    url = f"{JOBS}/{job['id']}"
    response = send(coordinator, url, f"{url}/factureren")
    redirected(response, f"{url}?gedaan=gefactureerd#facturen")
    [bill] = invoices_of(lw, h, job["id"])
    assert (bill["kind"], bill["total"], bill["status"]) == ("factuur", "22.50", "open")
    assert subjects_of(platform, response) >= {data["resident"]}
    page = coordinator.get(f"{url}?gedaan=gefactureerd")
    assert "De factuur is gemaakt." in page.text
    row = row_of(page, f"factuur-{bill['id']}")
    assert f'href="/api/wijkbedrijf/invoices/{bill["id"]}/pdf"' in row
    assert "€\xa022,50" in row
    assert "nog te betalen: €\xa022,50" in row
    assert f"{url}/factureren" not in page.text  # nothing left to invoice


def test_invoicing_hours_invoiced_meanwhile_is_refused_in_dutch(lw, h, coordinator):
    job = approved_job(lw, h)["job"]
    url = f"{JOBS}/{job['id']}"
    token = form_token(coordinator.get(url), f"{url}/factureren")
    h.ok(h.invoice(lw, job_id=job["id"]))  # another coordinator, through the API
    late = coordinator.post(f"{url}/factureren", data={"form_token": token}, follow_redirects=False)
    assert late.status_code == 409
    refusal = html.unescape(late.text.split('id="geweigerd"', 1)[1].split("</div>")[0])
    assert "Alle goedgekeurde uren zijn al gefactureerd." in refusal
    assert len(invoices_of(lw, h, job["id"])) == 1


def test_a_payment_is_registered_and_closes_a_done_job(lw, h, coordinator, platform):
    data = approved_job(lw, h)
    job = data["job"]
    bill = h.ok(h.invoice(lw, job_id=job["id"]))
    h.ok(lw.post(f"{h.base}/jobs/{job['id']}/done", json={}))
    url = f"{JOBS}/{job['id']}"
    action = f"{url}/facturen/{bill['id']}/betaling"
    early = send(coordinator, url, action, paid_on="2020-01-01")
    assert early.status_code == 422
    issued = "-".join(reversed(bill["issued_on"].split("-")))
    assert error_of(early, f"factuur-{bill['id']}-betaald") == (
        f"01-01-2020 ligt vóór de factuurdatum, {issued}."
    )
    assert 'value="2020-01-01"' in early.text
    assert invoices_of(lw, h, job["id"])[0]["status"] == "open"

    page = coordinator.get(url)
    token = form_token(page, action)
    stale = form_token(coordinator.get(url), action)  # a second tab
    paid = coordinator.post(
        action, data={"form_token": token, "paid_on": bill["issued_on"]}, follow_redirects=False
    )
    redirected(paid, f"{url}?gedaan=betaald#facturen")
    [stored] = invoices_of(lw, h, job["id"])
    assert (stored["status"], stored["paid_on"]) == ("betaald", bill["issued_on"])
    assert status(lw, h, job["id"]) == "afgerond"  # paid and done: the job is closed
    assert subjects_of(platform, paid) >= {data["resident"]}
    late = coordinator.post(
        action, data={"form_token": stale, "paid_on": bill["issued_on"]}, follow_redirects=False
    )
    assert late.status_code == 409
    assert f"Factuur {bill['number']} staat niet meer open" in html.unescape(late.text)


def test_an_invoice_is_credited_in_part_and_in_full(lw, h, coordinator):
    job = approved_job(lw, h)["job"]
    bill = h.ok(h.invoice(lw, job_id=job["id"]))
    url = f"{JOBS}/{job['id']}"
    action = f"{url}/facturen/{bill['id']}/crediteren"
    field = f"factuur-{bill['id']}-credit"

    bare = send(coordinator, url, action, reason="", amount="4,50")
    assert bare.status_code == 422
    assert error_of(bare, f"{field}-reden") == "Vul de reden van de creditering in."
    assert 'value="4,50"' in bare.text.split(f'id="{field}-bedrag"', 1)[1].split(">", 1)[0]
    too_much = send(coordinator, url, action, reason="Te veel", amount="30")
    assert too_much.status_code == 422
    assert error_of(too_much, f"{field}-bedrag") == (
        f"€\xa030,00 is meer dan wat er van factuur {bill['number']} over is (€\xa022,50)."
    )
    assert len(invoices_of(lw, h, job["id"])) == 1

    part = send(coordinator, url, action, reason="Half uur te veel", amount="€ 4,50")
    redirected(part, f"{url}?gedaan=gecrediteerd#facturen")
    original, note = invoices_of(lw, h, job["id"])
    assert (note["kind"], note["total"], note["status"]) == ("creditnota", "-4.50", "verrekend")
    assert original["status"] == "open"
    page = coordinator.get(f"{url}?gedaan=gecrediteerd")
    assert "De creditnota is gemaakt." in page.text
    assert "€\xa0-4,50" in row_of(page, f"factuur-{note['id']}")
    assert "nog te betalen: €\xa018,00" in row_of(page, f"factuur-{bill['id']}")

    point = send(coordinator, url, action, reason="Kwartier te veel", amount="2.25")
    redirected(point, f"{url}?gedaan=gecrediteerd#facturen")  # a decimal point, not thousands
    whole = send(coordinator, url, action, reason="Klus ging niet door", amount="")
    redirected(whole, f"{url}?gedaan=gecrediteerd#facturen")
    totals = [i["total"] for i in invoices_of(lw, h, job["id"])]
    assert totals == ["22.50", "-4.50", "-2.25", "-15.75"]
    assert invoices_of(lw, h, job["id"])[0]["status"] == "gecrediteerd"
    assert action not in coordinator.get(url).text  # nothing left to credit


def test_an_invoice_is_changed_only_through_its_own_job(lw, h, coordinator, client_for):
    job = approved_job(lw, h)["job"]
    bill = h.ok(h.invoice(lw, job_id=job["id"]))
    other = a_job(lw, h, "Bauke")
    for what, fields in (("betaling", {"paid_on": "2026-12-01"}), ("crediteren", {"reason": "x"})):
        misplaced = coordinator.post(
            f"{JOBS}/{other['id']}/facturen/{bill['id']}/{what}",
            data={"form_token": "v" * 32, **fields},
            follow_redirects=False,
        )
        assert misplaced.status_code == 404, what
    outsider = client_for("leeuwarden", role="coordinator", programme="buurtgezinnen")
    forged = outsider.post(
        f"{JOBS}/{job['id']}/facturen/{bill['id']}/betaling",
        data={"form_token": "u" * 32, "paid_on": bill["issued_on"]},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert invoices_of(lw, h, job["id"]) == [bill]


def test_the_invoice_messages_in_tables_have_dutch_translations(platform):
    gettext = translations_for(platform.tenants["leeuwarden"].plugins, "nl").gettext
    ids = [*PAYMENT_MESSAGES.values(), *CREDIT_MESSAGES.values()]
    assert [i for i in ids if gettext(i) == i] == []


# --- the jobs list's pages ---------------------------------------------------------------------


def test_the_jobs_list_is_paged_the_newest_first(lw, h, coordinator, platform, monkeypatch):
    from noaber_wijkbedrijf import pages
    from noaber_wijkbedrijf.pages import jobs as jobs_pages

    assert pages.JOBS_PAGE_SIZE == 50
    monkeypatch.setattr(jobs_pages, "JOBS_PAGE_SIZE", 2)  # three jobs make two pages
    names = ["Anneke", "Bauke", "Cor"]
    jobs = [a_job(lw, h, name) for name in names]
    first = coordinator.get(JOBS)
    assert first.status_code == 200
    assert "3 klussen, de nieuwste eerst (Pagina 1 van 2)" in first.text
    assert f'id="klus-{jobs[2]["id"]}"' in first.text
    assert f'id="klus-{jobs[1]["id"]}"' in first.text
    assert f'id="klus-{jobs[0]["id"]}"' not in first.text
    assert first.text.index(f'id="klus-{jobs[2]["id"]}"') < first.text.index(
        f'id="klus-{jobs[1]["id"]}"'
    )
    pager = first.text.split('id="paginas"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{JOBS}?pagina=2"' in pager
    assert "Vorige" not in pager
    # Only the jobs shown are named in the access log.
    assert subjects_of(platform, first) == {jobs[2]["person_id"], jobs[1]["person_id"]}

    second = coordinator.get(JOBS, params={"pagina": "2"})
    assert f'id="klus-{jobs[0]["id"]}"' in second.text
    assert f'id="klus-{jobs[1]["id"]}"' not in second.text
    pager = second.text.split('id="paginas"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{JOBS}?pagina=1"' in pager
    assert "pagina=3" not in pager
    assert subjects_of(platform, second) == {jobs[0]["person_id"]}

    for wrong in ("0", "-1", "x"):  # the first page, as core's list
        assert f'id="klus-{jobs[2]["id"]}"' in coordinator.get(JOBS, params={"pagina": wrong}).text
    beyond = coordinator.get(JOBS, params={"pagina": "9"})
    assert beyond.status_code == 200
    assert "Op deze pagina staan geen klussen." in beyond.text


def test_one_page_of_jobs_has_no_pager(lw, h, coordinator):
    a_job(lw, h)
    page = coordinator.get(JOBS)
    assert "1 klus, de nieuwste eerst" in page.text  # one job: the singular
    assert 'id="paginas"' not in page.text
