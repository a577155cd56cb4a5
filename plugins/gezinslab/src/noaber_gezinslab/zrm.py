"""The Zelfredzaamheid-Matrix (ZRM): its domains and its 1-5 scale.

The ZRM (GGD Amsterdam and partners, version 2017) scores self-sufficiency on thirteen
life domains from 1 (acute problematiek) to 5 (volledig zelfredzaam). Gezinslab uses it
as is rather than inventing a scale of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

SCORE_MIN = 1
SCORE_MAX = 5


class ZrmDomain(StrEnum):
    financien = "financien"
    werk_opleiding = "werk_opleiding"
    tijdsbesteding = "tijdsbesteding"
    huisvesting = "huisvesting"
    huiselijke_relaties = "huiselijke_relaties"
    geestelijke_gezondheid = "geestelijke_gezondheid"
    lichamelijke_gezondheid = "lichamelijke_gezondheid"
    middelengebruik = "middelengebruik"
    basale_adl = "basale_adl"
    instrumentele_adl = "instrumentele_adl"
    sociaal_netwerk = "sociaal_netwerk"
    maatschappelijke_participatie = "maatschappelijke_participatie"
    justitie = "justitie"


DOMAIN_LABELS: Mapping[ZrmDomain, str] = {
    ZrmDomain.financien: "Financiën",
    ZrmDomain.werk_opleiding: "Werk & opleiding",
    ZrmDomain.tijdsbesteding: "Tijdsbesteding",
    ZrmDomain.huisvesting: "Huisvesting",
    ZrmDomain.huiselijke_relaties: "Huiselijke relaties",
    ZrmDomain.geestelijke_gezondheid: "Geestelijke gezondheid",
    ZrmDomain.lichamelijke_gezondheid: "Lichamelijke gezondheid",
    ZrmDomain.middelengebruik: "Middelengebruik",
    ZrmDomain.basale_adl: "Basale ADL",
    ZrmDomain.instrumentele_adl: "Instrumentele ADL",
    ZrmDomain.sociaal_netwerk: "Sociaal netwerk",
    ZrmDomain.maatschappelijke_participatie: "Maatschappelijke participatie",
    ZrmDomain.justitie: "Justitie",
}

SCORE_LABELS: Mapping[int, str] = {
    1: "Acute problematiek",
    2: "Niet zelfredzaam",
    3: "Beperkt zelfredzaam",
    4: "Voldoende zelfredzaam",
    5: "Volledig zelfredzaam",
}


def check_score(domain: str, score: object) -> int:
    """The score as an int, or ValueError with a message a worker understands."""
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValueError(f"ZRM score for {domain!r} must be a whole number from 1 to 5")
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise ValueError(
            f"ZRM score for {domain!r} must be from {SCORE_MIN} (acute problematiek) "
            f"to {SCORE_MAX} (volledig zelfredzaam), got {score}"
        )
    return score


def check_domain(domain: str) -> ZrmDomain:
    try:
        return ZrmDomain(domain)
    except ValueError:
        known = ", ".join(d.value for d in ZrmDomain)
        raise ValueError(f"{domain!r} is not a ZRM domain (known: {known})") from None
