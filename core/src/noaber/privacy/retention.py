"""Retention: what is due for removal, per object type and municipality.

The municipality configures ``[retention_months]`` (``municipality.toml``): how many
months after an object is *closed* it is kept. Core knows these object types:

* ``request``: a request whose status is final (no further transitions) and that has
  not changed for that long: its description is anonymised and its timeline deleted;
* ``coupling``: a match in a final status, unchanged for that long: its explanation
  (scores about the helper) is cleared;
* ``access_log``: entries older than that are deleted (run as the owner role: the
  application role cannot delete them).

Each removal is written to the ``removal_register`` (type, id, action, rule; never the
content). A configured type no rule knows is reported, not silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, delete, select

from noaber.matching.models import Match
from noaber.platform import Platform
from noaber.privacy.models import AccessLogEntry, RemovalRegister
from noaber.privacy.subject import ERASED
from noaber.requests.models import HelpRequest, TimelineEntry
from noaber.requests.types import request_types_of
from noaber.tenancy.context import tenant_scope

KNOWN_TYPES = ("request", "coupling", "access_log")


@dataclass
class RetentionReport:
    tenant: str
    due: dict[str, list[str]] = field(default_factory=dict)
    unknown_types: list[str] = field(default_factory=list)
    dry_run: bool = True

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.due.values())


def months_ago(months: int, now: datetime) -> datetime:
    return now - timedelta(days=round(months * 30.44))


def _final_statuses(platform: Platform, slug: str) -> tuple[set[str], set[str]]:
    registry = request_types_of(platform.tenants[slug].plugins)
    request_final: set[str] = set()
    match_final: set[str] = set()
    for request_type in registry:
        request_final |= {
            s for s in request_type.workflow.statuses if not request_type.workflow.allowed(s)
        }
        match_final |= {
            s
            for s in request_type.match_lifecycle.statuses
            if not request_type.match_lifecycle.allowed(s)
        }
    return request_final, match_final


def _register(
    session: Session, slug: str, kind: str, ids: Iterable[int | None], action: str, rule: str
) -> None:
    for object_id in ids:
        session.add(
            RemovalRegister(
                tenant_id=slug,
                object_type=kind,
                object_id=str(object_id),
                action=action,
                reason=rule,
                details={},
            )
        )


def run(
    platform: Platform, slug: str, *, dry_run: bool, now: datetime | None = None
) -> RetentionReport:
    """Find (and unless ``dry_run`` remove) what is due in one municipality."""
    now = now or datetime.now(UTC)
    config = platform.municipality(slug).config
    report = RetentionReport(tenant=slug, dry_run=dry_run)
    report.unknown_types = sorted(set(config.retention_months) - set(KNOWN_TYPES))
    request_final, match_final = _final_statuses(platform, slug)
    with tenant_scope(slug), platform.admin_sessions.begin() as session:
        if "request" in config.retention_months:
            months = config.retention_months["request"]
            rows = session.exec(
                select(HelpRequest).where(
                    col(HelpRequest.status).in_(request_final),
                    col(HelpRequest.updated_at) < months_ago(months, now),
                    HelpRequest.description != ERASED,
                )
            ).all()
            report.due["request"] = [str(r.id) for r in rows]
            if not dry_run and rows:
                ids = [r.id for r in rows]
                for row in rows:
                    row.description = ERASED
                session.exec(delete(TimelineEntry).where(col(TimelineEntry.request_id).in_(ids)))
                _register(session, slug, "request", ids, "anonymised", f"retention {months} months")
        if "coupling" in config.retention_months:
            months = config.retention_months["coupling"]
            matches = [
                m
                for m in session.exec(
                    select(Match).where(
                        col(Match.status).in_(match_final),
                        col(Match.updated_at) < months_ago(months, now),
                    )
                ).all()
                if m.explanation
            ]
            report.due["coupling"] = [str(m.id) for m in matches]
            if not dry_run and matches:
                for match in matches:
                    match.explanation = {}
                ids = [m.id for m in matches]
                _register(
                    session, slug, "coupling", ids, "anonymised", f"retention {months} months"
                )
        if "access_log" in config.retention_months:
            months = config.retention_months["access_log"]
            cutoff = months_ago(months, now)
            old = [
                i
                for i in session.exec(
                    select(AccessLogEntry.id).where(col(AccessLogEntry.at) < cutoff)
                ).all()
                if i is not None
            ]
            report.due["access_log"] = [str(i) for i in old]
            if not dry_run and old:
                session.exec(delete(AccessLogEntry).where(col(AccessLogEntry.at) < cutoff))
                session.add(
                    RemovalRegister(
                        tenant_id=slug,
                        object_type="access_log",
                        object_id=f"{min(old)}..{max(old)}",
                        action="deleted",
                        reason=f"retention {months} months",
                        details={"entries": len(old), "before": cutoff.isoformat()},
                    )
                )
    return report
