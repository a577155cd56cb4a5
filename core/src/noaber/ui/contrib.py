"""What plugins contribute to the web interface through the ``ui_*`` hooks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from noaber.clock import dutch_today
from noaber.errors import UserMessage

STAFF_ROLES: tuple[str, ...] = ("municipality_admin", "coordinator", "professional")
ALL_ROLES: tuple[str, ...] = (
    "platform_admin",
    "municipality_admin",
    "privacy_officer",
    "coordinator",
    "professional",
    "volunteer",
    "resident",
)


@dataclass(frozen=True)
class NavItem:
    """A link in the main navigation (``section="main"``) or a request type's intake
    form (``section="intake"`` with ``request_type``). ``label`` is an English message
    id, translated through the catalogue; ``roles`` limits who sees it, and
    ``programme`` leaves it out for accounts scoped to other programmes (the pages
    behind it would refuse them)."""

    label: str
    href: str
    roles: tuple[str, ...] = ("municipality_admin", "coordinator")
    section: str = "main"
    request_type: str | None = None
    order: int = 100
    programme: str | None = None


@dataclass(frozen=True)
class WorkItem:
    """One line on the coordinator's work list.

    ``section`` is one of ``new``, ``intake``, ``review``, ``waiting``, ``escalation``
    (or any other name: it gets its own heading). ``due`` marks it overdue once passed.
    ``detail`` is shown as it is, or translated for the reader when it is a
    :class:`~noaber.errors.UserMessage`. ``programme`` keeps the item from coordinators
    not scoped to that programme. An item replaces core's item of the same ``section``
    whose link is ``replaces`` (by default its own ``href``): a programme's own review
    dates beat core's generic ones, and may link to the programme's own page.
    """

    section: str
    title: str
    href: str
    due: date | None = None
    detail: str | UserMessage = ""
    programme: str | None = None
    replaces: str | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < dutch_today()


@dataclass(frozen=True)
class ReportTable:
    """A table on the reports page, exported as CSV and Excel; optionally charted.

    ``name`` is a slug, unique per tenant (it is the export's file name). ``chart`` is
    ``"bar"`` to draw the first column as labels and ``chart_column`` as values.
    ``programme`` names the programme (plugin) the table belongs to: its coordinators see
    it, coordinators of other programmes do not. A table without a programme is the
    whole municipality's: coordinators see it unless ``case_detail`` is set (rows that
    describe single cases, people or households), which keeps it for municipality
    admins. Admins see every table.
    """

    name: str
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    programme: str | None = None
    case_detail: bool = False
    chart: str | None = None
    chart_column: int = 1
    description: str = ""
    notes: Sequence[str] = field(default_factory=tuple)
