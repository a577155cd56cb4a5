"""Every page and API route that shows one object by its id names the persons behind it
in the access log, generated from the live route table.

A route that shows a household, a request, a family or a case but names nobody writes
its entry under the object alone, and the people concerned never find the view under
"who saw my data" (which searches by data subject). Four route families had that gap
before this test; it stops new ones: a route added later is covered without editing
this file. Each ``GET`` with an id in its path is asked, as an administrator with every
programme, for ids of the demo data (found through the metadata, as the cross-tenant
matrix does); an answer 200 must be logged with at least one data subject, each a
person of the municipality. Routes that show no personal data are listed below, each
with the reason.
"""

from __future__ import annotations

import secrets
from collections import Counter

import pytest
from sqlmodel import select

from noaber.demo.seed import seed_demo
from noaber.people.models import Person
from noaber.privacy.models import AccessLogEntry
from noaber.tenancy.context import tenant_scope
from noaber.testing import candidate_tables, fill_path, ids_by_table, live_routes

SLUG = "leeuwarden"  # the demo municipality with every programme
TRIES = 20  # ids tried per route for an answer 200 (a family's suggestions need a vraaggezin)

NO_PERSONAL_DATA = {
    "/api/organisations/{organisation_id}": "a partner organisation: name and kind",
    "/api/professionals/{professional_id}": "a professional at work, not a data subject",
    "/api/doorbraak/referrers/{organisation_id}/tokens": "a referrer's API tokens",
}


def _subjects(platform, trace_id: str) -> tuple[int, set[int]]:
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        entries = session.exec(select(AccessLogEntry).where(AccessLogEntry.trace_id == trace_id))
        rows = list(entries)
        return len(rows), {e.subject_person_id for e in rows if e.subject_person_id is not None}


@pytest.mark.slow
def test_every_object_route_names_its_persons(make_platform, client_for, capsys):
    platform = make_platform(rate_limit_per_minute=0, tenant_rate_limit_per_minute=0)
    seed_demo(platform)
    ids = ids_by_table(platform, SLUG, limit=TRIES)
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        persons = set(session.exec(select(Person.id)))
    client = client_for(SLUG)
    gaps, reached, unreached = [], [], []
    statuses: Counter[int] = Counter()
    for route, method in live_routes(client.app):
        handler = route.route_handler_map[method][0]
        params = list(route.path_parameters)
        if (
            method != "GET"
            or not params
            or any(p.type is not int for p in route.path_parameters.values())
            or handler.opt.get("access_log") is False
        ):
            continue
        path_format = route.path_format
        candidates = {p: candidate_tables(p, path_format, ids) for p in params}
        if any(len(tables) != 1 for tables in candidates.values()):
            unreached.append(f"{path_format}: no table for its ids")
            continue
        answered = None
        for n in range(min(len(ids[tables[0]]) for tables in candidates.values())):
            values = {p: ids[tables[0]][n] for p, tables in candidates.items()}
            trace = secrets.token_hex(16)
            response = client.get(
                fill_path(path_format, params, values.__getitem__),
                headers={"traceparent": f"00-{trace}-{secrets.token_hex(8)}-01"},
            )
            statuses[response.status_code] += 1
            if response.status_code == 200:
                answered = trace
                break
        if answered is None:
            unreached.append(f"{path_format}: no answer 200 for the demo's ids")
            continue
        reached.append(path_format)
        entries, named = _subjects(platform, answered)
        if path_format in NO_PERSONAL_DATA:
            continue
        if entries == 0:
            gaps.append(f"GET {path_format}: no access-log entry")
        elif not named:
            gaps.append(f"GET {path_format}: logged without a data subject")
        elif not named <= persons:
            gaps.append(f"GET {path_format}: names persons not of {SLUG}: {named - persons}")
    with capsys.disabled():
        print(
            f"\naccess-log subjects: {len(reached)} object routes answered 200 and checked, "
            f"{len(unreached)} not reached, statuses {dict(sorted(statuses.items()))}, "
            f"{len(gaps)} gaps"
        )
        for line in unreached:
            print(f"  not reached: {line}")
    assert gaps == []
    assert unreached == [], "a route the demo data does not reach escapes this test"
    assert "/api/households/{household_id}" in reached
    assert set(NO_PERSONAL_DATA) - set(reached) == set(), "a listed route is no longer reached"
