"""Demo data for a municipality that enables the wijkbedrijf (fictitious people).

A wijkservicepunt in the first neighbourhood (Bilgaard in Leeuwarden): volunteers with
skills for the categories, jobs over the last months in every status, approved hours,
invoices (paid, open, one credited), allowances, and a small dagbesteding with
attendance and people moving on to work.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import col, select

from noaber.clock import dutch_today
from noaber.demo.context import DemoContext
from noaber.matching.models import Match
from noaber.people.models import HelperKind, HelperProfile, Person
from noaber.requests.models import AskedBy, HelpRequest
from noaber.tenancy.models import Neighbourhood
from noaber_wijkbedrijf import money
from noaber_wijkbedrijf.invoices import next_number
from noaber_wijkbedrijf.models import (
    Activity,
    Allowance,
    Assignment,
    AssignmentStatus,
    Attendance,
    Channel,
    Delivery,
    HoursEntry,
    HoursStatus,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Job,
    Notification,
    Outflow,
    OutflowKind,
    Participant,
    PaymentStatus,
)
from noaber_wijkbedrijf.services import confirmation_text, first_name, window_slots
from noaber_wijkbedrijf.settings import WijkbedrijfSettings
from noaber_wijkbedrijf.workflow import REQUEST_TYPE

VOLUNTEERS = (
    ("Sjoerd", "Hoekstra"),
    ("Anna", "Postma"),
    ("Pieter", "de Jong"),
    ("Wytske", "Visser"),
    ("Klaas", "Bakker"),
    ("Fenna", "Dijkstra"),
    ("Harmen", "Jansen"),
    ("Tjitske", "Smit"),
)
DEMO_EXPLANATION: dict[str, Any] = {
    "eligible": True,
    "excluded_by": None,
    "failed_filters": [],
    "score": 1.0,
    "components": [],
}
"""Demo couplings are not ranked; core's match output needs a well-formed explanation."""

RESIDENTS = (
    ("Grietje", "de Vries"),
    ("Hendrik", "Bouma"),
    ("Hiltje", "Wiersma"),
    ("Durk", "van der Meer"),
    ("Aukje", "Kuipers"),
    ("Jelle", "Hof"),
)


def seed(demo: DemoContext) -> None:
    found = demo.plugin_settings.get("wijkbedrijf")
    settings = found if isinstance(found, WijkbedrijfSettings) else WijkbedrijfSettings()
    session, rnd, slug = demo.session, demo.random, demo.slug
    hood = session.exec(select(Neighbourhood).order_by(col(Neighbourhood.id))).first()
    hood_id = hood.id if hood else None
    postcode = (hood.postcodes[0] if hood and hood.postcodes else "1234")[:4] + "AB"
    city = demo.municipality.config.name
    categories = [c for c in settings.categories if settings.rate_for(c) is not None]
    if not categories:
        return

    helpers = []
    for i, (given, family) in enumerate(VOLUNTEERS):
        person = Person(
            tenant_id=slug,
            given_name=given,
            family_name=family,
            city=city,
            neighbourhood_id=hood_id,
        )
        session.add(person)
        session.flush()
        helper = HelperProfile(
            tenant_id=slug,
            kind=HelperKind.volunteer,
            display_name=f"{given} {family}",
            person_id=person.id,
            home_neighbourhood_id=hood_id,
            skills=[categories[i % len(categories)], categories[(i + 2) % len(categories)]],
            availability=[
                f"{d}_{p}"
                for d in ("mon", "tue", "wed", "thu", "fri")
                for p in ("morning", "afternoon")
            ],
            reach_neighbourhood_ids=[hood_id] if hood_id else [],
            reach_anywhere=hood_id is None,
            max_load=3,
        )
        session.add(helper)
        helpers.append(helper)
    residents = []
    for i, (given, family) in enumerate(RESIDENTS):
        person = Person(
            tenant_id=slug,
            given_name=given,
            family_name=family,
            street="Bilgaardpark",
            house_number=str(10 + i),
            postcode=postcode,
            city=city,
            neighbourhood_id=hood_id,
            email=f"{given.lower()}@example.nl" if i % 2 == 0 else None,
        )
        session.add(person)
        residents.append(person)
    session.flush()

    today = dutch_today()
    first_month = date(today.year, today.month, 1) - timedelta(days=75)
    reduced = settings.reduced_rates[0] if settings.reduced_rates else None
    busy: set[tuple[int, date]] = set()
    for n in range(14):
        resident = residents[n % len(residents)]
        category = categories[n % len(categories)]
        start = first_month + timedelta(days=5 * n)
        if start.weekday() >= 5:
            start += timedelta(days=7 - start.weekday())
        end = start + timedelta(days=4)
        full = settings.rate_for(category) or money.ZERO
        use_reduced = reduced is not None and n % 4 == 1 and not reduced.requires_reason
        status = "afgerond" if end < today - timedelta(days=14) else "ingepland"
        if n == 13:
            status = "aangemeld"
        request = HelpRequest(
            tenant_id=slug,
            type=REQUEST_TYPE,
            status=status,
            asked_by=AskedBy.self,
            person_id=resident.id,
            neighbourhood_id=hood_id,
            description=f"{category}: hulp gevraagd bij {category}",
            wished_from=start,
            wished_until=end,
            availability=window_slots(start, end),
            skills=[category],
        )
        session.add(request)
        session.flush()
        job = Job(
            tenant_id=slug,
            request_id=request.id or 0,
            person_id=resident.id or 0,
            category=category,
            channel=list(Channel)[n % 3],
            estimated_hours=Decimal("2.00") + n % 3,
            wished_from=start,
            wished_until=end,
            street=resident.street or "",
            house_number=resident.house_number or "",
            postcode=postcode,
            city=city,
            hourly_rate=reduced.hourly_rate if use_reduced and reduced else full,
            rate_code=reduced.code if use_reduced and reduced else None,
            income_pct=(reduced.max_income_pct or 100) - 10 if use_reduced and reduced else None,
            created_by="balie",
        )
        session.add(job)
        session.flush()
        if status == "aangemeld":
            continue
        team = [helpers[n % len(helpers)]] + (
            [helpers[(n + 3) % len(helpers)]] if n % 3 == 0 else []
        )
        lines: list[InvoiceLine] = []
        for helper in team:
            day = start + timedelta(days=rnd.randrange(0, 4))
            while (helper.id or 0, day) in busy:
                day += timedelta(days=1)
            busy.add((helper.id or 0, day))
            begins = datetime.combine(day, time(9), tzinfo=UTC)
            match = Match(
                tenant_id=slug,
                request_id=request.id or 0,
                helper_id=helper.id or 0,
                status="uitgevoerd" if status == "afgerond" else "bevestigd",
                created_by="balie",
                score=1.0,
                explanation=dict(DEMO_EXPLANATION),
            )
            session.add(match)
            session.flush()
            assignment = Assignment(
                tenant_id=slug,
                job_id=job.id or 0,
                match_id=match.id or 0,
                helper_id=helper.id or 0,
                starts_at=begins,
                ends_at=begins + timedelta(hours=3),
                status=AssignmentStatus(match.status),
                confirmed_at=begins - timedelta(days=2),
            )
            session.add(assignment)
            session.flush()
            session.add(
                Notification(
                    tenant_id=slug,
                    job_id=job.id or 0,
                    person_id=resident.id or 0,
                    channel="e-mail" if resident.email else "brief",
                    recipient=resident.email or f"{job.street} {job.house_number}",
                    text=confirmation_text(
                        category,
                        assignment.starts_at,
                        assignment.ends_at,
                        first_name(helper.display_name),
                        settings.invoice_sender,
                    ),
                    delivery=Delivery.verstuurd if resident.email else Delivery.geen_emailadres,
                    sent_at=assignment.confirmed_at if resident.email else None,
                )
            )
            if status != "afgerond":
                continue
            hours = Decimal(rnd.choice(["1.50", "2.00", "2.50", "3.00"]))
            entry = HoursEntry(
                tenant_id=slug,
                job_id=job.id or 0,
                assignment_id=assignment.id or 0,
                helper_id=helper.id or 0,
                worked_on=day,
                hours=hours,
                status=HoursStatus.goedgekeurd,
                registered_by=helper.display_name,
                decided_by="coördinator",
                decided_at=datetime.combine(day, time(17), tzinfo=UTC),
            )
            session.add(entry)
            session.flush()
            lines.append(
                InvoiceLine(
                    tenant_id=slug,
                    invoice_id=0,
                    job_id=job.id or 0,
                    hours_id=entry.id,
                    description=f"{category}, {helper.display_name}, {day.strftime('%d-%m-%Y')}",
                    hours=hours,
                    hourly_rate=job.hourly_rate,
                    rate_code=job.rate_code,
                    amount=money.times(hours, job.hourly_rate),
                )
            )
        if lines:
            issued = end + timedelta(days=3)
            sequence, number = next_number(session, issued.year)
            invoice = Invoice(
                tenant_id=slug,
                number=number,
                year=issued.year,
                sequence=sequence,
                kind=InvoiceKind.factuur,
                person_id=resident.id or 0,
                job_id=job.id,
                issued_on=issued,
                due_on=issued + timedelta(days=settings.payment_term_days),
                total=money.total(x.amount for x in lines),
                reduced_total=money.total(x.amount for x in lines if x.rate_code),
                status=PaymentStatus.betaald if n % 5 else PaymentStatus.open,
                paid_on=issued + timedelta(days=9) if n % 5 else None,
                created_by="coördinator",
            )
            session.add(invoice)
            session.flush()
            for line in lines:
                line.invoice_id = invoice.id or 0
            session.add_all(lines)
            if n == 5 and invoice.total > 1:
                _partial_credit(demo, invoice, lines[0], Decimal("1.00"))
    session.flush()

    # allowances for last month's approved hours, within the caps
    last_month = date(today.year, today.month, 1) - timedelta(days=1)
    month = date(last_month.year, last_month.month, 1)
    for helper in helpers:
        hours = sum(
            (
                h.hours
                for h in session.exec(
                    select(HoursEntry).where(
                        HoursEntry.helper_id == helper.id,
                        col(HoursEntry.worked_on) >= month,
                        col(HoursEntry.worked_on) <= last_month,
                    )
                )
            ),
            Decimal(0),
        )
        amount = min(
            money.times(hours, settings.allowance_per_hour), settings.allowance_monthly_cap
        )
        if amount > 0:
            session.add(
                Allowance(
                    tenant_id=slug,
                    helper_id=helper.id or 0,
                    month=month,
                    hours=hours,
                    amount=amount,
                    paid_on=last_month,
                    created_by="coördinator",
                )
            )

    # dagbesteding
    activities = [
        Activity(
            tenant_id=slug,
            name="Buurtkeuken",
            supervisor="Marrit (begeleider)",
            description="Samen koken voor de buurtmaaltijd",
        ),
        Activity(
            tenant_id=slug,
            name="Buurttuin",
            supervisor="Jelle (begeleider)",
            description="Onderhoud van de moestuin en het plantsoen",
        ),
    ]
    session.add_all(activities)
    participants = []
    for given, family in (("Wiebe", "Zijlstra"), ("Froukje", "Mulder"), ("Ids", "Brouwer")):
        person = Person(
            tenant_id=slug,
            given_name=given,
            family_name=family,
            city=city,
            neighbourhood_id=hood_id,
        )
        session.add(person)
        session.flush()
        participant = Participant(
            tenant_id=slug,
            person_id=person.id or 0,
            started_on=first_month,
            supervisor="Marrit (begeleider)",
            needs="Beschermde werkplek, vaste structuur",
        )
        session.add(participant)
        participants.append(participant)
    session.flush()
    day = first_month
    while day < today:
        if day.weekday() < 4:
            for i, participant in enumerate(participants):
                activity = activities[(i + day.weekday()) % 2]
                session.add(
                    Attendance(
                        tenant_id=slug,
                        participant_id=participant.id or 0,
                        activity_id=activity.id or 0,
                        day=day,
                        present=rnd.random() > 0.15,
                        supervisor=activity.supervisor,
                    )
                )
        day += timedelta(days=1)
    session.add_all(
        [
            Outflow(
                tenant_id=slug,
                participant_id=participants[0].id,
                kind=OutflowKind.betaald_werk,
                on=today - timedelta(days=20),
                description="Parttime baan in de keuken van het buurthuis",
                recorded_by="coördinator",
            ),
            Outflow(
                tenant_id=slug,
                helper_id=helpers[1].id,
                kind=OutflowKind.opleiding,
                on=today - timedelta(days=40),
                description="Mbo-opleiding Zorg en welzijn",
                recorded_by="coördinator",
            ),
        ]
    )
    session.flush()


def _partial_credit(
    demo: DemoContext, invoice: Invoice, line: InvoiceLine, amount: Decimal
) -> None:
    issued = invoice.issued_on + timedelta(days=2)
    sequence, number = next_number(demo.session, issued.year)
    note = Invoice(
        tenant_id=demo.slug,
        number=number,
        year=issued.year,
        sequence=sequence,
        kind=InvoiceKind.creditnota,
        person_id=invoice.person_id,
        job_id=invoice.job_id,
        issued_on=issued,
        due_on=issued,
        total=-amount,
        reduced_total=-amount if invoice.reduced_total else money.ZERO,
        status=PaymentStatus.terug_te_betalen
        if invoice.paid_on is not None and invoice.paid_on <= issued
        else PaymentStatus.verrekend,
        credits_invoice_id=invoice.id,
        reason="Reistijd niet in rekening gebracht",
        created_by="coördinator",
    )
    demo.session.add(note)
    demo.session.flush()
    demo.session.add(
        InvoiceLine(
            tenant_id=demo.slug,
            invoice_id=note.id or 0,
            job_id=line.job_id,
            description=f"Correctie op factuur {invoice.number}: {note.reason}",
            hours=money.ZERO,
            hourly_rate=money.ZERO,
            amount=-amount,
        )
    )
