"""What a plugin receives when it adds demo data for one tenant."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel
from sqlmodel import Session

from noaber.municipalities.loader import Municipality


@dataclass(frozen=True)
class DemoContext:
    session: Session
    municipality: Municipality
    plugin_settings: Mapping[str, BaseModel | None]
    random: random.Random

    @property
    def slug(self) -> str:
        return self.municipality.slug
