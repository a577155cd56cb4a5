"""Report tables for the municipality's reports page (``ui_reports``), built from the
plugin's figures per month and year: hours, revenue, jobs per category and status,
dagbesteding attendance and outflow. Aggregates only; nobody is named."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, func, select

from noaber.clock import dutch_today
from noaber.ui.contrib import ReportTable
from noaber_wijkbedrijf.figures import figures
from noaber_wijkbedrijf.models import (
    Allowance,
    Attendance,
    HoursEntry,
    Invoice,
    Job,
    Outflow,
    OutflowKind,
)
from noaber_wijkbedrijf.schemas import Figures, PeriodFigures

PROGRAMME = "wijkbedrijf"

OUTFLOW_LABELS: dict[str, str] = {
    OutflowKind.opleiding: "Opleiding",
    OutflowKind.betaald_werk: "Betaald werk",
    OutflowKind.onbetaald_werk: "Onbetaald werk",
}


def report_years(session: Session, today: date) -> list[int]:
    """The years from the first to the last date anything was recorded (this year if none)."""
    columns: Sequence[Any] = (
        Job.wished_from,
        HoursEntry.worked_on,
        Invoice.issued_on,
        Allowance.paid_on,
        Attendance.day,
        Outflow.on,
    )
    days: list[date] = []
    for column in columns:
        low, high = session.exec(select(func.min(column), func.max(column))).one()
        days.extend(d for d in (low, high) if d is not None)
    if not days:
        return [today.year]
    return list(range(min(days).year, max(days).year + 1))


def _busy(month: PeriodFigures) -> bool:
    return bool(
        month.jobs
        or month.hours_approved
        or month.revenue
        or month.credited
        or month.allowances_paid
        or month.attendance_days
        or any(month.outflow.values())
    )


def _per_year(
    label: str,
    keys: Iterable[str],
    per_year: Sequence[Figures],
    count: Callable[[PeriodFigures], dict[str, int]],
    labels: dict[str, str] | None = None,
) -> tuple[list[str], list[list[Any]]]:
    columns = [label, *(str(f.year) for f in per_year), "Totaal"]
    rows = []
    for key in keys:
        values = [count(f.total).get(key, 0) for f in per_year]
        rows.append([(labels or {}).get(key, key), *values, sum(values)])
    return columns, rows


def reports(session: Session, today: date | None = None) -> list[ReportTable]:
    per_year = [figures(session, year) for year in report_years(session, today or dutch_today())]
    months = [m for f in per_year for m in f.months if _busy(m)]
    last = len(per_year) + 1
    categories = sorted({c for f in per_year for c in f.total.jobs_by_category})
    statuses = sorted({s for f in per_year for s in f.total.jobs_by_status})
    category_columns, category_rows = _per_year(
        "Categorie", categories, per_year, lambda p: p.jobs_by_category
    )
    status_columns, status_rows = _per_year(
        "Status", statuses, per_year, lambda p: p.jobs_by_status
    )
    outflow_columns, outflow_rows = _per_year(
        "Uitstroom naar",
        [k.value for k in OutflowKind],
        per_year,
        lambda p: p.outflow,
        OUTFLOW_LABELS,
    )
    return [
        ReportTable(
            "wijkbedrijf-uren-per-maand",
            "Wijkbedrijf: uren per maand",
            ["Maand", "Goedgekeurde uren", "Actieve vrijwilligers", "Vergoedingen betaald (€)"],
            [[m.period, m.hours_approved, m.active_volunteers, m.allowances_paid] for m in months],
            programme=PROGRAMME,
            chart="bar",
            description="Uren die de coördinator heeft goedgekeurd, per maand waarin gewerkt is.",
        ),
        ReportTable(
            "wijkbedrijf-omzet-per-maand",
            "Wijkbedrijf: omzet per maand",
            [
                "Maand",
                "Omzet (€)",
                "Waarvan verlaagd tarief (€)",
                "Aandeel verlaagd tarief (%)",
                "Gecrediteerd (€)",
            ],
            [
                [
                    m.period,
                    m.revenue,
                    m.revenue_reduced,
                    (m.reduced_share * 100).quantize(Decimal("0.1")),
                    m.credited,
                ]
                for m in months
            ],
            programme=PROGRAMME,
            chart="bar",
            description="Gefactureerd per maand van de factuurdatum, creditnota's afgetrokken.",
        ),
        ReportTable(
            "wijkbedrijf-klussen-per-categorie",
            "Wijkbedrijf: klussen per categorie",
            category_columns,
            category_rows,
            programme=PROGRAMME,
            chart="bar",
            chart_column=last,
        ),
        ReportTable(
            "wijkbedrijf-klussen-per-status",
            "Wijkbedrijf: klussen per status",
            status_columns,
            status_rows,
            programme=PROGRAMME,
            chart="bar",
            chart_column=last,
        ),
        ReportTable(
            "wijkbedrijf-dagbesteding-per-maand",
            "Wijkbedrijf: aanwezigheid dagbesteding per maand",
            ["Maand", "Aanwezigheidsdagen", "Deelnemers"],
            [[m.period, m.attendance_days, m.attendance_participants] for m in months],
            programme=PROGRAMME,
            chart="bar",
        ),
        ReportTable(
            "wijkbedrijf-uitstroom",
            "Wijkbedrijf: uitstroom naar opleiding en werk",
            outflow_columns,
            outflow_rows,
            programme=PROGRAMME,
            chart="bar",
            chart_column=last,
        ),
    ]
