"""Settings a municipality gives in ``[plugins.doorbraak]``."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class DoorbraakSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    yearly_maatwerk_budget: Decimal = Field(default=Decimal("0.00"), ge=0, decimal_places=2)
    decision_target_hours: int = Field(default=24, ge=1, le=24 * 30)
    escalation_levels: list[str] = Field(
        default_factory=lambda: ["teamleider", "programmadirecteur", "wethouder"], min_length=1
    )
    escalation_deadline_days: int = Field(default=14, ge=1, le=365)
    small_count_threshold: int = Field(default=5, ge=1, le=100)
