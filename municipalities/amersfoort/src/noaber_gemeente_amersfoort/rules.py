"""Amersfoort's own matching rules (loaded as this municipality's rules module).

- ``vog_voor_iedereen`` (filter): in the doorbraakaanpak helpers come into the homes of
  families in a stuck situation; Amersfoort asks every helper for a valid certificate of
  conduct (VOG), whether or not children are involved.
- ``ruime_beschikbaarheid`` (score): families in a breakthrough case need help at short
  notice; helpers available in more weekly slots score higher (1 from six slots up).
  Its weight is Amersfoort's ``[matching.weights] ruime_beschikbaarheid`` in
  ``municipality.toml``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from noaber.hookspecs import hookimpl
from noaber.matching.columns import Array, HelperColumns, MatchFilter, RequestBatch, ScoreComponent

FULL_AVAILABILITY_SLOTS = 6


def valid_vog(r: RequestBatch, h: HelperColumns) -> Array:
    keep: Array = (h.vog_until >= r.today)[None, :]
    return keep


def broad_availability(_r: RequestBatch, h: HelperColumns) -> Array:
    slots = h.availability_t.sum(axis=0, dtype=np.float64)
    value: Array = np.minimum(slots / FULL_AVAILABILITY_SLOTS, 1.0)[None, :]
    return value


@hookimpl
def match_filters(register: Callable[[MatchFilter], None]) -> None:
    register(
        MatchFilter(
            "vog_voor_iedereen",
            "Every helper has a valid VOG (Amersfoort asks it of all helpers).",
            valid_vog,
        )
    )


@hookimpl
def match_score_components(register: Callable[[ScoreComponent], None]) -> None:
    register(
        ScoreComponent(
            "ruime_beschikbaarheid",
            "Share of six weekly slots the helper is available (1 from six slots up).",
            broad_availability,
            default_weight=1.0,
        )
    )


LOCALE = Path(__file__).parent / "locale"


@hookimpl
def ui_locale_dirs() -> Sequence[str]:
    """The Dutch of the descriptions above (shown in explanations and refusals)."""
    return [str(LOCALE)]
