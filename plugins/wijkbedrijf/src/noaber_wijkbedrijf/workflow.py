"""The ``klus`` request type: a job's workflow and the lifecycle of its volunteers."""

from __future__ import annotations

from noaber.requests.types import RequestType, Workflow

REQUEST_TYPE = "klus"

KLUS = RequestType(
    name=REQUEST_TYPE,
    title="Klus",
    programme="wijkbedrijf",
    description="A small job for a resident, done by neighbourhood volunteers for a small fee.",
    workflow=Workflow(
        initial="aangemeld",
        transitions={
            "aangemeld": ("ingepland", "geannuleerd"),
            "ingepland": ("uitgevoerd", "aangemeld", "geannuleerd"),
            "uitgevoerd": ("afgerond",),
            "afgerond": (),
            "geannuleerd": (),
        },
        reason_required=frozenset({"geannuleerd"}),
    ),
    match_lifecycle=Workflow(
        initial="voorgesteld",
        transitions={
            "voorgesteld": ("bevestigd", "afgewezen", "ingetrokken"),
            "bevestigd": ("uitgevoerd", "ingetrokken"),
            "uitgevoerd": (),
            "afgewezen": (),
            "ingetrokken": (),
        },
        reason_required=frozenset({"afgewezen", "ingetrokken"}),
    ),
    open_statuses=frozenset({"aangemeld", "ingepland"}),
    load_statuses=frozenset({"voorgesteld", "bevestigd"}),
)
