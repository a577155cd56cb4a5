"""Every read and write of Buurtgezinnen data goes through these functions.

Core does the people, the request and the match through its public services; this
module adds what Buurtgezinnen knows. A refusal raises before anything is written, and
the request's transaction is rolled back on any error: nothing stored changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from noaber.clock import dutch_time, dutch_today
from noaber.errors import Conflict, InvalidInput, NotFound, UserMessage
from noaber.matching.models import Match
from noaber.matching.schemas import MatchIn, MatchTransitionIn
from noaber.matching.services import add_months, propose_match, transition_match
from noaber.people.models import (
    HelperKind,
    HelperProfile,
    Household,
    HouseholdMember,
    MemberRole,
    utcnow,
)
from noaber.people.schemas import HelperIn, HelperPatch, HouseholdIn, MemberIn, PersonIn
from noaber.people.services import (
    age_on,
    create_helper,
    create_household,
    field_error,
    get_helper,
    members_of,
    neighbourhoods,
    update_helper,
)
from noaber.platform import TenantRuntime
from noaber.privacy import access_log
from noaber.requests.models import AskedBy, HelpRequest
from noaber.requests.schemas import RequestIn, TransitionIn
from noaber.requests.services import create_request, get_request, transition_request
from noaber.tenancy.context import require_tenant
from noaber.web.pagination import count_of, paginate
from noaber_buurtgezinnen.matching import (
    NO_PROPOSAL,
    intake_answers_missing,
    proposed_match,
    settings_of,
    steungezin_ready,
    visit_counts,
    vraaggezin_intake_done,
)
from noaber_buurtgezinnen.models import (
    Coupling,
    EndReason,
    Family,
    FamilyKind,
    Phase,
    Review,
    SignUpVia,
    Visit,
)
from noaber_buurtgezinnen.schemas import (
    ChildIn,
    CompetenceIn,
    CouplingIn,
    CouplingOut,
    CouplingStepIn,
    FamilyOut,
    IntakeDoneIn,
    IntakeIn,
    Referral,
    ReviewIn,
    ReviewOut,
    SteungezinEntry,
    SteungezinSignUp,
    VisitIn,
    VisitOut,
    VogIn,
    VraaggezinEntry,
    VraaggezinSignUp,
)
from noaber_buurtgezinnen.settings import BuurtgezinnenSettings
from noaber_buurtgezinnen.workflow import BUURTGEZIN, REQUEST_TYPE, RUNNING

# What a coordinator reads when core's matching excludes a steungezin (the English text
# is also the API's).
FILTER_MESSAGES = {
    "active": UserMessage("the steungezin is paused"),
    "capacity": UserMessage("the steungezin already supports as many families as it may"),
    "reach": UserMessage(
        "the steungezin lives too far away: the vraaggezin's neighbourhood is not its own "
        "or a nearby one"
    ),
    "vog": UserMessage("the steungezin has no valid VOG (certificate of conduct)"),
    "child_ages": UserMessage("the children's ages lie outside the ages the steungezin prefers"),
    "availability": UserMessage("the steungezin is not available at the wished times"),
    "buurtgezinnen_steungezin": UserMessage(
        "the steungezin's intake visits or competence check are missing"
    ),
    "buurtgezinnen_intake": UserMessage("the vraaggezin's intake is not complete"),
}


def settings(tenant: TenantRuntime) -> BuurtgezinnenSettings:
    return settings_of(tenant.municipality)


# The four intake questions of a vraaggezin, as a coordinator reads them.
INTAKE_QUESTIONS = {
    "support_needed": UserMessage("what support the family needs"),
    "upbringing_important": UserMessage("what the family finds important in upbringing"),
    "expectations": UserMessage("what the family expects from a steungezin"),
    "gives_back": UserMessage("what the family can give back"),
}


def _not_future(day: date, field: str, what: str) -> None:
    if day > dutch_today():
        raise field_error(
            field,
            f"{what} ({day}) lies in the future",
            user_message=UserMessage(
                "%(day)s lies in the future. Fill in the day on which it happened.", day=day
            ),
        )


# --- sign-up -------------------------------------------------------------------------------


def _check_children(
    children: Sequence[ChildIn], on: date, cfg: BuurtgezinnenSettings, *, required: bool
) -> None:
    for i, child in enumerate(children):
        age = age_on(child.birth_date, child.birth_year, on)
        assert age is not None
        if age < 0:
            raise field_error(f"children.{i}", f"{child.given_name} is not born yet on {on}")
        if required and not cfg.child_age_min <= age <= cfg.child_age_max:
            raise field_error(
                f"children.{i}",
                f"{child.given_name} is {age}; Buurtgezinnen here supports families with "
                f"children aged {cfg.child_age_min} to {cfg.child_age_max}",
            )


def _signed_up_on(day: date | None) -> date:
    day = day or dutch_today()
    _not_future(day, "signed_up_on", "the sign-up date")
    return day


def _household(
    session: Session,
    tenant: TenantRuntime,
    name: str,
    adults: Sequence[PersonIn],
    children: Sequence[ChildIn],
) -> tuple[Household, int]:
    family_name = adults[0].family_name
    members = [MemberIn(person=p, role=MemberRole.parent) for p in adults] + [
        MemberIn(
            person=PersonIn(
                given_name=c.given_name,
                family_name=family_name,
                birth_date=c.birth_date,
                birth_year=c.birth_year,
            ),
            role=MemberRole.child,
        )
        for c in children
    ]
    household = create_household(session, tenant.plugins, HouseholdIn(name=name, members=members))
    first = session.exec(
        select(HouseholdMember.person_id)
        .where(HouseholdMember.household_id == household.id)
        .order_by(col(HouseholdMember.id))
    ).first()
    assert first is not None
    return household, int(first)


def sign_up_vraaggezin(
    session: Session,
    tenant: TenantRuntime,
    data: VraaggezinSignUp,
    via: SignUpVia = SignUpVia.self,
) -> Family:
    cfg = settings(tenant)
    on = _signed_up_on(data.signed_up_on if isinstance(data, VraaggezinEntry) else None)
    _check_children(data.children, on, cfg, required=True)
    professional_id = data.professional_id if isinstance(data, Referral) else None
    asked_by = AskedBy(data.asked_by) if isinstance(data, Referral) else AskedBy.self
    actor = data.actor if isinstance(data, VraaggezinEntry) else "aanmeldformulier"
    household, _first = _household(session, tenant, data.name, data.parents, data.children)
    request = create_request(
        session,
        tenant.plugins,
        RequestIn(
            type=REQUEST_TYPE,
            asked_by=asked_by,
            professional_id=professional_id,
            household_id=household.id,
            description=data.question,
            languages=list(data.languages),
            actor=actor,
        ),
    )
    family = Family(
        tenant_id=require_tenant(),
        kind=FamilyKind.vraaggezin,
        household_id=household.id or 0,
        request_id=request.id,
        signed_up_on=on,
        signed_up_via=via,
        professional_id=professional_id,
        upbringing_views=list(data.upbringing_views),
        support_kinds=list(data.expected_support),
        support_needed=data.question,
    )
    session.add(family)
    session.flush()
    return family


def _vog_until(tenant: TenantRuntime, issued: date | None, until: date | None) -> date | None:
    if until is not None:
        return until
    if issued is None:
        return None
    return add_months(issued, tenant.municipality.config.matching.vog_validity_months)


def _reach(session: Session, cfg: BuurtgezinnenSettings, home: int | None) -> list[int]:
    if home is None:
        return []
    hoods = neighbourhoods(session)
    names = {h.id: h.name for h in hoods}
    near = cfg.nearby(names.get(home, ""))
    return [home] + [h.id for h in hoods if h.name in near and h.id is not None]


def sign_up_steungezin(
    session: Session,
    tenant: TenantRuntime,
    data: SteungezinSignUp,
    via: SignUpVia = SignUpVia.self,
) -> Family:
    cfg = settings(tenant)
    entry = data if isinstance(data, SteungezinEntry) else None
    on = _signed_up_on(entry.signed_up_on if entry else None)
    _check_children(data.children, on, cfg, required=False)
    issued = entry.vog_issued_on if entry else None
    until = _vog_until(tenant, issued, entry.vog_valid_until if entry else None)
    if issued is not None:
        _not_future(issued, "vog_issued_on", "the VOG's date")
        if until is not None and until < issued:
            raise field_error("vog_valid_until", "lies before vog_issued_on")
    household, first = _household(session, tenant, data.name, data.adults, data.children)
    try:
        helper_in = HelperIn(
            kind=HelperKind.support_family,
            display_name=data.name,
            person_id=first,
            household_id=household.id,
            home_neighbourhood_id=household.neighbourhood_id,
            languages=list(data.languages),
            max_load=cfg.max_couplings_per_steungezin,
            reach_neighbourhood_ids=_reach(session, cfg, household.neighbourhood_id),
            vog_issued_on=issued,
            vog_valid_until=until,
            child_age_min=data.preferred_child_age_min,
            child_age_max=data.preferred_child_age_max,
        )
    except ValidationError as exc:  # pragma: no cover - the schema checks the same
        raise InvalidInput(str(exc)) from None
    helper = create_helper(session, helper_in)
    family = Family(
        tenant_id=require_tenant(),
        kind=FamilyKind.steungezin,
        household_id=household.id or 0,
        helper_id=helper.id,
        signed_up_on=on,
        signed_up_via=via,
        upbringing_views=list(data.upbringing_views),
        support_kinds=list(data.offered_support),
        motivation=data.motivation,
    )
    session.add(family)
    session.flush()
    return family


# --- families and intake -----------------------------------------------------------------


def get_family(session: Session, family_id: int, kind: FamilyKind | None = None) -> Family:
    family = session.exec(select(Family).where(Family.id == family_id)).first()
    if family is None:
        raise NotFound(f"family {family_id} not found")
    if kind is not None and family.kind is not kind:
        raise NotFound(f"family {family_id} is a {family.kind.value}, not a {kind.value}")
    return family


def _visits(session: Session, family_id: int) -> Sequence[Visit]:
    return session.exec(
        select(Visit).where(Visit.family_id == family_id).order_by(col(Visit.visited_on))
    ).all()


def _running(session: Session, family: Family) -> int:
    column = (
        Coupling.vraaggezin_id if family.kind is FamilyKind.vraaggezin else Coupling.steungezin_id
    )
    return int(
        session.execute(
            select(func.count())
            .select_from(Coupling)
            .where(column == family.id, col(Coupling.phase).in_(sorted(RUNNING)))
        ).scalar_one()
    )


def _vog_valid_until(tenant: TenantRuntime, session: Session, family: Family) -> date | None:
    if family.helper_id is None:
        return None
    helper = get_helper(session, family.helper_id)
    return _vog_until(tenant, helper.vog_issued_on, helper.vog_valid_until)


def missing_for_matching(
    session: Session, tenant: TenantRuntime, family: Family, today: date | None = None
) -> list[UserMessage]:
    """What still stands between this family and a coupling, in a coordinator's words
    (``str()`` of each is the API's English)."""
    visits = len(_visits(session, family.id or 0))
    until = _vog_valid_until(tenant, session, family)
    return _missing(settings(tenant), family, visits, until, today or dutch_today())


def _missing(
    cfg: BuurtgezinnenSettings,
    family: Family,
    visits: int,
    vog_valid_until: date | None,
    today: date,
) -> list[UserMessage]:
    """:func:`missing_for_matching` from what was read: the number of intake visits and,
    for a steungezin, the end of its VOG's validity."""
    missing = []
    if visits < cfg.minimum_intake_visits:
        missing.append(
            UserMessage(
                "%(count)s more intake visit(s) (%(made)s of %(required)s made)",
                count=cfg.minimum_intake_visits - visits,
                made=visits,
                required=cfg.minimum_intake_visits,
            )
        )
    if family.kind is FamilyKind.vraaggezin:
        missing += [
            UserMessage("intake question: %(question)s", question=INTAKE_QUESTIONS[name])
            for name in intake_answers_missing(family)
        ]
    else:
        if vog_valid_until is None:
            missing.append(UserMessage("a VOG"))
        elif vog_valid_until < today:
            missing.append(
                UserMessage("a new VOG (the last one expired on %(until)s)", until=vog_valid_until)
            )
        if family.competence_checked_on is None:
            missing.append(UserMessage("the competence check"))
        if family.stopped_on is not None:
            missing.append(UserMessage("the steungezin stopped on %(on)s", on=family.stopped_on))
    return missing


def family_out(
    session: Session,
    tenant: TenantRuntime,
    family: Family,
    missing_messages: Sequence[UserMessage] | None = None,
) -> FamilyOut:
    """The family as the API shows it; ``missing_messages`` is
    :func:`missing_for_matching` when the caller already has it (the web pages do)."""
    return families_out(session, tenant, [family], {family.id or 0: missing_messages})[0]


def families_out(
    session: Session,
    tenant: TenantRuntime,
    families: Sequence[Family],
    missing_messages: dict[int, Sequence[UserMessage] | None] | None = None,
    today: date | None = None,
) -> list[FamilyOut]:
    """The families as the API shows them, read with one query per kind of fact
    (households, requests, helpers, members, visits, running couplings) however many
    families there are. The members of their households, whose data (the children's
    ages) the answer shows, are named in the access log from what was read for it."""
    if not families:
        return []
    cfg = settings(tenant)
    today = today or dutch_today()
    ids = [f.id or 0 for f in families]
    households = {
        h.id: h
        for h in session.exec(
            select(Household).where(col(Household.id).in_({f.household_id for f in families}))
        )
    }
    request_ids = {f.request_id for f in families if f.request_id is not None}
    requests = {
        r.id: r
        for r in session.exec(select(HelpRequest).where(col(HelpRequest.id).in_(request_ids)))
    }
    helper_ids = {f.helper_id for f in families if f.helper_id is not None}
    helpers = {
        h.id: h
        for h in session.exec(select(HelperProfile).where(col(HelperProfile.id).in_(helper_ids)))
    }
    members = members_of(session, {f.household_id for f in families})
    access_log.note_subjects(m["person_id"] for found in members.values() for m in found)
    children = {
        household: sorted(
            m["age"] for m in found if m["role"] is MemberRole.child and m["age"] is not None
        )
        for household, found in members.items()
    }
    visits: dict[int, list[Visit]] = {i: [] for i in ids}
    for visit in session.exec(
        select(Visit).where(col(Visit.family_id).in_(ids)).order_by(col(Visit.visited_on))
    ):
        visits[visit.family_id].append(visit)
    running = _running_of(session, ids)
    given = missing_messages or {}
    out = []
    for family in families:
        fid = family.id or 0
        household = households[family.household_id]
        request = requests.get(family.request_id)
        helper = helpers.get(family.helper_id)
        vog = _vog_until(tenant, helper.vog_issued_on, helper.vog_valid_until) if helper else None
        messages = given.get(fid)
        if messages is None:
            messages = _missing(cfg, family, len(visits[fid]), vog, today)
        missing = [str(m) for m in messages]
        out.append(
            FamilyOut(
                id=fid,
                kind=family.kind,
                name=household.name,
                household_id=household.id or 0,
                neighbourhood_id=household.neighbourhood_id,
                request_id=family.request_id,
                request_status=request.status if request else None,
                helper_id=family.helper_id,
                signed_up_on=family.signed_up_on,
                signed_up_via=family.signed_up_via,
                professional_id=family.professional_id,
                children_ages=children[family.household_id],
                languages=list(
                    request.languages if request else helper.languages if helper else []
                ),
                upbringing_views=family.upbringing_views,
                support_kinds=family.support_kinds,
                support_needed=family.support_needed,
                upbringing_important=family.upbringing_important,
                expectations=family.expectations,
                gives_back=family.gives_back,
                motivation=family.motivation,
                visits=[VisitOut.model_validate(v) for v in visits[fid]],
                intake_completed_on=family.intake_completed_on,
                intake_missing=missing,
                vog_valid_until=vog,
                competence_checked_on=family.competence_checked_on,
                ready_for_matching=not missing
                and (request is None or request.status in BUURTGEZIN.open_statuses),
                running_couplings=running[fid],
                stopped_on=family.stopped_on,
            )
        )
    return out


def _running_of(session: Session, family_ids: Sequence[int]) -> dict[int, int]:
    """The number of running couplings of each family (as vraag- or steungezin)."""
    found = dict.fromkeys(family_ids, 0)
    rows = session.exec(
        select(Coupling.vraaggezin_id, Coupling.steungezin_id).where(
            col(Coupling.phase).in_(sorted(RUNNING)),
            col(Coupling.vraaggezin_id).in_(family_ids)
            | col(Coupling.steungezin_id).in_(family_ids),
        )
    ).all()
    for pair in rows:
        for fid in pair:
            if fid in found:
                found[fid] += 1
    return found


def list_families_statement(kind: FamilyKind | None = None) -> SelectOfScalar[Family]:
    """The families (of one kind, or all) in the order they signed up."""
    stmt = select(Family)
    if kind is not None:
        stmt = stmt.where(Family.kind == kind)
    return stmt.order_by(col(Family.id))


@dataclass(frozen=True)
class FamilyRow:
    """A family as a list shows it: what :func:`family_out` says about its standing,
    read for a whole page of families at once (:func:`family_rows`)."""

    family: Family
    name: str
    request_status: str | None
    running_couplings: int
    missing: list[UserMessage]
    ready_for_matching: bool

    @property
    def id(self) -> int:
        return self.family.id or 0

    @property
    def kind(self) -> FamilyKind:
        return self.family.kind

    @property
    def signed_up_on(self) -> date:
        return self.family.signed_up_on

    @property
    def intake_completed_on(self) -> date | None:
        return self.family.intake_completed_on

    @property
    def stopped_on(self) -> date | None:
        return self.family.stopped_on


def family_rows(
    session: Session,
    tenant: TenantRuntime,
    kind: FamilyKind | None = None,
    *,
    page: int = 1,
    page_size: int = 25,
    today: date | None = None,
) -> tuple[list[FamilyRow], int]:
    """One page of the families (in the order of :func:`list_families_statement`) with their
    standing, read in one query (the household's name, the request's status, the
    helper's VOG, the number of visits and of running couplings), and the total."""
    cfg = settings(tenant)
    today = today or dutch_today()
    visits = (
        select(func.count())
        .select_from(Visit)
        .where(Visit.family_id == Family.id)
        .correlate(Family)
        .scalar_subquery()
    )
    running = (
        select(func.count())
        .select_from(Coupling)
        .where(
            (col(Coupling.vraaggezin_id) == Family.id) | (col(Coupling.steungezin_id) == Family.id),
            col(Coupling.phase).in_(sorted(RUNNING)),
        )
        .correlate(Family)
        .scalar_subquery()
    )
    stmt = (
        sa_select(  # sqlmodel's select takes at most four columns
            Family,
            col(Household.name),
            col(HelpRequest.status),
            col(HelperProfile.vog_issued_on),
            col(HelperProfile.vog_valid_until),
            visits,
            running,
        )
        .join(Household, col(Household.id) == Family.household_id)
        .outerjoin(HelpRequest, col(HelpRequest.id) == Family.request_id)
        .outerjoin(HelperProfile, col(HelperProfile.id) == Family.helper_id)
    )
    counted = select(Family)
    if kind is not None:
        stmt = stmt.where(col(Family.kind) == kind)
        counted = counted.where(Family.kind == kind)
    total = count_of(session, counted)
    rows = []
    for family, name, status, issued, until, made, runs in session.execute(
        stmt.order_by(col(Family.id)).limit(page_size).offset((page - 1) * page_size)
    ).all():
        vog = _vog_until(tenant, issued, until) if family.helper_id else None
        missing = _missing(cfg, family, int(made), vog, today)
        rows.append(
            FamilyRow(
                family=family,
                name=str(name),
                request_status=status,
                running_couplings=int(runs),
                missing=missing,
                ready_for_matching=not missing
                and (status is None or status in BUURTGEZIN.open_statuses),
            )
        )
    return rows, total


def _touch(session: Session, family: Family) -> None:
    family.updated_at = utcnow()
    session.add(family)
    session.flush()


def add_visit(session: Session, tenant: TenantRuntime, family_id: int, data: VisitIn) -> Visit:
    family = get_family(session, family_id)
    _not_future(data.visited_on, "visited_on", "the visit")
    if data.visited_on < family.signed_up_on:
        raise field_error(
            "visited_on",
            f"the visit ({data.visited_on}) lies before the sign-up ({family.signed_up_on})",
            user_message=UserMessage(
                "The visit (%(visit)s) lies before the family signed up (%(signed_up)s).",
                visit=data.visited_on,
                signed_up=family.signed_up_on,
            ),
        )
    visit = Visit(
        tenant_id=require_tenant(),
        family_id=family.id or 0,
        visited_on=data.visited_on,
        visited_by=data.visited_by,
        note=data.note,
    )
    session.add(visit)
    if family.request_id is not None:
        request = get_request(session, family.request_id)
        if request.status == "aangemeld":
            transition_request(
                session,
                tenant.plugins,
                family.request_id,
                TransitionIn(to="intake", actor=data.visited_by),
            )
    _touch(session, family)
    return visit


def record_intake(session: Session, family_id: int, data: IntakeIn) -> Family:
    family = get_family(session, family_id)
    if family.kind is not FamilyKind.vraaggezin:
        raise Conflict(
            f"family {family_id} is a steungezin; the four intake questions are for a vraaggezin",
            user_message=UserMessage("The four intake questions are for a vraaggezin."),
        )
    family.support_needed = data.support_needed
    family.upbringing_important = data.upbringing_important
    family.expectations = data.expectations
    family.gives_back = data.gives_back
    if data.upbringing_views is not None:
        family.upbringing_views = list(data.upbringing_views)
    if data.expected_support is not None:
        family.support_kinds = list(data.expected_support)
    _touch(session, family)
    return family


def complete_intake(
    session: Session, tenant: TenantRuntime, family_id: int, data: IntakeDoneIn
) -> Family:
    """The intake is done: a vraaggezin starts looking for a steungezin."""
    family = get_family(session, family_id)
    on = data.completed_on or dutch_today()
    _not_future(on, "completed_on", "the end of the intake")
    if family.intake_completed_on is not None:
        raise Conflict(
            f"the intake of family {family_id} was completed on {family.intake_completed_on}",
            user_message=UserMessage(
                "The intake was already completed on %(on)s.", on=family.intake_completed_on
            ),
        )
    cfg = settings(tenant)
    visits = _visits(session, family.id or 0)
    if len(visits) < cfg.minimum_intake_visits:
        raise Conflict(
            f"the intake needs at least {cfg.minimum_intake_visits} visits to the family; "
            f"{len(visits)} recorded",
            user_message=UserMessage(
                "The intake needs at least %(required)s visits to the family; %(made)s "
                "recorded. Record the visits first.",
                required=cfg.minimum_intake_visits,
                made=len(visits),
            ),
            visits=len(visits),
            required=cfg.minimum_intake_visits,
        )
    if family.kind is FamilyKind.vraaggezin:
        missing = intake_answers_missing(family)
        if missing:
            raise Conflict(
                "record the four intake questions first; missing: " + ", ".join(missing),
                user_message=UserMessage(
                    "Record the four intake questions first. Still unanswered: %(questions)s.",
                    questions=[INTAKE_QUESTIONS[name] for name in missing],
                ),
                missing=missing,
            )
        assert vraaggezin_intake_done(family, len(visits), cfg)
    if on < visits[-1].visited_on:
        raise field_error(
            "completed_on",
            f"lies before the last visit ({visits[-1].visited_on})",
            user_message=UserMessage(
                "The intake cannot be completed before the last visit (%(visit)s).",
                visit=visits[-1].visited_on,
            ),
        )
    family.intake_completed_on = on
    if family.request_id is not None:
        transition_request(
            session, tenant.plugins, family.request_id, TransitionIn(to="zoeken", actor=data.actor)
        )
    _touch(session, family)
    return family


def record_vog(session: Session, tenant: TenantRuntime, family_id: int, data: VogIn) -> Family:
    family = get_family(session, family_id, FamilyKind.steungezin)
    _not_future(data.issued_on, "issued_on", "the VOG's date")
    until = _vog_until(tenant, data.issued_on, data.valid_until)
    update_helper(
        session,
        family.helper_id or 0,
        HelperPatch(vog_issued_on=data.issued_on, vog_valid_until=until),
    )
    _touch(session, family)
    return family


def record_competence(session: Session, family_id: int, data: CompetenceIn) -> Family:
    family = get_family(session, family_id, FamilyKind.steungezin)
    _not_future(data.checked_on, "checked_on", "the competence check")
    if data.checked_on < family.signed_up_on:
        raise field_error(
            "checked_on",
            f"lies before the sign-up ({family.signed_up_on})",
            user_message=UserMessage(
                "The competence check (%(checked)s) lies before the family signed up "
                "(%(signed_up)s).",
                checked=data.checked_on,
                signed_up=family.signed_up_on,
            ),
        )
    family.competence_checked_on = data.checked_on
    family.competence_checked_by = data.checked_by
    family.competence_note = data.note
    _touch(session, family)
    return family


# --- couplings -----------------------------------------------------------------------------


def get_coupling(session: Session, coupling_id: int) -> Coupling:
    coupling = session.exec(select(Coupling).where(Coupling.id == coupling_id)).first()
    if coupling is None:
        raise NotFound(f"coupling {coupling_id} not found")
    return coupling


def _names(session: Session, family_ids: Iterable[int]) -> dict[int, str]:
    """The household name of each family: one query for all."""
    wanted = set(family_ids)
    if not wanted:
        return {}
    rows = session.execute(
        sa_select(col(Family.id), col(Household.name))
        .join(Household, col(Household.id) == Family.household_id)
        .where(col(Family.id).in_(wanted))
    ).all()
    return {int(fid): str(name) for fid, name in rows}


def _name(session: Session, family_id: int) -> str:
    return _names(session, [family_id])[family_id]


def coupling_out(session: Session, coupling: Coupling, today: date | None = None) -> CouplingOut:
    return couplings_out(session, [coupling], today)[0]


def couplings_out(
    session: Session, couplings: Sequence[Coupling], today: date | None = None
) -> list[CouplingOut]:
    """The couplings as the API shows them: their families' names, matches and reviews
    read with one query each however many couplings there are."""
    if not couplings:
        return []
    today = today or dutch_today()
    names = _names(session, [f for c in couplings for f in (c.vraaggezin_id, c.steungezin_id)])
    match_ids = {c.match_id for c in couplings}
    matches = {m.id: m for m in session.exec(select(Match).where(col(Match.id).in_(match_ids)))}
    reviews: dict[int, list[Review]] = {c.id or 0: [] for c in couplings}
    for review in session.exec(
        select(Review)
        .where(col(Review.coupling_id).in_(list(reviews)))
        .order_by(col(Review.held_on), col(Review.id))
    ):
        reviews[review.coupling_id].append(review)
    out = []
    for coupling in couplings:
        match = matches[coupling.match_id]
        out.append(
            CouplingOut(
                id=coupling.id or 0,
                match_id=coupling.match_id,
                vraaggezin_id=coupling.vraaggezin_id,
                vraaggezin=names[coupling.vraaggezin_id],
                steungezin_id=coupling.steungezin_id,
                steungezin=names[coupling.steungezin_id],
                phase=coupling.phase,
                next_steps=list(BUURTGEZIN.match_lifecycle.allowed(coupling.phase.value)),
                kennismaking_on=coupling.kennismaking_on,
                trial_started_on=coupling.trial_started_on,
                trial_ends_on=coupling.trial_ends_on,
                agreed_on=coupling.agreed_on,
                agreement=coupling.agreement,
                active_since=coupling.active_since,
                next_review_on=coupling.next_review_on,
                review_overdue=coupling.phase is Phase.actief
                and coupling.next_review_on is not None
                and coupling.next_review_on < today,
                ended_on=coupling.ended_on,
                end_reason=coupling.end_reason,
                end_note=coupling.end_note,
                score=match.score,
                explanation=match.explanation or None,
                reviews=[ReviewOut.model_validate(r) for r in reviews[coupling.id or 0]],
            )
        )
    return out


def list_couplings_statement(
    phase: Phase | None = None, family_id: int | None = None
) -> SelectOfScalar[Coupling]:
    """The couplings (of one phase, of one family, or all) in the order they were made."""
    stmt = select(Coupling)
    if phase is not None:
        stmt = stmt.where(Coupling.phase == phase)
    if family_id is not None:
        stmt = stmt.where(
            (col(Coupling.vraaggezin_id) == family_id) | (col(Coupling.steungezin_id) == family_id)
        )
    return stmt.order_by(col(Coupling.id))


def running_couplings(session: Session) -> Sequence[Coupling]:
    """Every coupling not ended yet."""
    return session.exec(
        select(Coupling).where(Coupling.phase != Phase.afgesloten).order_by(col(Coupling.id))
    ).all()


def ended_couplings(
    session: Session, *, page: int, page_size: int
) -> tuple[Sequence[Coupling], int]:
    """A page of the ended couplings, the most recently ended first, and their total."""
    statement = (
        select(Coupling)
        .where(Coupling.phase == Phase.afgesloten)
        .order_by(col(Coupling.ended_on).desc(), col(Coupling.id).desc())
    )
    return paginate(session, statement, page, page_size)


def list_couplings(
    session: Session, phase: Phase | None = None, family_id: int | None = None
) -> Sequence[Coupling]:
    return session.exec(list_couplings_statement(phase, family_id)).all()


def _future_review(day: date | None, field: str) -> None:
    if day is not None and day < dutch_today():
        raise field_error(
            field, f"the review date {day} lies in the past; plan the review on a coming date"
        )


def _not_open(family: str, status: str) -> UserMessage:
    """Why a vraaggezin whose request is not open for matching cannot be coupled."""
    if status == "aangemeld":
        return UserMessage(
            "%(family)s cannot be coupled yet: the intake has not started. Start the intake "
            "with a first visit.",
            family=family,
        )
    if status == "intake":
        return UserMessage(
            "%(family)s cannot be coupled yet: the intake is not complete. Complete the "
            "intake first.",
            family=family,
        )
    if status == "gekoppeld":
        return UserMessage("%(family)s is already coupled to a steungezin.", family=family)
    return UserMessage(
        "%(family)s cannot be coupled: the request is %(status)s.", family=family, status=status
    )


def _vog_invalid(family: str, until: date | None) -> UserMessage:
    """Why a steungezin without a VOG valid on the kennismaking cannot be coupled."""
    if until is None:
        return UserMessage(
            "%(family)s has no VOG yet. A steungezin can only be coupled with a valid VOG: "
            "record it first.",
            family=family,
        )
    if until < dutch_today():
        return UserMessage(
            "The VOG of %(family)s expired on %(until)s. A steungezin can only be coupled "
            "with a valid VOG: record a new one first.",
            family=family,
            until=until,
        )
    return UserMessage(
        "The VOG of %(family)s expires on %(until)s, before the kennismaking. Record a new "
        "VOG first.",
        family=family,
        until=until,
    )


def create_coupling(session: Session, tenant: TenantRuntime, data: CouplingIn) -> Coupling:
    cfg = settings(tenant)
    vraag = get_family(session, data.vraaggezin_id, FamilyKind.vraaggezin)
    steun = get_family(session, data.steungezin_id, FamilyKind.steungezin)
    _future_review(data.first_review_on, "first_review_on")
    for family in (vraag, steun):
        if data.kennismaking_on < family.signed_up_on:
            name = _name(session, family.id or 0)
            raise field_error(
                "kennismaking_on",
                f"the kennismaking ({data.kennismaking_on}) lies before "
                f"{name} signed up ({family.signed_up_on})",
                user_message=UserMessage(
                    "The kennismaking (%(day)s) lies before %(family)s signed up (%(signed_up)s).",
                    day=data.kennismaking_on,
                    family=name,
                    signed_up=family.signed_up_on,
                ),
            )
    request = get_request(session, vraag.request_id or 0)
    vraag_name, steun_name = _name(session, vraag.id or 0), _name(session, steun.id or 0)
    if request.status not in BUURTGEZIN.open_statuses:
        reason = {
            "aangemeld": "its intake has not started",
            "intake": "its intake is not complete",
            "gekoppeld": "it is already coupled to a steungezin",
        }.get(request.status, f"its request is {request.status}")
        raise Conflict(
            f"{vraag_name} cannot be coupled: {reason}",
            user_message=_not_open(vraag_name, request.status),
            request_status=request.status,
        )
    until = _vog_valid_until(tenant, session, steun)
    latest = max(dutch_today(), data.kennismaking_on)
    if until is None or until < latest:
        detail = "has no VOG" if until is None else f"has a VOG that expired on {until}"
        raise Conflict(
            f"{steun_name} {detail}; a steungezin can only be coupled with a valid VOG "
            "(certificate of conduct)",
            user_message=_vog_invalid(steun_name, until),
            excluded_by="vog",
        )
    visits = visit_counts(session, [steun.id or 0]).get(steun.id or 0, 0)
    if not steungezin_ready(steun, visits, cfg):
        missing = missing_for_matching(session, tenant, steun)
        raise Conflict(
            f"{steun_name} cannot be coupled yet: "
            + "; ".join(str(m) for m in missing)
            + " still missing",
            user_message=UserMessage(
                "%(family)s cannot be coupled yet. Still needed: %(missing)s.",
                family=steun_name,
                missing=missing,
            ),
            excluded_by="buurtgezinnen_steungezin",
        )
    running = _running(session, steun)
    if running >= cfg.max_couplings_per_steungezin:
        raise Conflict(
            f"{steun_name} already supports {running} famil{'y' if running == 1 else 'ies'}; "
            f"a steungezin supports at most {cfg.max_couplings_per_steungezin} at a time here",
            user_message=UserMessage(
                "%(family)s cannot support another family: the maximum number of couplings "
                "at a time (%(max)s) is reached. Choose another steungezin.",
                family=steun_name,
                max=cfg.max_couplings_per_steungezin,
            ),
            excluded_by="capacity",
        )
    try:
        match = propose_match(
            session,
            tenant,
            MatchIn(request_id=request.id or 0, helper_id=steun.helper_id or 0, actor=data.actor),
        )
    except Conflict as exc:
        failed = exc.extra.get("failed_filters") or []
        if not failed:
            raise
        reasons = [
            FILTER_MESSAGES.get(f) or UserMessage("the rule %(rule)s", rule=f) for f in failed
        ]
        raise Conflict(
            f"{steun_name} and {vraag_name} cannot be coupled: "
            + "; ".join(str(FILTER_MESSAGES.get(f, f)) for f in failed),
            user_message=UserMessage(
                "%(steungezin)s and %(vraaggezin)s cannot be coupled: %(reasons)s.",
                steungezin=steun_name,
                vraaggezin=vraag_name,
                reasons=reasons,
            ),
            **exc.extra,
        ) from None
    coupling = Coupling(
        tenant_id=require_tenant(),
        match_id=match.id or 0,
        vraaggezin_id=vraag.id or 0,
        steungezin_id=steun.id or 0,
        phase=Phase.kennismaking,
        kennismaking_on=data.kennismaking_on,
        next_review_on=data.first_review_on,
    )
    session.add(coupling)
    session.flush()  # the request_transitioned hook below finds the coupling and leaves it
    transition_request(
        session, tenant.plugins, request.id or 0, TransitionIn(to="gekoppeld", actor=data.actor)
    )
    session.flush()
    return coupling


def couple_proposed_match(session: Session, request: HelpRequest) -> Coupling | None:
    """After core moved a vraaggezin's request to ``gekoppeld``: the coupling with the
    steungezin a coordinator proposed through core (``POST /api/matches``, the request
    page). Its kennismaking started when the match was proposed. Nothing happens when the
    family already has a running coupling (made through ``create_coupling``)."""
    family = session.exec(
        select(Family).where(Family.request_id == request.id, Family.kind == FamilyKind.vraaggezin)
    ).first()
    if family is None or _running(session, family):
        return None
    found = proposed_match(session, request.id)
    if found is None:  # check_request_transition refuses this move before it happens
        raise Conflict(
            f"request {request.id} has no proposed steungezin to couple", user_message=NO_PROPOSAL
        )
    match, steun = found
    coupling = Coupling(
        tenant_id=require_tenant(),
        match_id=match.id or 0,
        vraaggezin_id=family.id or 0,
        steungezin_id=steun.id or 0,
        phase=Phase(match.status),
        kennismaking_on=max(
            dutch_time(match.created_at).date(), family.signed_up_on, steun.signed_up_on
        ),
    )
    session.add(coupling)
    session.flush()
    return coupling


def _last_date(coupling: Coupling) -> date:
    dates = [
        coupling.kennismaking_on,
        coupling.trial_started_on,
        coupling.agreed_on,
        coupling.active_since,
    ]
    return max(d for d in dates if d is not None)


def step(
    session: Session, tenant: TenantRuntime, coupling_id: int, data: CouplingStepIn
) -> Coupling:
    """The plugin's own step route: the coupling's phase and date first, then core's
    match (whose ``match_transitioned`` hook finds the coupling up to date)."""
    coupling = get_coupling(session, coupling_id)
    _apply_step(session, tenant, coupling, data)
    reason = _reason_text(data.reason, data.note)
    transition_match(
        session,
        tenant,
        coupling.match_id,
        MatchTransitionIn(to=data.to, reason=reason, actor=data.actor),
    )
    if data.to == "afgesloten":
        _after_close(session, tenant, coupling, reason or "", data.search_again, data.actor)
    session.flush()
    return coupling


def _apply_step(
    session: Session, tenant: TenantRuntime, coupling: Coupling, data: CouplingStepIn
) -> None:
    """Check one lifecycle step against the programme's rules and record it on the
    coupling (phase and dates); raises before anything is written."""
    cfg = settings(tenant)
    allowed = BUURTGEZIN.match_lifecycle.allowed(coupling.phase.value)
    if data.to not in allowed:
        raise Conflict(
            f"coupling {coupling.id} is in {coupling.phase.value}; the next step is "
            + " or ".join(allowed or ("none: it is closed",))
            + f", not {data.to}. Steps cannot be skipped.",
            user_message=UserMessage(
                "The coupling is in %(phase)s; possible next steps: %(allowed)s. Steps cannot "
                "be skipped.",
                phase=coupling.phase.value,
                allowed=list(allowed),
            )
            if allowed
            else UserMessage("The coupling is closed; it takes no more steps."),
            current=coupling.phase.value,
            requested=data.to,
            allowed=list(allowed),
        )
    on = data.on or dutch_today()
    _not_future(on, "on", f"the start of {data.to}")
    previous = _last_date(coupling)
    if on < previous:
        raise field_error(
            "on",
            f"{on} lies before the previous step ({previous})",
            user_message=UserMessage(
                "The previous step is dated %(previous)s; this step cannot start before it.",
                previous=previous,
            ),
        )
    if data.first_review_on is not None and data.to != "actief":
        raise field_error("first_review_on", "is only given when the coupling becomes actief")
    if data.to == "proefperiode":
        coupling.trial_started_on = on
        coupling.trial_ends_on = add_months(on, cfg.trial_period_months)
    elif data.to == "afspraken":
        if not (data.agreement or "").strip():
            raise field_error("agreement", "record the agreement the families made")
        coupling.agreed_on = on
        coupling.agreement = data.agreement
    elif data.to == "actief":
        _future_review(data.first_review_on, "first_review_on")
        first = data.first_review_on or coupling.next_review_on
        if first is not None and first <= on:
            raise field_error(
                "first_review_on",
                f"{first} must lie after the start ({on})",
                user_message=UserMessage(
                    "The first review (%(review)s) must lie after the start of the coupling "
                    "(%(start)s).",
                    review=first,
                    start=on,
                ),
            )
        coupling.active_since = on
        coupling.next_review_on = first or add_months(on, cfg.review_interval_months)
    else:
        _close(coupling, on, data.reason, data.note)
    coupling.phase = Phase(data.to)
    coupling.updated_at = utcnow()
    session.add(coupling)


def _end_reason(reason: str | None) -> tuple[EndReason, str | None]:
    """Core's free-text reason of a closing move, read as ``<reason>[: note]``."""
    code, _, note = (reason or "").partition(":")
    try:
        return EndReason(code.strip()), note.strip() or None
    except ValueError:
        raise field_error(
            "reason",
            "a Buurtgezinnen coupling closes with one of these reasons: "
            + ", ".join(r.value for r in EndReason)
            + " (optionally followed by ': ' and a note)",
            user_message=UserMessage(
                "Close a coupling with one of these reasons: %(reasons)s. A note may follow "
                "after a colon, for example 'verhuisd: naar Zwolle'.",
                reasons=[r.value for r in EndReason],
            ),
        ) from None


def follow_match(
    session: Session,
    tenant: TenantRuntime,
    match: Match,
    previous: str,
    target: str,
    reason: str | None,
    actor: str,
) -> Coupling | None:
    """After core moved a match (``match_transitioned``): the coupling follows, under the
    same rules as the plugin's step route, or the move is refused. Nothing happens for
    matches of other programmes, or when the coupling is already in ``target`` (the
    plugin's own step route moved it first)."""
    coupling = session.exec(select(Coupling).where(Coupling.match_id == match.id)).first()
    if coupling is None:
        if target == "afgesloten" or get_request(session, match.request_id).type != REQUEST_TYPE:
            return None  # another programme's match, or a proposal that is declined
        raise Conflict(
            f"match {match.id} is a proposed steungezin, not yet a coupling: couple the "
            "families first (move the request to gekoppeld, or use the coupling route) "
            "before the kennismaking moves on",
            user_message=UserMessage(
                "This steungezin is only proposed, not yet coupled. Set the request to "
                "gekoppeld first; then the kennismaking can move on."
            ),
            current=previous,
            requested=target,
        )
    if coupling.phase.value == target:
        return coupling
    if coupling.phase.value != previous:
        raise Conflict(
            f"coupling {coupling.id} is in {coupling.phase.value}, but its match was in "
            f"{previous}; take the step on the coupling "
            f"(POST /api/buurtgezinnen/couplings/{coupling.id}/steps)",
            user_message=UserMessage(
                "The coupling is already in %(phase)s. Reload the page and choose the next step.",
                phase=coupling.phase.value,
            ),
            current=coupling.phase.value,
            requested=target,
        )
    data: dict[str, Any] = {"to": target, "actor": actor}
    if target == "afspraken":
        if not (reason or "").strip():
            raise field_error(
                "reason",
                "record the agreement the families made as the reason of this step",
                user_message=UserMessage(
                    "Write the agreement the families made as the reason of this step."
                ),
            )
        data["agreement"] = reason
    elif target == "afgesloten":
        data["reason"], data["note"] = _end_reason(reason)
        if data["reason"] is EndReason.anders and data["note"] is None:
            # Core's reason is free text: the note follows the reason after a colon.
            raise field_error(
                "reason",
                "describe the reason when it is anders, after a colon: 'anders: <note>'",
                user_message=UserMessage(
                    "Describe the reason when it is anders, for example 'anders: a note'."
                ),
            )
    try:
        _apply_step(session, tenant, coupling, CouplingStepIn.model_validate(data))
    except InvalidInput as exc:
        fields = [e.get("field") for e in exc.extra.get("errors", [])]
        if fields == ["reason"]:
            raise
        raise Conflict(
            f"coupling {coupling.id} cannot go to {target} now: {exc.detail}",
            user_message=exc.user_messages,
            current=coupling.phase.value,
            requested=target,
        ) from None
    if target == "afgesloten":
        _after_close(session, tenant, coupling, reason or "", False, actor)
    return coupling


def _close(coupling: Coupling, on: date, reason: EndReason | None, note: str | None) -> None:
    if reason is None:
        raise field_error(
            "reason",
            "say why the coupling ends (e.g. doel_bereikt, verhuisd)",
            user_message=UserMessage("Choose why the coupling ends."),
        )
    if reason is EndReason.anders and not (note or "").strip():
        raise field_error(
            "note",
            "describe the reason when it is anders",
            user_message=UserMessage("Describe in the note what the other reason is."),
        )
    coupling.ended_on = on
    coupling.end_reason = reason
    coupling.end_note = note
    coupling.next_review_on = None


def _reason_text(reason: EndReason | None, note: str | None) -> str | None:
    if reason is None:
        return None
    return reason.value + (f": {note}" if note else "")


def _after_close(
    session: Session,
    tenant: TenantRuntime,
    coupling: Coupling,
    reason: str,
    search_again: bool,
    actor: str,
) -> None:
    vraag = get_family(session, coupling.vraaggezin_id)
    transition_request(
        session,
        tenant.plugins,
        vraag.request_id or 0,
        TransitionIn(to="zoeken" if search_again else "afgesloten", reason=reason, actor=actor),
    )


def add_review(
    session: Session, tenant: TenantRuntime, coupling_id: int, data: ReviewIn
) -> Coupling:
    cfg = settings(tenant)
    coupling = get_coupling(session, coupling_id)
    if coupling.phase is not Phase.actief:
        raise Conflict(
            f"coupling {coupling_id} is in {coupling.phase.value}; reviews are held for an "
            "actief coupling",
            user_message=UserMessage(
                "The coupling is in %(phase)s; a review is recorded once the coupling is actief.",
                phase=coupling.phase.value,
            ),
            current=coupling.phase.value,
        )
    _not_future(data.held_on, "held_on", "the review")
    assert coupling.active_since is not None
    if data.held_on < coupling.active_since:
        raise field_error(
            "held_on",
            f"lies before the coupling became actief ({coupling.active_since})",
            user_message=UserMessage(
                "The review (%(review)s) lies before the coupling became actief (%(since)s).",
                review=data.held_on,
                since=coupling.active_since,
            ),
        )
    both = data.vraaggezin_continues and data.steungezin_continues
    if not both and data.end_reason is None:
        raise field_error(
            "end_reason",
            "a family does not want to continue: say why the coupling ends",
            user_message=UserMessage(
                "A family does not want to continue, so the coupling ends: choose the reason."
            ),
        )
    if both and data.end_reason is not None:
        raise field_error(
            "end_reason",
            "both families continue; the coupling does not end",
            user_message=UserMessage(
                "Both families want to continue, so the coupling does not end: choose no reason."
            ),
        )
    review = Review(
        tenant_id=require_tenant(),
        coupling_id=coupling.id or 0,
        due_on=coupling.next_review_on or data.held_on,
        held_on=data.held_on,
        vraaggezin_continues=data.vraaggezin_continues,
        steungezin_continues=data.steungezin_continues,
        note=data.note,
        recorded_by=data.actor,
    )
    session.add(review)
    if both:
        coupling.next_review_on = add_months(data.held_on, cfg.review_interval_months)
        coupling.updated_at = utcnow()
        session.add(coupling)
        session.flush()
        return coupling
    return step(
        session,
        tenant,
        coupling_id,
        CouplingStepIn(
            to="afgesloten",
            on=data.held_on,
            reason=data.end_reason,
            note=data.note,
            search_again=data.search_again,
            actor=data.actor,
        ),
    )


def suggestions_for(session: Session, tenant: TenantRuntime, family_id: int) -> Any:
    from noaber.matching.services import suggestions

    family = get_family(session, family_id, FamilyKind.vraaggezin)
    return suggestions(session, tenant, family.request_id or 0)
