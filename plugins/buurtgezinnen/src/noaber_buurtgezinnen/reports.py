"""Report tables for the municipality's reports page (``ui_reports``), built from the
plugin's own figures: couplings per year, ended couplings by reason and the waiting list.
Aggregates only; no family is named."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from noaber.clock import dutch_today
from noaber.platform import TenantRuntime
from noaber.ui.contrib import ReportTable
from noaber_buurtgezinnen.figures import figures, waiting_list
from noaber_buurtgezinnen.models import Coupling, EndReason, Family
from noaber_buurtgezinnen.schemas import Figures

PROGRAMME = "buurtgezinnen"

END_REASONS: dict[str, str] = {
    EndReason.doel_bereikt: "Doel bereikt",
    EndReason.verhuisd: "Verhuisd",
    EndReason.geen_klik: "Geen klik",
    EndReason.steungezin_stopt: "Steungezin stopt",
    EndReason.vraaggezin_stopt: "Vraaggezin stopt",
    EndReason.zwaardere_hulp_nodig: "Zwaardere hulp nodig",
    EndReason.anders: "Anders",
}


def report_years(session: Session, today: date) -> list[int]:
    """Every year from the first sign-up or kennismaking to this year."""
    first = [
        d
        for d in (
            session.execute(select(func.min(Family.signed_up_on))).scalar_one(),
            session.execute(select(func.min(Coupling.kennismaking_on))).scalar_one(),
        )
        if d is not None
    ]
    start = min(first).year if first else today.year
    return list(range(start, today.year + 1))


def yearly_figures(
    session: Session, tenant: TenantRuntime, today: date
) -> list[tuple[int, Figures]]:
    return [
        (year, figures(session, tenant, date(year, 1, 1), date(year, 12, 31)))
        for year in report_years(session, today)
    ]


def reports(
    session: Session, tenant: TenantRuntime, today: date | None = None
) -> list[ReportTable]:
    today = today or dutch_today()
    per_year = yearly_figures(session, tenant, today)
    years = [str(year) for year, _f in per_year]
    reasons = sorted({r for _y, f in per_year for r in f.ended_by_reason})
    waiting = waiting_list(session, tenant, today)
    return [
        ReportTable(
            "buurtgezinnen-koppelingen-per-jaar",
            "Buurtgezinnen: koppelingen per jaar",
            [
                "Jaar",
                "Nieuwe koppelingen",
                "Actieve koppelingen",
                "Beëindigde koppelingen",
                "Gemiddelde wachttijd (dagen)",
                "Vraaggezinnen aangemeld",
                "Steungezinnen aangemeld",
                "Kinderen bereikt",
            ],
            [
                [
                    str(year),
                    f.new_couplings,
                    f.active_couplings,
                    f.ended_couplings,
                    f.average_waiting_days,
                    f.vraaggezinnen_signed_up,
                    f.steungezinnen_signed_up,
                    f.children_reached,
                ]
                for year, f in per_year
            ],
            programme=PROGRAMME,
            chart="bar",
            description=(
                "Nieuw: kennismaking in het jaar. Actief: de koppeling was in het jaar actief. "
                "Wachttijd: van aanmelding van het vraaggezin tot de kennismaking."
            ),
        ),
        ReportTable(
            "buurtgezinnen-beeindigd-per-reden",
            "Buurtgezinnen: beëindigde koppelingen per reden",
            ["Reden", *years, "Totaal"],
            [
                [
                    END_REASONS.get(reason, reason),
                    *(f.ended_by_reason.get(reason, 0) for _y, f in per_year),
                    sum(f.ended_by_reason.get(reason, 0) for _y, f in per_year),
                ]
                for reason in reasons
            ],
            programme=PROGRAMME,
            chart="bar",
            chart_column=len(years) + 1,
        ),
        ReportTable(
            "buurtgezinnen-wachtlijst",
            "Buurtgezinnen: wachtlijst",
            ["Wachtend", "Aantal", "Gemiddelde wachttijd (dagen)"],
            [
                [
                    "Vraaggezinnen",
                    len(waiting.vraaggezinnen),
                    waiting.average_waiting_days_vraaggezinnen,
                ],
                [
                    "Steungezinnen",
                    len(waiting.steungezinnen),
                    waiting.average_waiting_days_steungezinnen,
                ],
            ],
            programme=PROGRAMME,
            chart="bar",
            chart_column=2,
            description="Vraaggezinnen die nog geen steungezin hebben; steungezinnen met ruimte.",
        ),
    ]
