"""Parsing and checking the answers of the municipality template.

Used twice: as a Jinja extension (filters that turn the answers into TOML) while the
files are rendered, and by ``hooks/pre_gen_project.py`` to refuse bad answers before
anything is written. Only the standard library is needed; when ``noaber`` is
importable the answers are also validated against the real configuration schema and
the installed plugins.
"""

from __future__ import annotations

import base64
import json
import keyword
import re
from decimal import Decimal, InvalidOperation
from importlib import metadata
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

# The programmes that ship with Noaber; any other installed plugin is accepted too.
KNOWN_PROGRAMMES = ("buurtgezinnen", "wijkbedrijf", "gezinslab", "doorbraak")

# The key setting the template asks for each shipped programme: answer name, TOML key, kind.
KEY_SETTINGS: dict[str, tuple[str, str, str]] = {
    "buurtgezinnen": ("buurtgezinnen_yearly_budget", "yearly_budget", "money"),
    "wijkbedrijf": ("wijkbedrijf_hourly_rate", "hourly_rate", "money"),
    "gezinslab": ("gezinslab_follow_up_interval_months", "follow_up_interval_months", "int"),
    "doorbraak": ("doorbraak_yearly_maatwerk_budget", "yearly_maatwerk_budget", "money"),
}

SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
CBS_CODE = re.compile(r"^GM\d{4}$")
WIJK_CODE = re.compile(r"^WK\d{6}$")
POSTCODE = re.compile(r"^[1-9]\d{3}( ?[A-Z]{2})?$")
HOSTNAME = re.compile(
    r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class AnswerError(ValueError):
    """One or more answers are not acceptable; the message lists each."""


def split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\s]+", value or "") if part.strip()]


def installed_plugins() -> set[str]:
    return {ep.name for ep in metadata.entry_points(group="noaber.plugins")}


def parse_neighbourhoods(value: str, cbs_code: str) -> list[dict[str, Any]]:
    """``"WK019301 Binnenstad: 8011, 8012; Assendorp: 8012"`` → name, wijk code, postcodes.

    A neighbourhood without a wijk code gets ``WK<cbs digits><nn>`` numbered from 00: a
    placeholder to replace with the code on the CBS Wijk- en buurtkaart.
    """
    digits = cbs_code[2:] if CBS_CODE.match(cbs_code) else "0000"
    hoods: list[dict[str, Any]] = []
    problems: list[str] = []
    entries = [e.strip() for e in (value or "").split(";") if e.strip()]
    if not entries:
        raise AnswerError("neighbourhoods: give at least one, as 'Name: postcode, postcode'")
    for index, entry in enumerate(entries):
        head, sep, tail = entry.partition(":")
        if not sep:
            problems.append(f"neighbourhoods: {entry!r} has no ':' before its postcodes")
            continue
        head = head.strip()
        code = f"WK{digits}{index:02d}"
        first, _, rest = head.partition(" ")
        if WIJK_CODE.match(first):
            code, head = first, rest.strip()
        elif first.upper().startswith("WK") and first[2:].isdigit():
            problems.append(f"neighbourhoods: {first!r} is not a wijk code (WK + six digits)")
        if not head:
            problems.append(f"neighbourhoods: {entry!r} has no name")
        if code[2:6] != digits:
            problems.append(f"neighbourhoods: wijk code {code} is not in municipality GM{digits}")
        postcodes = [p.strip().upper() for p in tail.split(",") if p.strip()]
        if not postcodes:
            problems.append(f"neighbourhoods: {head!r} has no postcodes")
        for pc in postcodes:
            if not POSTCODE.match(pc):
                problems.append(f"neighbourhoods: {head!r}: {pc!r} is not a postcode (e.g. 8011)")
        hoods.append({"name": head, "cbs_wijk_code": code, "postcodes": postcodes})
    codes = [h["cbs_wijk_code"] for h in hoods]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"neighbourhoods: wijk code {code} is given twice")
    if problems:
        raise AnswerError("\n".join(problems))
    return hoods


def plugin_settings(answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``[plugins.<name>]`` tables for the enabled plugins, with their key settings."""
    tables: dict[str, dict[str, Any]] = {}
    for name in split_list(answers.get("plugins", "")):
        table: dict[str, Any] = {}
        if name in KEY_SETTINGS:
            answer, key, kind = KEY_SETTINGS[name]
            raw = str(answers.get(answer, "")).strip()
            if raw:
                table[key] = _setting(answer, raw, kind)
        tables[name] = table
    return tables


def _setting(answer: str, raw: str, kind: str) -> Any:
    if kind == "int":
        if not raw.isdigit():
            raise AnswerError(f"{answer}: {raw!r} is not a whole number")
        return int(raw)
    try:
        amount = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise AnswerError(f"{answer}: {raw!r} is not an amount in euros (e.g. 9.00)") from None
    if amount < 0:
        raise AnswerError(f"{answer}: {raw!r} must not be negative")
    return f"{amount.quantize(Decimal('0.01'))}"


def config_from_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """The municipality.toml content as a dict; raises AnswerError listing every problem."""
    problems: list[str] = []
    slug = str(answers.get("slug", ""))
    if not (SLUG.match(slug) and slug.isidentifier() and not keyword.iskeyword(slug)):
        problems.append(
            f"slug: {slug!r} is not a Python identifier in lower case "
            "(letters, digits and _, starting with a letter; e.g. 'zwolle' or 'de_wolden')"
        )
    elif len(slug) > 40:
        problems.append(f"slug: {slug!r} is longer than 40 characters")
    name = str(answers.get("municipality_name", "")).strip()
    if not name:
        problems.append("municipality_name: give the name of the municipality")
    cbs_code = str(answers.get("cbs_code", ""))
    if not CBS_CODE.match(cbs_code):
        problems.append(
            f"cbs_code: {cbs_code!r} is not a CBS municipality code: GM plus four digits "
            "(e.g. GM0119 for Meppel)"
        )
    hosts = [h.lower() for h in split_list(str(answers.get("hosts", "")))]
    problems += [f"hosts: {h!r} is not a host name" for h in hosts if not HOSTNAME.match(h)]
    for key in ("contact_email", "data_protection_officer_email"):
        if not EMAIL.match(str(answers.get(key, ""))):
            problems.append(f"{key}: {answers.get(key)!r} is not an e-mail address")
    for key in ("website", "privacy_statement_url"):
        if not re.match(r"^https?://[^\s/]+\.[^\s]+$", str(answers.get(key, ""))):
            problems.append(f"{key}: {answers.get(key)!r} is not an http(s) URL")
    if not COLOUR.match(str(answers.get("primary_colour", ""))):
        problems.append(f"primary_colour: {answers.get('primary_colour')!r} is not #rrggbb")
    names = split_list(str(answers.get("plugins", "")))
    known = installed_plugins() or set(KNOWN_PROGRAMMES)
    for plugin in names:
        if plugin not in known:
            problems.append(
                f"plugins: {plugin!r} is not a known plugin (known: {', '.join(sorted(known))})"
            )
    for plugin in sorted({p for p in names if names.count(p) > 1}):
        problems.append(f"plugins: {plugin!r} is given twice")
    hoods: list[dict[str, Any]] = []
    tables: dict[str, dict[str, Any]] = {}
    try:
        hoods = parse_neighbourhoods(str(answers.get("neighbourhoods", "")), cbs_code)
    except AnswerError as exc:
        problems.append(str(exc))
    try:
        tables = plugin_settings(answers)
    except AnswerError as exc:
        problems.append(str(exc))
    if problems:
        raise AnswerError("\n".join(problems))
    return {
        "slug": slug,
        "name": name,
        "cbs_code": cbs_code,
        "hosts": hosts,
        "branding": {
            "display_name": f"Gemeente {name}",
            "primary_colour": answers["primary_colour"],
        },
        "privacy": {
            "privacy_statement_url": answers["privacy_statement_url"],
            "data_protection_officer_email": answers["data_protection_officer_email"],
        },
        "contact": {"email": answers["contact_email"], "website": answers["website"]},
        "neighbourhoods": hoods,
        "plugins": tables,
    }


def validate_with_noaber(config: dict[str, Any]) -> None:
    """Check the config against noaber's schema, if noaber is importable here.

    Plugin settings are not validated here (that would import every plugin, and bakes
    should stay fast): the key settings are checked above and the generated package's
    own tests validate them against the installed plugins.
    """
    try:
        from pydantic import ValidationError

        from noaber.municipalities.config import MunicipalityConfig
    except ImportError:
        return
    try:
        MunicipalityConfig.model_validate(config)
    except ValidationError as exc:
        raise AnswerError(_lines(exc)) from None


def _lines(exc: Any, prefix: str = "") -> str:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in ([prefix] if prefix else []) + list(err["loc"]))
        out.append(f"{loc}: {err['msg']}")
    return "\n".join(out)


def toml_value(value: Any) -> str:
    """A TOML literal for strings, numbers, booleans and lists of those."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    # A JSON string is a valid TOML basic string.
    return json.dumps(str(value), ensure_ascii=False)


def b64(value: Any) -> str:
    """Base64 of a string: embeds any answer safely in a generated Python literal."""
    return base64.b64encode(str(value).encode()).decode()


def template_dir(_context: Any) -> str:
    """This template's folder, absolute (the hooks import this module from it)."""
    return str(Path(__file__).resolve().parent)


class NoaberMunicipalityExtension(Extension):
    """Filters for the template: ``toml``, ``municipality_config``, ``plugin_list``."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["toml"] = toml_value
        environment.filters["municipality_config"] = config_from_answers
        environment.filters["plugin_list"] = split_list
        environment.filters["template_dir"] = template_dir
        environment.filters["b64"] = b64
