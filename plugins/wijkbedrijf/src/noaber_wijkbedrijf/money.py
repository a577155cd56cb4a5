"""Exact money: Decimal euros rounded to cents (half up, as on a Dutch invoice)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be a Decimal, got {type(value).__name__}")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def times(hours: Decimal, rate: Decimal) -> Decimal:
    return cents(hours * rate)


def total(amounts: Iterable[Decimal]) -> Decimal:
    return cents(sum(amounts, ZERO))
