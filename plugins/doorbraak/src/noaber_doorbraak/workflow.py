"""The doorbraak request type: how a stuck family moves through the doorbraakaanpak.

The request carries the workflow (core enforces it and writes the timeline); the case
(:class:`noaber_doorbraak.models.Case`) carries the goal, the map, the plan, the
blockages and the outcome. Closing (``afgesloten``) is refused by
:func:`noaber_doorbraak.plugin.check_request_transition` until the outcome is recorded.
"""

from __future__ import annotations

from noaber.requests.types import GENERAL, RequestType, Workflow

REQUEST_TYPE = "doorbraak"
CLOSED = "afgesloten"
CANCELLED = "geannuleerd"

DOORBRAAK = RequestType(
    name=REQUEST_TYPE,
    title="Doorbraak",
    programme="doorbraak",
    description=(
        "Een gezin dat vastzit in het systeem krijgt een doorbraakspecialist: het gezin houdt "
        "de regie, de oplossing is maatwerk en de blokkade die alles tegenhoudt gaat weg."
    ),
    workflow=Workflow(
        initial="aangemeld",
        transitions={
            "aangemeld": ("kennismaking", CANCELLED),
            "kennismaking": ("plan", CANCELLED),
            "plan": ("uitvoering", CANCELLED),
            "uitvoering": (CLOSED, "plan"),
            CLOSED: (),
            CANCELLED: (),
        },
        reason_required=frozenset({CANCELLED, CLOSED}),
    ),
    match_lifecycle=GENERAL.match_lifecycle,
    open_statuses=frozenset({"uitvoering"}),
    load_statuses=GENERAL.load_statuses,
    involves_children=True,
    default_skills=("gezinsondersteuning",),
)
