"""Report tables for the municipality's reports page (``ui_reports``), built from the
plugin's figures and cost ledger: trajectories per year and per life domain, the change
in self-sufficiency (ZRM), costs avoided and who took part. Aggregates only."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlmodel import Session, col, func, select

from noaber.clock import dutch_today
from noaber.ui.contrib import ReportTable
from noaber_gezinslab.figures import figures, ledger
from noaber_gezinslab.models import Trajectory, TrajectoryStatus
from noaber_gezinslab.zrm import DOMAIN_LABELS, ZrmDomain

PROGRAMME = "gezinslab"

STATUS_LABELS: dict[str, str] = {
    TrajectoryStatus.actief: "Actief",
    TrajectoryStatus.afgesloten: "Afgesloten",
}


def report_years(session: Session, today: date) -> list[int]:
    first = session.exec(select(func.min(Trajectory.started_on))).one()
    return list(range(first.year if first else today.year, today.year + 1))


def reports(session: Session, today: date | None = None) -> list[ReportTable]:
    today = today or dutch_today()
    per_year = [
        (year, figures(session, period_from=date(year, 1, 1), period_to=date(year, 12, 31)))
        for year in report_years(session, today)
    ]
    overall = figures(session)
    per_domain: Counter[tuple[str, str]] = Counter()
    for domains, status in session.exec(
        select(Trajectory.domains, Trajectory.status).order_by(col(Trajectory.id))
    ).all():
        for domain in domains:
            per_domain[(domain, TrajectoryStatus(status).value)] += 1
    statuses = [s.value for s in TrajectoryStatus]
    domain_rows = []
    for domain in ZrmDomain:
        counts = [per_domain[(domain.value, s)] for s in statuses]
        if any(counts):
            domain_rows.append([DOMAIN_LABELS[domain], *counts, sum(counts)])
    costs = ledger(session)
    return [
        ReportTable(
            "gezinslab-trajecten-per-jaar",
            "Gezinslab: trajecten per jaar",
            ["Jaar", "Gestart", "Lopend aan het eind van het jaar", "Afgesloten"],
            [[str(year), f.started, f.active, f.closed] for year, f in per_year],
            programme=PROGRAMME,
            chart="bar",
        ),
        ReportTable(
            "gezinslab-trajecten-per-leefgebied",
            "Gezinslab: trajecten per leefgebied en fase",
            ["Leefgebied", *(STATUS_LABELS[s] for s in statuses), "Totaal"],
            domain_rows,
            programme=PROGRAMME,
            chart="bar",
            chart_column=len(statuses) + 1,
            description="Een traject telt mee bij elk leefgebied waar de vragen van het gezin over gaan.",
        ),
        ReportTable(
            "gezinslab-zelfredzaamheid",
            "Gezinslab: verandering in zelfredzaamheid (ZRM)",
            [
                "Leefgebied",
                "Gemiddelde verandering",
                "Gezinnen",
                "Gemiddelde score bij de start",
                "Gemiddelde score laatste meting",
                "Verbeterd",
                "Verslechterd",
            ],
            [
                [
                    d.label,
                    d.mean_change,
                    d.families,
                    d.mean_baseline,
                    d.mean_latest,
                    d.improved,
                    d.worsened,
                ]
                for d in overall.self_sufficiency
            ],
            programme=PROGRAMME,
            chart="bar",
            description=(
                "Zelfredzaamheid-Matrix, scores 1-5: van de nulmeting tot de laatste "
                "vervolgmeting, per gezin met beide metingen op dat leefgebied."
            ),
        ),
        ReportTable(
            "gezinslab-vermeden-kosten",
            "Gezinslab: vermeden kosten per jaar",
            ["Jaar", "Vermeden kosten (€)", "Gezinnen", "Per gezin (€)"],
            [[str(y.year), y.total, y.families, y.per_family] for y in costs.per_year],
            programme=PROGRAMME,
            chart="bar",
            description="Schatting met de eenheidskosten uit de instellingen van de gemeente.",
        ),
        ReportTable(
            "gezinslab-betrokkenen",
            "Gezinslab: betrokkenen in de teams rond gezinnen",
            ["Teamlid", "Aantal"],
            [
                ["Vrijwilligers", overall.volunteers],
                ["Ervaringsdeskundigen", overall.experts_by_experience],
                ["Buurtbedrijven", overall.businesses],
                ["Professionals", overall.professionals],
            ],
            programme=PROGRAMME,
            chart="bar",
        ),
    ]
