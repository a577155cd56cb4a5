"""Settings a municipality gives in ``[plugins.doorbraak]``."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class DoorbraakSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    yearly_maatwerk_budget: Decimal = Field(
        default=Decimal("0.00"),
        ge=0,
        decimal_places=2,
        description="The maatwerk budget for one calendar year, in euros.",
    )
    budget_by_year: dict[int, Decimal] = Field(
        default_factory=dict,
        description='Budget for specific years (e.g. `2026 = "45000.00"`); other years get '
        "`yearly_maatwerk_budget`.",
    )
    decision_target_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 30,
        description="A spending request should be decided within this many hours.",
    )
    escalation_levels: list[str] = Field(
        default_factory=lambda: ["teamleider", "programmadirecteur", "wethouder"],
        min_length=1,
        description="The escalation path for blockages, lowest level first.",
    )
    escalation_deadline_days: int = Field(
        default=14, ge=1, le=365, description="Days a level has to decide on an escalation."
    )
    small_count_threshold: int = Field(
        default=5,
        ge=1,
        le=100,
        description="Counts under this number are suppressed in every neighbourhood figure.",
    )

    @field_validator("budget_by_year")
    @classmethod
    def _budgets(cls, value: dict[int, Decimal]) -> dict[int, Decimal]:
        for year, amount in value.items():
            if not 2000 <= year <= 2100:
                raise ValueError(f"year {year} is out of range")
            if amount < 0 or amount != amount.quantize(Decimal("0.01")):
                raise ValueError(f"budget for {year} must be a non-negative amount in cents")
        return value

    @field_validator("escalation_levels")
    @classmethod
    def _levels(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip() for v in value]
        if any(not v for v in cleaned) or len(set(cleaned)) != len(cleaned):
            raise ValueError("escalation levels must be non-empty and distinct")
        return cleaned

    def budget_for(self, year: int) -> Decimal:
        return self.budget_by_year.get(year, self.yearly_maatwerk_budget)
