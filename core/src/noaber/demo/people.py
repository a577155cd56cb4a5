"""Core's demo data for one municipality: partner organisations and their professionals,
residents and households, helpers, and a few general requests in different states.

Everything goes through the same services as the API (validation, postcode resolution,
workflows), with fictitious people. Names and numbers depend only on the municipality
and the seed, so two runs give the same demo.
"""

from __future__ import annotations

from datetime import timedelta

import pluggy
from sqlmodel import col, select

from noaber.clock import dutch_today
from noaber.demo.context import DemoContext
from noaber.matching import services as matching
from noaber.matching.columns import PARTS
from noaber.matching.schemas import MatchIn, MatchTransitionIn
from noaber.people import services as people
from noaber.people.models import (
    HelperKind,
    HelperStatus,
    MemberRole,
    Organisation,
    OrganisationKind,
)
from noaber.people.schemas import (
    HelperIn,
    HelperPatch,
    HouseholdIn,
    MemberIn,
    OrganisationIn,
    PersonIn,
    ProfessionalIn,
)
from noaber.platform import TenantRuntime
from noaber.plugins import new_manager
from noaber.requests import services as requests
from noaber.requests.models import AskedBy, Urgency
from noaber.requests.schemas import RequestIn, TimelineIn, TransitionIn
from noaber.requests.types import GENERAL, request_types_of
from noaber.tenancy.models import Neighbourhood

COORDINATOR = "Coördinator (demo)"

GIVEN = [
    "Anouk", "Bram", "Chantal", "Daan", "Esra", "Fenna", "Gerrit", "Hatice", "Iris",
    "Jelle", "Karin", "Lars", "Meryem", "Niels", "Oksana", "Pieter", "Roos", "Sander",
    "Tjitske", "Yusuf",
]  # fmt: skip
FAMILY = [
    "de Boer", "Bakker", "Visser", "Smit", "Mulder", "de Vries", "Hoekstra", "Postma",
    "Yilmaz", "Kowalski", "van Dijk", "Dijkstra", "Jansen", "Bouma",
]  # fmt: skip
CHILDREN = ["Noor", "Sem", "Julia", "Finn", "Lotte", "Milan", "Saar", "Levi", "Zoë", "Adam"]
SKILLS = [
    "tuin", "klussen", "boodschappen", "koken", "vervoer", "taalmaatje", "administratie",
    "huiswerkbegeleiding", "oppas", "gezelschap",
]  # fmt: skip

ORGANISATIONS: list[tuple[OrganisationKind, str, list[tuple[str, str]]]] = [
    (OrganisationKind.welfare, "Welzijnsorganisatie", [("Wijkcoach", "wijkcoach")]),
    (OrganisationKind.gp_practice, "Huisartsenpraktijk", [("Huisarts", "huisarts")]),
    (OrganisationKind.school, "Basisschool", [("Intern begeleider", "intern begeleider")]),
    (OrganisationKind.food_bank, "Voedselbank", []),
    (OrganisationKind.leergeld, "Stichting Leergeld", [("Intermediair", "intermediair")]),
]


def seed(demo: DemoContext) -> None:
    session = demo.session
    rng = demo.random
    pm: pluggy.PluginManager = demo.plugins or new_manager()
    hoods = session.exec(select(Neighbourhood).order_by(col(Neighbourhood.id))).all()
    if not hoods:
        return
    place = demo.municipality.config.name
    slug = demo.slug
    today = dutch_today()

    def postcode(i: int) -> tuple[int, str]:
        hood = hoods[i % len(hoods)]
        pc4 = hood.postcodes[0][:4]
        letters = "ABCDEFGHJKLMNPRSTVWX"
        return hood.id or 0, f"{pc4} {rng.choice(letters)}{rng.choice(letters)}"

    # Partner organisations (skip a kind a programme's demo already created).
    existing = {o.kind for o in session.exec(select(Organisation)).all()}
    professionals: list[int] = []
    for kind, label, staff in ORGANISATIONS:
        if kind in existing:
            continue
        org = people.create_organisation(
            session,
            OrganisationIn(
                name=f"{label} {place}",
                kind=kind,
                email=f"info@{kind.value.replace('_', '')}.{slug}.example",
                neighbourhood_id=hoods[len(professionals) % len(hoods)].id,
            ),
        )
        for role, title in staff:
            pro = people.create_professional(
                session,
                ProfessionalIn(
                    organisation_id=org.id or 0,
                    name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                    role=title,
                    email=f"{role.lower().replace(' ', '.')}@{slug}.example",
                ),
            )
            professionals.append(pro.id or 0)

    # Households with parents and children of different ages.
    households = []
    for n in range(5):
        hood_id, pc = postcode(n)
        family = rng.choice(FAMILY)
        members = [
            MemberIn(
                role=MemberRole.parent,
                person=PersonIn(
                    given_name=rng.choice(GIVEN),
                    family_name=family,
                    birth_year=today.year - rng.randint(26, 45),
                    postcode=pc,
                    city=place,
                    phone=f"06 {rng.randint(10000000, 99999999)}",
                    languages=rng.choice([["nl"], ["nl", "fy"], ["ar", "nl"], ["tr", "nl"]]),
                ),
            )
        ]
        for _ in range(rng.randint(1, 3)):
            born = today - timedelta(days=rng.randint(365, 16 * 365))
            members.append(
                MemberIn(
                    role=MemberRole.child,
                    person=PersonIn(
                        given_name=rng.choice(CHILDREN), family_name=family, birth_date=born
                    ),
                )
            )
        households.append(
            people.create_household(
                session, pm, HouseholdIn(name=f"Gezin {family}", members=members)
            )
        )

    # Residents on their own (older people asking for small jobs).
    residents = []
    for n in range(4):
        _hood_id, pc = postcode(n + 2)
        residents.append(
            people.create_person(
                session,
                pm,
                PersonIn(
                    given_name=rng.choice(GIVEN),
                    family_name=rng.choice(FAMILY),
                    birth_year=today.year - rng.randint(68, 90),
                    postcode=pc,
                    city=place,
                    languages=["nl"],
                    notes="Woont alleen; liever bellen dan mailen.",
                ),
            )
        )

    # Helpers: volunteers, support families, a neighbourhood business; one paused.
    helper_ids = []
    kinds = [HelperKind.volunteer] * 6 + [HelperKind.support_family] * 3 + [HelperKind.business]
    slots = [f"{d}_{p}" for d in ("mon", "tue", "wed", "thu", "fri", "sat") for p in PARTS]
    for n, helper_kind in enumerate(kinds):
        hood_id, pc = postcode(n)
        person = people.create_person(
            session,
            pm,
            PersonIn(
                given_name=GIVEN[n],
                family_name=rng.choice(FAMILY),
                postcode=pc,
                city=place,
                languages=["nl", *rng.sample(["fy", "en", "ar", "tr", "pl"], rng.randint(0, 1))],
            ),
        )
        skills = rng.sample(SKILLS, rng.randint(2, 4))
        if n in (1, 5):
            skills.append("ervaringsdeskundige")
        issued = today - timedelta(days=rng.randint(30, 1000))
        helper = people.create_helper(
            session,
            HelperIn(
                kind=helper_kind,
                display_name=f"{person.given_name} {person.family_name}"
                if helper_kind is not HelperKind.business
                else f"Buurtbedrijf {place} {n}",
                person_id=person.id,
                skills=skills,
                languages=person.languages,
                availability=sorted(rng.sample(slots, rng.randint(2, 8))),
                max_load=1 if helper_kind is HelperKind.support_family else rng.randint(1, 3),
                reach_neighbourhood_ids=sorted({hood_id, hoods[(n + 1) % len(hoods)].id or 0}),
                vog_issued_on=issued if n % 4 != 3 else None,
                child_age_min=0 if helper_kind is HelperKind.support_family else None,
                child_age_max=12 if helper_kind is HelperKind.support_family else None,
            ),
        )
        helper_ids.append(helper.id or 0)
    people.update_helper(session, helper_ids[-2], HelperPatch(status=HelperStatus.paused))

    # General requests: a new one, two being matched, one coupled with a running match.
    if GENERAL.name not in request_types_of(pm).types:
        return

    def request(description: str, skills: list[str], **who: int | None) -> int:
        asked = AskedBy.professional if professionals and who.get("household_id") else AskedBy.self
        created = requests.create_request(
            session,
            pm,
            RequestIn(
                type=GENERAL.name,
                asked_by=asked,
                professional_id=professionals[0] if asked is AskedBy.professional else None,
                description=description,
                skills=skills,
                urgency=rng.choice([Urgency.normal, Urgency.normal, Urgency.high]),
                actor=COORDINATOR,
                **who,
            ),
        )
        return created.id or 0

    def move(request_id: int, *statuses: str) -> None:
        for status in statuses:
            requests.transition_request(
                session, pm, request_id, TransitionIn(to=status, actor=COORDINATOR)
            )

    request("Hulp bij het invullen van formulieren.", ["administratie"], person_id=residents[0].id)
    garden = request("De tuin is te veel geworden.", ["tuin"], person_id=residents[1].id)
    move(garden, "intake", "zoeken")
    homework = request(
        "Iemand die twee middagen per week helpt met huiswerk.",
        ["huiswerkbegeleiding"],
        household_id=households[0].id,
    )
    move(homework, "intake", "zoeken")
    requests.add_request_entry(
        session,
        homework,
        TimelineIn(kind="contact", text="Huisbezoek: moeder wil graag hulp.", actor=COORDINATOR),
    )
    shopping = request(
        "Wekelijks samen boodschappen doen.", ["boodschappen"], person_id=residents[2].id
    )
    move(shopping, "intake", "zoeken")
    tenant = TenantRuntime(municipality=demo.municipality, plugins=pm)
    best = matching.suggestions(session, tenant, shopping, limit=1).suggestions
    if best:
        match = matching.propose_match(
            session,
            tenant,
            MatchIn(request_id=shopping, helper_id=best[0].helper.id, actor=COORDINATOR),
        )
        for status in ("geaccepteerd", "actief"):
            matching.transition_match(
                session, tenant, match.id or 0, MatchTransitionIn(to=status, actor=COORDINATOR)
            )
        move(shopping, "gekoppeld")
