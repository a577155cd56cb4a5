"""Report tables for the municipality's reports page (``ui_reports``), built from the
plugin's figures: cases and outcomes, blockages and escalations, the maatwerk budget,
the cost comparison, and activity and factorenmodel indicators per neighbourhood.
Neighbourhood counts under the configured threshold stay suppressed, as in the API."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from noaber.ui.contrib import ReportTable
from noaber_doorbraak.factors import overview
from noaber_doorbraak.figures import figures
from noaber_doorbraak.services import blockage_overview
from noaber_doorbraak.settings import DoorbraakSettings

PROGRAMME = "doorbraak"

OUTCOME_LABELS: dict[str, str] = {
    "behaald": "Doel behaald",
    "deels_behaald": "Doel deels behaald",
    "niet_behaald": "Doel niet behaald",
}


def reports(session: Session, settings: DoorbraakSettings) -> list[ReportTable]:
    f = figures(session, settings)
    blockages = blockage_overview(session)
    budget = f.budget
    hoods = overview(session, settings.small_count_threshold)
    hidden = f"< {hoods.threshold}"

    def shown(count: int | None) -> int | str:
        return hidden if count is None else count

    return [
        ReportTable(
            "doorbraak-casussen",
            "Doorbraak: casussen",
            ["Casussen", "Aantal"],
            [
                ["Totaal", f.cases],
                ["Lopend", f.open],
                ["Afgesloten", f.closed],
                *([OUTCOME_LABELS.get(k, k), v] for k, v in f.outcomes.items()),
                ["Verwijzingen van huisartsen", f.referrals],
            ],
            programme=PROGRAMME,
            chart="bar",
        ),
        ReportTable(
            "doorbraak-knelpunten",
            "Doorbraak: knelpunten en escalaties",
            ["Knelpunten", "Aantal"],
            [
                ["Knelpunten", f.blockages],
                ["Nog open of geëscaleerd", f.open_blockages],
                ["Geëscaleerd", sum(r.escalated for r in blockages.rules)],
                ["Escalaties over de termijn", f.overdue_escalations],
            ],
            programme=PROGRAMME,
            chart="bar",
        ),
        ReportTable(
            "doorbraak-blokkerende-regels",
            "Doorbraak: regels en processen die het vaakst blokkeren",
            [
                "Regel of proces",
                "Casussen",
                "Knelpunten",
                "Geëscaleerd",
                "Opgelost",
                "Open",
                "Eigenaar",
            ],
            [
                [
                    r.rule,
                    r.cases,
                    r.blockages,
                    r.escalated,
                    r.resolved,
                    r.open,
                    ", ".join(r.owner_organisations),
                ]
                for r in blockages.rules
            ],
            programme=PROGRAMME,
            chart="bar",
            description="De invoer voor het aanpassen van beleid: meest blokkerende regels eerst.",
        ),
        ReportTable(
            "doorbraak-maatwerkbudget",
            f"Doorbraak: maatwerkbudget {budget.year}",
            ["Post", "Bedrag (€)"],
            [
                ["Budget", budget.total],
                ["Besteed", budget.spent],
                ["Nog beschikbaar", budget.remaining],
                ["Aangevraagd, nog niet besloten", budget.pending],
            ],
            programme=PROGRAMME,
            chart="bar",
        ),
        ReportTable(
            "doorbraak-beslistijd",
            f"Doorbraak: beslistijd maatwerkaanvragen {budget.year}",
            ["Beslistijd", "Waarde"],
            [
                ["Beslissingen", budget.decisions],
                [f"Binnen de norm van {budget.decision_target_hours} uur", budget.within_target],
                [
                    "Aandeel binnen de norm (%)",
                    None
                    if budget.within_target_share is None
                    else round(budget.within_target_share * 100, 1),
                ],
                ["Mediaan (uren)", budget.median_decision_hours],
                ["Langste (uren)", budget.longest_decision_hours],
            ],
            programme=PROGRAMME,
        ),
        ReportTable(
            "doorbraak-kosten",
            "Doorbraak: kosten per jaar, zoals voorheen en met de doorbraak",
            ["Kosten per jaar", "Bedrag (€)"],
            [
                ["Zoals voorheen", f.costs_as_before],
                ["Met de doorbraak", f.costs_breakthrough],
                ["Verschil", f.costs_difference],
            ],
            programme=PROGRAMME,
            chart="bar",
            description="Opgeteld over alle casussen.",
        ),
        ReportTable(
            "doorbraak-per-wijk",
            "Doorbraak: activiteit per wijk",
            ["Wijk", "Casussen", "Verwijzingen", "Koppelingen"],
            [
                [
                    n.name,
                    shown(n.activity.cases),
                    shown(n.activity.referrals),
                    shown(n.activity.couplings),
                ]
                for n in hoods.neighbourhoods
            ],
            programme=PROGRAMME,
            chart="bar",
            description=(
                f"Aantallen onder de {hoods.threshold} worden niet getoond ({hidden}), "
                "zodat niemand herkenbaar is."
            ),
        ),
        ReportTable(
            "doorbraak-wijkfactoren",
            "Doorbraak: factoren per wijk" + (f" ({hoods.year})" if hoods.year is not None else ""),
            [
                "Wijk en factor",
                "Waarde",
                "Gemiddelde gemeente",
                "z-score",
                "Referentiewaarde",
                "Risico of beschermend",
                "Domein",
                "Bron",
            ],
            [
                [
                    f"{n.name}: {s.factor}",
                    s.value,
                    Decimal(str(s.municipality_mean)),
                    s.z_score,
                    s.reference_value,
                    s.kind.value,
                    s.setting.value,
                    s.source,
                ]
                for n in hoods.neighbourhoods
                for s in n.factors
            ],
            programme=PROGRAMME,
            chart="bar",
            description=(
                "Risico- en beschermende factoren (factorenmodel) per wijk, naast het "
                "gemiddelde van de wijken van de gemeente."
            ),
        ),
    ]
