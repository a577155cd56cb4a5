"""Demo data for a municipality that runs Buurtgezinnen (fictitious families).

Goes through the same services as the API, so every rule holds for the demo too:
couplings in each phase, an overdue review on the work list, a closed coupling with its
reason, and families on the waiting list.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from sqlmodel import col, select

from noaber.clock import dutch_today
from noaber.demo.context import DemoContext
from noaber.people.schemas import PersonIn
from noaber.platform import TenantRuntime
from noaber.tenancy.models import Neighbourhood
from noaber_buurtgezinnen import services
from noaber_buurtgezinnen.models import SignUpVia
from noaber_buurtgezinnen.schemas import (
    ChildIn,
    CompetenceIn,
    CouplingIn,
    CouplingStepIn,
    IntakeDoneIn,
    IntakeIn,
    ReviewIn,
    SteungezinEntry,
    VisitIn,
    VraaggezinEntry,
)

COORDINATOR = "Coördinator Buurtgezinnen"
Step = Literal["proefperiode", "afspraken", "actief"]

INTAKE = IntakeIn(
    support_needed="Opvang na school en iemand om mee te praten als het even te veel is.",
    upbringing_important="Rust, duidelijke afspraken en veel buiten spelen.",
    expectations="Een gezin dichtbij waar de kinderen zich thuis voelen.",
    gives_back="We helpen graag met klussen in de tuin.",
)


def _ago(days: int) -> date:
    return dutch_today() - timedelta(days=days)


def seed(demo: DemoContext) -> None:
    if demo.plugins is None:
        return
    session = demo.session
    tenant = TenantRuntime(municipality=demo.municipality, plugins=demo.plugins)
    hoods = session.exec(select(Neighbourhood).order_by(col(Neighbourhood.id))).all()
    postcodes = [h.postcodes[0] for h in hoods if h.postcodes]
    if not postcodes:
        return
    year = dutch_today().year

    def steungezin(name: str, n: int, ago: int, ready: bool = True) -> int:
        family = services.sign_up_steungezin(
            session,
            tenant,
            SteungezinEntry(
                name=f"Gezin {name}",
                adults=[
                    PersonIn(
                        given_name="Jan", family_name=name, postcode=postcodes[n % len(postcodes)]
                    ),
                    PersonIn(given_name="Els", family_name=name),
                ],
                languages=["nl"],
                upbringing_views=["structuur", "buiten_spelen", "samen_eten"][: 1 + n % 3],
                offered_support=["opvang", "uitjes", "luisterend_oor", "huiswerk"][: 2 + n % 3],
                motivation="Onze kinderen zijn de deur uit en we hebben tijd en ruimte.",
                signed_up_on=_ago(ago),
                vog_issued_on=_ago(ago - 10) if ready else None,
                actor=COORDINATOR,
            ),
            SignUpVia.self,
        )
        fid = family.id or 0
        if ready:
            for d in (3, 8):
                services.add_visit(
                    session, tenant, fid, VisitIn(visited_on=_ago(ago - d), visited_by=COORDINATOR)
                )
            services.record_competence(
                session, fid, CompetenceIn(checked_on=_ago(ago - 12), checked_by=COORDINATOR)
            )
        return fid

    def vraaggezin(
        name: str, n: int, ago: int, intake: bool = True, via: SignUpVia = SignUpVia.coordinator
    ) -> int:
        family = services.sign_up_vraaggezin(
            session,
            tenant,
            VraaggezinEntry(
                name=f"Gezin {name}",
                parents=[
                    PersonIn(
                        given_name="Sanne", family_name=name, postcode=postcodes[n % len(postcodes)]
                    )
                ],
                children=[
                    ChildIn(given_name="Noor", birth_year=year - 4 - n),
                    ChildIn(given_name="Daan", birth_year=year - 8 - n),
                ],
                languages=["nl"],
                question="Af en toe opvang en een luisterend oor.",
                upbringing_views=["structuur", "buiten_spelen"],
                expected_support=["opvang", "luisterend_oor"],
                signed_up_on=_ago(ago),
                actor=COORDINATOR,
            ),
            via,
        )
        fid = family.id or 0
        if intake:
            for d in (5, 12):
                services.add_visit(
                    session, tenant, fid, VisitIn(visited_on=_ago(ago - d), visited_by=COORDINATOR)
                )
            services.record_intake(session, fid, INTAKE)
            services.complete_intake(
                session, tenant, fid, IntakeDoneIn(completed_on=_ago(ago - 12), actor=COORDINATOR)
            )
        return fid

    def couple(vraag: int, steun: int, ago: int, until: Step) -> int:
        coupling = services.create_coupling(
            session,
            tenant,
            CouplingIn(
                vraaggezin_id=vraag,
                steungezin_id=steun,
                kennismaking_on=_ago(ago),
                actor=COORDINATOR,
            ),
        )
        cid = coupling.id or 0
        steps: tuple[tuple[Step, int], ...] = (
            ("proefperiode", 7),
            ("afspraken", 60),
            ("actief", 65),
        )
        for to, days in steps:
            agreement = "Woensdagmiddag opvang; eens per maand samen iets leuks doen."
            services.step(
                session,
                tenant,
                cid,
                CouplingStepIn(
                    to=to,
                    on=_ago(ago - days),
                    agreement=agreement if to == "afspraken" else None,
                    actor=COORDINATOR,
                ),
            )
            if to == until:
                break
        return cid

    visser, bosman, kok, smit, dekker, meijer = (
        steungezin("Visser", 0, 700),
        steungezin("Bosman", 1, 500),
        steungezin("Kok", 2, 300),
        steungezin("Smit", 3, 200),
        steungezin("Dekker", 4, 60, ready=False),
        steungezin("Meijer", 5, 10, ready=False),
    )
    del dekker, meijer
    # A coupling that reached its goal and was closed after its first review.
    first = couple(vraaggezin("Jansen", 0, 680), visser, 640, "actief")
    services.add_review(
        session,
        tenant,
        first,
        ReviewIn(
            held_on=_ago(390),
            vraaggezin_continues=False,
            steungezin_continues=True,
            end_reason="doel_bereikt",
            note="Het gezin redt het weer zelf; het contact blijft informeel.",
            actor=COORDINATOR,
        ),
    )
    # Actief for eight months: the six-monthly review is overdue.
    couple(vraaggezin("de Boer", 1, 330), bosman, 300, "actief")
    # In the trial period.
    couple(vraaggezin("Mulder", 2, 120), kok, 40, "proefperiode")
    # Waiting: one searching after the intake, one just signed up through the form.
    vraaggezin("Hendriks", 3, 90)
    vraaggezin("Peters", 0, 5, intake=False, via=SignUpVia.self)
    del smit
