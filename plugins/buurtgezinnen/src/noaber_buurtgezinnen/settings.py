"""Settings a municipality gives in ``[plugins.buurtgezinnen]``."""

from __future__ import annotations

from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class BuurtgezinnenSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    child_age_min: int = Field(
        default=0, ge=0, le=30, description="Youngest child age of a vraaggezin."
    )
    child_age_max: int = Field(
        default=23, ge=0, le=30, description="Oldest child age of a vraaggezin."
    )
    max_couplings_per_steungezin: int = Field(default=1, ge=1, le=5)
    trial_period_months: int = Field(
        default=2, ge=1, le=6, description="Length of the proefperiode."
    )
    review_interval_months: int = Field(default=6, ge=1, le=24)
    minimum_intake_visits: int = Field(default=2, ge=1, le=10)
    yearly_budget: Decimal | None = Field(
        default=None, ge=0, decimal_places=2, description="Euros per year."
    )
    nearby_neighbourhoods: dict[str, list[str]] = Field(
        default_factory=dict,
        description=(
            "Neighbourhoods (by name) that count as nearby each other; a steungezin also "
            "supports families in the neighbourhoods near its own."
        ),
    )
    review_due_days: int = Field(
        default=30,
        ge=0,
        le=180,
        description="Days before a review's date that it appears on the coordinator's work list.",
    )

    @model_validator(mode="after")
    def _ages_ordered(self) -> Self:
        if self.child_age_min > self.child_age_max:
            raise ValueError("child_age_min must not be above child_age_max")
        return self

    def nearby(self, name: str) -> set[str]:
        """Names of the neighbourhoods near ``name`` (the relation is symmetric)."""
        found = set(self.nearby_neighbourhoods.get(name, ()))
        found |= {other for other, near in self.nearby_neighbourhoods.items() if name in near}
        found.discard(name)
        return found
