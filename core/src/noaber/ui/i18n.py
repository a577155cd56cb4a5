"""The interface's translation catalogues (gettext ``.po`` files, read with Babel).

Templates and code use English message ids; ``locale/<lang>/LC_MESSAGES/noaber.po``
translates them. The ``.po`` files are compiled in memory when first used, so no build
step (and no committed ``.mo``) is needed. Adding a language is adding a ``.po`` file.
"""

from __future__ import annotations

import functools
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "noaber"
DEFAULT_LOCALE = "nl"


def available_locales() -> list[str]:
    return sorted(
        p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )


@functools.cache
def translations(locale: str) -> Translations:
    """The compiled catalogue of ``locale`` (a ``.mo`` next to the ``.po`` is used if
    it is at least as new; otherwise the ``.po`` is compiled in memory)."""
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=locale, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def choose_locale(accept_language: str | None) -> str:
    """The first language of the ``Accept-Language`` header we have, else Dutch."""
    have = set(available_locales())
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        for candidate in (tag, tag.split("-")[0]):
            if candidate in have:
                return candidate
    return DEFAULT_LOCALE
