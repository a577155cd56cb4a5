"""Settings a municipality gives in ``[plugins.{{ cookiecutter.plugin_name }}]`` of its municipality.toml.

Give every field a default and a description (the configuration reference is generated
from them), forbid unknown keys, and use Decimal for money.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class {{ cookiecutter.__class }}Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    welcome_text: str = Field(
        default="Welkom bij {{ cookiecutter.title }}.",
        min_length=1,
        max_length=500,
        description="Shown to residents on the programme's page.",
    )
    max_open_items: int = Field(
        default=25,
        ge=1,
        le=10_000,
        description="How many items may be open at once in this municipality.",
    )
