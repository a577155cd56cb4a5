"""Roles on the wijkbedrijf's routes, and the data-subject export and erasure of a
resident and a volunteer with jobs, hours and invoices, through the API."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import select

from noaber.privacy.models import AccessLogEntry
from noaber.privacy.subject import ERASED
from noaber.tenancy.context import tenant_scope

SLUG = "leeuwarden"


def test_hours_decisions_are_for_coordinators_and_volunteers_act_on_their_own(client_for, h):
    admin = client_for(SLUG)
    resident = h.person(admin)
    sjoerd = h.volunteer(admin, "Sjoerd")
    anna = h.volunteer(admin, "Anna")
    job = h.ok(h.job(admin, resident))
    mine = h.ok(h.plan(admin, job["id"], sjoerd))
    theirs = h.ok(
        h.plan(admin, job["id"], anna, "2026-03-04T09:00:00+01:00", "2026-03-04T12:00:00+01:00")
    )
    volunteer = client_for(SLUG, role="volunteer", helper_id=sjoerd)

    # Another volunteer's assignment is not found; their own can be confirmed.
    other = volunteer.post(f"{h.base}/assignments/{theirs['id']}/confirm", json={})
    assert other.status_code == 404, other.text
    assert (
        h.ok(volunteer.post(f"{h.base}/assignments/{mine['id']}/confirm", json={}))["status"]
        == "bevestigd"
    )
    h.ok(admin.post(f"{h.base}/assignments/{theirs['id']}/confirm", json={}))

    # Hours: on their own assignment only; approving them is not theirs to do.
    assert h.hours(volunteer, job["id"], theirs["id"], "2", on="2026-03-04").status_code == 404
    entry = h.ok(h.hours(volunteer, job["id"], mine["id"], "2.5"))
    assert entry["status"] == "ingediend"
    refused = volunteer.post(f"{h.base}/hours/{entry['id']}/approve", json={})
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    for path in ("/invoices/", "/allowances/"):
        assert volunteer.get(f"{h.base}{path}").status_code == 403
    assert volunteer.post(f"{h.base}/jobs/{job['id']}/rate", json={}).status_code == 403
    assert (
        admin.get(f"{h.base}/hours/", params={"status": "ingediend"}).json()["items"][0]["id"]
        == (entry["id"])
    )

    # A professional (staff, not a coordinator) may not decide either; a coordinator may.
    professional = client_for(SLUG, role="professional")
    assert professional.post(f"{h.base}/hours/{entry['id']}/approve", json={}).status_code == 403
    assert professional.get(f"{h.base}/invoices/").status_code == 403
    coordinator = client_for(SLUG, role="coordinator", programme="wijkbedrijf")
    approved = h.ok(coordinator.post(f"{h.base}/hours/{entry['id']}/approve", json={}))
    assert approved["status"] == "goedgekeurd"


def test_export_and_erasure_of_a_resident_and_a_volunteer(platform, client_for, h):
    admin = client_for(SLUG)
    resident = h.person(admin, "Grietje", "de Vries", email="grietje@example.nl")
    helper_person = h.person(admin, "Sjoerd", "Hoekstra")
    sjoerd = h.volunteer(admin, "Sjoerd Hoekstra", person_id=helper_person)
    job = h.ok(h.job(admin, resident))
    assignment = h.confirmed(admin, job["id"], sjoerd)
    h.approved(admin, job["id"], assignment["id"], "3")
    inv = h.ok(h.invoice(admin, job_id=job["id"], issued_on="2026-03-09"))
    assert "Sjoerd Hoekstra" in inv["lines"][0]["description"]
    note = h.ok(
        admin.post(
            f"{h.base}/invoices/{inv['id']}/credit",
            json={"reason": "Grietje was ziek, klus deels over", "amount": "9.00"},
        )
    )

    # Listing invoices names the resident in the access log.
    assert admin.get(f"{h.base}/invoices/").status_code == 200
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        listed = session.exec(
            select(AccessLogEntry).where(
                AccessLogEntry.subject_person_id == resident, AccessLogEntry.action == "list"
            )
        ).all()
    assert listed

    exported = admin.get(f"/api/people/{resident}/export")
    assert exported.status_code == 200, exported.text
    mine = exported.json()["wijkbedrijf"]
    assert [j["id"] for j in mine["wijkbedrijf_job"]] == [job["id"]]
    assert mine["wijkbedrijf_job"][0]["street"] == "Bilgaardpark"
    assert {i["number"] for i in mine["wijkbedrijf_invoice"]} == {inv["number"], note["number"]}
    assert len(mine["wijkbedrijf_invoice_line"]) == 2
    assert mine["wijkbedrijf_notification"][0]["recipient"] == "grietje@example.nl"
    assert mine["wijkbedrijf_hours"] == []  # the resident did not work; Sjoerd did
    theirs = admin.get(f"/api/people/{helper_person}/export").json()["wijkbedrijf"]
    assert [a["id"] for a in theirs["wijkbedrijf_assignment"]] == [assignment["id"]]
    assert [x["hours"] for x in theirs["wijkbedrijf_hours"]] == ["3.00"]
    assert theirs["wijkbedrijf_invoice"] == []  # the resident's invoice is not his

    erased = admin.post(f"/api/people/{resident}/erase", json={"reason": "verzoek betrokkene"})
    assert erased.status_code == 200, erased.text
    counts = erased.json()["erased"]
    assert counts["wijkbedrijf_job"] == 1
    assert counts["wijkbedrijf_notification"] == 1
    assert counts["wijkbedrijf_invoice"] == 1  # the credit note's reason

    # The bookkeeping stays: same numbers and amounts, without the address or the reason.
    kept = h.ok(admin.get(f"{h.base}/invoices/{inv['id']}"), 200)
    assert (kept["number"], Decimal(kept["total"])) == (inv["number"], Decimal("27.00"))
    credit = h.ok(admin.get(f"{h.base}/invoices/{note['id']}"), 200)
    assert Decimal(credit["total"]) == Decimal("-9.00")
    assert "ziek" not in admin.get(f"{h.base}/invoices/{note['id']}").text
    gone = h.ok(admin.get(f"{h.base}/jobs/{job['id']}"), 200)
    assert gone["street"] == ERASED
    assert gone["postcode"] == ""
    assert h.ok(admin.get(f"{h.base}/jobs/{job['id']}/notifications"), 200) == []
    after = admin.get(f"/api/people/{resident}/export").json()["wijkbedrijf"]
    assert "Bilgaardpark" not in str(after)
    assert "grietje@example.nl" not in str(after)

    # The volunteer: hours stay for the allowance, his name leaves the invoice lines.
    erased = admin.post(f"/api/people/{helper_person}/erase", json={"reason": "verzoek"})
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"]["wijkbedrijf_invoice_line"] >= 1
    kept = h.ok(admin.get(f"{h.base}/invoices/{inv['id']}"), 200)
    assert "Sjoerd" not in str(kept["lines"])
    assert ERASED in kept["lines"][0]["description"]
    assert [x["hours"] for x in h.ok(admin.get(f"{h.base}/jobs/{job['id']}/hours"), 200)] == [
        "3.00"
    ]
