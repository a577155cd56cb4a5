"""No broken links in the web UI: each kind of user crawls the demo municipality.

For every role (a municipality admin, a coordinator of each programme, the privacy
officer, a volunteer, a resident and a professional, each linked to demo records as a
real account would be) the crawl starts at ``/`` and the role's landing page and
follows every internal link (``<a href>``, ``hx-get``, redirects) breadth-first, GET
only. URLs are grouped by their route template (plus the names of their query
parameters) and at most :data:`PER_TEMPLATE` of each group are opened, so a list of 60
households is not crawled 60 times; every other link is still checked against the
router. It fails on:

* a page answering 5xx;
* a link answering 4xx: a page that does not exist (404, 405) or one the role shown the
  link may not open (403, or a redirect to the login page);
* an HTML page without ``<html lang="nl"``;
* a form (``<form method="post">``, ``hx-post``) posting to a path the app has no POST
  route for, and a GET form or link to a path without a GET route.

All failures are collected with the page they were found on and printed at the end.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from litestar.exceptions import HTTPException
from sqlmodel import col, func, select

from noaber.demo.seed import seed_demo
from noaber.matching.models import Match
from noaber.people.models import Professional
from noaber.requests.models import HelpRequest
from noaber.tenancy.context import tenant_scope
from noaber.ui.i18n import LOCALE_COOKIE
from noaber.ui.pages.login import LANDING

SLUG = "leeuwarden"  # the demo municipality with every programme
PROGRAMMES = ("buurtgezinnen", "gezinslab", "wijkbedrijf", "doorbraak")
PAGE_CAP = 400  # pages opened per role at most
PER_TEMPLATE = 3  # distinct URLs opened per route template (and query names)
LANGUAGE = "nl"

NEVER_FOLLOW = re.compile(r"^/(uitloggen|static/)")
"""Paths the crawl never opens: signing out ends the session; static files are no pages."""

LANGUAGE_SWITCH = re.compile(r"^/taal/")
"""The footer's language links set a cookie: opened once (a redirect back is expected),
then the cookie is dropped and the page they lead back to is not crawled in English."""

KNOWN_BROKEN: dict[str, str] = {}
"""Failures (as printed) left for a larger change, with the reason."""


@dataclass
class Found(HTMLParser):
    """The parts of a page the crawl needs: its language, links and forms."""

    lang: str | None = None
    links: list[str] = field(default_factory=list)
    gets: list[str] = field(default_factory=list)  # GET forms
    parts: list[str] = field(default_factory=list)  # hx-get: a fragment of a page
    posts: list[str | None] = field(default_factory=list)  # None: posts to the page itself

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs}
        if tag == "html" and self.lang is None:
            self.lang = a.get("lang") or ""
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"] or "")
        if a.get("hx-get"):
            self.parts.append(a["hx-get"] or "")
        for attr in ("hx-post", "hx-put", "hx-patch", "hx-delete"):
            if a.get(attr):
                self.posts.append(a[attr])
        if tag == "form":
            method = (a.get("method") or "get").lower()
            action = a.get("action") or None
            if method == "post":
                self.posts.append(action)
            elif action:
                self.gets.append(action)
        if tag in ("button", "input") and a.get("formaction"):
            self.posts.append(a["formaction"])


@dataclass
class Crawl:
    role: str
    pages: int = 0
    capped: bool = False
    links: int = 0
    forms: int = 0
    failures: list[str] = field(default_factory=list)


def _route(app, path: str, method: str) -> str | None:
    """The route template ``path`` resolves to for ``method``, or None if there is none."""
    try:
        return app.asgi_router.handle_routing(path=path, method=method)[4]
    except HTTPException:  # not found, method not allowed, a path parameter's type
        return None


def _internal(base: str, href: str, host: str) -> str | None:
    """``href`` on ``base`` as a path with query (no fragment), if it stays on this host."""
    href = href.strip()
    if (
        not href
        or href.startswith("#")
        or href.lower().startswith(("mailto:", "tel:", "javascript:"))
    ):
        return None
    url = urlsplit(urljoin(f"http://{host}{base}", href))
    if url.scheme not in ("http", "https") or url.netloc != host:
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def crawl(client, role: str, starts: list[str]) -> Crawl:
    app, host = client.app, client.host
    result = Crawl(role)
    queue: deque[tuple[str, str, bool]] = deque((start, "(start)", False) for start in starts)
    seen: set[tuple[str, bool]] = {(start, False) for start in starts}
    opened: Counter[tuple[str, tuple[str, ...], bool]] = Counter()
    checked: set[tuple[str, str, bool]] = set()

    def fail(where: str, what: str) -> None:
        result.failures.append(f"{role}: {what} (on {where})")

    def link(page: str, target: str, method: str = "GET", part: bool = False) -> None:
        if (method, target, part) in checked:
            return
        checked.add((method, target, part))
        path = urlsplit(target).path
        result.links += 1
        if _route(app, path, method) is None:
            fail(page, f"{method} {target}: no such route")
            return
        if method == "GET" and (target, part) not in seen:
            seen.add((target, part))
            queue.append((target, page, part))

    while queue and result.pages < PAGE_CAP:
        url, page, part = queue.popleft()
        parts = urlsplit(url)
        if NEVER_FOLLOW.match(parts.path):
            continue
        template = _route(app, parts.path, "GET") or parts.path
        names = tuple(sorted({k for k, _ in parse_qsl(parts.query, True)}))
        group = (template, names, part)
        if opened[group] >= PER_TEMPLATE:
            continue
        opened[group] += 1
        result.pages += 1
        headers = {"hx-request": "true"} if part else {}
        answer = client.get(url, follow_redirects=False, headers=headers)
        status = answer.status_code
        if LANGUAGE_SWITCH.match(parts.path):
            client.cookies.pop(LOCALE_COOKIE, None)
            if not 300 <= status < 400:
                fail(page, f"GET {url}: {status}")
            continue
        if status >= 500:
            fail(page, f"GET {url}: {status} server error")
            continue
        if status >= 400:
            fail(page, f"GET {url}: {status}")
            continue
        if 300 <= status < 400:
            location = _internal(url, answer.headers.get("location", ""), host)
            if location is not None and urlsplit(location).path == "/inloggen":
                fail(page, f"GET {url}: sends a signed-in {role} to the login page")
            elif location is not None:
                link(url, location)
            continue
        if "text/html" not in answer.headers.get("content-type", ""):
            continue
        found = Found()
        found.feed(answer.text)
        if found.lang != LANGUAGE and not (part and found.lang is None):
            fail(page, f"GET {url}: <html lang={found.lang!r}>, not {LANGUAGE!r}")
        for href in found.links + found.gets:
            target = _internal(url, href, host)
            if target is not None:
                link(url, target)
        for href in found.parts:
            target = _internal(url, href, host)
            if target is not None:
                link(url, target, part=True)
        for action in found.posts:
            target = url if action is None else _internal(url, action, host)
            if target is not None:
                result.forms += ("POST", target, False) not in checked
                link(url, target, "POST")
    result.capped = result.pages >= PAGE_CAP and bool(queue)
    return result


def _accounts(platform) -> dict[str, dict]:
    """Per role, the demo records a realistic account of that role is linked to."""
    with tenant_scope(SLUG), platform.sessions.begin() as session:
        busiest = func.count().desc()
        helper = session.exec(
            select(Match.helper_id).group_by(Match.helper_id).order_by(busiest, Match.helper_id)
        ).first()
        person = session.exec(
            select(HelpRequest.person_id)
            .where(col(HelpRequest.person_id).is_not(None))
            .group_by(HelpRequest.person_id)
            .order_by(busiest, HelpRequest.person_id)
        ).first()
        professional = session.exec(select(Professional.id).order_by(Professional.id)).first()
    assert helper, "the demo has volunteers with couplings"
    assert person, "the demo has residents with requests"
    assert professional, "the demo has professionals"
    accounts: dict[str, dict] = {
        "municipality_admin": {"role": "municipality_admin"},
        "privacy_officer": {"role": "privacy_officer"},
    }
    for programme in PROGRAMMES:
        accounts[f"coordinator {programme}"] = {"role": "coordinator", "programme": programme}
    accounts["volunteer"] = {"role": "volunteer", "helper_id": helper}
    accounts["resident"] = {"role": "resident", "person_id": person}
    accounts["professional"] = {"role": "professional", "professional_id": professional}
    return accounts


@pytest.mark.slow
def test_every_link_a_role_is_shown_opens(platform, client_for, capsys):
    seed_demo(platform)
    failures: list[str] = []
    report = []
    for name, account in _accounts(platform).items():
        started = time.perf_counter()
        client = client_for(SLUG, **account)
        done = crawl(client, name, ["/", LANDING[account["role"]]])
        assert done.pages > 2, f"{name} reached no pages"
        failures += done.failures
        report.append(
            f"{name}: {done.pages} pages, {done.links} links, {done.forms} forms "
            f"({time.perf_counter() - started:.1f} s{', stopped at the cap' if done.capped else ''})"
        )
    with capsys.disabled():
        print("\n" + "\n".join(report))
        left = [f for f in failures if f not in KNOWN_BROKEN]
        if left:
            print("\n".join(["Broken:", *left]))
    assert [f for f in failures if f not in KNOWN_BROKEN] == []
