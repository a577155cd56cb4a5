"""Gezinslab's tables on the reports page (``ui_reports``), their CSV and Excel exports,
and who may see them."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from noaber.clock import dutch_today

PAGE = "/beheer/rapportages"
BASE = "/api/gezinslab/trajectories"


def exported(client: Any, name: str) -> list[list[str]]:
    response = client.get(f"{PAGE}/{name}.csv")
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_trajectories_zrm_change_costs_and_team(lw, h):
    t1 = h.start(lw, h.make_household(lw), started_on="2025-02-03")
    t2 = h.start(lw, h.make_household(lw, "Gezin Postma", children=1), started_on="2026-03-02")
    scores = {
        t1["id"]: ({"huisvesting": 1, "financien": 2}, {"huisvesting": 4, "financien": 2}),
        t2["id"]: ({"huisvesting": 2}, {"huisvesting": 3}),
    }
    dates = {t1["id"]: ("2025-02-10", "2025-09-08"), t2["id"]: ("2026-03-09", "2026-06-08")}
    for tid, (base, latest) in scores.items():
        assert h.measure(lw, tid, "baseline", dates[tid][0], base).status_code == 201
        assert h.measure(lw, tid, "follow_up", dates[tid][1], latest).status_code == 201
    h.add_member(lw, t1["id"], "vrijwilliger", "Wim Dijkstra")
    h.add_member(lw, t2["id"], "ervaringsdeskundige", "Marieke Bosma", joined_on="2026-03-02")
    r = lw.post(
        f"{BASE}/{t1['id']}/avoided-costs",
        json={
            "cost_kind": "uithuisplaatsing",
            "description": "Kind terug naar huis na de verhuizing.",
            "avoided_on": "2025-06-02",
            "quantity": "1",
            "periods": "1",
        },
    )
    assert r.status_code == 201, r.text
    avoided = Decimal(r.json()["amount"])
    r = lw.post(f"{BASE}/{t1['id']}/close", json={"closed_on": "2025-10-06", "note": "Thuis."})
    assert r.status_code == 201, r.text
    trajectories = [lw.get(f"{BASE}/{t['id']}").json() for t in (t1, t2)]

    page = lw.get(PAGE)
    assert page.status_code == 200
    assert 'aria-label="Gezinslab: trajecten per jaar"' in page.text
    assert 'aria-label="Gezinslab: verandering in zelfredzaamheid (ZRM)"' in page.text
    for name in ("Visser", "Postma", "Dijkstra", "Bosma"):
        assert name not in page.text

    def on(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    years = range(2025, dutch_today().year + 1)
    expected = []
    for year in years:
        end = date(year, 12, 31)
        started = [on(t["started_on"]) for t in trajectories]
        closed = [on(t["closed_on"]) for t in trajectories]
        expected.append(
            [
                str(year),
                str(sum(s is not None and s.year == year for s in started)),
                str(
                    sum(
                        s is not None and s <= end and (c is None or c > end)
                        for s, c in zip(started, closed, strict=True)
                    )
                ),
                str(sum(c is not None and c.year == year for c in closed)),
            ]
        )
    assert exported(lw, "gezinslab-trajecten-per-jaar")[1:] == expected

    per_domain: dict[str, list[int]] = {}
    for t in trajectories:
        for domain in t["domains"]:
            counts = per_domain.setdefault(domain, [0, 0])
            counts[t["status"] == "afgesloten"] += 1
    domains = exported(lw, "gezinslab-trajecten-per-leefgebied")
    assert domains[0] == ["Leefgebied", "Actief", "Afgesloten", "Totaal"]
    labels = {"huisvesting": "Huisvesting", "huiselijke_relaties": "Huiselijke relaties"}
    assert sorted(domains[1:]) == sorted(
        [labels[d], str(a), str(c), str(a + c)] for d, (a, c) in per_domain.items()
    )

    zrm = {row[0]: row[1:] for row in exported(lw, "gezinslab-zelfredzaamheid")[1:]}
    for domain, label in (("huisvesting", "Huisvesting"), ("financien", "Financiën")):
        pairs = [(b[domain], f[domain]) for b, f in scores.values() if domain in b]
        baseline = Decimal(sum(b for b, _f in pairs)) / len(pairs)
        latest = Decimal(sum(f for _b, f in pairs)) / len(pairs)
        change, families, mean_base, mean_latest, improved, worsened = zrm[label]
        assert Decimal(change) == latest - baseline
        assert int(families) == len(pairs)
        assert (Decimal(mean_base), Decimal(mean_latest)) == (baseline, latest)
        assert int(improved) == sum(b < f for b, f in pairs)
        assert int(worsened) == sum(b > f for b, f in pairs)

    costs = exported(lw, "gezinslab-vermeden-kosten")
    assert costs[1:] == [["2025", f"{avoided:.2f}", "1", f"{avoided:.2f}"]]

    team = exported(lw, "gezinslab-betrokkenen")
    assert team[1:] == [
        ["Vrijwilligers", "1"],
        ["Ervaringsdeskundigen", "1"],
        ["Buurtbedrijven", "0"],
        ["Professionals", "0"],
    ]

    response = lw.get(f"{PAGE}/gezinslab-zelfredzaamheid.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Leefgebied", "Gemiddelde verandering"]
    assert {r[0]: Decimal(str(r[1])) for r in rows[1:]} == {
        label: Decimal(values[0]) for label, values in zrm.items()
    }


def test_reports_are_for_gezinslab_s_coordinators_not_others_or_other_municipalities(
    client_for,
):
    name, title = "gezinslab-trajecten-per-jaar", "Gezinslab: trajecten per jaar"
    own = client_for("leeuwarden", role="coordinator", programme="gezinslab")
    assert title in own.get(PAGE).text
    assert own.get(f"{PAGE}/{name}.xlsx").status_code == 200
    other = client_for("leeuwarden", role="coordinator", programme="buurtgezinnen")
    page = other.get(PAGE)
    assert page.status_code == 200
    assert title not in page.text
    assert other.get(f"{PAGE}/{name}.xlsx").status_code == 403
    assert client_for("leeuwarden", role="professional").get(PAGE).status_code == 403
    amersfoort = client_for("amersfoort")
    assert "Gezinslab" not in amersfoort.get(PAGE).text
    assert amersfoort.get(f"{PAGE}/{name}.csv").status_code == 404
