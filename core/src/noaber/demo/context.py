"""What a plugin receives when it adds demo data for one tenant."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

import pluggy
from pydantic import BaseModel
from sqlmodel import Session

from noaber.municipalities.loader import Municipality


@dataclass(frozen=True)
class DemoContext:
    session: Session
    municipality: Municipality
    plugin_settings: Mapping[str, BaseModel | None]
    random: random.Random
    plugins: pluggy.PluginManager | None = None
    """The tenant's plugin manager, for core services that take one (people, requests,
    matching); None when a caller seeds without one."""

    @property
    def slug(self) -> str:
        return self.municipality.slug
