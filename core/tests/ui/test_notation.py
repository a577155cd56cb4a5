"""Dutch numbers and money: one rule for every form (noaber.ui.notation)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from noaber.ui.notation import nl_money, nl_number, typed_decimal


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1,5", "1.5"),
        ("1.234,50", "1234.50"),
        ("€ 1.250,50", "1250.50"),
        ("€\xa04,50", "4.50"),
        (" 12 ", "12"),
        ("4.200", "4200"),  # a point grouping digits by three: thousands
        ("1.234.567", "1234567"),
        ("2.25", "2.25"),  # a point alone: a decimal point
        ("0.5", "0.5"),
        ("1.2345", "1.2345"),  # not groups of three: left for the model to judge
        ("-1.000", "-1000"),
        ("veel", "veel"),  # no number: the model refuses it with its own message
        ("", ""),
    ],
)
def test_typed_numbers_are_read_the_dutch_way(typed: str, read: str) -> None:
    assert typed_decimal(typed) == read


def test_every_read_number_is_a_decimal_or_refused_by_it() -> None:
    for typed in ("1,5", "€ 1.250,50", "4.200", "2.25"):
        assert Decimal(typed_decimal(typed)) > 0


def test_money_is_written_to_the_cent_with_a_no_break_space() -> None:
    assert nl_money(Decimal("1234")) == "€\xa01.234,00"
    assert nl_money(Decimal("180000.005")) == "€\xa0180.000,01"  # half a cent up
    assert nl_money(Decimal("0.5")) == "€\xa00,50"
    assert nl_money(Decimal("-12.5")) == "€\xa0-12,50"


def test_numbers_are_grouped_by_points_with_a_decimal_comma() -> None:
    assert nl_number(1234.5, 1) == "1.234,5"
    assert nl_number(1234567) == "1.234.567"
    assert nl_number(None) == "\u2013"
