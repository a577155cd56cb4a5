"""Who is acting, and may they touch this object? The object-level half of access
control ("guards check the role; the query layer checks the object").

Services and plugins use three functions:

* :func:`current_principal` — the logged-in principal of this request (or the
  operator of a command), ``None`` outside any.
* :func:`can_access` / :func:`require_access` — may ``principal`` see object
  ``(kind, id)``? Core knows the kinds ``person``, ``household``, ``request``,
  ``match`` and ``helper``; a plugin answers for its own kinds through the
  ``object_access`` hook. ``require_access`` raises a 404 (the object's existence is
  not revealed).
* :func:`visible_ids` — for list queries: ``None`` (no restriction, the principal sees
  every row of the tenant it may reach by programme) or the set of ids of ``kind`` the
  principal may see; filter with ``col(Model.id).in_(ids)``.

Rules: a municipality admin and a coordinator see every object of their programmes;
a professional sees the households shared with their account (``case_share``), their
members, and requests of those households or referred by themselves; a volunteer sees
their own helper profile, their own matches and the requests of those matches (not the
household's record); a resident sees themself, their households and their requests.

Route guards call :func:`check_path_objects` for roles whose access is per object, so
``GET /api/households/{household_id}`` already refuses a household not shared with the
professional before the handler runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlmodel import Session, col, or_, select

from noaber.accounts.roles import Principal, Role
from noaber.errors import NotFound

_principal: ContextVar[Principal | None] = ContextVar("noaber_principal", default=None)

PATH_OBJECTS: dict[str, str] = {
    "person_id": "person",
    "household_id": "household",
    "request_id": "request",
    "match_id": "match",
    "helper_id": "helper",
}
"""Path parameter name → object kind that guards check for per-object roles."""


def current_principal() -> Principal | None:
    return _principal.get()


def set_principal(principal: Principal | None) -> None:
    _principal.set(principal)


@contextmanager
def acting_as(principal: Principal | None) -> Iterator[None]:
    """Run code (a command, a job, a test) as ``principal``."""
    token = _principal.set(principal)
    try:
        yield
    finally:
        _principal.reset(token)


def _shared_household_ids(session: Session, principal: Principal) -> set[int]:
    from noaber.privacy.models import CaseShare

    if principal.account_id is None:
        return set()
    rows = session.exec(
        select(CaseShare.household_id).where(
            CaseShare.account_id == principal.account_id, col(CaseShare.revoked_at).is_(None)
        )
    ).all()
    return set(rows)


def _own_household_ids(session: Session, principal: Principal) -> set[int]:
    from noaber.people.models import HouseholdMember

    if principal.person_id is None:
        return set()
    rows = session.exec(
        select(HouseholdMember.household_id).where(HouseholdMember.person_id == principal.person_id)
    ).all()
    return set(rows)


def _members_of(session: Session, household_ids: set[int]) -> set[int]:
    from noaber.people.models import HouseholdMember

    if not household_ids:
        return set()
    rows = session.exec(
        select(HouseholdMember.person_id).where(
            col(HouseholdMember.household_id).in_(household_ids)
        )
    ).all()
    return set(rows)


def _requests_of(session: Session, principal: Principal, households: set[int]) -> set[int]:
    from noaber.requests.models import HelpRequest

    conditions: list[Any] = []
    if households:
        conditions.append(col(HelpRequest.household_id).in_(households))
    if principal.role is Role.professional and principal.professional_id is not None:
        conditions.append(HelpRequest.professional_id == principal.professional_id)
    if principal.role is Role.resident and principal.person_id is not None:
        conditions.append(HelpRequest.person_id == principal.person_id)
    if principal.role is Role.volunteer and principal.helper_id is not None:
        from noaber.matching.models import Match

        conditions.append(
            col(HelpRequest.id).in_(
                select(Match.request_id).where(Match.helper_id == principal.helper_id)
            )
        )
    if not conditions:
        return set()
    rows = session.exec(select(HelpRequest.id).where(or_(*conditions))).all()
    return {r for r in rows if r is not None}


def visible_ids(session: Session, principal: Principal | None, kind: str) -> set[int] | None:
    """The ids of ``kind`` the principal may see; ``None`` means no per-object limit."""
    if principal is None:
        return set()
    if principal.sees_everything_in_tenant:
        return None
    role = principal.role
    if kind == "household":
        if role is Role.professional:
            return _shared_household_ids(session, principal)
        if role is Role.resident:
            return _own_household_ids(session, principal)
        return set()
    if kind == "person":
        if role is Role.professional:
            return _members_of(session, _shared_household_ids(session, principal))
        if role is Role.resident:
            own = _members_of(session, _own_household_ids(session, principal))
            return own | ({principal.person_id} if principal.person_id else set())
        if role is Role.volunteer and principal.person_id is not None:
            return {principal.person_id}
        return set()
    if kind == "request":
        if role is Role.professional:
            return _requests_of(session, principal, _shared_household_ids(session, principal))
        if role is Role.resident:
            return _requests_of(session, principal, _own_household_ids(session, principal))
        return _requests_of(session, principal, set())
    if kind == "match":
        from noaber.matching.models import Match

        if role is Role.volunteer and principal.helper_id is not None:
            rows = session.exec(select(Match.id).where(Match.helper_id == principal.helper_id))
            return {r for r in rows.all() if r is not None}
        requests = visible_ids(session, principal, "request") or set()
        if not requests or role is Role.resident:
            return set()
        rows = session.exec(select(Match.id).where(col(Match.request_id).in_(requests)))
        return {r for r in rows.all() if r is not None}
    if kind == "helper":
        if role is Role.volunteer and principal.helper_id is not None:
            return {principal.helper_id}
        return set()
    return set()


def can_access(
    session: Session,
    principal: Principal | None,
    kind: str,
    object_id: int,
    plugins: Any = None,
) -> bool:
    """May ``principal`` see object ``(kind, object_id)``? Plugins decide for their own
    kinds through the ``object_access`` hook (``plugins`` is the tenant's manager)."""
    if principal is None:
        return False
    if principal.sees_everything_in_tenant:
        return True
    if kind in PATH_OBJECTS.values():
        ids = visible_ids(session, principal, kind)
        return ids is None or object_id in ids
    if plugins is not None:
        answer = plugins.hook.object_access(
            principal=principal, kind=kind, object_id=object_id, session=session
        )
        return bool(answer)
    return False


def require_access(
    session: Session,
    principal: Principal | None,
    kind: str,
    object_id: int,
    plugins: Any = None,
) -> None:
    """Raise a 404 unless the principal may see the object."""
    if not can_access(session, principal, kind, object_id, plugins):
        raise NotFound(f"No {kind} {object_id}.")


def path_objects(path_params: Mapping[str, Any]) -> list[tuple[str, int]]:
    return [
        (PATH_OBJECTS[name], int(value))
        for name, value in path_params.items()
        if name in PATH_OBJECTS and isinstance(value, int)
    ]


def check_path_objects(
    session: Session, principal: Principal, path_params: Mapping[str, Any], plugins: Any = None
) -> list[tuple[str, int]]:
    """Check every object named by the path; returns them (raises 404 on the first
    the principal may not see)."""
    found = path_objects(path_params)
    for kind, object_id in found:
        require_access(session, principal, kind, object_id, plugins)
    return found


def entries_about_person(
    session: Session, person_id: int, limit: int = 500
) -> list[dict[str, Any]]:
    """ "Who accessed my file": the access-log entries about one person, newest first,
    with the account's name instead of its id."""
    from noaber.accounts.models import Account
    from noaber.privacy.models import AccessLogEntry

    rows = session.exec(
        select(AccessLogEntry)
        .where(AccessLogEntry.subject_person_id == person_id)
        .order_by(col(AccessLogEntry.id).desc())
        .limit(limit)
    ).all()
    names = {f"account:{a.id}": a.display_name for a in session.exec(select(Account)).all()}
    return [
        {
            "when": row.at,
            "at": row.at,
            "who": names.get(row.actor, row.actor),
            "role": row.actor_role,
            "action": row.action,
            "what": f"{row.object_type} {row.object_id or ''}".strip(),
            "why": row.purpose,
            "result": row.result,
        }
        for row in rows
    ]
