"""Every message id the interface uses, for checking and updating the catalogues.

``python -m noaber.ui.catalog`` prints the ids that a language's ``.po`` file lacks
(default ``nl``); a test fails while any is missing. :func:`check_plugin` does the same
for a plugin's package and its own catalogues (``ui_locale_dirs``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from noaber.ui.i18n import LOCALE_DIR

PACKAGE_DIR = Path(__file__).parents[1]  # all of core: services raise UserMessages too
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "UserMessage": None}


def _from_code(package_dir: Path = PACKAGE_DIR) -> Iterator[str]:
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(package_dir), method_map=method_map, options_map=options, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):  # ngettext: (singular, plural), known by the first
            message = message[0]
        if isinstance(message, str) and message:
            yield message


def _from_tables() -> Iterator[str]:
    """Message ids kept in tables rather than in ``_()`` calls."""
    from noaber.ui import forms, web
    from noaber.ui.pages import common, public
    from noaber.ui.pages.volunteer import HOURS_MESSAGES, REFERRAL_MESSAGES

    yield from forms.MESSAGES.values()
    yield from (title for title, _ in web.TITLES.values())
    yield from (message for _, message in web.TITLES.values())
    for table in (
        common.ROLE_NAMES,
        common.DAY_NAMES,
        common.PART_NAMES,
        common.URGENCY_NAMES,
        common.ASKED_BY_NAMES,
        common.KIND_NAMES,
        common.MEMBER_ROLES,
        public.FIELD_MESSAGES,
        public.SERVICE_MESSAGES,
        HOURS_MESSAGES,
        REFERRAL_MESSAGES,
    ):
        yield from table.values()
    from noaber.ui import plugin

    found: list[object] = []
    plugin.ui_nav_items(register=found.append)
    yield from (item.label for item in found)  # type: ignore[attr-defined]


def _from_matching() -> Iterator[str]:
    """Descriptions of core's matching criteria, shown in explanations (core owns the
    English text; the catalogue translates it, and shows the English while it lacks one)."""
    from noaber.matching.engine import BUILTIN_COMPONENTS, BUILTIN_FILTERS

    yield from (c.description for c in BUILTIN_COMPONENTS)
    yield from (f.description for f in BUILTIN_FILTERS)


def message_ids(*, matching: bool = True) -> set[str]:
    found = set(_from_code()) | set(_from_tables())
    return found | set(_from_matching()) if matching else found


def _read(po: Path, locale: str) -> Catalog:
    with po.open("rb") as fp:
        return read_po(fp, locale=locale)


def _translated(catalog: Catalog) -> set[str]:
    """The ids ``catalog`` translates; a plural entry by its singular id, once every
    form has a translation."""
    found = set()
    for m in catalog:
        if isinstance(m.id, tuple) and m.id[0] and isinstance(m.string, tuple) and all(m.string):
            found.add(m.id[0])
        elif isinstance(m.id, str) and m.id and m.string:
            found.add(m.id)
    return found


def missing(locale: str = "nl", *, matching: bool = True) -> list[str]:
    catalog = _read(LOCALE_DIR / locale / "LC_MESSAGES" / "noaber.po", locale)
    return sorted(message_ids(matching=matching) - _translated(catalog))


def check_plugin(package_dir: Path, locale_dir: Path, locale: str = "nl") -> list[str]:
    """What is wrong with a plugin's translations into ``locale``: each message id its
    package uses (``UserMessage("...")``, ``_()``, templates) that neither its catalogues
    under ``locale_dir`` nor core's translate, and each translation whose placeholders
    differ from its id's. A plugin's test asserts the list is empty."""
    catalogues = [
        _read(po, locale) for po in sorted((locale_dir / locale / "LC_MESSAGES").glob("*.po"))
    ]
    have = _translated(_read(LOCALE_DIR / locale / "LC_MESSAGES" / "noaber.po", locale))
    problems: list[str] = []
    for catalog in catalogues:
        have |= _translated(catalog)
        for message, errors in catalog.check():
            problems += [f"{message.id!r}: {error}" for error in errors]
    missing = sorted(set(_from_code(package_dir)) - have)
    return [f"no translation: {m!r}" for m in missing] + problems


if __name__ == "__main__":  # pragma: no cover
    for message in missing(sys.argv[1] if len(sys.argv) > 1 else "nl"):
        print(message)
