"""Who accessed a person's own data: their entries of the access log, newest first, in
the words a resident reads (``GET /api/me/access-log`` and the page *Wie zag mijn
gegevens*). A person's log grows for as long as they are helped, so it is read in
pages, with the accounts named on the page only."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from noaber.accounts.models import Account
from noaber.privacy.models import AccessLogEntry
from noaber.web.pagination import paginate


class MyAccessOut(BaseModel):
    at: datetime
    who: str
    role: str
    organisation: str | None
    action: str
    what: str
    why: str
    result: str


ACCOUNT_ACTOR = "account:"


def entries_about(
    session: Session, person_id: int, *, page: int, page_size: int
) -> tuple[list[MyAccessOut], int]:
    """One page of the entries that name ``person_id`` as data subject, and their total."""
    rows, total = paginate(
        session,
        select(AccessLogEntry)
        .where(AccessLogEntry.subject_person_id == person_id)
        .order_by(col(AccessLogEntry.id).desc()),
        page,
        page_size,
    )
    account_ids = {
        int(actor[len(ACCOUNT_ACTOR) :])
        for actor in (row.actor for row in rows)
        if actor.startswith(ACCOUNT_ACTOR) and actor[len(ACCOUNT_ACTOR) :].isdigit()
    }
    names = (
        {
            f"{ACCOUNT_ACTOR}{a.id}": a.display_name
            for a in session.exec(select(Account).where(col(Account.id).in_(account_ids)))
        }
        if account_ids
        else {}
    )
    entries = [
        MyAccessOut(
            at=row.at,
            who=names.get(row.actor, row.actor),
            role=row.actor_role,
            organisation=None,
            action=row.action,
            what=f"{row.object_type} {row.object_id or ''}".strip(),
            why=row.purpose,
            result=row.result,
        )
        for row in rows
    ]
    return entries, total
