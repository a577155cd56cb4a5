"""What the wijkbedrijf's page modules share: paths, roles, the outcome parameter,
the actor, Dutch local times and hours, and the names of residents and volunteers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from litestar import Request
from sqlmodel import Session, col, select

from noaber.people.models import HelperProfile, Person
from noaber.ui.i18n import nl_date
from noaber.ui.identity import viewer_of
from noaber.ui.notation import typed_decimal

ROLES = ("municipality_admin", "coordinator")
BASE = "/wijkbedrijf"
HOURS = f"{BASE}/uren"
JOBS = f"{BASE}/klussen"
NEW_JOB = f"{JOBS}/nieuw"
INVOICES = f"{BASE}/facturen"
ALLOWANCES = f"{BASE}/vergoedingen"
SUBNAV = {
    "hours_url": HOURS,
    "jobs_url": JOBS,
    "invoices_url": INVOICES,
    "allowances_url": ALLOWANCES,
}
"""The sub-navigation's links (``_subnav.html``), for every page's context."""
PAGE = "pagina"
"""A list's query parameter: the page (from 1), as core's requests list."""
NAV_LABEL = "Neighbourhood service desk"
"""The main navigation's link to the hours to approve (an English message id)."""

DONE = "gedaan"
"""The job page's query parameter after a change: what was done (one of ``DONE_WHAT``)."""
DONE_WHAT = (
    "aangemeld",
    "ingepland",
    "ingetrokken",
    "uitgevoerd",
    "geannuleerd",
    "gefactureerd",
    "betaald",
    "gecrediteerd",
    "terugbetaald",
    "tarief-gewijzigd",
)


def amount_text(typed: str) -> str | None:
    """An amount as typed the Dutch way, as a Decimal reads it; None when nothing was typed."""
    return typed_decimal(typed) or None


MONTH_FORMS = (
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$"),
    re.compile(r"^(?P<month>\d{1,2})[-/ ](?P<year>\d{4})$"),
)


def month_text(typed: str) -> str:
    """A month as typed (``03-2026``, ``3/2026`` or ``2026-03``) as ``YYYY-MM``, what the
    services read; anything else as typed (their validation refuses it)."""
    text = typed.strip()
    for form in MONTH_FORMS:
        found = form.match(text)
        if found:
            return f"{found['year']}-{int(found['month']):02d}"
    return text


def month_shown(value: date | str) -> str:
    """``03-2026``: a month (its first day, or ``YYYY-MM``) as the pages write it."""
    if isinstance(value, date):
        return value.strftime("%m-%Y")
    year, _sep, month = value.partition("-")
    return f"{month}-{year}"


def previous_month(today: date) -> str:
    """The month before ``today``'s, as the pages write it (what is invoiced or paid
    after a month ends)."""
    first = today.replace(day=1)
    return month_shown(date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1))


def job_url(job_id: int) -> str:
    return f"{JOBS}/{job_id}"


def actor_of(request: Request[Any, Any, Any]) -> str:
    return viewer_of(request).name or "coordinator"


def period(starts: datetime, ends: datetime) -> str:
    """``03-03-2026 09:00-12:00`` with an en dash (the end's date too when it is another day)."""
    start, end = nl_date(starts), nl_date(ends)
    same_day = start[:10] == end[:10]
    return f"{start}\u2013{end[11:] if same_day else end}"


def hours_text(value: Decimal) -> str:
    """``3`` or ``1,5``: hours in Dutch notation, without trailing zeros."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def person_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(Person).where(col(Person.id).in_(wanted))).all()
    return {
        p.id or 0: " ".join(part for part in (p.given_name, p.family_name) if part) for p in rows
    }


def helper_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(HelperProfile).where(col(HelperProfile.id).in_(wanted))).all()
    return {h.id or 0: h.display_name for h in rows}
