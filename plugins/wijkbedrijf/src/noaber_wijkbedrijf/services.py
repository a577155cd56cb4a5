"""Jobs (klussen), planning, confirmations and hours. Every read and write of wijkbedrijf
data goes through the service modules of this package.

A refused write raises before anything is added to the session, and the web layer rolls
the transaction back on any error: nothing stored changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, or_, update
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from noaber.accounts.access import current_principal, require_access
from noaber.accounts.mail import Mail, Mailer, MailNotSent
from noaber.clock import DUTCH_TIME, as_utc, dutch_today
from noaber.errors import Conflict, NotFound, Refusal, UserMessage
from noaber.matching import services as matching
from noaber.matching.columns import DAYS, PARTS
from noaber.matching.schemas import MatchIn, MatchTransitionIn, SuggestionsOut
from noaber.people.models import HelperProfile, Person, Professional, utcnow
from noaber.people.services import builtin_resolve, field_error, neighbourhoods
from noaber.platform import TenantRuntime
from noaber.requests import services as requests
from noaber.requests.models import HelpRequest, TimelineKind
from noaber.requests.schemas import RequestIn, TransitionIn
from noaber.tenancy.context import require_tenant
from noaber.ui.notation import nl_money
from noaber_wijkbedrijf.models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    AssignmentStatus,
    Delivery,
    HoursEntry,
    HoursStatus,
    Job,
    Notification,
)
from noaber_wijkbedrijf.schemas import (
    AssignmentIn,
    AssignmentOut,
    DecisionIn,
    HoursIn,
    JobIn,
    JobOut,
    RateChoice,
    RateIn,
)
from noaber_wijkbedrijf.settings import WijkbedrijfSettings
from noaber_wijkbedrijf.workflow import REQUEST_TYPE

NAME = "wijkbedrijf"
MAX_HOURS_A_DAY = Decimal(24)
MAX_JOB_HOURS = Decimal(24)


def settings_of(tenant: TenantRuntime) -> WijkbedrijfSettings:
    found = tenant.municipality.plugin_settings.get(NAME)
    return found if isinstance(found, WijkbedrijfSettings) else WijkbedrijfSettings()


def get_row(session: Session, model: type[Any], ident: int, what: str) -> Any:
    # A select, not session.get(): selects are tenant-filtered by the session guards.
    row = session.exec(select(model).where(model.id == ident)).first()
    if row is None:
        raise NotFound(f"{what} {ident} not found")
    return row


def require_ref(session: Session, model: type[Any], ident: int, field: str, what: str) -> Any:
    """A referenced row in a body: a 422 naming the field when it does not exist."""
    row = session.exec(select(model).where(model.id == ident)).first()
    if row is None:
        raise field_error(field, f"no {what} {ident}")
    return row


def lock_helper(session: Session, helper_id: int, field: str = "helper_id") -> HelperProfile:
    """The helper's row, locked until commit on PostgreSQL: planning and hours checks of
    one volunteer run one at a time, so two requests cannot both pass an overlap check."""
    helper = session.exec(
        select(HelperProfile).where(HelperProfile.id == helper_id).with_for_update()
    ).first()
    if helper is None:
        raise field_error(field, f"no volunteer {helper_id}")
    return helper


# --- tariffs ----------------------------------------------------------------------------------


def choose_rate(
    settings: WijkbedrijfSettings, category: str, choice: RateChoice
) -> tuple[Decimal, str | None]:
    """The hourly rate for a job and the reduced rate's code, or a 422 naming the field."""
    if category not in settings.categories:
        raise field_error(
            "category",
            f"unknown category {category!r}; this municipality's categories: "
            + ", ".join(settings.categories),
            user_message=UserMessage("Choose one of the categories."),
        )
    full = settings.rate_for(category)
    if full is None:
        raise field_error(
            "category",
            f"no tariff for category {category!r} in this municipality's configuration "
            "([plugins.wijkbedrijf] hourly_rate or category_rates); a job cannot be priced",
            user_message=UserMessage(
                "The category %(category)s has no tariff in this municipality; a job in it "
                "cannot be priced.",
                category=category,
            ),
        )
    if choice.rate_code is None:
        return full, None
    rate = settings.reduced(choice.rate_code)
    if rate is None:
        known = ", ".join(r.code for r in settings.reduced_rates) or "none"
        raise field_error(
            "rate_code",
            f"unknown reduced rate {choice.rate_code!r} (configured: {known})",
            user_message=UserMessage("Choose one of the reduced rates."),
        )
    if rate.requires_reason and not (choice.rate_reason and choice.rate_reason.strip()):
        raise field_error(
            "rate_reason",
            f"the reduced rate {rate.code!r} ({rate.condition}) needs the coordinator's reason",
            user_message=UserMessage(
                "The reduced rate %(code)s (%(condition)s) needs your reason.",
                code=rate.code,
                condition=rate.condition,
            ),
        )
    if rate.max_income_pct is not None:
        if choice.income_pct is None:
            raise field_error(
                "income_pct",
                f"the reduced rate {rate.code!r} ({rate.condition}) needs the household's "
                "income as a percentage of the social minimum",
                user_message=UserMessage(
                    "The reduced rate %(code)s (%(condition)s) needs the household's income "
                    "as a percentage of the social minimum.",
                    code=rate.code,
                    condition=rate.condition,
                ),
            )
        if choice.income_pct > rate.max_income_pct:
            raise field_error(
                "income_pct",
                f"an income of {choice.income_pct}% of the social minimum is above the "
                f"{rate.max_income_pct}% of the reduced rate {rate.code!r}",
                user_message=UserMessage(
                    "An income of %(income)s%% of the social minimum is above the %(limit)s%% "
                    "of the reduced rate %(code)s.",
                    income=choice.income_pct,
                    limit=rate.max_income_pct,
                    code=rate.code,
                ),
            )
    return rate.hourly_rate, rate.code


# --- jobs -------------------------------------------------------------------------------------


def window_slots(start: date, end: date) -> list[str]:
    """Core availability slots for the weekdays in the wished window (all parts of a day)."""
    days = {(start + timedelta(days=i)).weekday() for i in range(min((end - start).days + 1, 7))}
    return [f"{DAYS[d]}_{p}" for d in sorted(days) for p in PARTS]


def check_hours_value(hours: Decimal, field: str, limit: Decimal, what: str) -> None:
    wrong = UserMessage("Enter more than 0 and at most %(limit)s hours.", limit=limit)
    if not hours.is_finite() or hours <= 0:
        raise field_error(
            field, f"{what} must be more than 0 hours (got {hours})", user_message=wrong
        )
    if hours > limit:
        raise field_error(
            field, f"{what} of {hours} hours is more than {limit} hours", user_message=wrong
        )


def create_job(session: Session, tenant: TenantRuntime, data: JobIn) -> Job:
    settings = settings_of(tenant)
    person: Person = require_ref(session, Person, data.person_id, "person_id", "person")
    if data.professional_id is not None:
        require_ref(session, Professional, data.professional_id, "professional_id", "professional")
    check_hours_value(data.estimated_hours, "estimated_hours", MAX_JOB_HOURS, "an estimate")
    rate, code = choose_rate(settings, data.category, data)
    hood = tenant.hook.resolve_neighbourhood(
        postcode=data.postcode, neighbourhoods=neighbourhoods(session)
    )
    if hood is None:
        hood = builtin_resolve(data.postcode, neighbourhoods(session))
    request = requests.create_request(
        session,
        tenant.plugins,
        RequestIn(
            type=REQUEST_TYPE,
            asked_by=data.asked_by,
            professional_id=data.professional_id,
            person_id=person.id,
            neighbourhood_id=hood if hood is not None else person.neighbourhood_id,
            description=f"{data.category}: {data.description}",
            wished_from=data.wished_from,
            wished_until=data.wished_until,
            availability=window_slots(data.wished_from, data.wished_until),
            skills=[data.category],
            actor=data.actor,
        ),
    )
    job = Job(
        tenant_id=require_tenant(),
        request_id=request.id or 0,
        person_id=person.id or 0,
        category=data.category,
        channel=data.channel,
        estimated_hours=data.estimated_hours,
        wished_from=data.wished_from,
        wished_until=data.wished_until,
        street=data.street,
        house_number=data.house_number,
        postcode=data.postcode,
        city=data.city,
        hourly_rate=rate,
        rate_code=code,
        rate_reason=data.rate_reason if code else None,
        income_pct=data.income_pct if code else None,
        created_by=data.actor,
    )
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: int) -> Job:
    job: Job = get_row(session, Job, job_id, "job")
    return job


def request_of(session: Session, job: Job) -> HelpRequest:
    return requests.get_request(session, job.request_id)


def job_out(session: Session, job: Job, request: HelpRequest | None = None) -> JobOut:
    request = request or request_of(session, job)
    return JobOut(
        id=job.id or 0,
        request_id=job.request_id,
        status=request.status,
        person_id=job.person_id,
        asked_by=request.asked_by,
        professional_id=request.professional_id,
        channel=job.channel,
        category=job.category,
        description=request.description.removeprefix(f"{job.category}: "),
        estimated_hours=job.estimated_hours,
        wished_from=job.wished_from,
        wished_until=job.wished_until,
        street=job.street,
        house_number=job.house_number,
        postcode=job.postcode,
        city=job.city,
        neighbourhood_id=request.neighbourhood_id,
        hourly_rate=job.hourly_rate,
        rate_code=job.rate_code,
        rate_reason=job.rate_reason,
        income_pct=job.income_pct,
        created_at=job.created_at,
    )


def page_of_jobs(
    session: Session,
    *,
    page: int,
    page_size: int,
    status: str | None = None,
    category: str | None = None,
    newest_first: bool = False,
) -> tuple[list[JobOut], int]:
    """One page of the jobs (whose request has ``status``, of ``category``) in the order
    they were taken, the oldest first or the newest first, and how many match in all:
    two statements, each job read with its request."""
    chosen: list[ColumnElement[bool]] = []
    if status:
        chosen.append(col(HelpRequest.status) == status)
    if category:
        chosen.append(col(Job.category) == category)
    of_request = col(HelpRequest.id) == Job.request_id
    total = session.exec(
        select(func.count()).select_from(Job).join(HelpRequest, of_request).where(*chosen)
    ).one()
    rows = session.exec(
        select(Job, HelpRequest)
        .join(HelpRequest, of_request)
        .where(*chosen)
        .order_by(col(Job.id).desc() if newest_first else col(Job.id))
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return [job_out(session, j, r) for j, r in rows], total


def rate_fixed(session: Session, job: Job, status: str | None = None) -> Refusal | None:
    """Why the job's rate may no longer change (``status``: the job's, when known), or
    None: a cancelled job, or a closed one with all its approved hours invoiced. A closed
    job whose invoice was credited has billable hours again, to invoice at another rate."""
    status = status or request_of(session, job).status
    if status == "geannuleerd":
        return Refusal(
            f"job {job.id} was cancelled; its rate no longer changes",
            UserMessage("This klus was cancelled; its rate can no longer be changed."),
        )
    if status == "afgerond":
        from noaber_wijkbedrijf.invoices import billable_hours

        if not billable_hours(session, job_id=job.id):
            return Refusal(
                f"job {job.id} is closed and all its approved hours are invoiced; credit an "
                "invoice first to invoice its hours at another rate",
                UserMessage(
                    "This klus is closed and all its hours are invoiced; its rate can no "
                    "longer be changed. Credit an invoice first to invoice its hours at "
                    "another rate."
                ),
            )
    return None


def set_rate(session: Session, tenant: TenantRuntime, job_id: int, data: RateIn) -> Job:
    """A coordinator changes the rate; invoices already issued keep their own rates. Not
    on a job whose rate is fixed (:func:`rate_fixed`): 409."""
    job = get_job(session, job_id)
    fixed = rate_fixed(session, job)
    if fixed is not None:
        raise Conflict(fixed.detail, user_message=fixed.user_message)
    rate, code = choose_rate(settings_of(tenant), job.category, data)
    previous = job.hourly_rate
    job.hourly_rate, job.rate_code = rate, code
    job.rate_reason = data.rate_reason if code else None
    job.income_pct = data.income_pct if code else None
    session.add(job)
    requests.add_timeline(
        session,
        kind=TimelineKind.note,
        text=f"tarief {nl_money(previous)} → {nl_money(rate)} per uur"
        + (f" ({code}: {data.rate_reason})" if code and data.rate_reason else ""),
        actor=data.actor,
        request_id=job.request_id,
        data={"rate_code": code, "hourly_rate": str(rate), "reason": data.rate_reason},
    )
    session.flush()
    return job


def _move(
    session: Session, tenant: TenantRuntime, job: Job, to: str, actor: str, reason: str | None
) -> None:
    requests.transition_request(
        session, tenant.plugins, job.request_id, TransitionIn(to=to, reason=reason, actor=actor)
    )


def cancel_job(session: Session, tenant: TenantRuntime, job_id: int, data: DecisionIn) -> Job:
    job = get_job(session, job_id)
    _move(session, tenant, job, "geannuleerd", data.actor, data.reason)
    for a in assignments_of(session, job_id):
        if a.status in (AssignmentStatus.voorgesteld, AssignmentStatus.bevestigd):
            _assignment_to(session, tenant, a, AssignmentStatus.ingetrokken, data)
    session.flush()
    return job


def mark_done(session: Session, tenant: TenantRuntime, job_id: int, data: DecisionIn) -> Job:
    job = get_job(session, job_id)
    _move(session, tenant, job, "uitgevoerd", data.actor, data.reason)
    for a in assignments_of(session, job_id):
        if a.status is AssignmentStatus.bevestigd:
            _assignment_to(session, tenant, a, AssignmentStatus.uitgevoerd, data)
        elif a.status is AssignmentStatus.voorgesteld:
            _assignment_to(
                session,
                tenant,
                a,
                AssignmentStatus.ingetrokken,
                DecisionIn(reason="klus uitgevoerd zonder deze vrijwilliger", actor=data.actor),
            )
    session.flush()
    return job


# --- planning ---------------------------------------------------------------------------------


def suggestions(
    session: Session, tenant: TenantRuntime, job_id: int, limit: int | None = None
) -> SuggestionsOut:
    """Core's ranked, explained suggestions (with this plugin's filter and score)."""
    job = get_job(session, job_id)
    return matching.suggestions(session, tenant, job.request_id, limit)


def assignments_of(session: Session, job_id: int) -> Sequence[Assignment]:
    return session.exec(
        select(Assignment).where(Assignment.job_id == job_id).order_by(col(Assignment.id))
    ).all()


def assignments_of_jobs(session: Session, job_ids: Sequence[int]) -> dict[int, list[Assignment]]:
    """The assignments of several jobs at once (a list page), per job, oldest first."""
    found: dict[int, list[Assignment]] = {job_id: [] for job_id in job_ids}
    if job_ids:
        rows = session.exec(
            select(Assignment)
            .where(col(Assignment.job_id).in_(list(job_ids)))
            .order_by(col(Assignment.id))
        ).all()
        for a in rows:
            found[a.job_id].append(a)
    return found


def assignment_out(session: Session, a: Assignment) -> AssignmentOut:
    out = AssignmentOut.model_validate(a)
    helper = session.exec(select(HelperProfile).where(HelperProfile.id == a.helper_id)).first()
    out.helper_name = helper.display_name if helper else ""
    out.starts_at, out.ends_at = as_utc(a.starts_at), as_utc(a.ends_at)
    return out


def _local(moment: datetime) -> str:
    return as_utc(moment).astimezone(DUTCH_TIME).strftime("%H:%M")


def assign(session: Session, tenant: TenantRuntime, job_id: int, data: AssignmentIn) -> Assignment:
    job = get_job(session, job_id)
    starts, ends = as_utc(data.starts_at), as_utc(data.ends_at)
    if ends - starts > timedelta(hours=24):
        raise field_error(
            "ends_at",
            "an assignment lasts at most 24 hours",
            user_message=UserMessage("An assignment lasts at most 24 hours."),
        )
    day = starts.astimezone(DUTCH_TIME).date()
    if not job.wished_from <= day <= job.wished_until:
        raise field_error(
            "starts_at",
            f"{day} lies outside the wished window {job.wished_from} to {job.wished_until}",
            user_message=UserMessage(
                "%(day)s lies outside the period the resident wished: %(start)s to %(end)s.",
                day=day,
                start=job.wished_from,
                end=job.wished_until,
            ),
        )
    helper = lock_helper(session, data.helper_id)
    clash = session.exec(
        select(Assignment).where(
            Assignment.helper_id == helper.id,
            col(Assignment.status).in_([s.value for s in ACTIVE_ASSIGNMENT]),
            col(Assignment.starts_at) < ends,
            col(Assignment.ends_at) > starts,
        )
    ).first()
    if clash is not None:
        raise Conflict(
            f"volunteer {helper.display_name} ({helper.id}) is already planned on job "
            f"{clash.job_id} from {as_utc(clash.starts_at).isoformat()} to "
            f"{as_utc(clash.ends_at).isoformat()}, which overlaps",
            user_message=UserMessage(
                "%(volunteer)s is already planned at that time: on job %(job)s, on %(day)s "
                "from %(start)s to %(end)s. Choose another time or another volunteer.",
                volunteer=helper.display_name,
                job=clash.job_id,
                day=as_utc(clash.starts_at).astimezone(DUTCH_TIME).strftime("%d-%m-%Y"),
                start=_local(clash.starts_at),
                end=_local(clash.ends_at),
            ),
            assignment_id=clash.id,
            job_id=clash.job_id,
        )
    match = matching.propose_match(
        session,
        tenant,
        MatchIn(request_id=job.request_id, helper_id=data.helper_id, actor=data.actor),
    )
    assignment = Assignment(
        tenant_id=require_tenant(),
        job_id=job.id or 0,
        match_id=match.id or 0,
        helper_id=helper.id or 0,
        starts_at=starts,
        ends_at=ends,
        status=AssignmentStatus.voorgesteld,
    )
    session.add(assignment)
    session.flush()
    return assignment


def get_assignment(session: Session, assignment_id: int) -> Assignment:
    a: Assignment = get_row(session, Assignment, assignment_id, "assignment")
    return a


def require_own_assignment(session: Session, a: Assignment) -> None:
    """A volunteer acts only on their own assignments (another's is not found);
    staff reach every assignment of their programme."""
    require_access(session, current_principal(), "match", a.match_id)


def _assignment_to(
    session: Session, tenant: TenantRuntime, a: Assignment, to: AssignmentStatus, data: DecisionIn
) -> None:
    matching.transition_match(
        session,
        tenant,
        a.match_id,
        MatchTransitionIn(to=to.value, reason=data.reason, actor=data.actor),
    )
    a.status = to
    if to is AssignmentStatus.bevestigd:
        a.confirmed_at = utcnow()
    session.add(a)


def confirm(
    session: Session, tenant: TenantRuntime, assignment_id: int, data: DecisionIn
) -> tuple[Assignment, Notification]:
    """The volunteer confirms; the job is planned and the resident's confirmation is
    stored (``open``). Commit, then :func:`send_confirmation`."""
    a = get_assignment(session, assignment_id)
    require_own_assignment(session, a)
    _assignment_to(session, tenant, a, AssignmentStatus.bevestigd, data)
    job = get_job(session, a.job_id)
    if request_of(session, job).status == "aangemeld":
        _move(session, tenant, job, "ingepland", data.actor, None)
    notification = _notify_resident(session, tenant, job, a)
    session.flush()
    return a, notification


CONFIRMATION_SUBJECT = "Uw klus is ingepland"


SENDING_EXPIRES = timedelta(minutes=10)
"""A send that has not recorded its outcome by then was cut off (a stopped process)."""


def cut_off(now: datetime) -> ColumnElement[bool]:
    """Notifications claimed for sending longer than ``SENDING_EXPIRES`` before ``now``
    without an outcome: their send was cut off."""
    return (col(Notification.delivery) == Delivery.bezig) & (
        col(Notification.attempted_at) < now - SENDING_EXPIRES
    )


def send_confirmation(
    session: Session,
    mailer: Mailer,
    notification: Notification,
    retry_minutes: Sequence[int],
) -> None:
    """Mail a stored confirmation and record on it whether and when it went out, or why
    not. Call it after the confirmation is committed: no transaction is open while the
    mail server is talked to, and a refusal never undoes the planning.

    One request at a time sends a confirmation: it is first claimed (``bezig``, in a
    transaction of its own), so a second request for the same one (a double click, two
    coordinators) sends nothing and answers 409. A failure that may pass is tried again
    by the retry task after the next wait of ``retry_minutes`` (:mod:`.retries`)."""
    if notification.channel != "e-mail":
        notification.delivery = Delivery.geen_emailadres
        session.add(notification)
        session.flush()
        return
    now = utcnow()
    claim(session, notification, now)
    deliver(session, mailer, notification, retry_minutes, now)


def deliver(
    session: Session,
    mailer: Mailer,
    notification: Notification,
    retry_minutes: Sequence[int],
    now: datetime,
) -> None:
    """Send a claimed confirmation and record the outcome in ``session`` (flushed, not
    committed): sent, or failed with its reason and when it is tried again, if at all."""
    try:
        mailer.send(
            Mail(to=notification.recipient, subject=CONFIRMATION_SUBJECT, body=notification.text)
        )
    except MailNotSent as exc:
        notification.delivery = Delivery.mislukt
        notification.delivery_error = exc.reason[:100]
        notification.next_attempt_at = next_attempt(
            notification.attempts, retry_minutes, now, permanent=exc.permanent
        )
    else:
        notification.delivery = Delivery.verstuurd
        notification.sent_at = now
        notification.delivery_error = None  # of an earlier try
        notification.next_attempt_at = None
    session.add(notification)
    session.flush()


def next_attempt(
    attempts: int, retry_minutes: Sequence[int], now: datetime, *, permanent: bool
) -> datetime | None:
    """When to try again after the ``attempts``-th try failed at ``now``: the
    ``attempts``-th wait of ``retry_minutes``; None when the server refused the address
    for good or every wait is used up."""
    if permanent or not 1 <= attempts <= len(retry_minutes):
        return None
    return now + timedelta(minutes=retry_minutes[attempts - 1])


def claim(
    session: Session, notification: Notification, now: datetime, *, due: bool = False
) -> None:
    """Mark ``notification`` as being sent (one more attempt), unless it went out or
    another request is sending it; committed at once, so other requests see the claim.
    ``due``: only when its next try is due by ``now`` (the retry task), so two runs of
    the task never both try it."""
    unsent = or_(col(Notification.delivery).in_([Delivery.open, Delivery.mislukt]), cut_off(now))
    statement = (
        update(Notification)
        .where(col(Notification.id) == notification.id)
        .where(col(Notification.tenant_id) == require_tenant())
        .where(unsent)
    )
    if due:
        statement = statement.where(col(Notification.next_attempt_at) <= now)
    claimed = session.execute(
        statement.values(
            delivery=Delivery.bezig, attempted_at=now, attempts=col(Notification.attempts) + 1
        ).execution_options(synchronize_session=False)
    )
    session.commit()
    # What is stored now (the update went around the ORM): the outcome recorded next is
    # then a change the ORM writes, also when it equals the state before the claim.
    session.refresh(notification)
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        sent = notification.delivery == Delivery.verstuurd
        raise Conflict(
            f"notification {notification.id} {'was already sent' if sent else 'is being sent'}",
            user_message=ALREADY_SENT if sent else BEING_SENT,
            delivery=notification.delivery.value,
        )


ALREADY_SENT = UserMessage("This confirmation was already sent to the resident.")
BEING_SENT = UserMessage(
    "This confirmation is being sent right now. Look again in a moment whether it went out."
)
NO_EMAIL = UserMessage(
    "The resident has no e-mail address: let them know another way, by phone or letter."
)


def get_notification(session: Session, notification_id: int) -> Notification:
    notification: Notification = get_row(session, Notification, notification_id, "notification")
    return notification


def resendable(session: Session, notification_id: int) -> Notification:
    """A confirmation that may go by mail: one without an e-mail address is refused (the
    desk sends it by sms or letter). Whether it went out already, or is going out now,
    :func:`send_confirmation` decides when it claims it."""
    notification = get_notification(session, notification_id)
    if notification.channel != "e-mail":
        raise Conflict(
            f"notification {notification_id} has no e-mail address to go to; "
            "the desk sends it by sms or letter",
            user_message=NO_EMAIL,
            delivery=notification.delivery.value,
        )
    return notification


def decline(
    session: Session, tenant: TenantRuntime, assignment_id: int, data: DecisionIn
) -> Assignment:
    a = get_assignment(session, assignment_id)
    require_own_assignment(session, a)
    _assignment_to(session, tenant, a, AssignmentStatus.afgewezen, data)
    session.flush()
    return a


def withdraw(
    session: Session, tenant: TenantRuntime, assignment_id: int, data: DecisionIn
) -> Assignment:
    a = get_assignment(session, assignment_id)
    _assignment_to(session, tenant, a, AssignmentStatus.ingetrokken, data)
    job = get_job(session, a.job_id)
    still = [
        x for x in assignments_of(session, job.id or 0) if x.status is AssignmentStatus.bevestigd
    ]
    if not still and request_of(session, job).status == "ingepland":
        _move(session, tenant, job, "aangemeld", data.actor, None)
    session.flush()
    return a


def first_name(display_name: str) -> str:
    """The volunteer's first name, the only thing a resident's message says about them."""
    return display_name.split()[0] if display_name.split() else display_name


def confirmation_text(
    category: str, starts_at: datetime, ends_at: datetime, volunteer: str, sender: str
) -> str:
    """The resident's confirmation: what, when and which volunteer (first name only); no
    name, address, rate or other personal data, as it may be read by others."""
    day = as_utc(starts_at).astimezone(DUTCH_TIME)
    return (
        f"Goedendag,\n\nUw klus '{category}' is ingepland op {day.strftime('%d-%m-%Y')} "
        f"van {_local(starts_at)} tot {_local(ends_at)} uur. {volunteer} komt bij u langs.\n\n"
        f"Met vriendelijke groet,\n{sender}"
    )


def _notify_resident(
    session: Session, tenant: TenantRuntime, job: Job, a: Assignment
) -> Notification:
    person: Person = get_row(session, Person, job.person_id, "person")
    helper: HelperProfile = get_row(session, HelperProfile, a.helper_id, "volunteer")
    settings = settings_of(tenant)
    if person.email:
        channel, recipient = "e-mail", person.email
    elif person.phone:
        channel, recipient = "sms", person.phone
    else:
        channel, recipient = "brief", f"{job.street} {job.house_number}, {job.postcode} {job.city}"
    text = confirmation_text(
        job.category,
        a.starts_at,
        a.ends_at,
        first_name(helper.display_name),
        settings.invoice_sender,
    )
    notification = Notification(
        tenant_id=require_tenant(),
        job_id=job.id or 0,
        person_id=person.id or 0,
        channel=channel,
        recipient=recipient,
        text=text,
    )
    session.add(notification)
    requests.add_timeline(
        session,
        kind=TimelineKind.contact,
        text=f"bevestiging aan bewoner ({channel}): {text}",
        actor="wijkbedrijf",
        request_id=job.request_id,
        data={"assignment_id": a.id, "channel": channel},
    )
    return notification


def notifications_of(session: Session, job_id: int) -> Sequence[Notification]:
    get_job(session, job_id)
    return session.exec(
        select(Notification).where(Notification.job_id == job_id).order_by(col(Notification.id))
    ).all()


# --- hours ------------------------------------------------------------------------------------


def register_hours(session: Session, job_id: int, data: HoursIn) -> HoursEntry:
    job = get_job(session, job_id)
    check_hours_value(data.hours, "hours", MAX_HOURS_A_DAY, "a registration")
    a = session.exec(
        select(Assignment).where(Assignment.id == data.assignment_id, Assignment.job_id == job_id)
    ).first()
    if a is None:
        raise field_error(
            "assignment_id", f"assignment {data.assignment_id} is not on job {job_id}"
        )
    require_own_assignment(session, a)
    if a.status not in (AssignmentStatus.bevestigd, AssignmentStatus.uitgevoerd):
        raise Conflict(
            f"assignment {a.id} is {a.status.value!r}: hours are registered only after the "
            "volunteer confirmed",
            current=a.status.value,
        )
    if data.worked_on > dutch_today():
        raise field_error("worked_on", f"{data.worked_on} lies in the future")
    lock_helper(session, a.helper_id, "assignment_id")
    already = session.exec(
        select(func.sum(HoursEntry.hours)).where(
            HoursEntry.helper_id == a.helper_id,
            HoursEntry.worked_on == data.worked_on,
            HoursEntry.status != HoursStatus.afgekeurd,
        )
    ).one()
    day_total = Decimal(already or 0) + data.hours
    if day_total > MAX_HOURS_A_DAY:
        raise field_error(
            "hours",
            f"the volunteer would have {day_total} hours on {data.worked_on} "
            f"({Decimal(already or 0)} already registered); at most {MAX_HOURS_A_DAY} in a day",
        )
    entry = HoursEntry(
        tenant_id=require_tenant(),
        job_id=job.id or 0,
        assignment_id=a.id or 0,
        helper_id=a.helper_id,
        worked_on=data.worked_on,
        hours=data.hours,
        status=HoursStatus.ingediend,
        note=data.note,
        registered_by=data.actor,
    )
    session.add(entry)
    session.flush()
    return entry


def _already_decided(entry: HoursEntry) -> UserMessage:
    """What a coordinator reads when someone else decided on the hours first."""
    name = entry.decided_by or "?"
    if entry.status is HoursStatus.goedgekeurd:
        return UserMessage("These hours were already approved by %(name)s.", name=name)
    return UserMessage("These hours were already rejected by %(name)s.", name=name)


REASON_NEEDED = UserMessage("Give the reason why these hours are rejected.")


def decide_hours(session: Session, hours_id: int, approve: bool, data: DecisionIn) -> HoursEntry:
    """The coordinator approves or rejects a registration, once."""
    entry: HoursEntry = get_row(session, HoursEntry, hours_id, "hours registration")
    if entry.status is not HoursStatus.ingediend:
        raise Conflict(
            f"hours registration {hours_id} was already {entry.status.value} by {entry.decided_by}",
            user_message=_already_decided(entry),
            current=entry.status.value,
        )
    if not approve and not (data.reason and data.reason.strip()):
        raise field_error("reason", "rejecting hours needs a reason", user_message=REASON_NEEDED)
    entry.status = HoursStatus.goedgekeurd if approve else HoursStatus.afgekeurd
    entry.decided_by = data.actor
    entry.decided_at = utcnow()
    if data.reason:
        entry.note = f"{entry.note}\n{data.reason}" if entry.note else data.reason
    session.add(entry)
    session.flush()
    return entry


def hours_statement(
    *,
    job_id: int | None = None,
    helper_id: int | None = None,
    status: HoursStatus | None = None,
) -> SelectOfScalar[HoursEntry]:
    """The hours registrations (of a job, of a volunteer, with a status) by the day
    worked, then in the order they were registered."""
    stmt = select(HoursEntry)
    if job_id is not None:
        stmt = stmt.where(HoursEntry.job_id == job_id)
    if helper_id is not None:
        stmt = stmt.where(HoursEntry.helper_id == helper_id)
    if status is not None:
        stmt = stmt.where(HoursEntry.status == status)
    return stmt.order_by(col(HoursEntry.worked_on), col(HoursEntry.id))


def list_hours(
    session: Session, *, job_id: int | None = None, status: HoursStatus | None = None
) -> Sequence[HoursEntry]:
    """All registrations of one job (404 if there is no such job), or all with a status
    (the approval queue), in the order of :func:`hours_statement`."""
    if job_id is not None:
        get_job(session, job_id)
    return session.exec(hours_statement(job_id=job_id, status=status)).all()


# --- consistency of the request workflow --------------------------------------------------


def check_transition(session: Session, request: HelpRequest, target: str) -> Refusal | None:
    """Why a ``klus`` request may not move to ``target`` (core's transition route included),
    or None. The job's planning, hours and invoices decide, not only the workflow."""
    if request.type != REQUEST_TYPE:
        return None
    job = session.exec(select(Job).where(Job.request_id == request.id)).first()
    if job is None:
        return Refusal(
            "a klus is taken in through /api/wijkbedrijf/jobs; this request has no job",
            UserMessage(
                "This request has no klus in the wijkbedrijf yet. Take the klus in through "
                "the wijkbedrijf first."
            ),
        )
    statuses = {a.status for a in assignments_of(session, job.id or 0)}
    if target == "ingepland" and AssignmentStatus.bevestigd not in statuses:
        return Refusal(
            "a job is planned once a volunteer confirmed "
            "(POST /api/wijkbedrijf/assignments/{id}/confirm)",
            UserMessage(
                "No volunteer has confirmed this klus yet. It is planned once a volunteer "
                "has confirmed."
            ),
        )
    if target == "aangemeld" and AssignmentStatus.bevestigd in statuses:
        return Refusal(
            "a volunteer is still confirmed on this job; withdraw the planning first",
            UserMessage(
                "A volunteer is still confirmed on this klus. Withdraw the planning first."
            ),
        )
    if target == "afgerond":
        from noaber_wijkbedrijf.invoices import billable_hours, open_invoices

        if billable_hours(session, job_id=job.id):
            return Refusal(
                "the job has approved hours that are not invoiced yet",
                UserMessage(
                    "This klus has approved hours that are not invoiced yet. Invoice them first."
                ),
            )
        if open_invoices(session, job.id or 0):
            return Refusal(
                "the job has an unpaid invoice",
                UserMessage(
                    "This klus has an unpaid invoice. Finish the klus once it has been paid."
                ),
            )
    return None
