"""Leeuwarden's own matching rules (loaded as this municipality's rules module).

- ``ervaringsdeskundigheid`` (score): in Leeuwarden Oost volunteers, experts by
  experience, neighbourhood businesses and professionals work as equals (Gezinslab);
  a helper with the skill ``ervaringsdeskundige`` scores 1, others 0. Its weight is
  Leeuwarden's ``[matching.weights] ervaringsdeskundigheid`` in ``municipality.toml``.
- ``frysk`` (score): 1 when the request asks for Frisian (``fy``) and the helper speaks
  it, or when the request does not ask for it; residents who prefer Frisian are helped
  in Frisian where possible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from noaber.hookspecs import hookimpl
from noaber.matching.columns import Array, HelperColumns, RequestBatch, ScoreComponent

EXPERT_SKILL = "ervaringsdeskundige"
FRISIAN = "fy"


def expert_by_experience(_r: RequestBatch, h: HelperColumns) -> Array:
    row = h.skill_index.get(EXPERT_SKILL)
    if row is None:
        return np.zeros((1, len(h)))
    value: Array = (h.skills_t[row] > 0).astype(np.float64)[None, :]
    return value


def frisian(r: RequestBatch, h: HelperColumns) -> Array:
    column = h.language_index.get(FRISIAN)
    if column is None:
        # Nobody speaks Frisian: the requests that ask for it score 0, the others 1.
        return np.ones((len(r), 1))
    asks = r.languages[:, column] > 0
    speaks = h.languages_t[column] > 0
    value: Array = np.where(asks[:, None], speaks[None, :], True).astype(np.float64)
    return value


@hookimpl
def match_score_components(register: Callable[[ScoreComponent], None]) -> None:
    register(
        ScoreComponent(
            "ervaringsdeskundigheid",
            "1 when the helper is an expert by experience (ervaringsdeskundige).",
            expert_by_experience,
            default_weight=1.0,
        )
    )
    register(
        ScoreComponent(
            "frysk",
            "1 when the request asks for Frisian and the helper speaks it (or it is not asked).",
            frisian,
            default_weight=1.0,
        )
    )


LOCALE = Path(__file__).parent / "locale"


@hookimpl
def ui_locale_dirs() -> Sequence[str]:
    """The Dutch of the descriptions above (shown in explanations and refusals)."""
    return [str(LOCALE)]
