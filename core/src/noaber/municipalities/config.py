"""The schema of a municipality's ``municipality.toml``.

Everything here is declarative; behaviour that cannot be expressed as settings goes
in the package's optional ``rules`` module as hook implementations.
"""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
CbsMunicipalityCode = Annotated[str, StringConstraints(pattern=r"^GM\d{4}$")]
CbsWijkCode = Annotated[str, StringConstraints(pattern=r"^WK\d{6}$")]
CbsBuurtCode = Annotated[str, StringConstraints(pattern=r"^BU\d{8}$")]
# PC4 ("8923") or PC6 ("8923 AB" / "8923AB"); lookups use the first four digits and, if
# given, the letters.
Postcode = Annotated[
    str,
    StringConstraints(pattern=r"^[1-9]\d{3}( ?[A-Z]{2})?$", to_upper=True, strip_whitespace=True),
]
Hostname = Annotated[
    str,
    StringConstraints(
        pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
        max_length=253,
        to_lower=True,
    ),
]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Neighbourhood(_Strict):
    """A wijk as CBS defines it, with the buurten and postcodes that fall in it."""

    name: str = Field(min_length=1)
    cbs_wijk_code: CbsWijkCode
    cbs_buurt_codes: list[CbsBuurtCode] = Field(default_factory=list)
    postcodes: list[Postcode] = Field(min_length=1)

    @model_validator(mode="after")
    def _buurten_in_wijk(self) -> Self:
        for code in self.cbs_buurt_codes:
            if code[2:8] != self.cbs_wijk_code[2:8]:
                raise ValueError(f"buurt {code} does not lie in wijk {self.cbs_wijk_code}")
        return self


class Branding(_Strict):
    display_name: str | None = None
    logo: str | None = Field(default=None, description="Path of an image inside the package.")
    primary_colour: Colour = "#154273"
    secondary_colour: Colour = "#01689b"


class Privacy(_Strict):
    privacy_statement_url: HttpUrl
    data_protection_officer_email: Email


class Contact(_Strict):
    email: Email
    phone: str | None = None
    website: HttpUrl | None = None


class MatchingConfig(_Strict):
    """``[matching]``: how helpers are ranked for this municipality."""

    weights: dict[Slug, Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=dict,
        description=(
            "Weight per score component (built-in: skills, availability, proximity, "
            "languages, spare_capacity, fairness; plugins add more). Missing ones keep "
            "the component's default weight; 0 switches a component off."
        ),
    )
    suggestions: int = Field(default=10, ge=1, le=100, description="Suggestions shown per request.")
    fairness_window_days: int = Field(
        default=90,
        ge=1,
        le=730,
        description="Couplings proposed within this many days make a helper weigh less.",
    )
    vog_validity_months: int = Field(
        default=36,
        ge=1,
        le=120,
        description="How long a VOG counts as valid when no end date was recorded.",
    )


class MunicipalityConfig(_Strict):
    slug: Slug
    name: str = Field(min_length=1)
    cbs_code: CbsMunicipalityCode
    hosts: list[Hostname] = Field(
        default_factory=list,
        description="Extra host names; <slug>.<base domain> is always served.",
    )
    neighbourhoods: list[Neighbourhood] = Field(min_length=1)
    plugins: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Enabled plugins, each with its settings table (may be empty).",
    )
    branding: Branding = Field(default_factory=Branding)
    privacy: Privacy
    contact: Contact
    matching: MatchingConfig = Field(default_factory=MatchingConfig)
    retention_months: dict[Slug, Annotated[int, Field(ge=1, le=1200)]] = Field(
        default_factory=dict,
        description="How long each kind of record is kept after it is closed, in months.",
    )

    @field_validator("neighbourhoods")
    @classmethod
    def _codes_agree(cls, hoods: list[Neighbourhood], info: ValidationInfo) -> list[Neighbourhood]:
        cbs_code = info.data.get("cbs_code")
        seen: set[str] = set()
        for hood in hoods:
            if cbs_code and hood.cbs_wijk_code[2:6] != cbs_code[2:]:
                raise ValueError(
                    f"neighbourhood {hood.name!r}: wijk code {hood.cbs_wijk_code} is not in "
                    f"municipality {cbs_code}"
                )
            if hood.cbs_wijk_code in seen:
                raise ValueError(f"wijk code {hood.cbs_wijk_code} is listed twice")
            seen.add(hood.cbs_wijk_code)
        return hoods

    def host_label(self) -> str:
        """The DNS label for <label>.<base domain>: underscores are not valid in hosts."""
        return self.slug.replace("_", "-")
