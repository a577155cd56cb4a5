"""The avoided-cost ledger's arithmetic: Decimal, half-up to the cent, per family and year."""

from __future__ import annotations

from decimal import Decimal

import pytest

from noaber_gezinslab import costs

BASE = "/api/gezinslab/trajectories"


@pytest.mark.parametrize(
    ("unit", "quantity", "periods", "expected"),
    [
        ("60000.00", "2", "1", "120000.00"),  # two children home, one year of foster care
        ("60000.00", "2", "1.5", "180000.00"),
        ("8000.00", "1", "1", "8000.00"),
        ("33.33", "3", "0.5", "50.00"),  # 49.995 rounds half-up
        ("0.10", "3", "1", "0.30"),  # exact in Decimal, not 0.30000000000000004
        ("33.33", "1", "0.25", "8.33"),  # 8.3325
    ],
)
def test_estimate(unit, quantity, periods, expected):
    result = costs.estimate(Decimal(unit), Decimal(quantity), Decimal(periods))
    assert result == Decimal(expected)
    assert str(result) == expected


def test_totals_and_per_family():
    assert costs.total([Decimal("0.10")] * 3) == Decimal("0.30")
    assert costs.total([]) == Decimal("0.00")
    assert costs.per_family(Decimal("100.00"), 3) == Decimal("33.33")
    assert costs.per_family(Decimal("200.00"), 3) == Decimal("66.67")
    assert costs.per_family(Decimal("5.00"), 0) == Decimal("0.00")


def test_assumption_is_spelled_out():
    text = costs.assumption(
        Decimal("60000.00"), "per kind per jaar", "Indicatief", Decimal(2), Decimal("1.5")
    )
    assert text == "2 x 1.5 x € 60000.00 per kind per jaar (bron: Indicatief)"


def cost(lw, tid, kind, on, quantity, periods="1"):
    r = lw.post(
        f"{BASE}/{tid}/avoided-costs",
        json={
            "cost_kind": kind,
            "description": "voorkomen",
            "avoided_on": on,
            "quantity": quantity,
            "periods": periods,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_ledger_per_family_and_per_year(lw, h):
    a = h.start(lw, h.make_household(lw, "Gezin Visser"))["id"]
    b = h.start(lw, h.make_household(lw, "Gezin El Amrani"))["id"]
    cost(lw, a, "uithuisplaatsing", "2025-06-02", "2", "0.75")  # 90000.00
    cost(lw, b, "huisuitzetting", "2025-10-03", "1")  # 8000.00
    cost(lw, b, "uithuisplaatsing", "2026-02-01", "1", "0.5")  # 30000.00
    entry = cost(lw, a, "huisuitzetting", "2026-03-01", "1")
    assert entry["unit_amount"] == "8000.00"
    assert entry["unit"] == "per uitzetting"
    assert entry["source"].startswith("Indicatief")

    ledger = lw.get("/api/gezinslab/avoided-costs").json()
    assert ledger["total"] == "136000.00"
    assert ledger["per_trajectory"] == {str(a): "98000.00", str(b): "38000.00"}
    assert ledger["per_year"] == [
        {"year": 2025, "total": "98000.00", "families": 2, "per_family": "49000.00"},
        {"year": 2026, "total": "38000.00", "families": 2, "per_family": "19000.00"},
    ]
    only_2026 = lw.get("/api/gezinslab/avoided-costs", params={"from": "2026-01-01"}).json()
    assert only_2026["total"] == "38000.00"
    detail = lw.get(f"{BASE}/{b}").json()
    assert detail["avoided_total"] == "38000.00"
    assert (
        lw.get("/api/gezinslab/figures", params={"from": "2025-01-01", "to": "2025-12-31"}).json()[
            "costs_avoided"
        ]
        == "98000.00"
    )


def test_amounts_and_assumptions_in_dutch_notation_for_the_pages():
    from decimal import Decimal

    from noaber_gezinslab.costs import assumption_nl, number_nl

    assert number_nl(Decimal("1.50")) == "1,5"
    assert number_nl(Decimal("2.00")) == "2"
    assert assumption_nl(
        Decimal("60000.00"), "per kind per jaar", "pleegzorg", Decimal("2"), Decimal("1.5")
    ) == ("2 x 1,5 x €\xa060.000,00 per kind per jaar (bron: pleegzorg)")
    assert assumption_nl(
        Decimal("8000"), "per uitzetting", "indicatief", Decimal("1"), Decimal("1")
    ) == ("1 x €\xa08.000,00 per uitzetting (bron: indicatief)")
