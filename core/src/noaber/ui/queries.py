"""Read models for the pages: the work list, timelines shown in Dutch, hours, reports."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from noaber.clock import dutch_time, dutch_today
from noaber.matching.models import Match
from noaber.matching.services import add_months
from noaber.people.models import HelperProfile, Household, Person
from noaber.platform import TenantRuntime
from noaber.requests.models import HelpRequest, TimelineEntry, TimelineKind, Urgency
from noaber.requests.services import note_requests
from noaber.requests.types import request_types_of
from noaber.tenancy.models import Neighbourhood
from noaber.ui.contrib import ReportTable, WorkItem

REVIEW_MONTHS = 6
SECTION_ORDER = ("new", "intake", "review", "waiting", "escalation")
HOURS_KEY = "hours"
LIST_LIMIT = 50


def _name(person: Person | None, household: Household | None) -> str:
    if household:
        return household.name
    return " ".join(p for p in (person.given_name, person.family_name) if p) if person else ""


def who_asks(session: Session, requests: Sequence[HelpRequest]) -> dict[int, str]:
    """Per request, whom it is for: its household's name, else its person's name."""
    person_ids = {r.person_id for r in requests if r.person_id}
    household_ids = {r.household_id for r in requests if r.household_id}
    people = (
        {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(person_ids))).all()}
        if person_ids
        else {}
    )
    households = (
        {
            h.id: h
            for h in session.exec(
                select(Household).where(col(Household.id).in_(household_ids))
            ).all()
        }
        if household_ids
        else {}
    )
    return {
        r.id or 0: _name(people.get(r.person_id or 0), households.get(r.household_id or 0))
        for r in requests
    }


def _who(session: Session, requests: Sequence[HelpRequest]) -> dict[int, str]:
    """Per request, its number and whom it is for ("#12 Gezin de Vries")."""
    return {rid: f"#{rid} {name}".strip() for rid, name in who_asks(session, requests).items()}


def requests_in(session: Session, statuses: dict[str, set[str]]) -> list[HelpRequest]:
    """Requests whose (type, status) is in ``statuses`` (type -> statuses), oldest first."""
    found: list[HelpRequest] = []
    for rtype, wanted in statuses.items():
        if not wanted:
            continue
        found.extend(
            session.exec(
                select(HelpRequest)
                .where(HelpRequest.type == rtype, col(HelpRequest.status).in_(sorted(wanted)))
                .order_by(col(HelpRequest.created_at), col(HelpRequest.id))
                .limit(LIST_LIMIT)
            ).all()
        )
    return sorted(found, key=lambda r: (r.created_at, r.id or 0))[:LIST_LIMIT]


def core_work_items(
    session: Session, tenant: TenantRuntime, may_use: Callable[[str], bool] = lambda _: True
) -> list[WorkItem]:
    """Core's work-list items: requests and couplings of the request types whose
    programme ``may_use`` allows (and of the types without a programme), so a programme's
    coordinator neither sees nor logs as seen another programme's requests, which its
    pages refuse (404)."""
    types = request_types_of(tenant.plugins)
    shown = [t for t in types if t.programme is None or may_use(t.programme)]
    hidden = {t.name for t in types} - {t.name for t in shown}
    new = {t.name: {t.workflow.initial} for t in shown}
    intake = {t.name: {s for s in t.workflow.statuses if "intake" in s} for t in shown}
    waiting = {t.name: {s for s in t.workflow.statuses if "wacht" in s} for t in shown}
    items: list[WorkItem] = []
    for section, statuses in (("new", new), ("intake", intake), ("waiting", waiting)):
        rows = requests_in(session, statuses)
        note_requests(session, rows)
        labels = _who(session, rows)
        for r in rows:
            items.append(
                WorkItem(
                    section,
                    labels[r.id or 0],
                    f"/aanvragen/{r.id}",
                    detail=f"{types.types[r.type].title if r.type in types.types else r.type} · {r.status} · {r.description[:80]}",
                    due=(dutch_time(r.created_at) + timedelta(days=7)).date()
                    if section == "new"
                    else None,
                )
            )
    # Reviews: couplings that run (a status counting against the helper's load that
    # is not the initial one) get a review every six months after their last change.
    running = {t.name: set(t.load_statuses) - {t.match_lifecycle.initial} for t in shown}
    horizon = dutch_today() + timedelta(days=30)
    for match, request in session.exec(
        select(Match, HelpRequest)
        .join(HelpRequest, col(HelpRequest.id) == Match.request_id)
        .where(col(HelpRequest.type).not_in(sorted(hidden)))
    ).all():
        if match.status not in running.get(request.type, set()):
            continue
        due = add_months(dutch_time(match.updated_at).date(), REVIEW_MONTHS)
        if due <= horizon:
            items.append(
                WorkItem(
                    "review", f"#{match.id} · {match.status}", f"/koppelingen/{match.id}", due=due
                )
            )
    crisis = session.exec(
        select(HelpRequest)
        .where(
            col(HelpRequest.urgency).in_([Urgency.crisis]),
            col(HelpRequest.type).not_in(sorted(hidden)),
        )
        .limit(LIST_LIMIT)
    ).all()
    closed = {
        t.name: {s for s, targets in t.workflow.transitions.items() if not targets} for t in types
    }
    open_crisis = [r for r in crisis if r.status not in closed.get(r.type, set())]
    note_requests(session, open_crisis)
    labels = _who(session, open_crisis)
    for r in open_crisis:
        items.append(
            WorkItem(
                "escalation", labels[r.id or 0], f"/aanvragen/{r.id}", detail=r.description[:80]
            )
        )
    return items


def work_list(
    session: Session, tenant: TenantRuntime, may_use: Callable[[str], bool]
) -> dict[str, list[WorkItem]]:
    """The work list by section: core's items and the plugins' (``ui_work_items``), a
    plugin's item replacing core's of the same section and link (:class:`WorkItem`'s
    ``replaces``), without the items of programmes ``may_use`` refuses."""
    contributed: list[WorkItem] = []
    tenant.hook.ui_work_items(tenant=tenant, session=session, register=contributed.append)
    replaced = {(item.section, item.replaces or item.href) for item in contributed}
    items = [
        i for i in core_work_items(session, tenant, may_use) if (i.section, i.href) not in replaced
    ]
    sections: dict[str, list[WorkItem]] = {name: [] for name in SECTION_ORDER}
    for item in items + contributed:
        if item.programme is None or may_use(item.programme):
            sections.setdefault(item.section, []).append(item)
    for values in sections.values():
        values.sort(key=lambda i: (i.due is None, i.due or date.max, i.title))
    return sections


# --- timelines -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineLine:
    when: datetime
    actor: str
    kind: str
    text: str
    request_id: int | None


def describe(entry: TimelineEntry, gettext: Callable[[str], str]) -> str:
    data = entry.data or {}
    if HOURS_KEY in data:
        hours = str(data[HOURS_KEY]).replace(".", ",")
        note = f": {entry.text}" if entry.text and entry.text != HOURS_KEY else ""
        return (
            gettext("%(hours)s hours of help on %(day)s")
            % {"hours": hours, "day": data.get("on", "")}
            + note
        )
    if entry.kind is TimelineKind.status_change and "to" in data:
        if "from" not in data:
            return gettext("Request created, status %(to)s") % {"to": data["to"]}
        text = gettext("Status %(from)s → %(to)s") % {"from": data["from"], "to": data["to"]}
        return text + (f": {data['reason']}" if data.get("reason") else "")
    if entry.kind is TimelineKind.match and "match_id" in data:
        if "from" not in data:
            return gettext("Coupling %(id)s proposed") % {"id": data["match_id"]}
        text = gettext("Coupling %(id)s: %(from)s → %(to)s") % {
            "id": data["match_id"],
            "from": data["from"],
            "to": data["to"],
        }
        return text + (f": {data['reason']}" if data.get("reason") else "")
    return entry.text


def timeline_lines(
    entries: Sequence[TimelineEntry], gettext: Callable[[str], str]
) -> list[TimelineLine]:
    return [
        TimelineLine(e.created_at, e.actor, e.kind.value, describe(e, gettext), e.request_id)
        for e in entries
    ]


def request_timeline(session: Session, request_id: int) -> list[TimelineEntry]:
    return list(
        session.exec(
            select(TimelineEntry)
            .where(TimelineEntry.request_id == request_id)
            .order_by(col(TimelineEntry.created_at).desc(), col(TimelineEntry.id).desc())
            .limit(200)
        ).all()
    )


def hours_entries(
    session: Session, *, match_ids: Sequence[int] | None = None
) -> list[TimelineEntry]:
    stmt = select(TimelineEntry).where(TimelineEntry.kind == TimelineKind.contact)
    rows = session.exec(stmt.order_by(col(TimelineEntry.created_at).desc())).all()
    wanted = set(match_ids) if match_ids is not None else None
    return [
        e
        for e in rows
        if HOURS_KEY in (e.data or {}) and (wanted is None or e.data.get("match_id") in wanted)
    ]


# --- reports ---------------------------------------------------------------------------


def core_reports(
    session: Session, tenant: TenantRuntime, gettext: Callable[[str], str]
) -> list[ReportTable]:
    _ = gettext
    requests = session.exec(select(HelpRequest)).all()
    types = request_types_of(tenant.plugins).types
    by_status = Counter(
        (types[r.type].title if r.type in types else r.type, r.status) for r in requests
    )
    tables = [
        ReportTable(
            "aanvragen-per-status",
            _("Requests per status"),
            [_("Status"), _("Requests"), _("Request type")],
            [[status, n, title] for (title, status), n in sorted(by_status.items())],
            chart="bar",
        )
    ]
    matches = session.exec(select(Match)).all()
    per_year: dict[int, Counter[str]] = defaultdict(Counter)
    for m in matches:
        per_year[dutch_time(m.created_at).year][m.status] += 1
    tables.append(
        ReportTable(
            "koppelingen-per-jaar",
            _("Couplings per year"),
            [_("Year"), _("Proposed"), _("Started"), _("Declined or withdrawn"), _("Ended")],
            [
                [
                    year,
                    sum(c.values()),
                    c["actief"] + c["beeindigd"],
                    c["afgewezen"] + c["ingetrokken"],
                    c["beeindigd"],
                ]
                for year, c in sorted(per_year.items())
            ],
            chart="bar",
        )
    )
    hours: dict[str, Decimal] = defaultdict(Decimal)
    for e in hours_entries(session):
        month = str(e.data.get("on", ""))[:7] or dutch_time(e.created_at).strftime("%Y-%m")
        hours[month] += Decimal(str(e.data[HOURS_KEY]))
    tables.append(
        ReportTable(
            "uren-per-maand",
            _("Hours of help per month"),
            [_("Month"), _("Hours")],
            [[month, total] for month, total in sorted(hours.items())],
            chart="bar",
        )
    )
    first_match: dict[int, datetime] = {}
    for m in matches:
        created = dutch_time(m.created_at)
        if m.request_id not in first_match or created < first_match[m.request_id]:
            first_match[m.request_id] = created
    waits: dict[str, list[float]] = defaultdict(list)
    for r in requests:
        if r.id in first_match:
            waits[types[r.type].title if r.type in types else r.type].append(
                (first_match[r.id] - dutch_time(r.created_at)).total_seconds() / 86400
            )
    tables.append(
        ReportTable(
            "wachttijden",
            _("Waiting time until a coupling is proposed"),
            [_("Request type"), _("Average days"), _("Longest days"), _("Requests")],
            [
                [name, round(sum(v) / len(v), 1), round(max(v), 1), len(v)]
                for name, v in sorted(waits.items())
            ],
            chart="bar",
        )
    )
    hoods = {h.id: h.name for h in session.exec(select(Neighbourhood)).all()}
    per_hood = Counter(hoods.get(r.neighbourhood_id or 0, _("Unknown")) for r in requests)
    helpers_per_hood = Counter(
        hoods.get(h.home_neighbourhood_id or 0, _("Unknown"))
        for h in session.exec(select(HelperProfile)).all()
    )
    tables.append(
        ReportTable(
            "per-wijk",
            _("Requests and helpers per neighbourhood"),
            [_("Neighbourhood"), _("Requests"), _("Helpers")],
            [
                [name, per_hood.get(name, 0), helpers_per_hood.get(name, 0)]
                for name in sorted(set(per_hood) | set(helpers_per_hood))
            ],
            chart="bar",
        )
    )
    per_urgency = Counter(
        r.urgency.value for r in requests if r.urgency in (Urgency.high, Urgency.crisis)
    )
    tables.append(
        ReportTable(
            "escalaties",
            _("Urgent requests and escalations"),
            [_("Urgency"), _("Requests")],
            [[_(k.capitalize()), per_urgency.get(k, 0)] for k in ("high", "crisis")],
            chart="bar",
        )
    )
    return tables


def all_reports(
    session: Session, tenant: TenantRuntime, gettext: Callable[[str], str]
) -> list[ReportTable]:
    tables = core_reports(session, tenant, gettext)
    tenant.hook.ui_reports(tenant=tenant, session=session, register=tables.append)
    return tables


def as_rows(values: Sequence[Any]) -> list[Any]:
    return list(values)
