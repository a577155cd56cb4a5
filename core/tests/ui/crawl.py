"""Crawling the demo municipality's web UI as one kind of user (shared by the UI tests).

:func:`crawl` starts at a role's pages and follows every internal link (``<a href>``,
``hx-get``, redirects) breadth-first, GET only, opening at most :data:`PER_TEMPLATE`
URLs per route template (plus the names of their query parameters). It records what
fails on the way (5xx, 4xx, a page without ``<html lang="nl"``, a link or form to a
path without a route) and where each POST form was found. :func:`accounts` gives the
demo records a realistic account of each role is linked to; :func:`forms_of` reads a
page's forms with their fields, as a browser would submit them.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from litestar.exceptions import HTTPException
from sqlmodel import col, func, select

from noaber.matching.models import Match
from noaber.people.models import Professional
from noaber.requests.models import HelpRequest
from noaber.tenancy.context import tenant_scope
from noaber.ui.i18n import LOCALE_COOKIE

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
    posted_from: dict[str, tuple[str, bool]] = field(default_factory=dict)
    """Each POST target (path and query) found, with the page it was first found on and
    whether that page is a fragment (``hx-get``)."""


def route(app, path: str, method: str) -> str | None:
    """The route template ``path`` resolves to for ``method``, or None if there is none."""
    try:
        return app.asgi_router.handle_routing(path=path, method=method)[4]
    except HTTPException:  # not found, method not allowed, a path parameter's type
        return None


def internal(base: str, href: str, host: str) -> str | None:
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
        if route(app, path, method) is None:
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
        template = route(app, parts.path, "GET") or parts.path
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
            location = internal(url, answer.headers.get("location", ""), host)
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
            target = internal(url, href, host)
            if target is not None:
                link(url, target)
        for href in found.parts:
            target = internal(url, href, host)
            if target is not None:
                link(url, target, part=True)
        for action in found.posts:
            target = url if action is None else internal(url, action, host)
            if target is not None:
                result.forms += ("POST", target, False) not in checked
                result.posted_from.setdefault(target, (url, part))
                link(url, target, "POST")
    result.capped = result.pages >= PAGE_CAP and bool(queue)
    return result


def accounts(platform) -> dict[str, dict]:
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
    found: dict[str, dict] = {
        "municipality_admin": {"role": "municipality_admin"},
        "privacy_officer": {"role": "privacy_officer"},
    }
    for programme in PROGRAMMES:
        found[f"coordinator {programme}"] = {"role": "coordinator", "programme": programme}
    found["volunteer"] = {"role": "volunteer", "helper_id": helper}
    found["resident"] = {"role": "resident", "person_id": person}
    found["professional"] = {"role": "professional", "professional_id": professional}
    return found


HIDDEN_TYPES = frozenset({"hidden", "submit", "button", "image", "reset"})


@dataclass
class Control:
    """One named control of a form: what a browser would send for it."""

    tag: str  # input, select, textarea, button
    name: str
    type: str = "text"  # an input's type; "select", "textarea", "submit" otherwise
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)  # a select's option values

    @property
    def visible(self) -> bool:
        """Whether a person fills this in (not a hidden input or a submit button)."""
        return self.type not in HIDDEN_TYPES


@dataclass
class Form:
    action: str | None  # None: the page itself
    method: str
    controls: list[Control] = field(default_factory=list)

    @property
    def visible(self) -> list[Control]:
        return [c for c in self.controls if c.visible]

    def data(self) -> list[tuple[str, str]]:
        """What a browser sends when the form's first submit button is pressed."""
        sent: list[tuple[str, str]] = []
        pressed = False
        for c in self.controls:
            if c.type in ("submit", "image"):
                if not pressed and c.name:
                    sent.append((c.name, c.value))
                pressed = True
            elif c.type in ("checkbox", "radio"):
                if c.checked:
                    sent.append((c.name, c.value or "on"))
            elif c.type not in ("button", "reset", "file"):
                sent.append((c.name, c.value))
        return sent


class FormReader(HTMLParser):
    """Every ``<form>`` of a page with its named controls and their current values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._option: str | None = None
        self._selected = False
        self._textarea: Control | None = None
        self._option_text = ""
        self._in_option = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            method = (a.get("method") or "get").lower()
            action = a.get("action") or a.get("hx-post") or None
            if a.get("hx-post"):
                method = "post"
            self._form = Form(action, method)
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            form.controls.append(Control("input", name, kind, a.get("value", ""), "checked" in a))
        elif tag == "button" and name:
            kind = (a.get("type") or "submit").lower()
            form.controls.append(Control("button", name, kind, a.get("value", "")))
        elif tag == "button":
            form.controls.append(Control("button", "", (a.get("type") or "submit").lower()))
        elif tag == "select" and name:
            self._select = Control("select", name, "select")
            form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._close_option()
            self._in_option = True
            self._option = a.get("value")
            self._option_text = ""
            self._selected = "selected" in a
        elif tag == "textarea" and name:
            self._textarea = Control("textarea", name, "textarea")
            form.controls.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._in_option:
            self._option_text += data

    def _close_option(self) -> None:
        select = self._select
        if select is None or not self._in_option:
            return
        value = self._option if self._option is not None else self._option_text.strip()
        select.options.append(value)
        if self._selected or len(select.options) == 1:
            select.value = value
        self._option, self._option_text, self._selected = None, "", False
        self._in_option = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(html: str) -> list[Form]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms
