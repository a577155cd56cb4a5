"""The overview for policy makers over a period (``?van=&tot=``, this calendar year
unless chosen): the key figures, what practice taught (lessons and system blockages,
per tag, each listed) and the avoided-cost ledger per year and per family.

The same services as the API's ``/lessons/overview``, ``/figures`` and
``/avoided-costs``. Families are named, and linked to their trajectory, only for a
viewer who may see trajectories (:data:`~.common.ROLES`), and then named in the access
log; anyone else sees the ledger per year alone.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get
from sqlmodel import Session

from noaber.clock import dutch_today
from noaber.ui.forms import FormState
from noaber.ui.i18n import nl_date
from noaber.ui.notation import nl_money
from noaber.ui.templating import gettext_for, render
from noaber.web.dependencies import DbSession
from noaber_gezinslab import costs, services
from noaber_gezinslab import figures as figures_module
from noaber_gezinslab.pages.common import (
    LEARNING_ROLES,
    LESSONS,
    OVERVIEW,
    sees_trajectories,
    trajectory_url,
)
from noaber_gezinslab.privacy import note_trajectories
from noaber_gezinslab.schemas import LedgerOut

FROM_PARAM = "van"
"""The period's first day (``2026-01-01``)."""
TO_PARAM = "tot"
"""The period's last day, included."""
PERIOD_MESSAGES = {
    FROM_PARAM: "Enter the first day of the period as a date, for example 2026-01-01.",
    TO_PARAM: "Enter the last day of the period as a date, for example 2026-12-31.",
}
REVERSED = "The period ends (%(end)s) before it begins (%(start)s)."


def year_of(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def period_of(
    request: Request[Any, Any, Any], today: date
) -> tuple[date, date, dict[str, str], dict[str, str]]:
    """The period asked for: its first and last day, what was typed, and an English
    message id per parameter that is not a date (or ends before it begins)."""
    default = dict(zip((FROM_PARAM, TO_PARAM), year_of(today.year), strict=True))
    typed: dict[str, str] = {}
    days: dict[str, date] = {}
    errors: dict[str, str] = {}
    for name in (FROM_PARAM, TO_PARAM):
        raw = (request.query_params.get(name) or "").strip()
        typed[name] = raw or default[name].isoformat()
        try:
            days[name] = date.fromisoformat(raw) if raw else default[name]
        except ValueError:
            errors[name] = PERIOD_MESSAGES[name]
            days[name] = default[name]
    if not errors and days[TO_PARAM] < days[FROM_PARAM]:
        errors[TO_PARAM] = REVERSED
    return days[FROM_PARAM], days[TO_PARAM], typed, errors


def ledger_per_family(session: Session, ledger: LedgerOut) -> list[dict[str, Any]]:
    """One row per family with costs avoided in the period: its name, the kinds of cost
    with the assumption behind each estimate, and its total; the largest total first.
    The families are named in the access log."""
    families = services.families_of(session, list(ledger.per_trajectory))
    note_trajectories(session, list(ledger.per_trajectory))
    kinds: dict[int, list[str]] = defaultdict(list)
    for entry in ledger.entries:
        kinds[entry.trajectory_id].append(
            f"{entry.cost_kind}: "
            + costs.assumption_nl(
                entry.unit_amount, entry.unit, entry.source, entry.quantity, entry.periods
            )
        )
    rows = [
        {
            "trajectory_id": tid,
            "family": families[tid].name if tid in families else "",
            "url": trajectory_url(tid),
            "kinds": kinds[tid],
            "total": total,
        }
        for tid, total in ledger.per_trajectory.items()
    ]
    return sorted(rows, key=lambda r: (-r["total"], r["family"]))


def overview_page(request: Request[Any, Any, Any], session: Session) -> Response[Any]:
    _ = gettext_for(request)
    today = dutch_today()
    start, end, typed, errors = period_of(request, today)
    context: dict[str, Any] = {
        "page_title": _("Gezinslab: overview for policy makers"),
        "period": FormState(
            values=typed,
            errors={
                name: _(message) % {"start": nl_date(start), "end": nl_date(end)}
                if message == REVERSED
                else _(message)
                for name, message in errors.items()
            },
        ),
        "from_name": FROM_PARAM,
        "to_name": TO_PARAM,
        "overview_url": OVERVIEW,
        "lessons_url": LESSONS,
        "years": [(year, *year_of(year)) for year in (today.year, today.year - 1)],
        "money": nl_money,
        "start": None,
        "end": None,
    }
    if errors:
        return render(request, "gezinslab/overview.html", context, status_code=400)
    ledger = figures_module.ledger(session, period_from=start, period_to=end)
    sees = sees_trajectories(request)
    context |= {
        "start": start,
        "end": end,
        "figures": figures_module.figures(session, period_from=start, period_to=end),
        "learned": services.lesson_overview(session, start, end),
        "ledger": ledger,
        "sees_families": sees,
        "per_family": ledger_per_family(session, ledger) if sees else [],
    }
    return render(request, "gezinslab/overview.html", context)


class OverviewPages(Controller):
    path = OVERVIEW
    opt = {"roles": LEARNING_ROLES}

    @get("/", sync_to_thread=True, name="gezinslab-overview")
    def overview(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
        return overview_page(request, db_session)
