"""The interface's translation catalogues (gettext ``.po`` files, read with Babel).

Templates and code use English message ids; ``locale/<lang>/LC_MESSAGES/noaber.po``
translates them. The ``.po`` files are compiled in memory when first used, so no build
step (and no committed ``.mo``) is needed. Adding a language is adding a ``.po`` file.
Plugins add their own catalogues (the ``ui_locale_dirs`` hook): a tenant's translations
are core's merged with those of its plugins (:func:`translations_for`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pluggy
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from noaber.clock import dutch_time
from noaber.errors import UserMessage

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "noaber"
DEFAULT_LOCALE = "nl"


LOCALE_COOKIE = "noaber_taal"
"""The cookie that keeps the reader's choice of language."""

LOCALE_NAMES = {"nl": "Nederlands", "en": "English", "fy": "Frysk"}
"""Each language by its own name, for the links that switch to it."""


@functools.cache
def available_locales() -> list[str]:
    return sorted(
        p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )


def _compiled(po: Path, locale: str) -> Translations:
    """One catalogue, compiled (a ``.mo`` next to the ``.po`` is used if it is at least
    as new; otherwise the ``.po`` is compiled in memory). A new object on every call:
    :func:`translations` merges into it."""
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=locale, domain=po.stem)
    buffer = BytesIO()
    write_mo(buffer, catalog)  # leaves out untranslated ids, so they never blank core's
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@functools.cache
def translations(locale: str, plugin_dirs: tuple[str, ...] = ()) -> Translations:
    """Core's catalogue of ``locale`` merged with the ``<dir>/<locale>/LC_MESSAGES/*.po``
    of ``plugin_dirs``; the first directory's translation of an id wins. Cached per
    language and set of directories (a tenant's plugins fix the set)."""
    merged = _compiled(LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po", locale)
    for folder in reversed(plugin_dirs):
        for po in sorted((Path(folder) / locale / "LC_MESSAGES").glob("*.po")):
            merged.merge(_compiled(po, locale))
    return merged


def locale_dirs(pm: pluggy.PluginManager) -> tuple[str, ...]:
    """The catalogue directories of a tenant's plugins (``ui_locale_dirs``), in hook
    order: a municipality's rules module first, then the plugins it enables."""
    return tuple(str(d) for found in pm.hook.ui_locale_dirs() for d in found)


def translations_for(pm: pluggy.PluginManager, locale: str) -> Translations:
    """The translations of a tenant (core's and its plugins') in ``locale``."""
    return translations(locale, locale_dirs(pm))


def nl_date(value: Any) -> str:
    """``07-12-2026`` for a date, ``07-12-2026 23:30`` for a moment, on the Dutch clock
    (moments are stored in UTC); a dash for nothing."""
    if value is None:
        return "\u2013"
    if isinstance(value, datetime):
        return dutch_time(value).strftime("%d-%m-%Y %H:%M")
    return str(value.strftime("%d-%m-%Y"))


def _ui_value(value: object) -> str:
    return nl_date(value) if isinstance(value, date) else str(value)


def translate(message: UserMessage, gettext: Callable[[str], str]) -> str:
    """``message`` in the language of ``gettext``; dates written as the interface does."""
    return message.render(gettext, _ui_value)


def choose_locale(chosen: str | None) -> str:
    """The language the reader chose (:data:`LOCALE_COOKIE`) if there is a catalogue for
    it, else Dutch: the interface speaks Dutch unless its reader asks for another
    language, whatever the browser's settings."""
    return chosen if chosen in available_locales() else DEFAULT_LOCALE
