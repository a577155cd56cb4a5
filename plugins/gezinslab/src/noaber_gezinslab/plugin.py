"""Hook implementations of the Gezinslab plugin."""

from __future__ import annotations

from collections.abc import Sequence

from litestar.types import ControllerRouterHandler
from pydantic import BaseModel

from noaber import hookimpl
from noaber.programmes import programme_route
from noaber_gezinslab.settings import GezinslabSettings

NAME = "gezinslab"


@hookimpl
def settings_model() -> type[BaseModel]:
    return GezinslabSettings


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    return [
        programme_route(
            NAME,
            title="Gezinslab",
            description="Samen met het gezin werken aan wat achter gezondheidsproblemen zit.",
        )
    ]
