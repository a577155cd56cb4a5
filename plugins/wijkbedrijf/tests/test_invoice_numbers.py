"""The invoice number series: gap-free, and unique when invoices are made at the same time."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import col, select

from noaber.errors import Conflict
from noaber.tenancy.context import tenant_scope
from noaber_wijkbedrijf import invoices
from noaber_wijkbedrijf.models import Invoice
from noaber_wijkbedrijf.schemas import InvoiceIn

JOBS = 8


def _jobs_with_approved_hours(lw, h, count):
    resident = h.person(lw)
    jobs = []
    for i in range(count):
        vol = h.volunteer(lw, f"Vrijwilliger {i}")
        job = h.ok(h.job(lw, resident))
        a = h.confirmed(lw, job["id"], vol)
        h.approved(lw, job["id"], a["id"], "1")
        jobs.append(job["id"])
    return jobs


def _invoice_in_thread(platform, job_id, barrier):
    tenant = platform.tenants["leeuwarden"]
    barrier.wait()
    with tenant_scope("leeuwarden"), platform.sessions.begin() as session:
        invoice = invoices.create_invoice(
            session, tenant, InvoiceIn(job_id=job_id, issued_on="2026-03-10")
        )
        return invoice.number


def test_concurrent_invoices_get_unique_gap_free_numbers(platform, lw, h):
    jobs = _jobs_with_approved_hours(lw, h, JOBS)
    barrier = threading.Barrier(JOBS)
    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        numbers = list(pool.map(lambda j: _invoice_in_thread(platform, j, barrier), jobs))
    assert len(set(numbers)) == JOBS
    assert sorted(numbers) == [f"WB2026-{n:05d}" for n in range(1, JOBS + 1)]
    with tenant_scope("leeuwarden"), platform.sessions() as session:
        stored = session.exec(select(Invoice.number).order_by(col(Invoice.sequence))).all()
    assert list(stored) == sorted(numbers)


def test_the_same_hours_are_never_invoiced_twice_at_once(platform, lw, h):
    (job_id,) = _jobs_with_approved_hours(lw, h, 1)
    barrier = threading.Barrier(4)

    def attempt(_):
        try:
            return _invoice_in_thread(platform, job_id, barrier)
        except Conflict:
            return None

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(attempt, range(4)))
    made = [r for r in results if r is not None]
    assert made == ["WB2026-00001"]
    # the refused attempts did not use up numbers
    assert h.ok(lw.get(f"{h.base}/invoices/"), 200)["items"][0]["number"] == "WB2026-00001"
    other = _jobs_with_approved_hours(lw, h, 1)[0]
    assert h.ok(h.invoice(lw, job_id=other, issued_on="2026-03-11"))["number"] == "WB2026-00002"


def test_numbers_start_again_each_year(lw, h):
    a, b = _jobs_with_approved_hours(lw, h, 2)
    assert h.ok(h.invoice(lw, job_id=a, issued_on="2026-12-31"))["number"] == "WB2026-00001"
    assert h.ok(h.invoice(lw, job_id=b, issued_on="2027-01-02"))["number"] == "WB2027-00001"
