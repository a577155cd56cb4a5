"""Demo data for a municipality that enables the Gezinslab (fictitious families and people).

The first family follows the story told about the Gezinslab in Leeuwarden Oost: a mother
whose two children had been placed out of home; with a new house and the children's
rooms put in order, the children came home.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from noaber.demo.context import DemoContext
from noaber.people.models import (
    HelperKind,
    HelperProfile,
    Household,
    HouseholdMember,
    MemberRole,
    Organisation,
    OrganisationKind,
    Person,
)
from noaber.tenancy.models import Neighbourhood
from noaber_gezinslab import services
from noaber_gezinslab.models import LessonKind, MeasurementKind, MemberKind
from noaber_gezinslab.schemas import (
    ActionDoneIn,
    ActionIn,
    AvoidedCostIn,
    CloseIn,
    GoalIn,
    LessonIn,
    MeasurementIn,
    TeamMemberIn,
    TrajectoryIn,
)
from noaber_gezinslab.settings import GezinslabSettings
from noaber_gezinslab.zrm import ZrmDomain as Z


def _household(
    demo: DemoContext, name: str, hood: int | None, people: list[tuple[str, MemberRole, int]]
) -> int:
    household = Household(tenant_id=demo.slug, name=name, neighbourhood_id=hood)
    demo.session.add(household)
    demo.session.flush()
    assert household.id is not None
    for given, role, born in people:
        person = Person(
            tenant_id=demo.slug,
            given_name=given,
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
                tenant_id=demo.slug, household_id=household.id, person_id=person.id, role=role
            )
        )
    demo.session.flush()
    return household.id


def seed(demo: DemoContext) -> None:
    found = demo.plugin_settings.get("gezinslab")
    settings = found if isinstance(found, GezinslabSettings) else None
    session = demo.session
    hoods = {h.name: h.id for h in session.exec(select(Neighbourhood))}
    east = hoods.get("Bilgaard") or next(iter(hoods.values()), None)
    heechterp = hoods.get("Heechterp-Schieringen", east)

    partner = Organisation(tenant_id=demo.slug, name="Amaryllis", kind=OrganisationKind.welfare)
    wijkbedrijf = Organisation(
        tenant_id=demo.slug, name="Wijkbedrijf Bilgaard", kind=OrganisationKind.other
    )
    session.add_all([partner, wijkbedrijf])
    volunteers = [
        HelperProfile(
            tenant_id=demo.slug,
            kind=HelperKind.volunteer,
            display_name=name,
            home_neighbourhood_id=east,
            skills=skills,
            availability=["wed_afternoon", "sat_morning"],
        )
        for name, skills in (
            ("Charlotte Kuipers", ["activiteiten", "koken"]),
            ("Bianca Hoekstra", ["activiteiten", "administratie"]),
            ("Wim Dijkstra", ["klussen", "verhuizen"]),
        )
    ]
    session.add_all(volunteers)
    session.flush()

    # 1. The story of the article: children home again after a new house.
    h1 = _household(
        demo,
        "Gezin Visser",
        east,
        [
            ("Ineke", MemberRole.parent, 1988),
            ("Sem", MemberRole.child, 2014),
            ("Lotte", MemberRole.child, 2017),
        ],
    )
    t1 = services.start_trajectory(
        session,
        TrajectoryIn(
            household_id=h1,
            started_on=date(2025, 2, 3),
            goals=[
                GoalIn(
                    text="Ik wil een huis waar mijn kinderen weer kunnen wonen.",
                    domains=[Z.huisvesting, Z.huiselijke_relaties],
                ),
                GoalIn(
                    text="Ik wil weer vertrouwen hebben dat instanties mij helpen in plaats van tegenwerken.",
                    domains=[Z.geestelijke_gezondheid, Z.sociaal_netwerk],
                ),
                GoalIn(text="Rust in mijn hoofd over de rekeningen.", domains=[Z.financien]),
            ],
        ),
    )
    assert t1.id is not None
    ervaring = services.add_team_member(
        session,
        t1.id,
        TeamMemberIn(
            kind=MemberKind.ervaringsdeskundige,
            name="Marieke Bosma",
            contribution="Weet hoe het is als je kinderen uit huis zijn; gaat mee naar gesprekken.",
            joined_on=date(2025, 2, 3),
        ),
    )
    klusser = services.add_team_member(
        session,
        t1.id,
        TeamMemberIn(
            kind=MemberKind.vrijwilliger,
            name=volunteers[2].display_name,
            helper_id=volunteers[2].id,
            contribution="Helpt met verhuizen en het inrichten van de kinderkamers.",
            joined_on=date(2025, 3, 10),
        ),
    )
    bedrijf = services.add_team_member(
        session,
        t1.id,
        TeamMemberIn(
            kind=MemberKind.buurtbedrijf,
            name="Wijkbedrijf Bilgaard",
            organisation_id=wijkbedrijf.id,
            contribution="Levert tweedehands bedden en kasten voor de kinderkamers.",
            joined_on=date(2025, 4, 1),
        ),
    )
    prof = services.add_team_member(
        session,
        t1.id,
        TeamMemberIn(
            kind=MemberKind.professional,
            name="Jeugdzorgwerker (Amaryllis)",
            organisation_id=partner.id,
            contribution="Overlegt met jeugdbescherming over de terugplaatsing.",
            joined_on=date(2025, 2, 17),
        ),
    )
    for member, text, due, done in (
        (prof, "Urgentieaanvraag woning indienen met onderbouwing terugplaatsing", 14, 12),
        (klusser, "Verhuizing plannen en kinderkamers schilderen", 75, 70),
        (bedrijf, "Bedden en kasten leveren", 80, 78),
        (ervaring, "Samen naar het gesprek met jeugdbescherming", 95, 95),
    ):
        assert member.id is not None
        action = services.add_action(
            session,
            t1.id,
            ActionIn(
                description=text, owner_id=member.id, due_on=t1.started_on + timedelta(days=due)
            ),
        )
        services.complete_action(
            session, t1.id, action.id, ActionDoneIn(done_on=t1.started_on + timedelta(days=done))
        )
    _measure(
        session,
        t1.id,
        MeasurementKind.baseline,
        date(2025, 2, 10),
        {
            Z.huisvesting: 1,
            Z.financien: 2,
            Z.geestelijke_gezondheid: 2,
            Z.huiselijke_relaties: 2,
            Z.sociaal_netwerk: 2,
            Z.middelengebruik: 3,
        },
    )
    _measure(
        session,
        t1.id,
        MeasurementKind.follow_up,
        date(2025, 5, 12),
        {
            Z.huisvesting: 4,
            Z.financien: 3,
            Z.geestelijke_gezondheid: 3,
            Z.huiselijke_relaties: 3,
            Z.sociaal_netwerk: 3,
            Z.middelengebruik: 4,
        },
    )
    _measure(
        session,
        t1.id,
        MeasurementKind.follow_up,
        date(2025, 9, 8),
        {
            Z.huisvesting: 5,
            Z.financien: 3,
            Z.geestelijke_gezondheid: 4,
            Z.huiselijke_relaties: 4,
            Z.sociaal_netwerk: 4,
            Z.middelengebruik: 4,
        },
    )
    if _has(settings, "uithuisplaatsing"):
        services.add_avoided_cost(
            session,
            settings,
            t1.id,
            AvoidedCostIn(
                cost_kind="uithuisplaatsing",
                description=(
                    "Sem en Lotte keerden na de verhuizing terug naar huis; de pleegzorg "
                    "die anders naar verwachting nog een jaar was doorgegaan, stopte."
                ),
                avoided_on=date(2025, 6, 2),
                quantity=Decimal(2),
                periods=Decimal(1),
            ),
        )
    services.close_trajectory(
        session,
        t1.id,
        CloseIn(
            closed_on=date(2025, 10, 6), note="Kinderen thuis, gezin redt het zelf met het netwerk."
        ),
    )

    # 2. Debts and a threatened eviction; still running.
    h2 = _household(
        demo,
        "Gezin El Amrani",
        heechterp,
        [
            ("Samira", MemberRole.parent, 1984),
            ("Youssef", MemberRole.parent, 1981),
            ("Nora", MemberRole.child, 2012),
        ],
    )
    t2 = services.start_trajectory(
        session,
        TrajectoryIn(
            household_id=h2,
            started_on=date(2025, 9, 15),
            goals=[
                GoalIn(
                    text="We willen in ons huis blijven wonen.",
                    domains=[Z.huisvesting, Z.financien],
                ),
                GoalIn(
                    text="Youssef wil weer werk, het liefst met zijn handen.",
                    domains=[Z.werk_opleiding],
                ),
            ],
        ),
    )
    assert t2.id is not None
    budget = services.add_team_member(
        session,
        t2.id,
        TeamMemberIn(
            kind=MemberKind.vrijwilliger,
            name=volunteers[1].display_name,
            helper_id=volunteers[1].id,
            contribution="Brengt samen met het gezin de post en de schulden op orde.",
            joined_on=date(2025, 9, 15),
        ),
    )
    services.add_team_member(
        session,
        t2.id,
        TeamMemberIn(
            kind=MemberKind.ervaringsdeskundige,
            name="Marieke Bosma",
            contribution="Kent de weg naar schuldhulp van binnenuit.",
            joined_on=date(2025, 9, 22),
        ),
    )
    werk = services.add_team_member(
        session,
        t2.id,
        TeamMemberIn(
            kind=MemberKind.buurtbedrijf,
            name="Wijkbedrijf Bilgaard",
            organisation_id=wijkbedrijf.id,
            contribution="Biedt Youssef een werkervaringsplek in de klussenploeg.",
            joined_on=date(2025, 10, 1),
        ),
    )
    assert budget.id is not None
    assert werk.id is not None
    services.add_action(
        session,
        t2.id,
        ActionIn(
            description="Betalingsregeling huurachterstand met de corporatie",
            owner_id=budget.id,
            due_on=date(2025, 10, 1),
        ),
    )
    services.add_action(
        session,
        t2.id,
        ActionIn(
            description="Eerste werkdag Youssef in de klussenploeg",
            owner_id=werk.id,
            due_on=date(2026, 1, 12),
        ),
    )
    _measure(
        session,
        t2.id,
        MeasurementKind.baseline,
        date(2025, 9, 22),
        {
            Z.financien: 1,
            Z.huisvesting: 2,
            Z.werk_opleiding: 2,
            Z.geestelijke_gezondheid: 3,
        },
    )
    _measure(
        session,
        t2.id,
        MeasurementKind.follow_up,
        date(2025, 12, 22),
        {
            Z.financien: 3,
            Z.huisvesting: 4,
            Z.werk_opleiding: 3,
            Z.geestelijke_gezondheid: 3,
        },
    )
    if _has(settings, "huisuitzetting"):
        services.add_avoided_cost(
            session,
            settings,
            t2.id,
            AvoidedCostIn(
                cost_kind="huisuitzetting",
                description="Ontruiming afgewend door een betalingsregeling met de corporatie.",
                avoided_on=date(2025, 10, 3),
                quantity=Decimal(1),
            ),
        )

    # 3. Just started: baseline only.
    h3 = _household(
        demo,
        "Gezin Postma",
        east,
        [("Rick", MemberRole.parent, 1992), ("Jesse", MemberRole.child, 2019)],
    )
    t3 = services.start_trajectory(
        session,
        TrajectoryIn(
            household_id=h3,
            started_on=date(2026, 10, 5),
            goals=[
                GoalIn(
                    text="Meer energie hebben en gezonder eten met Jesse.",
                    domains=[Z.lichamelijke_gezondheid, Z.tijdsbesteding],
                )
            ],
        ),
    )
    assert t3.id is not None
    services.add_team_member(
        session,
        t3.id,
        TeamMemberIn(
            kind=MemberKind.vrijwilliger,
            name=volunteers[0].display_name,
            helper_id=volunteers[0].id,
            contribution="Kookt op woensdag mee en neemt Jesse mee naar de buurtactiviteiten.",
            joined_on=date(2026, 10, 12),
        ),
    )
    _measure(
        session,
        t3.id,
        MeasurementKind.baseline,
        date(2026, 10, 12),
        {
            Z.lichamelijke_gezondheid: 2,
            Z.tijdsbesteding: 2,
            Z.sociaal_netwerk: 2,
        },
    )

    for kind, title, text, tags, noticed, tid in (
        (
            LessonKind.knelpunt,
            "Geen urgentie voor terugplaatsing van kinderen",
            "De urgentieregeling kent geen grond 'terugplaatsing kinderen'; zonder passende "
            "woning blijft een uithuisplaatsing duren die inhoudelijk al kon stoppen.",
            ["wonen", "jeugdzorg", "regelgeving"],
            date(2025, 3, 20),
            t1.id,
        ),
        (
            LessonKind.knelpunt,
            "Wachttijd schuldhulp loopt op tot tien weken",
            "In die weken lopen incassokosten en de huurachterstand verder op.",
            ["schulden", "wachttijd"],
            date(2025, 10, 8),
            t2.id,
        ),
        (
            LessonKind.les,
            "Ervaringsdeskundige bij het eerste gesprek",
            "Gezinnen die instanties wantrouwen praten eerder open als er iemand bij zit die "
            "het zelf heeft meegemaakt.",
            ["vertrouwen", "ervaringsdeskundigheid"],
            date(2025, 4, 14),
            None,
        ),
        (
            LessonKind.les,
            "Buurtbedrijf als opstap naar werk",
            "Een werkervaringsplek in de eigen wijk is laagdrempeliger dan een traject bij het werkbedrijf.",
            ["werk", "buurtbedrijf"],
            date(2025, 11, 3),
            None,
        ),
    ):
        services.add_lesson(
            session,
            LessonIn(
                kind=kind,
                title=title,
                text=text,
                tags=tags,
                noticed_on=noticed,
                author="Gezinslab Leeuwarden Oost",
                trajectory_id=tid,
            ),
        )


def _has(settings: GezinslabSettings | None, kind: str) -> bool:
    return settings is not None and kind in settings.unit_costs


def _measure(
    session: Session, trajectory_id: int, kind: MeasurementKind, on: date, scores: dict[Z, int]
) -> None:
    services.add_measurement(
        session,
        trajectory_id,
        MeasurementIn(kind=kind, measured_on=on, scores=scores, measured_by="Gezinslab"),
    )
