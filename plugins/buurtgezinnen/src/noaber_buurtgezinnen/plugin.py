"""Hook implementations of the Buurtgezinnen plugin."""

from __future__ import annotations

from collections.abc import Sequence

from litestar.types import ControllerRouterHandler
from pydantic import BaseModel

from noaber import hookimpl
from noaber.programmes import programme_route
from noaber_buurtgezinnen.settings import BuurtgezinnenSettings

NAME = "buurtgezinnen"


@hookimpl
def settings_model() -> type[BaseModel]:
    return BuurtgezinnenSettings


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    return [
        programme_route(
            NAME,
            title="Buurtgezinnen",
            description="Steungezinnen uit de buurt ondersteunen gezinnen die het even zwaar hebben.",
        )
    ]
