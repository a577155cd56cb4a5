"""Rules of {{ cookiecutter.municipality_name }}: hook implementations for this municipality only.

Everything a setting can express belongs in ``municipality.toml``; this module is for
behaviour. It is registered in this municipality's own plugin manager next to the
plugins it enables, so a hook implemented here runs for {{ cookiecutter.municipality_name }} and for no
other tenant. Any hook in ``noaber.hookspecs`` may be implemented (see the hook
reference); argument names must match the spec.
"""

from __future__ import annotations

import logging
import tomllib
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from noaber import hookimpl
from noaber.demo.context import DemoContext

log = logging.getLogger(__name__)


class DemoHousehold(BaseModel):
    """One made-up household of the demo data (never a real person)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    postcode: str = Field(pattern=r"^[1-9]\d{3}( ?[A-Z]{2})?$")
    need: str = Field(min_length=1)


def demo_households() -> list[DemoHousehold]:
    """The demo households in ``demo_data.toml``, validated."""
    text = resources.files(__package__).joinpath("demo_data.toml").read_text(encoding="utf-8")
    return [DemoHousehold.model_validate(h) for h in tomllib.loads(text).get("households", [])]


@hookimpl
def seed_demo_data(demo: DemoContext) -> None:
    """Example hook: called by ``noaber demo`` for this municipality only.

    The plugins this municipality enables add their own demo records through the same
    hook. Here the municipality's own demo households are read and checked against its
    neighbourhoods; once core has tables for people and requests, add them with
    ``demo.session.add(...)`` (the tenant is set; do not commit).
    """
    hoods = demo.municipality.config.neighbourhoods
    postcodes = {pc[:4] for hood in hoods for pc in hood.postcodes}
    for household in demo_households():
        if household.postcode[:4] not in postcodes:
            raise ValueError(
                f"demo household {household.name!r}: postcode {household.postcode} lies in "
                "no neighbourhood of {{ cookiecutter.municipality_name }}"
            )
    log.info("%s: %d demo households checked", demo.slug, len(demo_households()))
