"""Every write of the wijkbedrijf names in the access log the persons it concerns: the
resident of the job and the volunteer planned on it, the resident an invoice is made out
to, the volunteer an allowance is paid to. Also when the write is refused, and when a
form sent twice is sent to the first one's result without storing again (the generic
check of ``noaber.testing`` only asserts that *someone* is named)."""

from __future__ import annotations

from typing import Any

import pytest

from noaber.testing import form_token, logged_subjects
from noaber_wijkbedrijf.pages import HOURS, INVOICES, JOBS

NEW_JOB = f"{JOBS}/nieuw"
MONTH = f"{INVOICES}/maand"


@pytest.fixture
def coordinator(client_for: Any) -> Any:
    return client_for("leeuwarden", role="coordinator", programme="wijkbedrijf")


def subjects_of(platform: Any, response: Any) -> set[int]:
    return logged_subjects(platform, "leeuwarden", response)


def twice(client: Any, url: str, fields: dict[str, str]) -> tuple[Any, Any]:
    """Send the same form (one token) twice: the second submit stores nothing."""
    first = client.post(url, data=fields, follow_redirects=False)
    second = client.post(url, data=fields, follow_redirects=False)
    assert first.status_code == second.status_code == 303, (first.text, second.text)
    assert first.headers["location"] == second.headers["location"]
    return first, second


def people(lw: Any, h: Any) -> dict[str, int]:
    """Grietje (a resident) and Sjoerd, a volunteer who is a person."""
    sjoerd = h.person(lw, "Sjoerd", "Hoekstra")
    return {
        "resident": h.person(lw),
        "volunteer": sjoerd,
        "helper": h.volunteer(lw, "Sjoerd Hoekstra", person_id=sjoerd),
    }


def test_the_api_writes_name_the_resident_and_the_volunteer(platform, lw, h):
    p = people(lw, h)
    both = {p["resident"], p["volunteer"]}
    job = h.ok(h.job(lw, p["resident"]))
    planned = h.plan(lw, job["id"], p["helper"])
    a = h.ok(planned)
    assert subjects_of(platform, planned) == both
    # refused (planned already): still the persons it concerned
    refused = h.plan(lw, job["id"], p["helper"])
    assert refused.status_code == 409, refused.text
    assert subjects_of(platform, refused) == both
    bauke = h.person(lw, "Bauke", "Visser")
    other = h.ok(h.plan(lw, job["id"], h.volunteer(lw, "Bauke Visser", person_id=bauke)))
    withdrawn = lw.post(f"{h.base}/assignments/{other['id']}/withdraw", json={"reason": "Ziek"})
    assert withdrawn.status_code == 201, withdrawn.text
    assert subjects_of(platform, withdrawn) == {p["resident"], bauke}
    confirmed = lw.post(f"{h.base}/assignments/{a['id']}/confirm", json={"actor": "vrijwilliger"})
    assert confirmed.status_code == 201, confirmed.text
    assert subjects_of(platform, confirmed) == both

    registered = h.hours(lw, job["id"], a["id"], "2")
    assert subjects_of(platform, registered) == both
    approve = f"{h.base}/hours/{h.ok(registered)['id']}/approve"
    approved = lw.post(approve, json={"actor": "coördinator"})
    assert approved.status_code == 201, approved.text
    assert subjects_of(platform, approved) == both
    # refused (already decided): still the persons it concerned
    again = lw.post(approve, json={"actor": "coördinator"})
    assert again.status_code in (409, 422), again.text
    assert subjects_of(platform, again) == both

    billed = h.invoice(lw, job_id=job["id"], issued_on="2026-03-10")
    assert subjects_of(platform, billed) == {p["resident"]}
    paid = lw.post(
        f"{h.base}/invoices/{h.ok(billed)['id']}/payment", json={"paid_on": "2026-03-20"}
    )
    assert paid.status_code == 201, paid.text
    assert subjects_of(platform, paid) == {p["resident"]}

    body = {"helper_id": p["helper"], "month": "2026-03", "paid_on": "2026-04-01"}
    allowance = lw.post(f"{h.base}/allowances/", json=body)
    assert allowance.status_code == 201, allowance.text
    assert subjects_of(platform, allowance) == {p["volunteer"]}


def test_a_refused_create_names_the_person_of_its_body(platform, lw, h):
    """The job and participant creates name the person before the write: a refused one
    (nothing stored) names them too."""
    resident = h.person(lw)
    refused = h.job(lw, resident, category="geen-categorie")
    assert refused.status_code == 422, refused.text
    assert subjects_of(platform, refused) == {resident}
    assert h.ok(lw.get(f"{h.base}/jobs/"), 200)["items"] == []
    unknown = h.job(lw, 999999)
    assert unknown.status_code in (404, 422), unknown.text
    assert subjects_of(platform, unknown) == set()  # an id of no person names nobody

    wiebe = h.person(lw, "Wiebe", "Postma")
    body = {"person_id": wiebe, "started_on": "2026-02-01", "supervisor": "Marrit"}
    started = lw.post(f"{h.base}/participants", json=body)
    assert started.status_code == 201, started.text
    assert subjects_of(platform, started) == {wiebe}
    again = lw.post(f"{h.base}/participants", json=body)  # takes part already
    assert again.status_code == 409, again.text
    assert subjects_of(platform, again) == {wiebe}
    assert h.ok(lw.get(f"{h.base}/participants"), 200)["total"] == 1


def test_the_planning_of_a_volunteer_without_a_person_names_the_resident(platform, lw, h):
    resident = h.person(lw)
    job = h.ok(h.job(lw, resident))
    planned = h.plan(lw, job["id"], h.volunteer(lw, "Alleen een naam"))
    assert planned.status_code == 201, planned.text
    assert subjects_of(platform, planned) == {resident}


def test_a_form_sent_twice_names_the_persons_both_times(platform, lw, h, coordinator):
    p = people(lw, h)
    both = {p["resident"], p["volunteer"]}

    page = coordinator.get(NEW_JOB, params={"bewoner": p["resident"]})
    fields = {
        "form_token": form_token(page, NEW_JOB),
        "person_id": str(p["resident"]),
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
    for sent in twice(coordinator, NEW_JOB, fields):
        assert subjects_of(platform, sent) == {p["resident"]}
    [job] = h.ok(lw.get(f"{h.base}/jobs/"), 200)["items"]
    url = f"{JOBS}/{job['id']}"

    rate = f"{url}/tarief"
    fields = {
        "form_token": form_token(coordinator.get(url), rate),
        "rate_code": "minima",
        "income_pct": "100",
        "rate_reason": "",
    }
    for sent in twice(coordinator, rate, fields):
        assert subjects_of(platform, sent) == {p["resident"]}

    plan = f"{url}/inplannen"
    fields = {
        "form_token": form_token(coordinator.get(url), plan),
        "helper_id": str(p["helper"]),
        "datum": "2026-03-03",
        "van": "09:00",
        "tot": "12:00",
    }
    for sent in twice(coordinator, plan, fields):
        assert subjects_of(platform, sent) == both

    [a] = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/assignments"), 200)
    h.ok(lw.post(f"{h.base}/assignments/{a['id']}/confirm", json={"actor": "vrijwilliger"}))
    entry = h.ok(h.hours(lw, job["id"], a["id"], "2"))
    approve = f"{HOURS}/{entry['id']}/goedkeuren"
    fields = {"form_token": form_token(coordinator.get(HOURS), approve)}
    for sent in twice(coordinator, approve, fields):
        assert subjects_of(platform, sent) == both

    fields = {
        "form_token": form_token(coordinator.get(INVOICES), MONTH),
        "person_id": str(p["resident"]),
        "period": "03-2026",
    }
    for sent in twice(coordinator, MONTH, fields):
        assert subjects_of(platform, sent) == {p["resident"]}


def test_declining_an_assignment_names_the_resident_and_the_volunteer(platform, lw, h):
    p = people(lw, h)
    job = h.ok(h.job(lw, p["resident"]))
    a = h.ok(h.plan(lw, job["id"], p["helper"]))
    declined = lw.post(
        f"{h.base}/assignments/{a['id']}/decline",
        json={"reason": "Geen tijd", "actor": "vrijwilliger"},
    )
    assert declined.status_code == 201, declined.text
    assert declined.json()["status"] == "afgewezen"
    assert subjects_of(platform, declined) == {p["resident"], p["volunteer"]}
