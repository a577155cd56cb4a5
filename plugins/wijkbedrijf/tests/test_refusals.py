"""Every bad input of the issue is refused with a clear message; nothing stored changes."""

from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture
def worked(lw, h):
    resident = h.person(lw)
    vol = h.volunteer(lw, "Klaas", person_id=h.person(lw, "Klaas", "Bosma"))
    job = h.ok(h.job(lw, resident))
    a = h.confirmed(lw, job["id"], vol)
    entry = h.approved(lw, job["id"], a["id"], "2")
    inv = h.ok(h.invoice(lw, job_id=job["id"], issued_on="2026-03-10"))
    return {"resident": resident, "vol": vol, "job": job, "a": a, "hours": entry, "invoice": inv}


def snapshot(lw, h, job_id):
    return (
        lw.get(f"{h.base}/jobs/{job_id}/hours").json(),
        lw.get(f"{h.base}/invoices/").json()["items"],
        lw.get(f"{h.base}/jobs/{job_id}/assignments").json(),
        lw.get(f"{h.base}/allowances/").json()["items"],
    )


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("-2", ["more than 0", "-2"]),
        ("0", ["more than 0"]),
        ("25", ["more than 24"]),
        ("1000", ["more than 24"]),
    ],
)
def test_negative_or_absurd_hours(lw, h, worked, amount, words):
    before = snapshot(lw, h, worked["job"]["id"])
    r = h.hours(lw, worked["job"]["id"], worked["a"]["id"], amount, on="2026-03-04")
    h.refused(r, 422, "hours", words)
    assert snapshot(lw, h, worked["job"]["id"]) == before


def test_more_than_24_hours_in_a_day_across_registrations(lw, h, worked):
    job_id, a_id = worked["job"]["id"], worked["a"]["id"]
    h.ok(h.hours(lw, job_id, a_id, "20", on="2026-03-05"))
    before = snapshot(lw, h, job_id)
    r = h.hours(lw, job_id, a_id, "4.25", on="2026-03-05")
    h.refused(r, 422, "hours", ["24.25 hours on 2026-03-05", "at most 24"])
    assert snapshot(lw, h, job_id) == before
    h.ok(h.hours(lw, job_id, a_id, "4", on="2026-03-05"))  # exactly 24 is allowed


def test_hours_in_the_future_and_before_confirmation(lw, h, worked):
    before = snapshot(lw, h, worked["job"]["id"])
    r = h.hours(lw, worked["job"]["id"], worked["a"]["id"], "2", on="2099-01-01")
    h.refused(r, 422, "worked_on", ["future"])
    other = h.volunteer(lw, "Nog niet bevestigd")
    planned = h.ok(
        h.plan(
            lw,
            worked["job"]["id"],
            other,
            start="2026-03-04T09:00:00+01:00",
            end="2026-03-04T10:00:00+01:00",
        )
    )
    r = h.hours(lw, worked["job"]["id"], planned["id"], "1", on="2026-03-04")
    h.refused(r, 409, None, ["confirmed"])
    after = snapshot(lw, h, worked["job"]["id"])
    assert after[0:2] == before[0:2]


def test_hours_are_approved_once(lw, h, worked):
    r = lw.post(f"{h.base}/hours/{worked['hours']['id']}/approve", json={})
    h.refused(r, 409, None, ["already goedgekeurd"])
    entry = h.ok(h.hours(lw, worked["job"]["id"], worked["a"]["id"], "1", on="2026-03-04"))
    r = lw.post(f"{h.base}/hours/{entry['id']}/reject", json={})
    h.refused(r, 422, "reason", ["reason"])
    rejected = h.ok(lw.post(f"{h.base}/hours/{entry['id']}/reject", json={"reason": "Dubbel"}))
    assert rejected["status"] == "afgekeurd"


def test_invoice_for_a_job_without_approved_hours(lw, h, worked):
    resident = h.person(lw, "Jan")
    vol = h.volunteer(lw, "Fenna")
    job = h.ok(h.job(lw, resident))
    a = h.confirmed(
        lw, job["id"], vol, start="2026-03-04T09:00:00+01:00", end="2026-03-04T10:00:00+01:00"
    )
    h.ok(h.hours(lw, job["id"], a["id"], "1"))  # registered, not approved
    before = snapshot(lw, h, worked["job"]["id"])
    r = h.invoice(lw, job_id=job["id"])
    h.refused(r, 422, "job_id", ["no approved hours"])
    r = h.invoice(lw, person_id=resident, period="2026-03")
    h.refused(r, 422, "period", ["no approved hours"])
    h.refused(h.invoice(lw, job_id=99999), 422, "job_id", ["no job 99999"])
    h.refused(h.invoice(lw, job_id=job["id"], person_id=resident), 422, None, [])
    assert snapshot(lw, h, worked["job"]["id"]) == before
    # the number series did not move: the next invoice takes the next number
    pending = lw.get(f"{h.base}/jobs/{job['id']}/hours").json()[0]["id"]
    h.ok(lw.post(f"{h.base}/hours/{pending}/approve", json={}))
    assert h.ok(h.invoice(lw, job_id=job["id"]))["number"].endswith("-00002")


def test_volunteer_assigned_twice_at_overlapping_times(lw, h, worked):
    other = h.ok(h.job(lw, h.person(lw, "Tjitske")))
    before = snapshot(lw, h, worked["job"]["id"])
    # worked["a"] runs 09:00-12:00 on 3 March; 11:00-13:00 overlaps
    r = h.plan(
        lw,
        other["id"],
        worked["vol"],
        start="2026-03-03T11:00:00+01:00",
        end="2026-03-03T13:00:00+01:00",
    )
    body = h.refused(r, 409, None, ["already planned", f"job {worked['job']['id']}", "overlaps"])
    assert body["assignment_id"] == worked["a"]["id"]
    assert lw.get(f"{h.base}/jobs/{other['id']}/assignments").json() == []
    assert snapshot(lw, h, worked["job"]["id"]) == before
    # back to back is fine
    h.ok(
        h.plan(
            lw,
            other["id"],
            worked["vol"],
            start="2026-03-03T12:00:00+01:00",
            end="2026-03-03T13:00:00+01:00",
        )
    )


def test_bad_planning_times(lw, h, worked):
    other = h.ok(h.job(lw, h.person(lw, "Tjitske")))
    vol = h.volunteer(lw, "Doutzen")
    h.refused(
        h.plan(
            lw, other["id"], vol, start="2026-04-01T09:00:00+02:00", end="2026-04-01T10:00:00+02:00"
        ),
        422,
        "starts_at",
        ["wished window"],
    )
    h.refused(
        h.plan(
            lw, other["id"], vol, start="2026-03-03T10:00:00+01:00", end="2026-03-03T09:00:00+01:00"
        ),
        422,
        None,
        ["after starts_at"],
    )
    h.refused(
        h.plan(lw, other["id"], vol, start="2026-03-03T10:00:00", end="2026-03-03T11:00:00"),
        422,
        None,
        ["time zone"],
    )
    h.refused(h.plan(lw, other["id"], 99999), 422, "helper_id", ["no volunteer"])


def test_bad_job_requests(lw, h):
    resident = h.person(lw)
    h.refused(
        h.job(lw, resident, category="ramen lappen"),
        422,
        "category",
        ["unknown category", "tuinonderhoud"],
    )
    h.refused(h.job(lw, resident, estimated_hours="-1"), 422, "estimated_hours", ["more than 0"])
    h.refused(h.job(lw, resident, estimated_hours="40"), 422, "estimated_hours", ["more than 24"])
    h.refused(
        h.job(lw, resident, wished_from="2026-03-06", wished_until="2026-03-02"),
        422,
        None,
        ["wished_until"],
    )
    h.refused(h.job(lw, 99999), 422, "person_id", ["no person"])
    h.refused(h.job(lw, resident, asked_by="professional"), 422, "professional_id", [])
    assert lw.get(f"{h.base}/jobs/").json()["items"] == []
    assert lw.get("/api/requests", params={"type": "klus"}).json()["total"] == 0


def test_allowance_over_the_cap(lw, h, worked):
    # 2 approved hours x € 2,50 = € 5,00 earned in March
    before = snapshot(lw, h, worked["job"]["id"])
    body = {"helper_id": worked["vol"], "month": "2026-03", "paid_on": "2026-04-01"}
    h.refused(
        lw.post(f"{h.base}/allowances/", json={**body, "amount": "5.01"}),
        422,
        "amount",
        ["€\xa05,00"],
    )
    assert snapshot(lw, h, worked["job"]["id"]) == before
    paid = h.ok(lw.post(f"{h.base}/allowances/", json=body))
    assert Decimal(paid["amount"]) == Decimal("5.00")
    # everything earned is paid: a second payment for March is refused
    h.refused(
        lw.post(f"{h.base}/allowances/", json=body), 422, "amount", ["€\xa05,00 already paid"]
    )


@pytest.fixture
def unpriced(leeuwarden_with):
    """Leeuwarden with only tuinonderhoud priced (no general hourly rate)."""
    return leeuwarden_with(hourly_rate=None, category_rates={"tuinonderhoud": Decimal("9.00")})


def test_tariff_missing_for_a_category(unpriced, h):
    resident = h.person(unpriced)
    r = h.job(unpriced, resident, category="samen koken")
    h.refused(r, 422, "category", ["no tariff", "samen koken"])
    assert unpriced.get(f"{h.base}/jobs/").json()["items"] == []
    assert h.ok(h.job(unpriced, resident, category="tuinonderhoud"))["hourly_rate"] == "9.00"


def test_dates_outside_2000_to_2100(lw, h, worked):
    before = snapshot(lw, h, worked["job"]["id"])
    r = lw.post(
        f"{h.base}/allowances/",
        json={"helper_id": worked["vol"], "month": "9999-12", "paid_on": "2026-04-01"},
    )
    h.refused(r, 422, None, [])
    h.refused(h.invoice(lw, job_id=worked["job"]["id"], issued_on="9999-12-31"), 422, None, [])
    r = h.plan(
        lw,
        worked["job"]["id"],
        worked["vol"],
        start="9999-12-31T20:00:00-05:00",
        end="9999-12-31T22:00:00-05:00",
    )
    h.refused(r, 422, None, ["2000 and 2100"])
    h.refused(h.job(lw, worked["resident"], wished_until="9999-12-31"), 422, None, [])
    assert snapshot(lw, h, worked["job"]["id"]) == before
