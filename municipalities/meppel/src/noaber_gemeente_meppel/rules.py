"""Meppel's own matching rules (loaded as this municipality's rules module).

- ``woont_in_meppel`` (filter): Meppel couples families with children only to helpers
  who live in one of its neighbourhoods; for such requests a helper whose home is
  unknown or outside Meppel is not suggested (Buurtgezinnen is about support from the
  neighbourhood itself). Other requests (a small job) may go to anyone who reaches.
- ``leeftijdsaansluiting`` (score): how well the children's ages sit in the middle of
  the age range a support family prefers, so a family with a child of 8 goes to a
  steungezin that prefers 4-12 before one that prefers 8-18. Its weight is Meppel's
  ``[matching.weights] leeftijdsaansluiting`` in ``municipality.toml``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from noaber.hookspecs import hookimpl
from noaber.matching.columns import NO_AGE_MAX, Array, HelperColumns, MatchFilter, RequestBatch
from noaber.matching.columns import ScoreComponent as Component

NEUTRAL = 0.5
"""The value for a helper without an age preference."""


def lives_in_meppel(r: RequestBatch, h: HelperColumns) -> Array:
    children = r.needs_vog  # the request type involves children
    keep: Array = ~children[:, None] | (h.home >= 0)[None, :]
    return keep


def age_fit(r: RequestBatch, h: HelperColumns) -> Array:
    """1 when the children's mean age is the middle of the helper's range, falling to
    0 at its edges; NEUTRAL without a preference; 1 for requests without children."""
    children = r.youngest_child >= 0
    mean_age = (r.youngest_child.astype(np.float64) + r.oldest_child) / 2.0
    low = h.age_min.astype(np.float64)
    high = h.age_max.astype(np.float64)
    has_range = high < NO_AGE_MAX
    middle = (low + high) / 2.0
    half = np.maximum((high - low) / 2.0, 1.0)
    fit = np.clip(1.0 - np.abs(mean_age[:, None] - middle[None, :]) / half[None, :], 0.0, 1.0)
    value: Array = np.where(has_range[None, :], fit, NEUTRAL)
    out: Array = np.where(children[:, None], value, 1.0)
    return out


@hookimpl
def match_filters(register: Callable[[MatchFilter], None]) -> None:
    register(
        MatchFilter(
            "woont_in_meppel",
            "For families with children: the helper lives in one of Meppel's neighbourhoods.",
            lives_in_meppel,
        )
    )


@hookimpl
def match_score_components(register: Callable[[Component], None]) -> None:
    register(
        Component(
            "leeftijdsaansluiting",
            "How centrally the children's ages lie in the helper's preferred age range.",
            age_fit,
            default_weight=1.0,
        )
    )


LOCALE = Path(__file__).parent / "locale"


@hookimpl
def ui_locale_dirs() -> Sequence[str]:
    """The Dutch of the descriptions above (shown in explanations and refusals)."""
    return [str(LOCALE)]
