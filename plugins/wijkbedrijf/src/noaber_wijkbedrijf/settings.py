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
    max_income_pct: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="Income-based rate: applies only to a household whose income is at most "
        "this percentage of the social minimum (the job records the percentage).",
    )


class WijkbedrijfSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    hourly_rate: Money | None = Field(
        default=Decimal("9.00"),
        ge=0,
        decimal_places=2,
        description="What a resident pays per hour of help, in euros. Leave it out to price "
        "only the categories in category_rates: a job in another category is refused.",
    )
    reduced_rates: list[ReducedRate] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=lambda: list(DEFAULT_CATEGORIES), min_length=1)
    category_rates: dict[str, Money] = Field(
        default_factory=dict, description="Hourly rate per category where it differs."
    )
    allowance_per_hour: Money = Field(default=Decimal("0.00"), ge=0, decimal_places=2)
    allowance_monthly_cap: Money = Field(default=Decimal("0.00"), ge=0, decimal_places=2)
    allowance_yearly_cap: Money | None = Field(
        default=None,
        ge=0,
        decimal_places=2,
        description="Most a volunteer receives in allowances per calendar year, in euros "
        "(the limit of the volunteer allowance); no yearly limit when left out.",
    )
    invoice_sender: str = Field(
        default="Sociaal wijkbedrijf",
        min_length=1,
        max_length=200,
        description="Name printed at the top of invoices.",
    )
    payment_term_days: int = Field(
        default=14, ge=0, le=365, description="Days a resident has to pay an invoice."
    )

    mail_retry_minutes: list[int] = Field(
        default_factory=lambda: [5, 15, 60, 240],
        max_length=10,
        description="Minutes to wait before each new try of a resident's confirmation mail "
        "that failed (mail server down or refusing for now): after the first failure the "
        "first wait, and so on. After the last try it stays failed and a coordinator "
        "resends it. A mail server refusing the address for good is not retried. Empty: "
        "no automatic retries.",
    )

    @model_validator(mode="after")
    def _rates_for_known_categories(self) -> Self:
        unknown = set(self.category_rates) - set(self.categories)
        if unknown:
            raise ValueError(f"category_rates names unknown categories: {sorted(unknown)}")
        codes = [r.code for r in self.reduced_rates]
        if len(codes) != len(set(codes)):
            raise ValueError("reduced_rates: every code must be unique")
        if any(not 1 <= m <= 7 * 24 * 60 for m in self.mail_retry_minutes):
            raise ValueError("mail_retry_minutes: every wait is 1 to 10080 minutes (a week)")
        if any(len(c) > 60 for c in self.categories):
            raise ValueError("categories: a category name has at most 60 characters")
        return self

    @property
    def mail_attempts(self) -> int:
        """How often a confirmation mail is tried at most, the first try included."""
        return 1 + len(self.mail_retry_minutes)

    def rate_for(self, category: str) -> Money | None:
        """The full hourly rate of a category, or None when none is configured."""
        return self.category_rates.get(category, self.hourly_rate)

    def reduced(self, code: str) -> ReducedRate | None:
        return next((r for r in self.reduced_rates if r.code == code), None)
