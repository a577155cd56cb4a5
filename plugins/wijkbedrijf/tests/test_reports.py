"""The wijkbedrijf's tables on the reports page (``ui_reports``), their CSV and Excel
exports, and who may see them."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

PAGE = "/beheer/rapportages"


def exported(client: Any, name: str) -> list[list[str]]:
    response = client.get(f"{PAGE}/{name}.csv")
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_hours_revenue_jobs_attendance_and_outflow(lw, h):
    base = h.base
    vol_a = h.volunteer(lw, "Sjoerd")
    vol_b = h.volunteer(lw, "Anna", skills=["samen koken"])
    garden = h.ok(h.job(lw, h.person(lw, "Grietje")))
    cooking = h.ok(
        h.job(lw, h.person(lw, "Hiltje"), "samen koken", rate_code="minima", income_pct=90)
    )
    a = h.confirmed(lw, garden["id"], vol_a)
    b = h.confirmed(
        lw, cooking["id"], vol_b, start="2026-03-04T17:00:00+01:00", end="2026-03-04T19:00:00+01:00"
    )
    worked = [Decimal("3"), Decimal("2")]
    h.approved(lw, garden["id"], a["id"], str(worked[0]))
    h.approved(lw, cooking["id"], b["id"], str(worked[1]), on="2026-03-04")
    invoices = [
        h.ok(h.invoice(lw, job_id=garden["id"], issued_on="2026-03-10")),
        h.ok(h.invoice(lw, job_id=cooking["id"], issued_on="2026-03-10")),
    ]
    credit = h.ok(
        lw.post(
            f"{base}/invoices/{invoices[0]['id']}/credit",
            json={"reason": "Half uur minder", "amount": "4.50", "issued_on": "2026-04-02"},
        )
    )
    participant = h.ok(
        lw.post(
            f"{base}/participants",
            json={
                "person_id": h.person(lw, "Wiebe"),
                "started_on": "2026-02-01",
                "supervisor": "M",
            },
        )
    )
    kitchen = h.ok(lw.post(f"{base}/activities", json={"name": "Buurtkeuken", "supervisor": "M"}))
    days = ["2026-03-02", "2026-03-03", "2026-04-01"]
    for day in days:
        h.ok(
            lw.post(
                f"{base}/attendance",
                json={
                    "participant_id": participant["id"],
                    "activity_id": kitchen["id"],
                    "day": day,
                },
            )
        )
    h.ok(
        lw.post(
            f"{base}/outflow",
            json={
                "participant_id": participant["id"],
                "kind": "betaald_werk",
                "on": "2026-04-20",
                "description": "Parttime in de keuken",
            },
        )
    )

    page = lw.get(PAGE)
    assert page.status_code == 200
    assert 'aria-label="Wijkbedrijf: uren per maand"' in page.text
    assert 'aria-label="Wijkbedrijf: omzet per maand"' in page.text
    for name in ("Grietje", "Hiltje", "Wiebe", "Sjoerd"):
        assert name not in page.text

    hours = exported(lw, "wijkbedrijf-uren-per-maand")
    assert hours[0][:2] == ["Maand", "Goedgekeurde uren"]
    march = {row[0]: row for row in hours[1:]}["2026-03"]
    assert Decimal(march[1]) == sum(worked)
    assert march[2] == "2"  # two volunteers worked
    assert [row[0] for row in hours[1:]] == ["2026-03", "2026-04"]  # months without work left out

    revenue = {row[0]: row for row in exported(lw, "wijkbedrijf-omzet-per-maand")[1:]}
    billed = sum(Decimal(i["total"]) for i in invoices)
    reduced = Decimal(invoices[1]["total"])
    assert Decimal(revenue["2026-03"][1]) == billed
    assert Decimal(revenue["2026-03"][2]) == reduced
    assert Decimal(revenue["2026-03"][3]) == (reduced / billed * 100).quantize(Decimal("0.1"))
    assert Decimal(revenue["2026-04"][1]) == Decimal(credit["total"])  # negative
    assert Decimal(revenue["2026-04"][4]) == -Decimal(credit["total"])

    categories = exported(lw, "wijkbedrijf-klussen-per-categorie")
    assert categories[0] == ["Categorie", "2026", "Totaal"]
    assert categories[1:] == [["samen koken", "1", "1"], ["tuinonderhoud", "1", "1"]]

    attendance = {row[0]: row[1:] for row in exported(lw, "wijkbedrijf-dagbesteding-per-maand")[1:]}
    assert attendance["2026-03"] == [str(sum(d.startswith("2026-03") for d in days)), "1"]
    assert attendance["2026-04"] == [str(sum(d.startswith("2026-04") for d in days)), "1"]

    outflow = exported(lw, "wijkbedrijf-uitstroom")
    assert outflow[1:] == [
        ["Opleiding", "0", "0"],
        ["Betaald werk", "1", "1"],
        ["Onbetaald werk", "0", "0"],
    ]

    response = lw.get(f"{PAGE}/wijkbedrijf-omzet-per-maand.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Maand"
    assert rows[1][0] == "2026-03"
    assert Decimal(str(rows[1][1])) == billed


def test_reports_are_for_the_wijkbedrijf_s_coordinators_and_admins_of_leeuwarden(client_for):
    name, title = "wijkbedrijf-uren-per-maand", "Wijkbedrijf: uren per maand"
    coordinator = client_for("leeuwarden", role="coordinator", programme="gezinslab")
    page = coordinator.get(PAGE)
    assert page.status_code == 200
    assert title not in page.text
    assert coordinator.get(f"{PAGE}/{name}.csv").status_code == 403
    own = client_for("leeuwarden", role="coordinator", programme="wijkbedrijf")
    assert title in own.get(PAGE).text
    assert own.get(f"{PAGE}/{name}.csv").status_code == 200
    assert client_for("leeuwarden").get(f"{PAGE}/{name}.csv").status_code == 200
    meppel = client_for("meppel")  # does not run the wijkbedrijf
    assert "Wijkbedrijf" not in meppel.get(PAGE).text
    assert meppel.get(f"{PAGE}/{name}.csv").status_code == 404
