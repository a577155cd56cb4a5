"""A job from the request at the desk to a paid invoice, through the API."""

from __future__ import annotations

import io
from decimal import Decimal

from pypdf import PdfReader


def test_job_from_request_to_paid_invoice(lw, h):
    resident = h.person(lw, email="grietje@example.nl")
    sjoerd = h.volunteer(lw, "Sjoerd", skills=["tuinonderhoud"])
    anna = h.volunteer(lw, "Anna", skills=["tuinonderhoud", "samen koken"])
    job = h.ok(h.job(lw, resident))
    assert job["status"] == "aangemeld"
    assert job["hourly_rate"] == "9.00"
    assert job["neighbourhood_id"] is not None

    suggested = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/suggestions"), 200)
    names = [s["helper"]["display_name"] for s in suggested["suggestions"]]
    assert set(names) >= {"Sjoerd", "Anna"}
    components = {c["name"] for c in suggested["suggestions"][0]["explanation"]["components"]}
    assert "wijkbedrijf_recent_hours" in components

    first = h.confirmed(lw, job["id"], sjoerd)
    second = h.confirmed(
        lw, job["id"], anna, start="2026-03-03T09:30:00+01:00", end="2026-03-03T11:30:00+01:00"
    )
    assert first["status"] == second["status"] == "bevestigd"
    assert h.ok(lw.get(f"{h.base}/jobs/{job['id']}"), 200)["status"] == "ingepland"
    messages = h.ok(lw.get(f"{h.base}/jobs/{job['id']}/notifications"), 200)
    assert len(messages) == 2
    assert messages[0]["channel"] == "e-mail"
    assert messages[0]["recipient"] == "grietje@example.nl"
    assert "03-03-2026 van 09:00 tot 12:00" in messages[0]["text"]
    assert "Sjoerd" in messages[0]["text"]

    h.approved(lw, job["id"], first["id"], "3")
    h.approved(lw, job["id"], second["id"], "1.75")
    assert h.ok(lw.post(f"{h.base}/jobs/{job['id']}/done", json={}))["status"] == "uitgevoerd"

    inv = h.ok(h.invoice(lw, job_id=job["id"], issued_on="2026-03-09"))
    assert inv["kind"] == "factuur"
    assert inv["number"] == "WB2026-00001"
    assert Decimal(inv["total"]) == Decimal("42.75")  # (3 + 1.75) x 9.00
    assert inv["status"] == "open"
    assert Decimal(inv["outstanding"]) == Decimal("42.75")
    assert [Decimal(line["amount"]) for line in inv["lines"]] == [
        Decimal("27.00"),
        Decimal("15.75"),
    ]

    pdf = lw.get(f"{h.base}/invoices/{inv['id']}/pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Factuur WB2026-00001" in text
    assert "€\xa042,75" in text
    assert "€\xa027,00" in text
    assert "€\xa015,75" in text
    assert "Openstaand" in text

    paid = h.ok(
        lw.post(f"{h.base}/invoices/{inv['id']}/payment", json={"paid_on": "2026-03-20"}), 201
    )
    assert paid["status"] == "betaald"
    assert paid["paid_on"] == "2026-03-20"
    assert Decimal(paid["outstanding"]) == 0
    assert h.ok(lw.get(f"{h.base}/jobs/{job['id']}"), 200)["status"] == "afgerond"
    text = "".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(lw.get(f"{h.base}/invoices/{inv['id']}/pdf").content)).pages
    )
    assert "Betaald op 20-03-2026" in text

    csv_text = lw.get(f"{h.base}/invoices/export.csv").text
    rows = [line.split(",") for line in csv_text.strip().splitlines()]
    assert rows[0][:3] == ["number", "kind", "issued_on"]
    assert rows[1][0] == "WB2026-00001"
    assert rows[1][8] == "42.75"
    assert rows[1][10] == "betaald"

    # a second paid invoice for the same hours is refused
    again = h.invoice(lw, job_id=job["id"])
    h.refused(again, 409, None, ["already invoiced"])


def test_professional_asks_on_behalf_and_monthly_invoice(lw, h):
    org = h.ok(lw.post("/api/organisations", json={"name": "Thuiszorg Noord", "kind": "welfare"}))
    pro = h.ok(
        lw.post(
            "/api/professionals",
            json={"organisation_id": org["id"], "name": "Wijkverpleegkundige Jelle"},
        )
    )
    resident = h.person(lw, "Hendrik", "Bouma", phone="058 1234567")
    vol = h.volunteer(lw, "Pieter", skills=["hoog-laagbed plaatsen", "samen boodschappen doen"])
    one = h.ok(
        h.job(
            lw,
            resident,
            "hoog-laagbed plaatsen",
            asked_by="professional",
            professional_id=pro["id"],
            channel="telefoon",
        )
    )
    assert one["asked_by"] == "professional"
    assert one["professional_id"] == pro["id"]
    two = h.ok(
        h.job(
            lw,
            resident,
            "samen boodschappen doen",
            channel="online",
            wished_from="2026-03-09",
            wished_until="2026-03-13",
        )
    )
    a1 = h.confirmed(lw, one["id"], vol)
    a2 = h.confirmed(
        lw, two["id"], vol, start="2026-03-10T14:00:00+01:00", end="2026-03-10T16:00:00+01:00"
    )
    note = h.ok(lw.get(f"{h.base}/jobs/{one['id']}/notifications"), 200)[0]
    assert note["channel"] == "sms"
    h.approved(lw, one["id"], a1["id"], "1.5")
    h.approved(lw, two["id"], a2["id"], "2", on="2026-03-10")
    month = h.ok(h.invoice(lw, person_id=resident, period="2026-03", issued_on="2026-04-01"))
    assert month["period"] == "2026-03"
    assert month["job_id"] is None
    assert len(month["lines"]) == 2
    assert Decimal(month["total"]) == Decimal("31.50")
    # the same month again: nothing left to invoice
    h.refused(h.invoice(lw, person_id=resident, period="2026-03"), 409, None, ["already invoiced"])
