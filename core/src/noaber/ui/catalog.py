"""Every message id the interface uses, for checking and updating the catalogues.

``python -m noaber.ui.catalog`` prints the ids that a language's ``.po`` file lacks
(default ``nl``); a test fails while any is missing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import extract_from_dir

from noaber.ui.i18n import LOCALE_DIR

PACKAGE_DIR = Path(__file__).parent
KEYWORDS = {"_": None, "gettext": None}


def _from_code() -> Iterator[str]:
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE_DIR), method_map=method_map, options_map=options, keywords=KEYWORDS
    ):
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


def missing(locale: str = "nl", *, matching: bool = True) -> list[str]:
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / locale / "LC_MESSAGES" / "noaber.po").open("rb") as fp:
        catalog = read_po(fp, locale=locale)
    have = {m.id for m in catalog if m.id and m.string}
    return sorted(message_ids(matching=matching) - have)


if __name__ == "__main__":  # pragma: no cover
    for message in missing(sys.argv[1] if len(sys.argv) > 1 else "nl"):
        print(message)
