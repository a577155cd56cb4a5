"""Numbers and money the Dutch way: as the interface writes them and as people type them.

One rule for every form of core and the plugins: a comma is the decimal sign and a point
groups thousands (``1.234,50``); a point alone is a decimal point (``2.25``, as people
type on an English keyboard) unless it groups digits by three (``4.200``: four thousand
two hundred, as on a Dutch invoice).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
CENT = Decimal("0.01")


def typed_decimal(typed: str) -> str:
    """A number or amount as typed (``€ 1.250,50``, ``4.200``, ``1,5``, ``2.25``) in the
    notation ``Decimal`` and Pydantic read (``1250.50``, ``4200``, ``1.5``, ``2.25``).
    What is no number comes back without the euro sign and spaces, for the model's
    validation to refuse with its own message."""
    value = typed.strip().removeprefix("€")
    value = "".join(value.split())  # spaces, also the no-break space of "€ 4,50"
    if "," in value:
        return value.replace(".", "").replace(",", ".")
    if THOUSANDS.match(value):
        return value.replace(".", "")
    return value


def nl_number(value: Any, digits: int = 0) -> str:
    """``1234.5`` as ``1.234,5`` (with ``digits`` decimals); a dash for no value."""
    if value is None:
        return "\u2013"
    text = f"{float(value):,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def nl_money(amount: Decimal) -> str:
    """An amount exact to the cent as the interface writes it: ``€ 1.234,50`` (a no-break
    space after the euro sign, so the sign never ends a line), half a cent rounded up."""
    text = f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
    return "€\xa0" + text.replace(",", " ").replace(".", ",").replace(" ", ".")
