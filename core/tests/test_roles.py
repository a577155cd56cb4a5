"""Access control proven over the whole route table: role x endpoint, CSRF on every
unsafe route, and an access-log entry for every call."""

from __future__ import annotations

import re

import pytest
from litestar.routes import HTTPRoute
from sqlmodel import select

from noaber.accounts.access import PATH_OBJECTS
from noaber.accounts.roles import STAFF_ROLES, Role
from noaber.accounts.web import CSRF_EXEMPT, PUBLIC, ROLES
from noaber.privacy.models import AccessLogEntry
from noaber.privacy.web import ACCESS_LOG
from noaber.tenancy.context import tenant_scope

SLUG = "leeuwarden"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PARAM = re.compile(r"\{(\w+):(\w+)\}")
IDENTITIES = {
    "anonymous": None,
    "municipality_admin": {"role": "municipality_admin"},
    "privacy_officer": {"role": "privacy_officer"},
    "coordinator": {"role": "coordinator"},
    "coordinator_elsewhere": {"role": "coordinator", "programme": "no-such-programme"},
    "professional": {"role": "professional"},
    "volunteer": {"role": "volunteer"},
    "resident": {"role": "resident"},
}


@pytest.fixture
def platform(make_platform):
    """Hundreds of requests from one client: no rate limit in these tests."""
    return make_platform(rate_limit_per_minute=0, tenant_rate_limit_per_minute=0)


def tenant_routes(app):
    """(method, path template, handler) for every route a tenant host serves."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.opt.get("exclude_from_auth") or route.path.startswith("/schema"):
                continue
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append((method, route.path, handler))
    return sorted(found, key=lambda r: (r[1], r[0]))


def fill(path, ids=None):
    ids = ids or {}
    return PARAM.sub(lambda m: str(ids.get(m.group(1), 999_999)), path)


def refused_by_auth(response):
    """Did the guard or the CSRF check refuse it (not the route's own checks)?"""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("refused_by") in ("auth", "csrf")


def expected(handler, path, who):
    """'open' (auth lets it through: any status but 401/403) or the refusal status."""
    opt = handler.opt
    if opt.get(PUBLIC):
        return "open"
    if who == "anonymous":
        return 401
    role = Role(IDENTITIES[who]["role"])
    allowed = frozenset(Role(r) for r in opt.get(ROLES, ())) or STAFF_ROLES
    if role not in allowed:
        return 403
    if opt.get("plugin") and who == "coordinator_elsewhere":
        return 403
    if role in (Role.municipality_admin, Role.coordinator, Role.privacy_officer):
        # The privacy officer is bounded by the routes that name it, not per object.
        return "open"
    objects = [name for name, _t in PARAM.findall(path) if name in PATH_OBJECTS]
    if not objects and ROLES not in opt:
        return 403
    if objects:
        return 404
    return "open"


@pytest.mark.slow
def test_role_endpoint_matrix(client_for):
    probe = client_for(SLUG)
    routes = tenant_routes(probe.app)
    assert len(routes) > 40
    cells = 0
    wrong = []
    for who, identity in IDENTITIES.items():
        for method, path, handler in routes:
            client = (
                client_for(SLUG, anonymous=True)
                if identity is None
                else client_for(SLUG, **identity)
            )
            kwargs = {"json": {}} if method in UNSAFE else {}
            response = client.request(method, fill(path), follow_redirects=False, **kwargs)
            status = response.status_code
            want = expected(handler, path, who)
            ok = not refused_by_auth(response) if want == "open" else status == want
            if handler.opt.get("ui") and want == 401:
                ok = status in (302, 303, 401)  # the web interface sends people to log in
            cells += 1
            if not ok:
                wrong.append(f"{who:22} {method:6} {path}: {status}, expected {want}")
    print(
        f"\nrole x endpoint matrix: {cells} cells checked ({len(routes)} routes x {len(IDENTITIES)} identities)"
    )
    assert not wrong, "\n".join(wrong)


def test_every_unsafe_route_needs_the_csrf_token(client_for):
    probe = client_for(SLUG)
    unsafe = [r for r in tenant_routes(probe.app) if r[0] in UNSAFE]
    checked = 0
    for method, path, handler in unsafe:
        if handler.opt.get(CSRF_EXEMPT):
            continue
        client = client_for(SLUG)
        client.auto_csrf = False
        response = client.request(method, fill(path), json={})
        assert response.status_code == 403, f"{method} {path}: {response.status_code}"
        assert "CSRF token" in response.text, f"{method} {path}"
        checked += 1
    print(f"\nCSRF: {checked} unsafe routes refuse a request without the token")
    assert checked >= 20


@pytest.mark.slow
def test_every_call_to_a_personal_data_route_is_logged(platform, client_for):
    admin = client_for(SLUG)
    person = admin.post("/api/people", json={"given_name": "Anna", "family_name": "Visser"})
    assert person.status_code == 201, person.text
    household = admin.post(
        "/api/households",
        json={"name": "Visser", "members": [{"person_id": person.json()["id"], "role": "parent"}]},
    )
    ids = {"person_id": person.json()["id"]}
    if household.status_code == 201:
        ids["household_id"] = household.json()["id"]
    routes = [r for r in tenant_routes(admin.app) if r[2].opt.get(ACCESS_LOG, True) is not False]
    calls = []
    for method, path, _handler in routes:
        if (
            path.startswith("/api/auth/logout")
            or path == "/uitloggen"
            or path.endswith(("/erase", "/wissen"))
        ):
            continue  # would end the session or erase the test's person
        kwargs = {"json": {}} if method in UNSAFE else {}
        response = admin.request(method, fill(path, ids), follow_redirects=False, **kwargs)
        calls.append((method, path, response.headers.get("x-trace-id"), response.status_code))
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        logged = {(e.trace_id, e.route) for e in session.exec(select(AccessLogEntry)).all()}
    template = re.compile(r":\w+\}")
    missing = [
        f"{m} {p} ({status})"
        for m, p, trace, status in calls
        if (trace, f"{m} {template.sub('}', p)}") not in logged
    ]
    print(
        f"\naccess log: {len(calls)} calls to personal-data routes, {len(missing)} without an entry"
    )
    assert not missing, missing


def test_the_privacy_officer_supervises_but_reads_no_case_data(platform, client_for):
    """Access log, data-subject export and erasure, the retention register: yes.
    People, households, requests, couplings and plugin cases: no."""
    admin = client_for(SLUG)
    person = admin.post("/api/people", json={"given_name": "Fenna", "family_name": "Dijkstra"})
    assert person.status_code == 201, person.text
    person_id = person.json()["id"]
    officer = client_for(SLUG, role="privacy_officer")
    assert officer.identity.totp_secret  # two-step verification, like staff
    export = officer.get(f"/api/people/{person_id}/export")
    assert export.status_code == 200, export.text
    assert export.json()["core"]["person"][0]["given_name"] == "Fenna"
    search = officer.get("/api/privacy/access-log", params={"subject_person_id": person_id})
    assert search.status_code == 200, search.text
    assert "privacy_officer" in {e["actor_role"] for e in search.json()["items"]}
    assert officer.get("/api/people/999999/export").status_code == 404
    for path in (
        "/api/people",
        f"/api/people/{person_id}",
        "/api/households",
        "/api/requests",
        "/api/helpers",
        "/api/accounts",
        "/werk",
        "/aanvragen",
        f"/personen/{person_id}",
        "/beheer/rapportages",
    ):
        response = officer.get(path, follow_redirects=False)
        assert response.status_code == 403, f"{path}: {response.status_code}"
    # Plugin routes (programme case data) are closed to the role as well.
    plugin_routes = [
        (m, p)
        for m, p, h in tenant_routes(officer.app)
        if h.opt.get("plugin") and not h.opt.get(PUBLIC) and m == "GET" and "{" not in p
    ]
    for method, path in plugin_routes:
        assert officer.request(method, path).status_code in (403, 404), path
    print(f"\nprivacy officer: {len(plugin_routes)} plugin list routes refused")
    erased = officer.post(f"/api/people/{person_id}/erase", json={"reason": "verzoek bewoner"})
    assert erased.status_code == 200, erased.text
    with tenant_scope(SLUG), platform.sessions() as session:
        entry = session.exec(
            select(AccessLogEntry).where(
                AccessLogEntry.action == "erase",
                AccessLogEntry.subject_person_id == person_id,
            )
        ).first()
    assert entry is not None
    assert entry.actor_role == "privacy_officer"
