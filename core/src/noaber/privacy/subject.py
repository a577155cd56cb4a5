"""Data-subject rights: export (AVG art. 15/20) and erasure (art. 17) of one person,
across core and every plugin (``data_subject_export`` / ``data_subject_erase``).

Erasure anonymises rather than deletes where other records point at a row (a person
stays as ``(verwijderd)`` so a household's history still adds up) and deletes what is
only about the person (consents, timeline entries of their requests, their account's
reset links). The access log is kept: it is the proof of who processed the data and
holds references only. Both are written to the access log; erasure also to the
removal register.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pluggy
from sqlmodel import Session, SQLModel, col, delete, or_, select

from noaber.accounts.models import Account, PasswordReset
from noaber.accounts.roles import Principal
from noaber.errors import NotFound
from noaber.matching.models import Match
from noaber.people.models import HelperProfile, HelperStatus, HouseholdMember, Person
from noaber.privacy import access_log
from noaber.privacy.models import AccessLogEntry, CaseShare, Consent, RemovalRegister
from noaber.requests.models import HelpRequest, TimelineEntry

ERASED = "(verwijderd)"

CORE_TABLES: dict[str, str] = {
    "tenant": "none",
    "tenant_host": "none",
    "neighbourhood": "none",
    "offboarding": "none",
    "platform_admin": "none",
    "organisation": "none",
    "professional": "personal",
    "person": "personal",
    "household": "personal",
    "household_member": "personal",
    "helper_profile": "personal",
    "help_request": "personal",
    "timeline_entry": "personal",
    "match": "personal",
    "account": "personal",
    "password_reset": "personal",
    "consent": "personal",
    "case_share": "personal",
    "access_log": "personal",
    "removal_register": "none",
}
"""Core's declaration of its tables (plugins declare theirs with ``data_subject_tables``)."""

CORE_EXPORTED = (
    "person",
    "household",
    "household_member",
    "helper_profile",
    "help_request",
    "timeline_entry",
    "match",
    "account",
    "consent",
    "case_share",
    "access_log",
)

_SECRET_FIELDS = {"password_hash", "totp_secret", "token_sha256", "totp_last_step"}


def _rows(rows: Sequence[SQLModel]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in row.model_dump(mode="json").items() if k not in _SECRET_FIELDS}
        for row in rows
    ]


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"No person {person_id}.")
    return person


def _request_ids(session: Session, person_id: int) -> list[int]:
    rows = session.exec(select(HelpRequest.id).where(HelpRequest.person_id == person_id)).all()
    return [r for r in rows if r is not None]


def core_export(session: Session, person_id: int) -> dict[str, list[dict[str, Any]]]:
    person = _person(session, person_id)
    memberships = session.exec(
        select(HouseholdMember).where(HouseholdMember.person_id == person_id)
    ).all()
    from noaber.people.models import Household

    households = session.exec(
        select(Household).where(col(Household.id).in_([m.household_id for m in memberships]))
    ).all()
    helpers = session.exec(select(HelperProfile).where(HelperProfile.person_id == person_id)).all()
    requests = session.exec(select(HelpRequest).where(HelpRequest.person_id == person_id)).all()
    request_ids = [r.id for r in requests]
    helper_ids = [h.id for h in helpers]
    timeline = session.exec(
        select(TimelineEntry).where(col(TimelineEntry.request_id).in_(request_ids))
    ).all()
    matches = session.exec(
        select(Match).where(
            or_(col(Match.request_id).in_(request_ids), col(Match.helper_id).in_(helper_ids))
        )
    ).all()
    accounts = session.exec(select(Account).where(Account.person_id == person_id)).all()
    consents = session.exec(select(Consent).where(Consent.person_id == person_id)).all()
    shares = session.exec(
        select(CaseShare).where(
            col(CaseShare.household_id).in_([m.household_id for m in memberships])
        )
    ).all()
    log = session.exec(
        select(AccessLogEntry).where(AccessLogEntry.subject_person_id == person_id)
    ).all()
    return {
        "person": _rows([person]),
        "household": _rows(households),
        "household_member": _rows(memberships),
        "helper_profile": _rows(helpers),
        "help_request": _rows(requests),
        "timeline_entry": _rows(timeline),
        "match": _rows(matches),
        "account": _rows(accounts),
        "consent": _rows(consents),
        "case_share": _rows(shares),
        "access_log": _rows(log),
    }


def export_person(
    session: Session, plugins: pluggy.PluginManager, person_id: int
) -> dict[str, Any]:
    """Everything about one person: ``{"core": {...}, "<plugin>": {...}}``."""
    from noaber.plugins import results_by_plugin

    data: dict[str, Any] = {"person_id": person_id, "core": core_export(session, person_id)}
    for plugin, contributed in sorted(
        results_by_plugin(
            plugins, "data_subject_export", person_id=person_id, session=session
        ).items()
    ):
        if contributed:
            data[plugin] = json.loads(json.dumps(dict(contributed), default=str))
    return data


def export_html(export: Mapping[str, Any], municipality: str) -> str:
    """The export as a readable document (Dutch), one table per source table."""
    parts = [
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'>",
        f"<title>Uw gegevens bij {html.escape(municipality)}</title></head><body>",
        f"<h1>Uw gegevens bij {html.escape(municipality)}</h1>",
        "<p>Dit overzicht bevat alles wat wij over u bewaren, per onderdeel.</p>",
    ]
    for source, tables in export.items():
        if not isinstance(tables, Mapping):
            continue
        parts.append(f"<h2>{html.escape(source)}</h2>")
        for table, rows in tables.items():
            parts.append(f"<h3>{html.escape(table)}</h3>")
            if not rows:
                parts.append("<p>Geen gegevens.</p>")
                continue
            keys = sorted({k for row in rows for k in row})
            parts.append("<table><tr>" + "".join(f"<th>{html.escape(k)}</th>" for k in keys))
            for row in rows:
                parts.append(
                    "<tr>"
                    + "".join(f"<td>{html.escape(str(row.get(k, '')))}</td>" for k in keys)
                    + "</tr>"
                )
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def core_erase(session: Session, person_id: int) -> dict[str, int]:
    person = _person(session, person_id)
    counts: dict[str, int] = {}
    for field in (
        "family_name",
        "birth_date",
        "birth_year",
        "email",
        "phone",
        "street",
        "house_number",
        "postcode",
        "city",
        "notes",
    ):
        setattr(person, field, None)
    person.given_name = ERASED
    person.languages = []
    counts["person"] = 1
    helpers = session.exec(select(HelperProfile).where(HelperProfile.person_id == person_id)).all()
    for helper in helpers:
        helper.display_name = ERASED
        helper.skills, helper.interests, helper.languages, helper.availability = [], [], [], []
        helper.vog_issued_on = helper.vog_valid_until = None
        helper.status = HelperStatus.paused
    counts["helper_profile"] = len(helpers)
    request_ids = _request_ids(session, person_id)
    requests = session.exec(select(HelpRequest).where(col(HelpRequest.id).in_(request_ids))).all()
    for request in requests:
        request.description = ERASED
    counts["help_request"] = len(requests)
    result = session.exec(
        delete(TimelineEntry).where(col(TimelineEntry.request_id).in_(request_ids))
    )
    counts["timeline_entry"] = int(result.rowcount or 0)
    result = session.exec(delete(Consent).where(col(Consent.person_id) == person_id))
    counts["consent"] = int(result.rowcount or 0)
    accounts = session.exec(select(Account).where(Account.person_id == person_id)).all()
    for account in accounts:
        session.exec(delete(PasswordReset).where(col(PasswordReset.account_id) == account.id))
        account.email = f"verwijderd-{account.id}@invalid"
        account.display_name = ERASED
        account.password_hash = None
        account.totp_secret = None
        account.totp_enabled = False
        account.oidc_subject = None
        account.disabled = True
        account.session_epoch += 1
    counts["account"] = len(accounts)
    return counts


def erase_person(
    session: Session,
    plugins: pluggy.PluginManager,
    person_id: int,
    *,
    principal: Principal | None,
    reason: str,
) -> dict[str, int]:
    """Erase one person everywhere, in ``session`` (the caller commits: all or nothing)."""
    from noaber.plugins import results_by_plugin

    _person(session, person_id)
    counts: dict[str, int] = {}
    for contributed in results_by_plugin(
        plugins, "data_subject_erase", person_id=person_id, session=session
    ).values():
        for table, n in dict(contributed or {}).items():
            counts[table] = counts.get(table, 0) + int(n)
    counts.update(core_erase(session, person_id))
    session.add(
        RemovalRegister(
            tenant_id=_tenant(),
            object_type="person",
            object_id=str(person_id),
            action="erased",
            reason=reason[:200],
            details=counts,
        )
    )
    access_log.record(
        session,
        principal=principal,
        action="erase",
        object_type="person",
        object_id=person_id,
        subject_person_id=person_id,
        purpose="data-subject rights",
    )
    return counts


def _tenant() -> str:
    from noaber.tenancy.context import require_tenant

    return require_tenant()


def declared_tables(plugins: pluggy.PluginManager) -> dict[str, tuple[str, str]]:
    """Every declared table → (declaring plugin, ``personal`` or ``none``)."""
    from noaber.plugins import results_by_plugin

    found: dict[str, tuple[str, str]] = {t: ("core", kind) for t, kind in CORE_TABLES.items()}
    for plugin, declared in results_by_plugin(plugins, "data_subject_tables").items():
        for table, kind in dict(declared or {}).items():
            found[table] = (plugin, kind)
    return found
