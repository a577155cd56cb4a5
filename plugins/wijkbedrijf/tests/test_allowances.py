"""Volunteer allowances stay within the configured caps."""

from __future__ import annotations

from decimal import Decimal


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
    h.refused(r, 422, "amount", ["over the monthly cap of € 210,00", "at most € 210,00 more"])
    assert lw.get(f"{h.base}/allowances/").json()["items"] == []
    paid = h.ok(lw.post(f"{h.base}/allowances/", json={**body, "amount": "200.00"}))
    assert Decimal(paid["amount"]) == Decimal("200.00")
    assert Decimal(paid["hours"]) == Decimal("96.00")
    r = lw.post(f"{h.base}/allowances/", json={**body, "amount": "10.01"})
    h.refused(r, 422, "amount", ["€ 200,00 already paid", "at most € 10,00 more"])
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
        ["yearly cap of € 300,00", "at most € 90,00 more"],
    )
    h.ok(client.post(f"{h.base}/allowances/", json={**body, "amount": "90.00"}))


def test_no_allowance_without_approved_hours(lw, h):
    vol = h.volunteer(lw, "Zonder uren")
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
