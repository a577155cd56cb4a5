"""Hook implementations of the Wijkbedrijf plugin."""

from __future__ import annotations

from collections.abc import Sequence

from litestar.types import ControllerRouterHandler
from pydantic import BaseModel

from noaber import hookimpl
from noaber.programmes import programme_route
from noaber_wijkbedrijf.settings import WijkbedrijfSettings

NAME = "wijkbedrijf"


@hookimpl
def settings_model() -> type[BaseModel]:
    return WijkbedrijfSettings


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    return [
        programme_route(
            NAME,
            title="Sociaal wijkbedrijf",
            description="Buurtbewoners doen kleine klussen voor bewoners, tegen een klein uurtarief.",
        )
    ]
