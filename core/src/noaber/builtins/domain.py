"""The core domain, registered like any plugin: people, requests and matching routes,
and the general request type every municipality has."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from litestar.types import ControllerRouterHandler

from noaber.demo.context import DemoContext
from noaber.hookspecs import hookimpl
from noaber.matching.controllers import CONTROLLERS as MATCHING
from noaber.people.controllers import CONTROLLERS as PEOPLE
from noaber.requests.controllers import CONTROLLERS as REQUESTS
from noaber.requests.types import GENERAL, RequestType


@hookimpl
def route_handlers() -> Sequence[ControllerRouterHandler]:
    return [*PEOPLE, *REQUESTS, *MATCHING]


@hookimpl
def request_types(register: Callable[[RequestType], None]) -> None:
    register(GENERAL)


@hookimpl
def seed_demo_data(demo: DemoContext) -> None:
    """Partner organisations, residents, households, helpers and general requests."""
    from noaber.demo.people import seed

    seed(demo)
