"""Hook implementations of the Doorbraak plugin."""

from __future__ import annotations

from collections.abc import Sequence

from litestar.types import ControllerRouterHandler
from pydantic import BaseModel

from noaber import hookimpl
from noaber.programmes import programme_route
from noaber_doorbraak.settings import DoorbraakSettings

NAME = "doorbraak"


@hookimpl
def settings_model() -> type[BaseModel]:
    return DoorbraakSettings


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    return [
        programme_route(
            NAME,
            title="Doorbraakaanpak",
            description="Een doorbraakspecialist haalt de blokkade weg die een gezin vastzet.",
        )
    ]
