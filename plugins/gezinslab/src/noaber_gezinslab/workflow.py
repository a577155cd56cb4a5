"""The Gezinslab request type: how a family comes to the Gezinslab (aanmelding).

The request is the way in (self-referral, a GP practice, school or professional); once
the family and the Gezinslab decide to work together a trajectory is started for the
household, linked to the request. Helpers are matched while the team is being formed.
"""

from __future__ import annotations

from noaber.requests.types import GENERAL, RequestType, Workflow

GEZINSLAB = RequestType(
    name="gezinslab",
    title="Gezinslab",
    programme="gezinslab",
    description=(
        "Aanmelding bij het Gezinslab: samen met het gezin werken aan wat achter de "
        "problemen zit (stress, schulden, werk, gezondheid, wonen)."
    ),
    workflow=Workflow(
        initial="aangemeld",
        transitions={
            "aangemeld": ("kennismaking", "geannuleerd"),
            "kennismaking": ("team_vormen", "geannuleerd"),
            "team_vormen": ("traject", "geannuleerd"),
            "traject": ("afgesloten", "team_vormen"),
            "afgesloten": (),
            "geannuleerd": (),
        },
        reason_required=frozenset({"geannuleerd", "afgesloten"}),
    ),
    match_lifecycle=GENERAL.match_lifecycle,
    open_statuses=frozenset({"team_vormen"}),
    load_statuses=GENERAL.load_statuses,
    involves_children=True,
    default_skills=("gezinsondersteuning",),
)
