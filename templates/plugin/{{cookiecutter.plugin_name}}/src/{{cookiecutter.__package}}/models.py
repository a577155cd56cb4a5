"""Tables of {{ cookiecutter.title }} and the schemas that validate input and shape output.

Table models skip validation, so input is validated by a separate schema. Every table
whose rows belong to a municipality inherits ``TenantOwned``. After changing a table,
write a migration on this plugin's branch:
``noaber db revision --branch {{ cookiecutter.plugin_name }} -m "what changed"``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from pydantic import Field as SchemaField
from sqlmodel import Field

from noaber.clock import utcnow
from noaber.db.base import TenantOwned
from {{ cookiecutter.__package }}.workflow import INITIAL, State


class {{ cookiecutter.__class }}Item(TenantOwned, table=True):
    __tablename__ = "{{ cookiecutter.plugin_name }}_item"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    state: str = Field(default=INITIAL.value, max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class {{ cookiecutter.__class }}ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = SchemaField(min_length=1, max_length=200)


class {{ cookiecutter.__class }}Move(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: State


class {{ cookiecutter.__class }}ItemOut(BaseModel):
    id: int
    title: str
    state: State
    created_at: datetime
