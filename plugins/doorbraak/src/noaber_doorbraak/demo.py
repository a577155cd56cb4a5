"""Demo data for a municipality that enables the doorbraakaanpak (fictitious families).

Three cases: one closed with its goal met (the blockage removed by the team lead), one
running with a blockage escalated past its deadline, one fresh GP referral; maatwerk
spending decided within and outside the target; factorenmodel indicators for every
neighbourhood. Rows are added directly (the demo session has no plugin manager);
requests get the doorbraak workflow's statuses and a timeline entry like core writes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import select

from noaber.clock import dutch_today
from noaber.demo.context import DemoContext
from noaber.people.models import (
    Household,
    HouseholdMember,
    MemberRole,
    Organisation,
    OrganisationKind,
    Person,
    Professional,
    utcnow,
)
from noaber.requests.models import AskedBy, HelpRequest, TimelineKind
from noaber.requests.services import add_timeline
from noaber.tenancy.models import Neighbourhood
from noaber_doorbraak.budget import _book
from noaber_doorbraak.models import (
    Agency,
    Blockage,
    BlockageStatus,
    Case,
    CaseSource,
    Escalation,
    FactorKind,
    FactorSetting,
    FactorValue,
    Outcome,
    Party,
    PlanAction,
    Referral,
    Spending,
    SpendingStatus,
)
from noaber_doorbraak.services import rule_key
from noaber_doorbraak.settings import DoorbraakSettings
from noaber_doorbraak.workflow import REQUEST_TYPE

FACTORS = [
    ("Armoede", FactorSetting.gezin, FactorKind.risico, 12.0, "CBS Kerncijfers wijken en buurten"),
    ("Schooluitval", FactorSetting.school, FactorKind.risico, 2.1, "DUO"),
    ("Sociale cohesie", FactorSetting.buurt, FactorKind.beschermend, 6.2, "Veiligheidsmonitor"),
    ("Steun van ouders", FactorSetting.gezin, FactorKind.beschermend, 7.4, "Jeugdmonitor"),
]


def _household(demo: DemoContext, name: str, hood: int | None, born: int) -> int:
    household = Household(tenant_id=demo.slug, name=name, neighbourhood_id=hood)
    demo.session.add(household)
    demo.session.flush()
    assert household.id is not None
    person = Person(
        tenant_id=demo.slug,
        given_name=demo.random.choice(["Sanne", "Fatima", "Linda", "Mehmet", "Jeroen"]),
        family_name=name.removeprefix("Gezin "),
        birth_year=born,
        city=demo.municipality.config.name,
        neighbourhood_id=hood,
    )
    demo.session.add(person)
    demo.session.flush()
    assert person.id is not None
    demo.session.add(
        HouseholdMember(
            tenant_id=demo.slug,
            household_id=household.id,
            person_id=person.id,
            role=MemberRole.parent,
        )
    )
    demo.session.flush()
    return household.id


def _case(
    demo: DemoContext,
    household_id: int,
    status: str,
    opened: date,
    description: str,
    *,
    professional_id: int | None = None,
    source: CaseSource = CaseSource.handmatig,
) -> Case:
    hood = demo.session.exec(
        select(Household.neighbourhood_id).where(Household.id == household_id)
    ).first()
    request = HelpRequest(
        tenant_id=demo.slug,
        type=REQUEST_TYPE,
        status=status,
        asked_by=AskedBy.gp_referral if professional_id else AskedBy.self,
        professional_id=professional_id,
        household_id=household_id,
        neighbourhood_id=hood,
        description=description,
    )
    demo.session.add(request)
    demo.session.flush()
    add_timeline(
        demo.session,
        kind=TimelineKind.status_change,
        text=f"request created (Doorbraak), status {status}",
        actor="demo",
        request_id=request.id,
        household_id=household_id,
        data={"to": status},
    )
    assert request.id is not None
    case = Case(
        tenant_id=demo.slug,
        household_id=household_id,
        request_id=request.id,
        specialist="Doorbraakspecialist Noor",
        source=source,
        opened_on=opened,
    )
    demo.session.add(case)
    demo.session.flush()
    return case


def seed(demo: DemoContext) -> None:
    found = demo.plugin_settings.get("doorbraak")
    settings = found if isinstance(found, DoorbraakSettings) else DoorbraakSettings()
    session = demo.session
    today = dutch_today()
    hoods = list(session.exec(select(Neighbourhood).order_by(Neighbourhood.id)))  # type: ignore[arg-type]
    first = hoods[0].id if hoods else None
    second = hoods[1].id if len(hoods) > 1 else first

    gp = Organisation(
        tenant_id=demo.slug, name="Huisartsenpraktijk De Linde", kind=OrganisationKind.gp_practice
    )
    session.add(gp)
    session.flush()
    assert gp.id is not None
    doctor = Professional(
        tenant_id=demo.slug, organisation_id=gp.id, name="Dr. A. Visser", role="huisarts"
    )
    session.add(doctor)
    session.flush()

    # 1. Closed, goal met: the one blockage removed by the team lead.
    done = _case(
        demo,
        _household(demo, "Gezin Bakker", first, 1984),
        "afgesloten",
        today - timedelta(days=300),
        "Schulden, dreigende huisuitzetting, vijf hulpverleners naast elkaar.",
    )
    done.goal = "Over een jaar wonen we nog in dit huis en gaan de kinderen gewoon naar school."
    done.goal_recorded_on = done.opened_on
    done.outcome = Outcome.behaald
    done.outcome_note = "Huisuitzetting voorkomen; één schuldregeling; twee trajecten gestopt."
    done.closed_on = today - timedelta(days=20)
    session.add(done)
    assert done.id is not None
    for name, cost, after in [
        ("Schuldhulpverlening", "2400.00", "1200.00"),
        ("Wijkteam", "5200.00", "0.00"),
        ("Jeugdhulp ambulant", "11800.00", "4000.00"),
        ("Woningcorporatie (incasso)", "1500.00", "0.00"),
    ]:
        session.add(
            Agency(
                tenant_id=demo.slug,
                case_id=done.id,
                name=name,
                involvement=f"{name} is betrokken bij het gezin",
                yearly_cost=Decimal(cost),
                yearly_cost_after=Decimal(after),
            )
        )
    for party, text in [
        (Party.gezin, "Moeder opent zelf de post en belt bij een aanmaning"),
        (Party.netwerk, "Zus gaat mee naar het gesprek met de corporatie"),
        (Party.professional, "Specialist regelt één betalingsregeling voor alle schulden"),
    ]:
        session.add(
            PlanAction(
                tenant_id=demo.slug,
                case_id=done.id,
                party=party,
                description=text,
                owner=party.value,
                due_on=done.opened_on + timedelta(days=60),
                done_on=done.opened_on + timedelta(days=45),
            )
        )
    solved = Blockage(
        tenant_id=demo.slug,
        case_id=done.id,
        rule="Geen betalingsregeling zolang er een ontruimingsvonnis ligt",
        rule_key=rule_key("Geen betalingsregeling zolang er een ontruimingsvonnis ligt"),
        owner_organisation="Woningcorporatie",
        legal_basis="Burgerlijk Wetboek 7:231",
        description="Zonder regeling volgt ontruiming, zonder ontruimingsstop geen regeling.",
        status=BlockageStatus.opgelost,
        noticed_on=done.opened_on + timedelta(days=10),
        resolved_on=done.opened_on + timedelta(days=16),
    )
    session.add(solved)
    session.flush()
    assert solved.id is not None
    session.add(
        Escalation(
            tenant_id=demo.slug,
            blockage_id=solved.id,
            level=settings.escalation_levels[0],
            level_index=0,
            question="Ontruiming opschorten zodat de betalingsregeling kan starten?",
            escalated_by="Doorbraakspecialist Noor",
            escalated_on=done.opened_on + timedelta(days=11),
            deadline=done.opened_on + timedelta(days=11 + settings.escalation_deadline_days),
            decision="Ontruiming drie maanden opgeschort",
            decided_by=f"{settings.escalation_levels[0].capitalize()} Wonen",
            decided_on=done.opened_on + timedelta(days=16),
            resolved=True,
        )
    )

    # 2. Running, with the same kind of rule blocking again and an overdue escalation.
    running = _case(
        demo,
        _household(demo, "Gezin El Amrani", second, 1990),
        "uitvoering",
        today - timedelta(days=60),
        "Kostendelersnorm maakt het onmogelijk dat de oudste zoon thuis blijft wonen.",
    )
    running.goal = "Over een jaar woont mijn zoon nog thuis en heeft hij werk."
    running.goal_recorded_on = running.opened_on
    session.add(running)
    assert running.id is not None
    session.add(
        Agency(
            tenant_id=demo.slug,
            case_id=running.id,
            name="Inkomensondersteuning",
            involvement="Bijstand met kostendelersnorm",
            yearly_cost=Decimal("6400.00"),
        )
    )
    stuck = Blockage(
        tenant_id=demo.slug,
        case_id=running.id,
        rule="Kostendelersnorm",
        rule_key=rule_key("Kostendelersnorm"),
        owner_organisation=f"Gemeente {demo.municipality.config.name}",
        legal_basis="Participatiewet art. 22a",
        description="De uitkering daalt als de zoon (21) thuis blijft wonen.",
        status=BlockageStatus.geescaleerd,
        noticed_on=running.opened_on + timedelta(days=5),
    )
    session.add(stuck)
    session.flush()
    assert stuck.id is not None
    level = settings.escalation_levels[min(1, len(settings.escalation_levels) - 1)]
    session.add(
        Escalation(
            tenant_id=demo.slug,
            blockage_id=stuck.id,
            level=level,
            level_index=settings.escalation_levels.index(level),
            question="Tijdelijk afwijken van de kostendelersnorm (maatwerk)?",
            escalated_by="Doorbraakspecialist Noor",
            escalated_on=running.opened_on + timedelta(days=7),
            deadline=running.opened_on + timedelta(days=21),
        )
    )

    # 3. A fresh GP referral.
    referred = _case(
        demo,
        _household(demo, "Gezin De Boer", first, 1979),
        "aangemeld",
        today - timedelta(days=2),
        "Huisarts: veel stress door schulden, slaapt slecht, kinderen verzuimen.",
        professional_id=doctor.id,
        source=CaseSource.huisarts,
    )
    assert referred.id is not None
    session.add(
        Referral(
            tenant_id=demo.slug,
            organisation_id=gp.id,
            identifier_system="urn:oid:2.16.840.1.113883.2.4.3.11.999.1",
            identifier_value=f"DEMO-{demo.slug}-1",
            case_id=referred.id,
        )
    )

    # Maatwerk: one granted within the target, one late, one pending.
    noon = datetime.combine(today - timedelta(days=30), time(12, 0), tzinfo=utcnow().tzinfo)
    for case, amount, hours, status in [
        (done, "850.00", 6, SpendingStatus.toegekend),
        (running, "1200.00", 52, SpendingStatus.toegekend),
        (running, "300.00", None, SpendingStatus.aangevraagd),
    ]:
        assert case.id is not None
        requested = noon if hours is not None else utcnow() - timedelta(hours=3)
        spending = Spending(
            tenant_id=demo.slug,
            case_id=case.id,
            amount=Decimal(amount),
            purpose="Maatwerk om de doorbraak mogelijk te maken",
            requested_by="Doorbraakspecialist Noor",
            requested_at=requested,
            budget_year=requested.year,
            status=status,
        )
        if hours is not None:
            spending.decided_at = requested + timedelta(hours=hours)
            spending.decided_by = "Programmamanager"
            if not _book(session, settings, requested.year, spending.amount):
                continue
        session.add(spending)

    # Factorenmodel indicators per neighbourhood, around a reference value.
    for hood in hoods:
        assert hood.id is not None
        for factor, setting, kind, reference, source in FACTORS:
            spread = demo.random.uniform(-0.35, 0.35)
            session.add(
                FactorValue(
                    tenant_id=demo.slug,
                    neighbourhood_id=hood.id,
                    factor=factor,
                    setting=setting,
                    kind=kind,
                    value=Decimal(str(round(reference * (1 + spread), 1))),
                    reference_value=Decimal(str(reference)),
                    year=today.year - 1,
                    source=source,
                )
            )
    session.flush()
