"""Reduced rates with their conditions, and corrections as credit notes."""

from __future__ import annotations

import io
from decimal import Decimal

from pypdf import PdfReader


def _worked_job(lw, h, hours="2", **rate):
    resident = h.person(lw)
    vol = h.volunteer(lw, "Wytske")
    job = h.ok(h.job(lw, resident, **rate))
    a = h.confirmed(lw, job["id"], vol)
    h.approved(lw, job["id"], a["id"], hours)
    return job


def test_income_based_rate_applies_within_its_condition(lw, h):
    job = _worked_job(lw, h, "2", rate_code="minima", income_pct=110)
    assert job["hourly_rate"] == "4.50"
    assert job["rate_code"] == "minima"
    inv = h.ok(h.invoice(lw, job_id=job["id"], issued_on="2026-03-10"))
    assert Decimal(inv["total"]) == Decimal("9.00")
    assert Decimal(inv["reduced_total"]) == Decimal("9.00")
    assert inv["lines"][0]["rate_code"] == "minima"


def test_income_based_rate_refused_outside_its_condition(lw, h):
    resident = h.person(lw)
    r = h.job(lw, resident, rate_code="minima", income_pct=135)
    h.refused(r, 422, "income_pct", ["135%", "120%", "minima"])
    r = h.job(lw, resident, rate_code="minima")
    h.refused(r, 422, "income_pct", ["percentage of the social minimum"])
    assert h.ok(lw.get(f"{h.base}/jobs/"), 200)["items"] == []


def test_coordinator_rate_needs_a_recorded_reason(lw, h):
    resident = h.person(lw)
    h.refused(h.job(lw, resident, rate_code="coordinator"), 422, "rate_reason", ["reason"])
    h.refused(h.job(lw, resident, rate_code="gratis"), 422, "rate_code", ["minima", "coordinator"])
    job = h.ok(h.job(lw, resident, rate_code="coordinator", rate_reason="Schuldhulptraject loopt"))
    assert job["hourly_rate"] == "0.00"
    assert job["rate_reason"] == "Schuldhulptraject loopt"
    # the rate can be set afterwards too, and it is recorded on the request's timeline
    full = h.ok(lw.post(f"{h.base}/jobs/{job['id']}/rate", json={}))
    assert full["hourly_rate"] == "9.00"
    assert full["rate_code"] is None
    timeline = lw.get(f"/api/requests/{job['request_id']}/timeline").json()
    assert any("tarief" in e["text"] for e in timeline["items"])


def test_full_credit_note_and_a_corrected_invoice(lw, h):
    job = _worked_job(lw, h, "2")
    first = h.ok(h.invoice(lw, job_id=job["id"], issued_on="2026-03-10"))
    assert Decimal(first["total"]) == Decimal("18.00")
    # the resident qualifies for the income-based rate after all
    h.ok(
        lw.post(f"{h.base}/jobs/{job['id']}/rate", json={"rate_code": "minima", "income_pct": 100})
    )
    note = h.ok(
        lw.post(
            f"{h.base}/invoices/{first['id']}/credit",
            json={"reason": "Bewoner valt onder het minimatarief", "issued_on": "2026-03-12"},
        )
    )
    assert note["kind"] == "creditnota"
    assert note["number"] == "WB2026-00002"
    assert Decimal(note["total"]) == Decimal("-18.00")
    assert note["credits_invoice_number"] == first["number"]
    original = h.ok(lw.get(f"{h.base}/invoices/{first['id']}"), 200)
    # the original is untouched except its payment status
    assert original["lines"] == first["lines"]
    assert original["total"] == first["total"]
    assert original["status"] == "gecrediteerd"
    corrected = h.ok(h.invoice(lw, job_id=job["id"], issued_on="2026-03-12"))
    assert corrected["number"] == "WB2026-00003"
    assert Decimal(corrected["total"]) == Decimal("9.00")
    pdf = lw.get(f"{h.base}/invoices/{note['id']}/pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Creditnota WB2026-00002" in text
    assert "€\xa0-18,00" in text
    assert "WB2026-00001" in text
    # paying a credited invoice, or crediting it twice, is refused
    h.refused(
        lw.post(f"{h.base}/invoices/{first['id']}/payment", json={"paid_on": "2026-03-20"}),
        409,
        None,
        ["gecrediteerd"],
    )
    h.refused(
        lw.post(f"{h.base}/invoices/{first['id']}/credit", json={"reason": "nog eens"}),
        409,
        None,
        ["already fully credited"],
    )
    csv_rows = lw.get(f"{h.base}/invoices/export.csv").text.strip().splitlines()[1:]
    assert [r.split(",")[0] for r in csv_rows] == ["WB2026-00001", "WB2026-00002", "WB2026-00003"]
    assert csv_rows[1].split(",")[12] == "WB2026-00001"


def test_partial_credit_note(lw, h):
    job = _worked_job(lw, h, "3")
    inv = h.ok(h.invoice(lw, job_id=job["id"], issued_on="2026-03-10"))
    url = f"{h.base}/invoices/{inv['id']}/credit"
    h.refused(
        lw.post(url, json={"reason": "te veel", "amount": "30.00"}), 422, "amount", ["€\xa027,00"]
    )
    h.refused(lw.post(url, json={"reason": "nul", "amount": "0"}), 422, "amount", [])
    note = h.ok(lw.post(url, json={"reason": "Half uur minder gewerkt", "amount": "4.50"}))
    assert Decimal(note["total"]) == Decimal("-4.50")
    after = h.ok(lw.get(f"{h.base}/invoices/{inv['id']}"), 200)
    assert after["status"] == "open"
    assert Decimal(after["outstanding"]) == Decimal("22.50")
    h.refused(
        lw.post(url, json={"reason": "rest+1", "amount": "22.51"}), 422, "amount", ["€\xa022,50"]
    )


def test_credit_on_a_paid_invoice_is_a_refund_tracked_to_the_bookkeeping(lw, h):
    job = _worked_job(lw, h, "3")
    paid = h.ok(h.invoice(lw, job_id=job["id"], issued_on="2026-03-10"))
    h.ok(lw.post(f"{h.base}/invoices/{paid['id']}/payment", json={"paid_on": "2026-03-15"}))
    amount = Decimal("4.50")
    note = h.ok(
        lw.post(
            f"{h.base}/invoices/{paid['id']}/credit",
            json={"reason": "Half uur minder", "amount": str(amount), "issued_on": "2026-03-20"},
        )
    )
    assert note["status"] == "terug_te_betalen"
    assert Decimal(note["total"]) == -amount
    assert note["paid_on"] is None
    # The original keeps its payment; a credit note is not "paid" but refunded.
    assert h.ok(lw.get(f"{h.base}/invoices/{paid['id']}"), 200)["status"] == "betaald"
    h.refused(
        lw.post(f"{h.base}/invoices/{note['id']}/payment", json={"paid_on": "2026-03-21"}),
        409,
        None,
        ["credit note", "/refund"],
    )
    url = f"{h.base}/invoices/{note['id']}/refund"
    h.refused(lw.post(url, json={"refunded_on": "2026-03-19"}), 422, "refunded_on", ["2026-03-20"])
    h.refused(
        lw.post(f"{h.base}/invoices/{paid['id']}/refund", json={"refunded_on": "2026-03-21"}),
        409,
        None,
        ["its credit note"],
    )
    pdf = lw.get(f"{h.base}/invoices/{note['id']}/pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Wij betalen u €\xa04,50 terug" in text

    refunded = h.ok(lw.post(url, json={"refunded_on": "2026-03-25"}))
    assert (refunded["status"], refunded["paid_on"]) == ("terugbetaald", "2026-03-25")
    h.refused(lw.post(url, json={"refunded_on": "2026-03-26"}), 409, None, ["already refunded"])

    # A credit note on an unpaid invoice settles it: nothing to refund.
    other = h.ok(h.invoice(lw, job_id=_worked_job(lw, h, "2")["id"], issued_on="2026-03-10"))
    settled = h.ok(
        lw.post(f"{h.base}/invoices/{other['id']}/credit", json={"reason": "Fout", "amount": "1"})
    )
    assert settled["status"] == "verrekend"
    h.refused(
        lw.post(f"{h.base}/invoices/{settled['id']}/refund", json={"refunded_on": "2026-03-26"}),
        409,
        None,
        ["settled an unpaid invoice"],
    )

    rows = {
        r.split(",")[0]: r.split(",")
        for r in lw.get(f"{h.base}/invoices/export.csv").text.strip().splitlines()
    }
    header = rows.pop("number")
    book = {number: dict(zip(header, row, strict=True)) for number, row in rows.items()}
    assert book[note["number"]]["status"] == "terugbetaald"
    assert book[note["number"]]["paid_on"] == "2026-03-25"
    assert Decimal(book[note["number"]]["total"]) == -amount
    assert book[note["number"]]["credits_invoice"] == paid["number"]
    assert book[settled["number"]]["status"] == "verrekend"
    assert book[paid["number"]]["status"] == "betaald"
