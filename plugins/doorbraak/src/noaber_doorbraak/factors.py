"""Neighbourhood factor data (the risk and protective factors of the NJi/Rotterdam
factorenmodel) and programme activity per neighbourhood.

The CSV import is all or nothing: every line is checked first, every problem is reported
with its line number, and only a file without problems is stored (values of the same
neighbourhood, factor, setting and year are replaced).

Counts under the configured threshold are suppressed in every neighbourhood figure. When
exactly one neighbourhood's count in a column is suppressed, the next smallest is hidden
too, so the hidden one cannot be worked out from the municipality's total.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session, col, func, select

from noaber.errors import InvalidInput
from noaber.matching.models import Match
from noaber.people.models import Household
from noaber.requests.models import HelpRequest
from noaber.tenancy.context import require_tenant
from noaber.tenancy.models import Neighbourhood
from noaber_doorbraak.models import Case, FactorKind, FactorSetting, FactorValue, Referral
from noaber_doorbraak.schemas import (
    Activity,
    FactorScore,
    ImportResult,
    NeighbourhoodFigures,
    NeighbourhoodOverview,
)

COLUMNS = (
    "neighbourhood",
    "factor",
    "setting",
    "kind",
    "value",
    "reference_value",
    "year",
    "source",
)
MAX_ERRORS = 100
SETTING_ALIASES = {
    "home": "gezin",
    "family": "gezin",
    "thuis": "gezin",
    "neighbourhood": "buurt",
    "wijk": "buurt",
    "peers": "vrienden",
    "individual": "individu",
}
KIND_ALIASES = {
    "risk": "risico",
    "risicofactor": "risico",
    "protective": "beschermend",
    "beschermende factor": "beschermend",
}
NOT_COUPLED = {"voorgesteld", "afgewezen", "ingetrokken"}
"""Match statuses that never became a coupling."""


def _number(raw: str) -> Decimal:
    text = raw.strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # Dutch decimal comma
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation(raw)
    return value


def import_csv(session: Session, data: bytes) -> ImportResult:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refused([_error(1, None, f"the file is not UTF-8 text ({exc.reason})")]) from None
    if not text.strip():
        raise _refused([_error(1, None, "the file is empty; expected a header line")])
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise _refused(
            [
                _error(
                    1,
                    c,
                    f"column {c!r} is missing (expected: {', '.join(COLUMNS)}; found: "
                    f"{', '.join(header) or 'nothing'})",
                )
                for c in missing
            ]
        )
    reader.fieldnames = header
    hoods = list(session.exec(select(Neighbourhood).order_by(col(Neighbourhood.id))))
    by_key: dict[str, Neighbourhood] = {}
    for each in hoods:
        for key in (each.name, each.cbs_wijk_code, *each.cbs_buurt_codes):
            by_key[key.strip().casefold()] = each
    errors: list[dict[str, Any]] = []
    rows: list[FactorValue] = []
    seen: dict[tuple[int, str, str, int], int] = {}
    for row in reader:
        line = reader.line_num
        if row.get(None):  # type: ignore[call-overload,unused-ignore]
            errors.append(_error(line, None, "the line has more fields than the header"))
        values = {k: (row.get(k) or "").strip() for k in COLUMNS}
        line_errors: list[dict[str, Any]] = []
        for name in COLUMNS:
            if not values[name]:
                line_errors.append(_error(line, name, f"{name} is empty"))
        hood = by_key.get(values["neighbourhood"].casefold())
        if values["neighbourhood"] and hood is None:
            line_errors.append(
                _error(
                    line,
                    "neighbourhood",
                    f"{values['neighbourhood']!r} is not a neighbourhood of this municipality "
                    f"({', '.join(h.name for h in hoods)})",
                )
            )
        setting_raw = values["setting"].casefold()
        setting_raw = SETTING_ALIASES.get(setting_raw, setting_raw)
        if values["setting"] and setting_raw not in FactorSetting.__members__:
            line_errors.append(
                _error(
                    line,
                    "setting",
                    f"{values['setting']!r} is not a setting ({', '.join(FactorSetting)})",
                )
            )
        kind_raw = values["kind"].casefold()
        kind_raw = KIND_ALIASES.get(kind_raw, kind_raw)
        if values["kind"] and kind_raw not in FactorKind.__members__:
            line_errors.append(
                _error(
                    line, "kind", f"{values['kind']!r} is not risico/risk or beschermend/protective"
                )
            )
        numbers: dict[str, Decimal] = {}
        for name in ("value", "reference_value"):
            if values[name]:
                try:
                    numbers[name] = _number(values[name])
                except InvalidOperation:
                    line_errors.append(_error(line, name, f"{values[name]!r} is not a number"))
        year: int | None = None
        if values["year"]:
            try:
                year = int(values["year"])
                if not 1990 <= year <= 2100:
                    raise ValueError
            except ValueError:
                line_errors.append(
                    _error(line, "year", f"{values['year']!r} is not a year (1990-2100)")
                )
        if len(values["factor"]) > 200 or len(values["source"]) > 300:
            line_errors.append(_error(line, "factor", "factor or source is too long"))
        if line_errors:
            errors.extend(line_errors)
        else:
            assert hood is not None
            assert hood.id is not None
            assert year is not None
            indicator = (hood.id, values["factor"].casefold(), setting_raw, year)
            if indicator in seen:
                errors.append(
                    _error(
                        line, "factor", f"the same indicator is on line {seen[indicator]} already"
                    )
                )
                continue
            seen[indicator] = line
            rows.append(
                FactorValue(
                    tenant_id=require_tenant(),
                    neighbourhood_id=hood.id,
                    factor=values["factor"],
                    setting=FactorSetting(setting_raw),
                    kind=FactorKind(kind_raw),
                    value=numbers["value"],
                    reference_value=numbers["reference_value"],
                    year=year,
                    source=values["source"],
                )
            )
        if len(errors) >= MAX_ERRORS:
            break
    if not errors and not rows:
        errors.append(_error(1, None, "the file has a header but no data lines"))
    if errors:
        raise _refused(errors)
    existing = session.exec(
        select(FactorValue).where(col(FactorValue.year).in_({r.year for r in rows}))
    ).all()
    wanted = {(r.neighbourhood_id, r.factor.casefold(), r.setting.value, r.year) for r in rows}
    replaced = 0
    for old in existing:
        if (old.neighbourhood_id, old.factor.casefold(), old.setting.value, old.year) in wanted:
            session.delete(old)
            replaced += 1
    session.flush()
    session.add_all(rows)
    session.flush()
    names = {h.id: h.name for h in hoods}
    return ImportResult(
        imported=len(rows),
        replaced=replaced,
        years=sorted({r.year for r in rows}),
        neighbourhoods=sorted({names[r.neighbourhood_id] for r in rows}),
    )


def _error(line: int, column: str | None, message: str) -> dict[str, Any]:
    return {"line": line, "field": column, "source": "body", "message": f"line {line}: {message}"}


def _refused(errors: list[dict[str, Any]]) -> InvalidInput:
    lines = sorted({e["line"] for e in errors})
    return InvalidInput(
        f"the CSV import was refused, nothing was imported: {len(errors)} problem(s) on "
        f"line(s) {', '.join(map(str, lines))}",
        errors=errors,
    )


# --- neighbourhood figures -----------------------------------------------------------------


def suppress(counts: dict[int, int], threshold: int) -> dict[int, int | None]:
    """Hide counts under the threshold; if only one is hidden, hide the next smallest too."""
    shown: dict[int, int | None] = {k: (v if v >= threshold else None) for k, v in counts.items()}
    hidden = [k for k, v in shown.items() if v is None]
    if len(hidden) == 1:
        rest = sorted((v, k) for k, v in shown.items() if v is not None)
        if rest:
            shown[rest[0][1]] = None
    return shown


def activity_counts(session: Session) -> dict[str, dict[int | None, int]]:
    """Cases, GP referrals and couplings per neighbourhood (all time)."""
    cases = dict(
        session.exec(
            select(Household.neighbourhood_id, func.count(col(Case.id)))
            .join(Household, col(Household.id) == Case.household_id)
            .where(col(Household.neighbourhood_id).is_not(None))
            .group_by(col(Household.neighbourhood_id))
        ).all()
    )
    referrals = dict(
        session.exec(
            select(Household.neighbourhood_id, func.count(col(Referral.id)))
            .join(Case, col(Case.id) == Referral.case_id)
            .join(Household, col(Household.id) == Case.household_id)
            .where(col(Household.neighbourhood_id).is_not(None))
            .group_by(col(Household.neighbourhood_id))
        ).all()
    )
    couplings = dict(
        session.exec(
            select(HelpRequest.neighbourhood_id, func.count(col(Match.id)))
            .join(HelpRequest, col(HelpRequest.id) == Match.request_id)
            .where(
                col(HelpRequest.neighbourhood_id).is_not(None),
                col(Match.status).not_in(NOT_COUPLED),
            )
            .group_by(col(HelpRequest.neighbourhood_id))
        ).all()
    )
    return {"cases": cases, "referrals": referrals, "couplings": couplings}


def overview(session: Session, threshold: int, year: int | None = None) -> NeighbourhoodOverview:
    hoods = list(session.exec(select(Neighbourhood).order_by(col(Neighbourhood.id))))
    if year is None:
        year = session.exec(select(func.max(FactorValue.year))).first()
    values = (
        session.exec(select(FactorValue).where(FactorValue.year == year)).all()
        if year is not None
        else []
    )
    groups: dict[tuple[str, str], list[FactorValue]] = defaultdict(list)
    for v in values:
        groups[(v.factor, v.setting.value)].append(v)
    scores: dict[int, list[FactorScore]] = defaultdict(list)
    for items in groups.values():
        numbers = [float(v.value) for v in items]
        mean = statistics.fmean(numbers)
        sd = statistics.pstdev(numbers) if len(numbers) > 1 else 0.0
        for v in items:
            scores[v.neighbourhood_id].append(
                FactorScore(
                    factor=v.factor,
                    setting=v.setting,
                    kind=v.kind,
                    year=v.year,
                    value=v.value,
                    reference_value=v.reference_value,
                    municipality_mean=round(mean, 4),
                    z_score=round((float(v.value) - mean) / sd, 3) if sd > 0 else None,
                    source=v.source,
                )
            )
    raw = activity_counts(session)
    ids = [h.id or 0 for h in hoods]
    shown = {
        name: suppress({i: per_hood.get(i, 0) for i in ids}, threshold)
        for name, per_hood in raw.items()
    }
    return NeighbourhoodOverview(
        year=year,
        threshold=threshold,
        neighbourhoods=[
            NeighbourhoodFigures(
                neighbourhood_id=h.id or 0,
                name=h.name,
                factors=sorted(scores.get(h.id or 0, []), key=lambda s: (s.setting, s.factor)),
                activity=Activity(
                    cases=shown["cases"][h.id or 0],
                    referrals=shown["referrals"][h.id or 0],
                    couplings=shown["couplings"][h.id or 0],
                    suppressed=[name for name in raw if shown[name][h.id or 0] is None],
                ),
            )
            for h in hoods
        ],
    )
