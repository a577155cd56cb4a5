"""Volunteer allowances stay within the configured caps."""

from __future__ import annotations

from decimal import Decimal

from noaber.testing import logged_subjects


def _volunteer_with_hours(client, h, days, per_day="24", month="03"):
    resident = h.person(client)
    # an allowance is paid to a person: the volunteer is one (named in the access log)
    vol = h.volunteer(client, "Harmen", person_id=h.person(client, "Harmen", "Dijkstra"))
    job = h.ok(
        h.job(client, resident, wished_from=f"2026-{month}-02", wished_until=f"2026-{month}-06")
    )
    a = h.confirmed(
        client,
        job["id"],
        vol,
        start=f"2026-{month}-02T08:00:00+01:00",
        end=f"2026-{month}-02T20:00:00+01:00",
    )
    for day in days:
        h.approved(client, job["id"], a["id"], per_day, on=f"2026-{month}-{day:02d}")
    return vol


def test_monthly_cap(lw, h):
    # Leeuwarden: € 2,50 per hour, at most € 210,00 a month; 96 hours earn € 240,00
    vol = _volunteer_with_hours(lw, h, [2, 3, 4, 5])
    body = {"helper_id": vol, "month": "2026-03", "paid_on": "2026-04-01"}
    r = lw.post(f"{h.base}/allowances/", json=body)
    h.refused(r, 422, "amount", ["over the monthly cap of €\xa0210,00", "at most €\xa0210,00 more"])
    assert lw.get(f"{h.base}/allowances/").json()["items"] == []
    paid = h.ok(lw.post(f"{h.base}/allowances/", json={**body, "amount": "200.00"}))
    assert Decimal(paid["amount"]) == Decimal("200.00")
    assert Decimal(paid["hours"]) == Decimal("96.00")
    r = lw.post(f"{h.base}/allowances/", json={**body, "amount": "10.01"})
    h.refused(r, 422, "amount", ["€\xa0200,00 already paid", "at most €\xa010,00 more"])
    h.ok(lw.post(f"{h.base}/allowances/", json={**body, "amount": "10.00"}))
    paid = lw.get(f"{h.base}/allowances/", params={"helper_id": vol}).json()["items"]
    assert sum(Decimal(p["amount"]) for p in paid) == Decimal("210.00")


def test_yearly_cap(leeuwarden_with, h):
    client = leeuwarden_with(allowance_yearly_cap=Decimal("300.00"))
    vol = _volunteer_with_hours(client, h, [2, 3, 4, 5])
    h.ok(
        client.post(
            f"{h.base}/allowances/",
            json={
                "helper_id": vol,
                "month": "2026-03",
                "paid_on": "2026-04-01",
                "amount": "210.00",
            },
        )
    )
    resident = h.person(client, "Ynte")
    job = h.ok(h.job(client, resident, wished_from="2026-04-06", wished_until="2026-04-10"))
    a = h.confirmed(
        client, job["id"], vol, start="2026-04-06T08:00:00+02:00", end="2026-04-06T20:00:00+02:00"
    )
    for day in (6, 7, 8, 9):
        h.approved(client, job["id"], a["id"], "24", on=f"2026-04-{day:02d}")
    body = {"helper_id": vol, "month": "2026-04", "paid_on": "2026-05-01", "amount": "90.01"}
    h.refused(
        client.post(f"{h.base}/allowances/", json=body),
        422,
        "amount",
        ["yearly cap of €\xa0300,00", "at most €\xa090,00 more"],
    )
    h.ok(client.post(f"{h.base}/allowances/", json={**body, "amount": "90.00"}))


def test_no_allowance_without_approved_hours(lw, h):
    vol = h.volunteer(lw, "Zonder uren", person_id=h.person(lw, "Zonder", "Uren"))
    r = lw.post(
        f"{h.base}/allowances/",
        json={"helper_id": vol, "month": "2026-03", "paid_on": "2026-04-01"},
    )
    h.refused(r, 422, "amount", ["nothing to pay", "0 approved hours"])
    r = lw.post(
        f"{h.base}/allowances/",
        json={"helper_id": 99999, "month": "2026-03", "paid_on": "2026-04-01"},
    )
    h.refused(r, 422, "helper_id", ["no volunteer"])
    r = lw.post(
        f"{h.base}/allowances/",
        json={"helper_id": vol, "month": "2026-13", "paid_on": "2026-04-01"},
    )
    assert r.status_code == 422


def test_an_allowance_is_paid_to_a_person_only(platform, lw, h):
    """An allowance is money paid to someone, within caps that hold per person: a
    volunteer who is no person (only a name) is refused, and nothing is stored."""
    resident = h.person(lw)
    vol = h.volunteer(lw, "Alleen een naam")
    job = h.ok(h.job(lw, resident))
    a = h.confirmed(lw, job["id"], vol)
    h.approved(lw, job["id"], a["id"], "3")  # € 7,50 earned in March
    body = {"helper_id": vol, "month": "2026-03", "paid_on": "2026-04-01"}
    r = lw.post(f"{h.base}/allowances/", json=body)
    h.refused(r, 422, "helper_id", ["linked to no person", "paid to a person"])
    assert logged_subjects(platform, "leeuwarden", r) == set()
    assert lw.get(f"{h.base}/allowances/").json()["items"] == []
