"""The doorbraak tables on the reports page (``ui_reports``): cases, blockages and
escalations, budget, costs and neighbourhood factors; their CSV and Excel exports, and
who may see them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from noaber.clock import dutch_today

PAGE = "/beheer/rapportages"
BASE = "/api/doorbraak"
FACTORS = [
    "neighbourhood,factor,setting,kind,value,reference_value,year,source",
    "Liendert,Armoede,gezin,risico,21.0,11.0,2025,CBS Kerncijfers",
    "Rustenburg,Armoede,gezin,risico,12.0,11.0,2025,CBS Kerncijfers",
    "Schothorst,Armoede,gezin,risico,9.0,11.0,2025,CBS Kerncijfers",
]


def d(days: int = 0) -> str:
    return (dutch_today() + timedelta(days=days)).isoformat()


def exported(client: Any, name: str) -> dict[str, list[str]]:
    """The CSV export, keyed by its first column (the header row under "")."""
    response = client.get(f"{PAGE}/{name}.csv")
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return {"": rows[0]} | {row[0]: row[1:] for row in rows[1:]}


def ok(response: Any, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_cases_escalations_budget_costs_and_neighbourhoods(af, h, platform):
    settings = platform.municipalities["amersfoort"].plugin_settings["doorbraak"]
    threshold = settings.small_count_threshold
    cases = [h.open_case(af, h.make_household(af, f"Gezin {i}")) for i in range(threshold)]
    costs = [("4000.00", "1000.00"), ("2500.00", "3000.00")]
    for case, (before, after) in zip(cases, costs, strict=False):
        ok(
            af.post(
                f"{BASE}/cases/{case['id']}/agencies",
                json={
                    "name": "Wijkteam",
                    "involvement": "x",
                    "yearly_cost": before,
                    "yearly_cost_after": after,
                },
            )
        )
    blockages = [
        ok(
            af.post(
                f"{BASE}/cases/{case['id']}/blockages",
                json={
                    "rule": "Kostendelersnorm",
                    "owner_organisation": "Gemeente Amersfoort",
                    "description": "blokkeert",
                    "noticed_on": "2026-01-20",
                },
            )
        )
        for case in cases[:2]
    ]
    ok(
        af.post(
            f"{BASE}/blockages/{blockages[0]['id']}/escalations",
            json={
                "level": "programmamanager",
                "question": "Uitzondering?",
                "escalated_on": "2026-01-21",
                "deadline": "2026-02-01",
            },
        )
    )
    amount = Decimal("750.00")
    spend = ok(
        af.post(
            f"{BASE}/cases/{cases[0]['id']}/spending",
            json={"amount": str(amount), "purpose": "Borg voor de nieuwe woning"},
        )
    )
    ok(
        af.post(
            f"{BASE}/spending/{spend['id']}/decision",
            json={"approve": True, "decided_by": "Programmamanager"},
        )
    )
    closing = cases[-1]
    for step in ("kennismaking", "plan", "uitvoering"):
        ok(af.post(f"/api/requests/{closing['request_id']}/transitions", json={"to": step}))
    ok(
        af.put(
            f"{BASE}/cases/{closing['id']}/goal",
            json={"text": "Een eigen huis over een jaar.", "recorded_on": d()},
        ),
        200,
    )
    ok(
        af.post(
            f"{BASE}/cases/{closing['id']}/close",
            json={"outcome": "deels_behaald", "closed_on": d(), "note": "Huis, schulden nog niet"},
        )
    )
    r = af.post(
        f"{BASE}/factors/import",
        content=("\n".join(FACTORS) + "\n").encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert r.status_code == 201, r.text

    page = af.get(PAGE)
    assert page.status_code == 200
    for title in ("Doorbraak: casussen", "Doorbraak: factoren per wijk (2025)"):
        assert f'aria-label="{title}"' in page.text
    assert "Gezin 0" not in page.text

    table = exported(af, "doorbraak-casussen")
    assert table["Totaal"] == [str(len(cases))]
    assert table["Lopend"] == [str(len(cases) - 1)]
    assert table["Afgesloten"] == ["1"]
    assert table["Doel deels behaald"] == ["1"]
    assert table["Doel behaald"] == ["0"]

    blocked = exported(af, "doorbraak-knelpunten")
    assert blocked["Knelpunten"] == [str(len(blockages))]
    assert blocked["Geëscaleerd"] == ["1"]
    assert blocked["Escalaties over de termijn"] == ["1"]  # deadline 2026-02-01 passed
    rules = exported(af, "doorbraak-blokkerende-regels")
    assert rules["Kostendelersnorm"][:2] == [str(len(blockages)), str(len(blockages))]

    budget = exported(af, "doorbraak-maatwerkbudget")
    assert Decimal(budget["Budget"][0]) == settings.yearly_maatwerk_budget
    assert Decimal(budget["Besteed"][0]) == amount
    assert Decimal(budget["Nog beschikbaar"][0]) == settings.yearly_maatwerk_budget - amount
    decisions = exported(af, "doorbraak-beslistijd")
    assert decisions["Beslissingen"] == ["1"]

    money = exported(af, "doorbraak-kosten")
    before = sum(Decimal(b) for b, _a in costs)
    after = sum(Decimal(a) for _b, a in costs) + amount  # the maatwerk counts as cost
    assert Decimal(money["Zoals voorheen"][0]) == before
    assert Decimal(money["Met de doorbraak"][0]) == after
    assert Decimal(money["Verschil"][0]) == before - after

    # All cases live in Liendert (postcode 3816): shown at the threshold; every other
    # neighbourhood has fewer (none) and is suppressed.
    hoods = exported(af, "doorbraak-per-wijk")
    assert hoods[""] == ["Wijk", "Casussen", "Verwijzingen", "Koppelingen"]
    assert hoods["Liendert"][0] == str(len(cases))
    assert {v[0] for k, v in hoods.items() if k not in ("", "Liendert")} == {f"< {threshold}"}

    factors = exported(af, "doorbraak-wijkfactoren")
    values = {line.split(",")[0]: Decimal(line.split(",")[4]) for line in FACTORS[1:]}
    mean = sum(values.values()) / len(values)
    for hood, value in values.items():
        row = factors[f"{hood}: Armoede"]
        assert Decimal(row[0]) == value
        assert Decimal(row[1]) == mean
    assert Decimal(factors["Liendert: Armoede"][2]) > 0 > Decimal(factors["Schothorst: Armoede"][2])

    response = af.get(f"{PAGE}/doorbraak-wijkfactoren.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    assert Decimal(str(rows["Liendert: Armoede"][1])) == values["Liendert"]


def test_reports_are_for_doorbraak_s_coordinators_and_admins_where_it_runs(client_for):
    name, title = "doorbraak-casussen", "Doorbraak: casussen"
    own = client_for("leeuwarden", role="coordinator", programme="doorbraak")
    assert title in own.get(PAGE).text
    assert own.get(f"{PAGE}/{name}.csv").status_code == 200
    other = client_for("leeuwarden", role="coordinator", programme="gezinslab")
    page = other.get(PAGE)
    assert page.status_code == 200
    assert title not in page.text
    assert other.get(f"{PAGE}/{name}.csv").status_code == 403
    assert client_for("amersfoort").get(f"{PAGE}/{name}.xlsx").status_code == 200
    meppel = client_for("meppel")
    assert "Doorbraak" not in meppel.get(PAGE).text
    assert meppel.get(f"{PAGE}/{name}.csv").status_code == 404
