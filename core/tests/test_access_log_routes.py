"""The access log names the persons each page and API route shows, checked on the
live route table.

A route that shows a household, a request, a family or a case but names nobody writes
its entry under the object alone, and the people concerned never find the view under
"who saw my data" (which searches by data subject). Four route families had that gap
before this test; it stops new ones: a route added later is covered without editing
this file. Every ``GET`` of the app is asked, as an administrator with every
programme, with ids of the demo data in its path (found through the metadata, as the
cross-tenant matrix does). For an answer 200:

* a route that shows one object by its id is logged with at least one data subject,
  each a person of the municipality (routes without personal data are listed below,
  with the reason);
* every person whose full name a page shows, and every ``person_id`` an API answer
  holds, is among the entry's subjects (lists and overviews too).
"""

from __future__ import annotations

import html
import itertools
import re
import secrets
from collections import Counter, defaultdict

import pytest
from sqlmodel import select

from noaber.demo.seed import seed_demo
from noaber.matching.models import Match
from noaber.people.models import Person
from noaber.privacy.models import AccessLogEntry
from noaber.requests.models import HelpRequest
from noaber.tenancy.context import tenant_scope
from noaber.testing import candidate_tables, fill_path, ids_by_table, live_routes

SLUG = "leeuwarden"  # the demo municipality with every programme
TRIES = 20  # ids tried per route for an answer 200 (a family's suggestions need a vraaggezin)

NO_PERSONAL_DATA = {
    "/api/organisations/{organisation_id}": "a partner organisation: name and kind",
    "/api/professionals/{professional_id}": "a professional at work, not a data subject",
    "/api/doorbraak/referrers/{organisation_id}/tokens": "a referrer's API tokens",
}

NOT_REACHED = {
    "/api/auth/oidc/login": "the demo has no identity provider",
    "/api/auth/oidc/callback": "the demo has no identity provider",
    "/huisstijl/logo": "the demo municipalities have no logo file",
    "/tweestapsverificatie": "only for staff without a second factor",
    "/api/gezinslab/lessons/overview": "needs a period (from, to)",
    "/api/wijkbedrijf/figures": "needs a period (from, to)",
}
"""Routes no demo account reaches with ids alone, and why."""


def _shown(response, names: dict[str, set[int]]) -> list[set[int]]:
    """The persons an answer shows: per full name on a page, the persons of that name
    (any of them may be meant); each ``person_id`` of a JSON answer."""
    kind = response.headers.get("content-type", "")
    if "html" in kind:
        text = html.unescape(response.text)
        return [
            ids
            for name, ids in names.items()
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
        ]
    if "json" in kind:
        found: list[set[int]] = []

        def walk(value: object) -> None:
            if isinstance(value, dict):
                for key, item in value.items():
                    if key == "person_id" and isinstance(item, int):
                        found.append({item})
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(response.json())
        return found
    return []


def _subjects(platform, trace_id: str) -> tuple[int, set[int]]:
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        entries = session.exec(select(AccessLogEntry).where(AccessLogEntry.trace_id == trace_id))
        rows = list(entries)
        return len(rows), {e.subject_person_id for e in rows if e.subject_person_id is not None}


@pytest.mark.slow
def test_every_route_names_the_persons_it_shows(make_platform, client_for, capsys):
    platform = make_platform(rate_limit_per_minute=0, tenant_rate_limit_per_minute=0)
    seed_demo(platform)
    ids = ids_by_table(platform, SLUG, limit=TRIES)
    names: dict[str, set[int]] = defaultdict(set)
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        for person in session.exec(select(Person)):
            names[f"{person.given_name} {person.family_name}"].add(person.id)
    persons = set().union(*names.values())
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        resident = session.exec(
            select(HelpRequest.person_id).where(HelpRequest.person_id.is_not(None))
        ).first()
        volunteer = session.exec(select(Match.helper_id)).first()
    # Routes of one's own (/api/me, /mijn) answer a resident or a volunteer.
    clients = [
        client_for(SLUG),
        client_for(SLUG, role="resident", person_id=resident),
        client_for(SLUG, role="volunteer", helper_id=volunteer),
    ]
    gaps, reached, unreached = [], [], []
    statuses: Counter[int] = Counter()
    for route, method in live_routes(clients[0].app):
        handler = route.route_handler_map[method][0]
        params = list(route.path_parameters)
        if (
            method != "GET"
            or any(p.type is not int for p in route.path_parameters.values())
            or handler.opt.get("access_log") is False
        ):
            continue
        path_format = route.path_format
        candidates = {p: candidate_tables(p, path_format, ids) for p in params}
        if any(len(tables) != 1 for tables in candidates.values()):
            unreached.append(f"{path_format}: no table for its ids")
            continue
        answered, response = None, None
        tries = min((len(ids[tables[0]]) for tables in candidates.values()), default=1)
        for client, n in itertools.product(clients, range(tries)):
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
        if answered is None and path_format not in NOT_REACHED:
            unreached.append(f"{path_format}: no answer 200 for the demo's ids")
            continue
        if answered is None:
            continue
        reached.append(path_format)
        entries, named = _subjects(platform, answered)
        unnamed = [ids for ids in _shown(response, names) if not ids & named]
        if unnamed:
            shown = sorted(min(ids) for ids in unnamed)
            gaps.append(f"GET {path_format}: shows persons it does not name: {shown}")
        if path_format in NO_PERSONAL_DATA or not params:
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
        for line in gaps:
            print(f"  gap: {line}")
    assert gaps == []
    assert unreached == [], "a route the demo data does not reach escapes this test"
    assert "/api/households/{household_id}" in reached
    assert set(NO_PERSONAL_DATA) - set(reached) == set(), "a listed route is no longer reached"
