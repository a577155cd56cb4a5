"""The ``buurtgezin`` request type: a vraaggezin's way through Buurtgezinnen, and the
lifecycle of its coupling with a steungezin (core enforces both: a skipped step is a 409
listing the allowed next steps)."""

from __future__ import annotations

from noaber.requests.types import RequestType, Workflow

REQUEST_TYPE = "buurtgezin"

PHASES = ("kennismaking", "proefperiode", "afspraken", "actief", "afgesloten")
RUNNING = frozenset({"kennismaking", "proefperiode", "afspraken", "actief"})

BUURTGEZIN = RequestType(
    name=REQUEST_TYPE,
    title="Buurtgezin",
    programme="buurtgezinnen",
    description=(
        "Een gezin met kinderen (0-23 jaar) dat steun zoekt van een steungezin uit de buurt."
    ),
    workflow=Workflow(
        initial="aangemeld",
        transitions={
            "aangemeld": ("intake", "geannuleerd"),
            "intake": ("zoeken", "geannuleerd"),
            "zoeken": ("gekoppeld", "wachtlijst", "geannuleerd"),
            "wachtlijst": ("zoeken", "gekoppeld", "geannuleerd"),
            "gekoppeld": ("afgesloten", "zoeken"),
            "afgesloten": (),
            "geannuleerd": (),
        },
        reason_required=frozenset({"geannuleerd", "afgesloten"}),
    ),
    match_lifecycle=Workflow(
        initial="kennismaking",
        transitions={
            "kennismaking": ("proefperiode", "afgesloten"),
            "proefperiode": ("afspraken", "afgesloten"),
            "afspraken": ("actief", "afgesloten"),
            "actief": ("afgesloten",),
            "afgesloten": (),
        },
        reason_required=frozenset({"afgesloten"}),
    ),
    open_statuses=frozenset({"zoeken", "wachtlijst"}),
    load_statuses=RUNNING,
    involves_children=True,
    default_skills=(),
)
