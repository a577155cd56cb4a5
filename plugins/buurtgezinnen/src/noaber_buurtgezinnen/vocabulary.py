"""Fixed vocabularies of the intake, so that both sides can be compared by the matcher.

Keys are stable identifiers; labels are the Dutch text shown to families."""

from __future__ import annotations

from typing import Literal

UPBRINGING_VIEWS: dict[str, str] = {
    "structuur": "Structuur en vaste routines",
    "vrijheid": "Veel vrijheid en zelf ontdekken",
    "samen_eten": "Samen aan tafel eten",
    "buiten_spelen": "Veel buiten spelen",
    "geloof": "Geloof is belangrijk in de opvoeding",
    "rust": "Rust en regelmaat",
    "sport": "Sport en bewegen",
    "creatief": "Creativiteit, muziek en knutselen",
    "school": "Aandacht voor school en huiswerk",
    "weinig_schermen": "Weinig schermtijd",
}

SUPPORT_KINDS: dict[str, str] = {
    "opvang": "Af en toe opvang van de kinderen",
    "logeren": "Een kind dat een nachtje komt logeren",
    "huiswerk": "Hulp bij huiswerk",
    "praktisch": "Praktische hulp (boodschappen, vervoer, klusjes)",
    "opvoedvragen": "Meedenken over opvoedvragen",
    "luisterend_oor": "Een luisterend oor voor de ouders",
    "uitjes": "Samen iets leuks doen",
    "administratie": "Hulp bij post, geld en administratie",
}

UpbringingView = Literal[
    "structuur",
    "vrijheid",
    "samen_eten",
    "buiten_spelen",
    "geloof",
    "rust",
    "sport",
    "creatief",
    "school",
    "weinig_schermen",
]
SupportKind = Literal[
    "opvang",
    "logeren",
    "huiswerk",
    "praktisch",
    "opvoedvragen",
    "luisterend_oor",
    "uitjes",
    "administratie",
]

VIEW_INDEX = {key: i for i, key in enumerate(UPBRINGING_VIEWS)}
SUPPORT_INDEX = {key: i for i, key in enumerate(SUPPORT_KINDS)}
