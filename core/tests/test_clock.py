"""Stored times are UTC; people read them, and date things, on the Dutch clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from noaber.clock import DUTCH_TIME, as_utc, dutch_time, dutch_today
from noaber.requests.models import HelpRequest
from noaber.tenancy.context import tenant_scope
from noaber.testing import new_request
from noaber.ui.i18n import nl_date


def test_a_moment_read_back_without_a_zone_is_utc():
    assert as_utc(datetime(2026, 12, 7, 23, 30)) == datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    amsterdam = datetime(2026, 12, 8, 0, 30, tzinfo=DUTCH_TIME)
    assert as_utc(amsterdam) == datetime(2026, 12, 7, 23, 30, tzinfo=UTC)


def test_the_dutch_clock_follows_winter_and_summer_time():
    assert dutch_time(datetime(2026, 12, 31, 23, 30)).replace(tzinfo=None) == datetime(
        2027, 1, 1, 0, 30
    )
    assert dutch_time(datetime(2026, 7, 1, 22, 30)).replace(tzinfo=None) == datetime(
        2026, 7, 2, 0, 30
    )


def test_nl_date_writes_moments_in_dutch_time_and_dates_as_they_are():
    assert nl_date(datetime(2026, 12, 31, 23, 30)) == "01-01-2027 00:30"
    assert nl_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01-01-2027 00:30"
    assert nl_date(date(2026, 12, 31)) == "31-12-2026"
    assert nl_date(None) == "\u2013"


def test_today_is_the_date_in_the_netherlands():
    before = datetime.now(UTC)
    today = dutch_today()
    after = datetime.now(UTC)
    # The Dutch date lies one or two hours ahead of UTC's: it is one of the dates the
    # Dutch clock showed during the call, and never UTC's date when those differ.
    assert today in {before.astimezone(DUTCH_TIME).date(), after.astimezone(DUTCH_TIME).date()}
    assert today - before.date() in (timedelta(0), timedelta(days=1))


def test_the_request_page_shows_when_it_was_received_in_dutch_time(platform, client_for):
    coordinator = client_for("meppel")
    request_id = new_request(coordinator)
    with tenant_scope("meppel"), platform.sessions() as session:
        stored = session.exec(select(HelpRequest).where(HelpRequest.id == request_id)).one()
        stored.created_at = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # New Year's Eve, UTC
        session.add(stored)
        session.commit()
    page = coordinator.get(f"/aanvragen/{request_id}")
    assert page.status_code == 200, page.text
    assert "01-01-2027 00:30" in page.text
    assert "31-12-2026 23:30" not in page.text
