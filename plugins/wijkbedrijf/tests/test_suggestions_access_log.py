"""The suggestions for a job name the resident and the suggested volunteers in the
access log, as core's suggestions route does."""

from __future__ import annotations

from sqlmodel import col, select

from noaber.people.models import HelperProfile
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope


def test_the_suggestions_for_a_job_name_the_resident_and_the_volunteers(platform, lw, h):
    resident = h.person(lw)
    person = h.person(lw, name="Sjoerd", family="Hoekstra")
    h.volunteer(lw, "Sjoerd Hoekstra", person_id=person)
    job = h.ok(h.job(lw, resident))
    found = lw.get(f"{h.base}/jobs/{job['id']}/suggestions")
    assert found.status_code == 200, found.text
    suggested = [s["helper"]["id"] for s in found.json()["suggestions"]]
    assert suggested
    with tenant_scope("leeuwarden"), platform.sessions.begin() as session:
        named = {
            e.subject_person_id
            for e in session.exec(
                select(AccessLogEntry).where(AccessLogEntry.trace_id == found.headers["x-trace-id"])
            )
        }
        volunteers = set(
            session.exec(
                select(HelperProfile.person_id).where(col(HelperProfile.id).in_(suggested))
            )
        ) - {None}
    assert person in volunteers
    assert {resident, *volunteers} <= named
