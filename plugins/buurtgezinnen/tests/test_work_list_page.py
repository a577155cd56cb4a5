"""The coordinator's work list page shows Buurtgezinnen's own reviews and trial ends."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from noaber.matching.models import Match
from noaber.people.models import HouseholdMember
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope


def _review_links(page: str) -> list[str]:
    section = page.split('id="werk-review"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'href="((?:/buurtgezinnen)?/koppelingen/\d+)"', section)


def test_the_work_list_shows_the_trial_end_instead_of_core_s_generic_review(
    platform, mp, bg, client_for
):
    vraag = bg.ready_vraaggezin(mp, signed_up_ago=300)
    steun = bg.ready_steungezin(mp, signed_up_ago=400)
    coupling = bg.ok(bg.couple(mp, vraag["id"], steun["id"], ago=250))
    bg.ok(bg.step(mp, coupling["id"], "proefperiode", 240))
    link = f"/buurtgezinnen/koppelingen/{coupling['id']}"
    # Core would put a generic review of this running match under "review": its last
    # change lies more than six months back.
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        match = session.exec(select(Match).where(Match.id == coupling["match_id"])).one()
        match.updated_at = datetime.now(UTC) - timedelta(days=200)
        session.add(match)

    coordinator = client_for("meppel", role="coordinator", programme="buurtgezinnen")
    page = coordinator.get("/werk")
    assert page.status_code == 200
    # The plugin's line, to its coupling page; core's, to /koppelingen/<match>, is replaced.
    assert _review_links(page.text) == [link]
    line = page.text.split(f'href="{link}"', 1)[1].split("</li>", 1)[0]
    assert "Gezin Jansen · Gezin de Vries" in line
    assert "einde van de proefperiode" in line
    assert "noaber-overdue" in line

    # The families' members are in the access log of that page view.
    trace = page.headers["x-trace-id"]
    households = [vraag["household_id"], steun["household_id"]]
    with tenant_scope("meppel"), platform.sessions.begin() as session:
        subjects = {
            e.subject_person_id
            for e in session.exec(select(AccessLogEntry).where(AccessLogEntry.trace_id == trace))
        }
        members = set(
            session.exec(
                select(HouseholdMember.person_id).where(
                    col(HouseholdMember.household_id).in_(households)
                )
            )
        )
    assert members
    assert subjects >= members

    # A coordinator of another programme does not see it.
    other = client_for("meppel", role="coordinator", programme="wijkbedrijf")
    assert _review_links(other.get("/werk").text) == []
