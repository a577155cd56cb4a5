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


def euro(value: Decimal) -> str:
    """``€ 1.234,50`` (Dutch notation) for documents residents read."""
    q = cents(value)
    sign = "-" if q < 0 else ""
    whole, frac = f"{abs(q):.2f}".split(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}€ {'.'.join(groups)},{frac}"
