"""Bad input in every form of the web UI: a clear Dutch message, nothing stored or lost.

Each kind of user crawls the demo municipality (:mod:`.crawl`) and then, for each POST
form it was shown (grouped by route template, at most :data:`PER_TEMPLATE` per
template), submits what a new user who makes mistakes would: first every visible field
empty, then every visible field filled with junk (a 5000-character text, a script tag,
``-1``, the 31st of February, an option that is not offered). The hidden inputs (the
one-time ``form_token``, the CSRF token) are kept, from a fresh GET of the page before
each submit; redirects are not followed. It fails on:

* an answer 5xx;
* an HTML answer (200 or 4xx) to a form with visible fields without a visible Dutch
  error message (a field's message, the form's summary, an error page's text) or
  without ``<html lang="nl"``; an empty field told only that its value "is not valid";
  a list (select) told to "enter a whole number";
* the script tag appearing unescaped, in the answer or in the page a redirect leads to;
* a refused submit (no redirect) that changed anything stored in the municipality's
  tables (logs left out), and an empty submit that was accepted (a redirect) unless
  :data:`EMPTY_IS_VALID` says why an empty form is valid there;
* an accepted write without its access-log subjects (``check_write_logged``).

Forms without visible fields (a "mark done" button) are submitted once; they must
answer without a server error. Signing out is never submitted.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Table, select, text

from noaber.demo.seed import seed_demo
from noaber.tenancy.archive import tenant_tables, tenant_transaction
from noaber.testing import ids_by_table
from noaber.ui.pages.login import LANDING

from .crawl import (
    NEVER_FOLLOW,
    SLUG,
    Control,
    Form,
    accounts,
    crawl,
    forms_of,
    internal,
    route,
)

PER_TEMPLATE = 2  # forms submitted per route template and role
SCRIPT = "<script>alert(1)</script>"
LONG = "x" * 5000
NOT_AN_OPTION = "geen-van-de-opties"
JUNK_BY_TYPE = {
    "number": "-1",
    "date": "31-02-2026",
    "time": "25:61",
    "month": "2026-13",
    "email": SCRIPT,
}
"""Junk per input type. Texts get :data:`LONG` in one submit ("junk") and :data:`SCRIPT`
in another ("script"): a form whose only field is a free text (a reason) accepts a
script tag as text, and must then show it escaped."""

NOT_STORED = re.compile(r"(^|_)(log|logs|session|sessions)$")
"""Tables left out of the comparison: what a request writes about itself (the access
log), not what the form stores."""

EMPTY_IS_VALID: dict[str, str] = {
    "POST /wijkbedrijf/klussen/{job_id}/tarief": "every rate field is optional: none "
    "chosen is the full rate (noaber_wijkbedrijf.pages.rates.RATE_FIELDS)",
}
"""``"POST /route/{template}"`` whose empty form is accepted (a redirect), with the
reason an empty form is valid there."""

REFUSED_MAY_STORE: dict[str, tuple[str, str]] = {
    "POST /instellingen/tweestapsverificatie": (
        "account",
        "a wrong password counts toward the account's lockout (check_password_login)",
    ),
}
"""Refused submits that rightly store something: the table and why."""

KNOWN: dict[str, str] = {}
"""Failures (as printed) left for a larger change, with the reason."""

ENGLISH = re.compile(
    r"\b(the|please|this|must|enter|field|value|choose|could|invalid|required|should|"
    r"cannot|not found|forbidden|bad request|error)\b",
    re.IGNORECASE,
)
"""Words of an English message; none of them is a Dutch word."""

TYPE_A_NUMBER = "Vul een heel getal in."
"""Core's message for a number that is not one: a list (a select of ids) that gets it
tells the person to type where they can only choose."""

VAGUE = "Deze waarde is niet geldig."
"""Core's last-resort message (``forms.MESSAGES["invalid"]``): it does not say what is
missing, so an empty field must never get it."""


class Messages(HTMLParser):
    """The error messages a page shows: fields' messages, a form's summary, an alert,
    and the text of an error page (``error.html``: a heading and an error code)."""

    MARKS = ("noaber-error", "utrecht-form-field-error-message", "utrecht-alert--error")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.messages: list[str] = []
        self.lang: str | None = None
        self._depth = 0  # open elements inside a message element
        self._text: list[str] = []
        self._main = False
        self._main_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html" and self.lang is None:
            self.lang = a.get("lang", "")
        if tag == "main":
            self._main = True
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            return
        if self._depth:
            self._depth += 1
        elif any(mark in a.get("class", "").split() for mark in self.MARKS) or (
            a.get("role") == "alert"
        ):
            self._depth = 1
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._main = False
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            return
        if self._depth:
            self._depth -= 1
            if not self._depth:
                text = " ".join("".join(self._text).split())
                if text:
                    self.messages.append(text)

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._text.append(data)
        if self._main:
            self._main_text.append(data)

    @property
    def error_page(self) -> str | None:
        """The text of an error page (``error.html``), if this is one."""
        text = " ".join("".join(self._main_text).split())
        return text if re.search(r"\bFoutcode\b|\bError code\b", text) else None


def _messages(html: str) -> tuple[list[str], str | None]:
    reader = Messages()
    reader.feed(html)
    page = reader.error_page
    return reader.messages + ([page] if page else []), reader.lang


def _visible_names(form: Form) -> list[Control]:
    """One control per visible name (checkboxes and radios of one name are one field)."""
    seen: dict[str, Control] = {}
    for control in form.visible:
        seen.setdefault(control.name, control)
    return list(seen.values())


def empty_data(form: Form) -> list[tuple[str, str]]:
    """The form with its hidden inputs and every visible field left empty."""
    sent = []
    visible = {c.name for c in form.visible}
    for name, value in form.data():
        if name not in visible:
            sent.append((name, value))
        elif not any(c.name == name and c.type in ("checkbox", "radio") for c in form.visible):
            sent.append((name, ""))
    return sent


def junk_data(form: Form, text: str = LONG) -> list[tuple[str, str]]:
    """The form with its hidden inputs and every visible field filled with junk: ``text``
    in its texts, :data:`JUNK_BY_TYPE` in the others, no offered option chosen."""
    visible = _visible_names(form)
    names = {c.name for c in visible}
    sent = [(name, value) for name, value in form.data() if name not in names]
    for control in visible:
        if control.type in ("select", "radio", "checkbox"):
            value = NOT_AN_OPTION
        elif control.type in JUNK_BY_TYPE:
            value = JUNK_BY_TYPE[control.type]
        else:  # text, textarea, password, tel, search, url
            value = text
        sent.append((control.name, value))
    return sent


def _stored(tables: list[Table]):
    """A fingerprint per table of what the municipality has stored: row count and hash."""

    def read(platform) -> dict[str, tuple[int, str]]:
        found: dict[str, tuple[int, str]] = {}
        with tenant_transaction(platform.admin_engine, SLUG) as conn:
            for table in tables:
                query = select(table)
                if "tenant_id" in table.columns:
                    query = query.where(table.c.tenant_id == SLUG)
                key = list(table.primary_key.columns) or list(table.columns)
                rows = conn.execute(query.order_by(*key)).all()
                digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
                found[table.name] = (len(rows), digest)
        return found

    return read


def _changes(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> str:
    said = []
    for name, (count, digest) in after.items():
        was = before.get(name, (0, ""))
        if count != was[0]:
            said.append(f"{name} {was[0]}→{count} rows")
        elif digest != was[1]:
            said.append(f"{name} rows changed")
    return ", ".join(said)


@dataclass
class Role:
    """One role's submits: its client, what it found and what went wrong."""

    name: str
    client: Any
    stored: Any  # platform -> fingerprint of the tenant's tables
    platform: Any
    failures: list[str]
    accepted_junk: list[str]
    submitted: int = 0
    templates: set[str] = field(default_factory=set)
    gone: list[str] = field(default_factory=list)

    def fresh_form(self, page: str, part: bool, target: str) -> Form | None:
        """The form posting to ``target`` on a fresh GET of ``page`` (a new form token)."""
        headers = {"hx-request": "true"} if part else {}
        answer = self.client.get(page, follow_redirects=False, headers=headers)
        if answer.status_code != 200:
            return None
        for form in forms_of(answer.text):
            if form.method != "post":
                continue
            action = page if form.action is None else internal(page, form.action, self.client.host)
            if action == target:
                return form
        return None

    def submit(self, kind: str, template: str, target: str, page: str, part: bool) -> None:
        """Submit the form posting to ``target`` as ``kind`` says and check the answer."""
        form = self.fresh_form(page, part, target)
        if form is None:  # an earlier submit took it away (a job cancelled)
            self.gone.append(target)
            return
        if (kind == "button") == bool(form.visible):  # buttons alone once; fields: bad input
            return
        filled = {
            "empty": empty_data,
            "junk": junk_data,
            "script": lambda form: junk_data(form, SCRIPT),
        }.get(kind, Form.data)(form)
        data: dict[str, list[str]] = defaultdict(list)
        for name, value in filled:
            data[name].append(value)
        key = f"POST {template}"
        where = f"{self.name}: {kind} {target} (form on {page})"
        fail = self.failures.append
        before = self.stored(self.platform)
        self.submitted += 1
        self.templates.add(template)
        try:
            answer = self.client.post(target, data=dict(data), follow_redirects=False)
        except AssertionError as exc:  # check_write_logged: no access-log subjects
            fail(f"{where}: {str(exc).splitlines()[0]}")
            return
        status = answer.status_code
        if status >= 500:
            fail(f"{where}: {status} server error")
            return
        if kind == "button":
            return
        after = self.stored(self.platform)
        if key in REFUSED_MAY_STORE:
            table = REFUSED_MAY_STORE[key][0]
            after[table] = before[table]
        changed = _changes(before, after)
        if 300 <= status < 400:
            location = internal(target, answer.headers.get("location", ""), self.client.host)
            if location and urlsplit(location).path == "/inloggen":
                fail(f"{where}: sends a signed-in {self.name} to the login page")
                return
            if kind == "empty" and key not in EMPTY_IS_VALID:
                fail(
                    f"{where}: an empty form accepted ({status} to {location}), "
                    f"stored: {changed or 'nothing'}"
                )
            if kind != "empty":
                self.accepted_junk.append(f"{self.name}: {kind} {key} ({changed or 'nothing'})")
                shown = self.client.get(location, follow_redirects=False) if location else None
                if shown is not None and SCRIPT in shown.text:
                    fail(f"{where}: the script tag is shown unescaped on {location}")
            return
        if changed:
            fail(f"{where}: refused ({status}) but stored: {changed}")
        if "text/html" not in answer.headers.get("content-type", ""):
            fail(f"{where}: {status} {answer.headers.get('content-type')}, not an HTML page")
            return
        if SCRIPT in answer.text:
            fail(f"{where}: the script tag is shown unescaped")
        messages, lang = _messages(answer.text)
        if lang != "nl" and not (part and lang is None):
            fail(f"{where}: {status} <html lang={lang!r}>")
        if not messages:
            fail(f"{where}: {status} without an error message")
        for message in messages:
            if ENGLISH.search(message):
                fail(f"{where}: {status} an English message: {message[:120]!r}")
        if kind == "empty" and any(VAGUE in message for message in messages):
            fail(f"{where}: {status} an empty field gets the vague {VAGUE!r}")
        said = _field_messages(answer.text)
        for control in form.visible:
            if control.type != "select":
                continue
            for field_id, message in said.items():
                if re.fullmatch(rf"{re.escape(control.name)}(-\w+)?", field_id) and (
                    message == TYPE_A_NUMBER
                ):
                    fail(f"{where}: {status} the list {control.name!r} says {message!r}")


@pytest.fixture
def platform(make_platform):
    """The platform without rate limits: one client sends hundreds of forms a minute."""
    return make_platform(rate_limit_per_minute=0, tenant_rate_limit_per_minute=0)


@pytest.mark.slow
def test_bad_input_in_every_form_gets_a_dutch_message_and_stores_nothing(
    platform, client_for, capsys
):
    seed_demo(platform)
    with tenant_transaction(platform.admin_engine, SLUG) as conn:
        tables = [t for t in tenant_tables(conn) if not NOT_STORED.search(t.name)]
    stored = _stored(tables)
    failures: list[str] = []
    report: list[str] = []
    accepted_junk: list[str] = []
    for name, account in accounts(platform).items():
        started = time.perf_counter()
        client = client_for(SLUG, **account)
        done = crawl(client, name, ["/", LANDING[account["role"]]])
        by_template: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
        for target, (page, part) in done.posted_from.items():
            if NEVER_FOLLOW.match(urlsplit(target).path):
                continue
            template = route(client.app, urlsplit(target).path, "POST")
            if template is not None and len(by_template[template]) < PER_TEMPLATE:
                by_template[template].append((target, page, part))
        role = Role(name, client, stored, platform, failures, accepted_junk)
        for kind in ("empty", "junk", "script", "button"):
            for template, forms in sorted(by_template.items()):
                for target, page, part in forms:
                    role.submit(kind, template, target, page, part)
        report.append(
            f"{name}: {done.pages} pages, {role.submitted} submits to "
            f"{len(role.templates)} form actions ({time.perf_counter() - started:.1f} s)"
            + (f"; {len(role.gone)} forms gone before their submit" if role.gone else "")
        )
    with capsys.disabled():
        print("\n" + "\n".join(report))
        counted = Counter(accepted_junk)
        print("Junk accepted:\n" + "\n".join(f"  {k} x{n}" for k, n in sorted(counted.items())))
        left = [f for f in failures if f not in KNOWN]
        if left:
            print("\n".join(["Failed:", *left]))
    assert [f for f in failures if f not in KNOWN] == []


def _field_messages(html: str) -> dict[str, str]:
    """Each field's message (``<p id="<field>-fout">``) on a page."""
    return dict(re.findall(r'id="([\w-]+)-fout"[^>]*>([^<]*)<', html))


def _post_form(client, page: str, action: str, how) -> Any:
    form = next(
        f
        for f in forms_of(client.get(page).text)
        if f.method == "post" and (f.action or page).split("#")[0] == action
    )
    data: dict[str, list[str]] = defaultdict(list)
    for name, value in how(form):
        data[name].append(value)
    return client.post(action, data=dict(data), follow_redirects=False)


def test_an_empty_kind_of_help_asks_to_choose_one(platform, client_for):
    """The kind of help left empty on the intake and referral forms says to choose one
    of the options, not only that the value "is not valid"."""
    seed_demo(platform)
    coordinator = client_for(SLUG)
    intake = _post_form(coordinator, "/aanvragen/nieuw", "/aanvragen/nieuw", empty_data)
    assert intake.status_code == 422
    assert _field_messages(intake.text)["type"] == "Kies een van de mogelijkheden."
    professional = client_for(SLUG, role="professional", professional_id=1)
    referral = _post_form(professional, "/verwijzen", "/verwijzen", empty_data)
    assert referral.status_code == 422
    assert _field_messages(referral.text)["type"] == "Kies een van de mogelijkheden."


def test_a_note_of_a_kind_not_offered_asks_for_the_kind(platform, client_for):
    """A written note with a kind the form does not offer is refused with a message about
    the kind, not "Schrijf een notitie." under the note just written; nothing is stored."""
    seed_demo(platform)
    client = client_for(SLUG)
    request_id = ids_by_table(platform, SLUG, limit=1)["help_request"][0]
    with tenant_transaction(platform.admin_engine, SLUG) as conn:
        tables = [t for t in tenant_tables(conn) if not NOT_STORED.search(t.name)]
    stored = _stored(tables)
    before = stored(platform)
    url = f"/aanvragen/{request_id}/notities"
    for headers in ({}, {"hx-request": "true"}):
        answer = client.post(
            url,
            data={"kind": NOT_AN_OPTION, "text": "Moeder gebeld."},
            headers=headers,
            follow_redirects=False,
        )
        assert answer.status_code == 422
        assert _field_messages(answer.text)["text"] == "Kies een notitie of een contactmoment."
        assert "Moeder gebeld." in answer.text  # what was typed is kept
    empty = client.post(url, data={"kind": NOT_AN_OPTION, "text": " "}, follow_redirects=False)
    assert _field_messages(empty.text)["text"] == "Schrijf een notitie."
    assert stored(platform) == before


def _page_with_form(client, pages: list[str], action: str) -> str:
    """The first of ``pages`` that shows a form posting to the page's path + ``action``."""
    for page in pages:
        if any(f.action == page + action for f in forms_of(client.get(page).text)):
            return page
    raise AssertionError(f"none of {pages} shows a form to {action}")


def test_a_status_that_does_not_exist_asks_to_choose_one(platform, client_for):
    """A status change to a status the workflow does not have is bad input (422, "Kies een
    nieuwe status."), not "De status is inmiddels ... Laad de pagina opnieuw" (409), which
    says someone else moved it meanwhile; nothing is stored. A real status that cannot be
    reached from here still answers 409."""
    seed_demo(platform)
    client = client_for(SLUG)
    ids = ids_by_table(platform, SLUG, limit=40)
    request = _page_with_form(client, [f"/aanvragen/{i}" for i in ids["help_request"]], "/status")
    coupling = _page_with_form(client, [f"/koppelingen/{i}" for i in ids["match"]], "/status")
    with tenant_transaction(platform.admin_engine, SLUG) as conn:
        tables = [t for t in tenant_tables(conn) if not NOT_STORED.search(t.name)]
    stored = _stored(tables)
    before = stored(platform)
    for url in (request, coupling):
        answer = client.post(f"{url}/status", data={"to": NOT_AN_OPTION}, follow_redirects=False)
        assert answer.status_code == 422, url
        assert _field_messages(answer.text)["to"] == "Kies een nieuwe status.", url
    assert stored(platform) == before
    # its own status: a status of the workflow, not a move from itself
    with tenant_transaction(platform.admin_engine, SLUG) as conn:
        (current,) = conn.execute(
            text("SELECT status FROM help_request WHERE id = :id"),
            {"id": int(request.rsplit("/", 1)[1])},
        ).one()
    unreachable = client.post(f"{request}/status", data={"to": current}, follow_redirects=False)
    assert unreachable.status_code == 409
    assert "inmiddels" in _field_messages(unreachable.text)["to"]


def test_a_status_change_after_the_last_step_says_why_it_was_refused(platform, client_for):
    """A status change sent from a page that is out of date, after someone else closed
    the request or ended the coupling: the page has no status form any more, and the
    refusal used to be shown only inside that form, so the answer said nothing. The
    message now stands above "Deze hulpvraag is afgesloten." and nothing is stored."""
    seed_demo(platform)
    client = client_for(SLUG)
    ids = ids_by_table(platform, SLUG, limit=100)
    with tenant_transaction(platform.admin_engine, SLUG) as conn:
        tables = [t for t in tenant_tables(conn) if not NOT_STORED.search(t.name)]
    stored = _stored(tables)
    for kind, table in (("aanvragen", "help_request"), ("koppelingen", "match")):
        closed = next(
            page
            for page in (f"/{kind}/{i}" for i in ids[table])
            if not any(f.action == f"{page}/status" for f in forms_of(client.get(page).text))
        )
        with tenant_transaction(platform.admin_engine, SLUG) as conn:
            (status,) = conn.execute(
                text(f"SELECT status FROM {table} WHERE id = :id"),
                {"id": int(closed.rsplit("/", 1)[1])},
            ).one()
        before = stored(platform)
        answer = client.post(f"{closed}/status", data={"to": status}, follow_redirects=False)
        assert answer.status_code == 409, closed
        assert "inmiddels" in _field_messages(answer.text)["to"], closed
        assert stored(platform) == before
