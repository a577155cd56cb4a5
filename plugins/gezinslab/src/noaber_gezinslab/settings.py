"""Settings a municipality gives in ``[plugins.gezinslab]``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class UnitCost(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: Decimal = Field(ge=0, decimal_places=2, description="Euros per unit.")
    unit: str = Field(min_length=1, description="What one unit is, e.g. 'per jaar', 'per traject'.")
    source: str = Field(
        min_length=1, description="Where the figure comes from (assumption stated)."
    )


class GezinslabSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    unit_costs: dict[str, UnitCost] = Field(
        default_factory=dict, description="Avoided-cost unit prices, by kind of cost."
    )
    follow_up_interval_months: int = Field(default=3, ge=1, le=24)


def settings_of(plugin_settings: Mapping[str, object]) -> GezinslabSettings | None:
    """The Gezinslab's settings among a municipality's ``plugin_settings`` (None when the
    municipality gives none)."""
    found = plugin_settings.get("gezinslab")
    return found if isinstance(found, GezinslabSettings) else None
