"""Settings a municipality gives in ``[plugins.wijkbedrijf]``. Money is Decimal, never float."""

from __future__ import annotations

from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Money = Decimal

DEFAULT_CATEGORIES = (
    "tuinonderhoud",
    "schilderij ophangen / kleine klus in huis",
    "samen koken",
    "hoog-laagbed plaatsen",
    "samen boodschappen doen",
)


class ReducedRate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    hourly_rate: Money = Field(ge=0, decimal_places=2)
    condition: str = Field(min_length=1, description="When this rate applies, in plain words.")
    requires_reason: bool = Field(default=False, description="A coordinator must record why.")


class WijkbedrijfSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    hourly_rate: Money = Field(default=Decimal("9.00"), ge=0, decimal_places=2)
    reduced_rates: list[ReducedRate] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=lambda: list(DEFAULT_CATEGORIES), min_length=1)
    category_rates: dict[str, Money] = Field(
        default_factory=dict, description="Hourly rate per category where it differs."
    )
    allowance_per_hour: Money = Field(default=Decimal("0.00"), ge=0, decimal_places=2)
    allowance_monthly_cap: Money = Field(default=Decimal("0.00"), ge=0, decimal_places=2)

    @model_validator(mode="after")
    def _rates_for_known_categories(self) -> Self:
        unknown = set(self.category_rates) - set(self.categories)
        if unknown:
            raise ValueError(f"category_rates names unknown categories: {sorted(unknown)}")
        return self
