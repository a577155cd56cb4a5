"""The Meppel article's figures, reproduced by entering that history through the API.

"De proeftuin met buurtgezinnen begon op 1 september 2020 ... In het eerste jaar werden
tien steun- en vraaggezinnen aan elkaar gekoppeld. In het tweede jaar kwamen daar nog
vijftien koppelingen bij. Maar liefst 71 steungezinnen meldden zich tijdens de
proefperiode aan." -- and B&W make €58,000 a year available (seeds/003).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from noaber.clock import dutch_today

START = date(2020, 9, 1)
YEAR_ONE = ("2020-09-01", "2021-08-31")
YEAR_TWO = ("2021-09-01", "2022-08-31")
POSTCODES = ("7941 AA", "7942 AA", "7943 AA", "7944 AA")


def _post(client: Any, bg: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = bg.ok(client.post(bg.BASE + path, json=body))
    return result


def _steungezin(client: Any, bg: Any, k: int, signed_up: date, coupled: bool) -> int:
    body = bg.steungezin_body(name=f"Gezin Steun {k:02d}", postcode=POSTCODES[k % 4])
    body["signed_up_on"] = signed_up.isoformat()
    if coupled:
        body["vog_issued_on"] = (signed_up + timedelta(days=5)).isoformat()
        body["vog_valid_until"] = (dutch_today() + timedelta(days=365)).isoformat()
    fid = int(_post(client, bg, "/steungezinnen", body)["id"])
    if coupled:
        for d in (3, 7):
            visit = {"visited_on": (signed_up + timedelta(days=d)).isoformat()}
            _post(client, bg, f"/families/{fid}/visits", visit)
        check = {"checked_on": (signed_up + timedelta(days=10)).isoformat()}
        _post(client, bg, f"/families/{fid}/competence", check)
    return fid


def _vraaggezin(client: Any, bg: Any, n: int, signed_up: date, postcode: str) -> int:
    body = bg.vraaggezin_body(name=f"Gezin Vraag {n:02d}", postcode=postcode)
    body["children"] = [
        {"given_name": "Oudste", "birth_year": 2012},
        {"given_name": "Jongste", "birth_year": 2016},
    ]
    body["signed_up_on"] = signed_up.isoformat()
    fid = int(_post(client, bg, "/vraaggezinnen", body)["id"])
    for d in (7, 14):
        _post(
            client,
            bg,
            f"/families/{fid}/visits",
            {"visited_on": (signed_up + timedelta(days=d)).isoformat()},
        )
    _post(client, bg, f"/families/{fid}/intake", bg.INTAKE)
    done = {"completed_on": (signed_up + timedelta(days=14)).isoformat()}
    _post(client, bg, f"/families/{fid}/intake/complete", done)
    return fid


def _coupling(client: Any, bg: Any, vraag: int, steun: int, kennismaking: date) -> int:
    body = {
        "vraaggezin_id": vraag,
        "steungezin_id": steun,
        "kennismaking_on": kennismaking.isoformat(),
    }
    cid = int(_post(client, bg, "/couplings/", body)["id"])
    for to, days in (("proefperiode", 7), ("afspraken", 60), ("actief", 67)):
        step = {"to": to, "on": (kennismaking + timedelta(days=days)).isoformat()}
        if to == "afspraken":
            step["agreement"] = "Eens per week opvang na school; om de maand een uitje."
        _post(client, bg, f"/couplings/{cid}/steps", step)
    return cid


def _end(client: Any, bg: Any, cid: int, on: str, reason: str) -> None:
    _post(client, bg, f"/couplings/{cid}/steps", {"to": "afgesloten", "on": on, "reason": reason})


def enter_history(client: Any, bg: Any) -> None:
    steun = [
        _steungezin(client, bg, k, START + timedelta(days=5 * k), coupled=k < 25) for k in range(40)
    ] + [
        _steungezin(client, bg, 40 + k, date(2021, 9, 1) + timedelta(days=10 * k), coupled=False)
        for k in range(31)
    ]
    year_one = []
    for i in range(10):
        signed = date(2020, 9, 15) + timedelta(days=20 * i)
        vraag = _vraaggezin(client, bg, i, signed, POSTCODES[i % 4])
        year_one.append(_coupling(client, bg, vraag, steun[i], signed + timedelta(days=30 + i)))
    _end(client, bg, year_one[0], "2021-06-15", "doel_bereikt")
    _end(client, bg, year_one[1], "2021-07-01", "verhuisd")
    year_two = []
    for i in range(15):
        signed = date(2021, 9, 10) + timedelta(days=15 * i)
        k = 10 + i
        vraag = _vraaggezin(client, bg, 10 + i, signed, POSTCODES[k % 4])
        year_two.append(_coupling(client, bg, vraag, steun[k], signed + timedelta(days=30 + i)))
    _end(client, bg, year_one[2], "2022-03-01", "doel_bereikt")
    _end(client, bg, year_one[3], "2022-04-01", "doel_bereikt")
    _end(client, bg, year_two[0], "2022-05-01", "geen_klik")


def figures(client: Any, bg: Any, period: tuple[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = bg.ok(
        client.get(f"{bg.BASE}/figures", params={"from": period[0], "to": period[1]}), 200
    )
    return result


@pytest.mark.slow
def test_meppel_two_year_history_reproduces_the_articles_figures(mp, bg):
    enter_history(mp, bg)

    one = figures(mp, bg, YEAR_ONE)
    assert one["new_couplings"] == 10
    assert one["running_couplings"] == 10
    assert one["active_couplings"] == 10
    assert one["active_at_end"] == 8
    assert one["ended_couplings"] == 2
    assert one["ended_by_reason"] == {"doel_bereikt": 1, "verhuisd": 1}
    assert one["vraaggezinnen_signed_up"] == 10
    assert one["steungezinnen_signed_up"] == 40
    assert one["children_reached"] == 20
    assert one["average_waiting_days"] == 34.5  # 30 + mean(0..9) days to the kennismaking
    assert Decimal(one["yearly_budget"]) == Decimal("58000.00")
    assert Decimal(one["budget_for_period"]) == Decimal("58000.00")
    assert Decimal(one["budget_per_coupling"]) == Decimal("5800.00")

    two = figures(mp, bg, YEAR_TWO)
    assert two["new_couplings"] == 15
    assert two["running_couplings"] == 23  # 8 still running from year one, 15 new
    assert two["ended_couplings"] == 3
    assert two["ended_by_reason"] == {"doel_bereikt": 2, "geen_klik": 1}
    assert two["active_at_end"] == 20
    assert two["steungezinnen_signed_up"] == 31
    assert two["children_reached"] == 46
    assert two["average_waiting_days"] == 37.0  # 30 + mean(0..14)
    assert Decimal(two["budget_per_coupling"]) == Decimal("2521.74")  # 58,000 / 23

    both = figures(mp, bg, (YEAR_ONE[0], YEAR_TWO[1]))
    assert both["new_couplings"] == 10 + 15
    assert both["steungezinnen_signed_up"] == 71
    assert Decimal(both["budget_for_period"]) == Decimal("116000.00")

    calendar = bg.ok(mp.get(f"{bg.BASE}/figures", params={"year": 2021}), 200)
    assert calendar["period_from"] == "2021-01-01"
    # Year-one couplings with a kennismaking in 2021 plus year-two ones in 2021.
    assert calendar["new_couplings"] == 6 + 6
    # The history's open couplings missed their reviews: all on the work list, overdue.
    work = bg.ok(mp.get(f"{bg.BASE}/worklist"), 200)
    assert len(work) == 25 - 5
    assert all(w["kind"] == "review" and w["overdue"] for w in work)


def test_figures_refuse_a_bad_period(mp, bg):
    bad = bg.refused(
        mp.get(f"{bg.BASE}/figures", params={"from": "2022-01-01", "to": "2021-01-01"}), 422
    )
    assert "lies before" in bad["detail"]
    bg.refused(mp.get(f"{bg.BASE}/figures", params={"year": 2021, "from": "2021-01-01"}), 422)
    bg.refused(mp.get(f"{bg.BASE}/figures", params={"from": "2021-01-01"}), 422)
    empty = bg.ok(mp.get(f"{bg.BASE}/figures", params={"year": 2021}), 200)
    assert empty["new_couplings"] == 0
    assert empty["budget_per_coupling"] is None
    assert empty["average_waiting_days"] is None
