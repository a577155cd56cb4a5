"""Avoided-cost arithmetic, in Decimal euros rounded half-up to the cent."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from noaber.ui.notation import nl_money

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def estimate(unit_amount: Decimal, quantity: Decimal, periods: Decimal) -> Decimal:
    """``unit_amount x quantity x periods``: e.g. €60,000 per child per year x 2 children
    x 1.5 years = €180,000.00."""
    return cents(unit_amount * quantity * periods)


def total(amounts: Iterable[Decimal]) -> Decimal:
    return cents(sum(amounts, Decimal(0)))


def per_family(amount: Decimal, families: int) -> Decimal:
    return cents(amount / families) if families else cents(Decimal(0))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def assumption(
    unit_amount: Decimal, unit: str, source: str, quantity: Decimal, periods: Decimal
) -> str:
    """The estimate spelled out, with the assumption behind the unit cost."""
    factors = f"{_plain(quantity)}"
    if periods != 1:
        factors += f" x {_plain(periods)}"
    return f"{factors} x € {unit_amount:.2f} {unit} (bron: {source})"


def number_nl(value: Decimal) -> str:
    """A quantity in Dutch notation, without trailing zeros: ``1,5``, ``2``."""
    return _plain(value).replace(".", ",")


def assumption_nl(
    unit_amount: Decimal, unit: str, source: str, quantity: Decimal, periods: Decimal
) -> str:
    """:func:`assumption` in Dutch notation, for the web pages: ``2 x € 60.000,00 per kind
    per jaar (bron: ...)``."""
    factors = number_nl(quantity)
    if periods != 1:
        factors += f" x {number_nl(periods)}"
    return f"{factors} x {nl_money(unit_amount)} {unit} (bron: {source})"
