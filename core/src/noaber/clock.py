"""Time as Noaber keeps it and as its readers read it.

Stored times are UTC (the columns are timestamps without a zone; SQLite gives them back
without one, PostgreSQL's sessions run in UTC, see :mod:`noaber.db.engine`). People read
and date things in Dutch time: a request received at 00:30 on 1 January, Dutch time,
is dated 1 January, and an invoice made then belongs to the new year's series.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DUTCH_TIME = ZoneInfo("Europe/Amsterdam")
"""The time zone of every municipality Noaber serves (CET/CEST)."""


def utcnow() -> datetime:
    """Now, in UTC: the value to store."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored moment with its zone: one read back without a zone is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def dutch_time(moment: datetime) -> datetime:
    """A stored moment on the Dutch clock (for display and for the date it falls on)."""
    return as_utc(moment).astimezone(DUTCH_TIME)


def dutch_today() -> date:
    """Today's date in the Netherlands (the server's own zone is often UTC)."""
    return datetime.now(DUTCH_TIME).date()
