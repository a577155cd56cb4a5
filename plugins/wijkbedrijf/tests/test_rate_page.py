"""Changing a job's rate on its page (/wijkbedrijf/klussen/{id}/tarief): the full rate or a
reduced rate whose conditions hold, recorded on the request's timeline; refusals next to
the fields with nothing stored; not on a job cancelled, or closed with all its hours
invoiced (real database, no mocks)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from sqlmodel import select

from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import form_token
from noaber_wijkbedrijf.pages import JOBS


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("leeuwarden", role="coordinator", programme="wijkbedrijf")


def page_of(job_id: int) -> str:
    return f"{JOBS}/{job_id}"


def rate_url(job_id: int) -> str:
    return f"{JOBS}/{job_id}/tarief"


def change_rate(client: Any, job_id: int, **fields: str) -> Any:
    """Open the job's page and send its rate form with the page's token."""
    token = form_token(client.get(page_of(job_id)), rate_url(job_id))
    data = {"rate_code": "", "income_pct": "", "rate_reason": "", **fields}
    return client.post(rate_url(job_id), data={"form_token": token, **data}, follow_redirects=False)


def redirected(response: Any, location: str) -> None:
    assert response.status_code == 303, response.text
    assert response.headers["location"] == location


def error_of(page: Any, field: str) -> str:
    return html.unescape(page.text.split(f'id="{field}-fout">', 1)[1].split("</p>", 1)[0])


def input_of(page: Any, field: str) -> str:
    return page.text.split(f'id="{field}"', 1)[1].split(">", 1)[0]


def stored(lw: Any, h: Any, job_id: int) -> tuple[str, str | None, int | None, str | None]:
    job = h.ok(lw.get(f"{h.base}/jobs/{job_id}"), 200)
    return job["hourly_rate"], job["rate_code"], job["income_pct"], job["rate_reason"]


def rate_notes(lw: Any, job: dict[str, Any]) -> list[str]:
    timeline = lw.get(f"/api/requests/{job['request_id']}/timeline").json()
    return [e["text"] for e in timeline["items"] if e["text"].startswith("tarief")]


def subjects_of(platform: Any, response: Any) -> set[int]:
    trace = response.headers["x-trace-id"]
    with tenant_scope("leeuwarden"), platform.sessions() as session:
        return {
            e.subject_person_id
            for e in session.exec(select(AccessLogEntry).where(AccessLogEntry.trace_id == trace))
            if e.subject_person_id is not None
        }


def worked_job(lw: Any, h: Any) -> dict[str, Any]:
    """Grietje's job at the full rate with two approved hours of Sjoerd's."""
    job = dict(h.ok(h.job(lw, h.person(lw))))
    a = h.confirmed(lw, job["id"], h.volunteer(lw, "Sjoerd Hoekstra"))
    h.approved(lw, job["id"], a["id"], "2")
    return job


def test_the_rate_is_changed_on_the_job_page_and_on_the_timeline(lw, h, coordinator, platform):
    job = worked_job(lw, h)
    first = h.ok(h.invoice(lw, job_id=job["id"], issued_on="2026-03-10"))
    page = coordinator.get(page_of(job["id"]))
    assert "Tarief wijzigen" in page.text
    section = html.unescape(page.text.split('id="tarief"', 1)[1].split("</section>", 1)[0])
    assert "minima: Inkomen tot 120% van het sociaal minimum (€\xa04,50)" in section
    assert '<option value="" selected>Volledig tarief (€\xa09,00)' in section  # as it stands

    response = change_rate(coordinator, job["id"], rate_code="minima", income_pct="110")
    redirected(response, f"{page_of(job['id'])}?gedaan=tarief-gewijzigd")
    assert stored(lw, h, job["id"]) == ("4.50", "minima", 110, None)
    assert rate_notes(lw, job) == ["tarief €\xa09,00 → €\xa04,50 per uur"]
    assert subjects_of(platform, response) == {job["person_id"]}
    # the invoice already made keeps its own rate
    kept = h.ok(lw.get(f"{h.base}/invoices/{first['id']}"), 200)
    assert (kept["total"], kept["lines"]) == (first["total"], first["lines"])

    after = coordinator.get(response.headers["location"])
    assert "Het tarief is gewijzigd. Facturen die al gemaakt zijn houden hun eigen tarief." in (
        after.text
    )
    assert "(verlaagd tarief minima)" in html.unescape(after.text)
    assert 'value="110"' in input_of(after, "income_pct")  # the form shows the rate now

    # a reduced rate that is the coordinator's decision, with its reason, and back again
    decided = change_rate(
        coordinator, job["id"], rate_code="coordinator", rate_reason="Schuldhulptraject loopt"
    )
    redirected(decided, f"{page_of(job['id'])}?gedaan=tarief-gewijzigd")
    assert stored(lw, h, job["id"]) == ("0.00", "coordinator", None, "Schuldhulptraject loopt")
    full = change_rate(coordinator, job["id"], rate_reason="ignored for the full rate")
    redirected(full, f"{page_of(job['id'])}?gedaan=tarief-gewijzigd")
    assert stored(lw, h, job["id"]) == ("9.00", None, None, None)
    assert rate_notes(lw, job) == [  # the newest first
        "tarief €\xa00,00 → €\xa09,00 per uur",
        "tarief €\xa04,50 → €\xa00,00 per uur (coordinator: Schuldhulptraject loopt)",
        "tarief €\xa09,00 → €\xa04,50 per uur",
    ]


def test_a_rate_whose_condition_fails_is_refused_next_to_the_field(lw, h, coordinator):
    job = dict(h.ok(h.job(lw, h.person(lw))))
    before = stored(lw, h, job["id"])

    above = change_rate(coordinator, job["id"], rate_code="minima", income_pct="130")
    assert above.status_code == 422
    assert error_of(above, "income_pct") == (
        "Een inkomen van 130% van het sociaal minimum ligt boven de 120% van het verlaagde "
        "tarief minima."
    )
    assert 'value="130"' in input_of(above, "income_pct")
    assert 'href="#income_pct"' in above.text  # the summary leads to the field

    missing = change_rate(coordinator, job["id"], rate_code="minima")
    assert missing.status_code == 422
    assert "sociaal minimum" in error_of(missing, "income_pct")

    not_a_number = change_rate(coordinator, job["id"], rate_code="minima", income_pct="veel")
    assert not_a_number.status_code == 422
    assert error_of(not_a_number, "income_pct") == "Vul een heel percentage in, bijvoorbeeld 110."
    assert 'value="veel"' in input_of(not_a_number, "income_pct")

    no_reason = change_rate(coordinator, job["id"], rate_code="coordinator", rate_reason="  ")
    assert no_reason.status_code == 422
    assert error_of(no_reason, "rate_reason") == (
        "Voor het verlaagde tarief coordinator (Besluit van de coördinator) is uw reden nodig."
    )

    unknown = change_rate(coordinator, job["id"], rate_code="gratis")
    assert unknown.status_code == 422
    assert error_of(unknown, "rate_code") == "Kies een van de verlaagde tarieven."

    # nothing stored, nothing on the timeline
    assert stored(lw, h, job["id"]) == before
    assert rate_notes(lw, job) == []


def test_a_double_submit_changes_the_rate_once(lw, h, coordinator):
    job = dict(h.ok(h.job(lw, h.person(lw))))
    token = form_token(coordinator.get(page_of(job["id"])), rate_url(job["id"]))
    fields = {"form_token": token, "rate_code": "minima", "income_pct": "100", "rate_reason": ""}
    first = coordinator.post(rate_url(job["id"]), data=fields, follow_redirects=False)
    second = coordinator.post(rate_url(job["id"]), data=fields, follow_redirects=False)
    redirected(first, f"{page_of(job['id'])}?gedaan=tarief-gewijzigd")
    redirected(second, f"{page_of(job['id'])}?gedaan=tarief-gewijzigd")
    assert rate_notes(lw, job) == ["tarief €\xa09,00 → €\xa04,50 per uur"]


def test_a_cancelled_job_s_rate_is_not_changed(lw, h, coordinator):
    job = dict(h.ok(h.job(lw, h.person(lw))))
    url = page_of(job["id"])
    token = form_token(coordinator.get(url), rate_url(job["id"]))
    h.ok(lw.post(f"{h.base}/jobs/{job['id']}/cancel", json={"reason": "Bewoner verhuisd"}))
    assert rate_url(job["id"]) not in coordinator.get(url).text  # no longer offered

    late = coordinator.post(
        rate_url(job["id"]),
        data={"form_token": token, "rate_code": "minima", "income_pct": "100"},
        follow_redirects=False,
    )
    assert late.status_code == 409
    refusal = html.unescape(late.text.split('id="geweigerd"', 1)[1].split("</div>")[0])
    assert "Deze klus is geannuleerd; het tarief kan niet meer gewijzigd worden." in refusal
    assert stored(lw, h, job["id"]) == ("9.00", None, None, None)
    assert rate_notes(lw, job) == []
    # the API refuses as well
    h.refused(lw.post(f"{h.base}/jobs/{job['id']}/rate", json={}), 409, None, ["cancelled"])


def test_a_closed_job_s_rate_changes_only_after_a_credit_note(lw, h, coordinator):
    job = worked_job(lw, h)
    url = page_of(job["id"])
    bill = h.ok(h.invoice(lw, job_id=job["id"], issued_on="2026-03-10"))
    h.ok(lw.post(f"{h.base}/jobs/{job['id']}/done", json={}))
    token = form_token(coordinator.get(url), rate_url(job["id"]))  # done, not closed yet
    h.ok(lw.post(f"{h.base}/invoices/{bill['id']}/payment", json={"paid_on": "2026-03-10"}))
    assert h.ok(lw.get(f"{h.base}/jobs/{job['id']}"), 200)["status"] == "afgerond"
    assert rate_url(job["id"]) not in coordinator.get(url).text

    late = coordinator.post(
        rate_url(job["id"]),
        data={"form_token": token, "rate_code": "minima", "income_pct": "100"},
        follow_redirects=False,
    )
    assert late.status_code == 409
    refusal = html.unescape(late.text.split('id="geweigerd"', 1)[1].split("</div>")[0])
    assert "Deze klus is afgerond en alle uren ervan zijn gefactureerd" in refusal
    assert stored(lw, h, job["id"]) == ("9.00", None, None, None)
    assert rate_notes(lw, job) == []

    # the paid invoice is credited: its hours are to be invoiced again, at another rate
    h.ok(lw.post(f"{h.base}/invoices/{bill['id']}/credit", json={"reason": "Minimatarief"}))
    response = change_rate(coordinator, job["id"], rate_code="minima", income_pct="100")
    redirected(response, f"{url}?gedaan=tarief-gewijzigd")
    again = h.ok(h.invoice(lw, job_id=job["id"], issued_on="2026-03-12"))
    assert again["total"] == "9.00"


def test_changing_the_rate_is_for_the_programmes_coordinators_only(lw, h, client_for):
    job = dict(h.ok(h.job(lw, h.person(lw))))
    grietje = job["person_id"]
    sjoerd = h.volunteer(lw, "Sjoerd Hoekstra")
    for client in (
        client_for("leeuwarden", role="volunteer", helper_id=sjoerd),
        client_for("leeuwarden", role="resident", person_id=grietje),
        client_for("leeuwarden", role="coordinator", programme="buurtgezinnen"),
    ):
        assert client.get(page_of(job["id"])).status_code == 403
        forged = client.post(
            rate_url(job["id"]),
            data={"form_token": "r" * 32, "rate_code": "coordinator", "rate_reason": "gratis"},
            follow_redirects=False,
        )
        assert forged.status_code == 403
    assert client_for("meppel").post(rate_url(job["id"]), data={}).status_code == 404
    assert stored(lw, h, job["id"]) == ("9.00", None, None, None)
    assert rate_notes(lw, job) == []
