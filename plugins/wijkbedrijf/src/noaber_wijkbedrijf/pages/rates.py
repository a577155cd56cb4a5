"""The rate fields of the new job form and of the job page's rate form: their choices,
their messages and reading them (the templates share ``wijkbedrijf/_rate_fields.html``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request

from noaber.platform import TenantRuntime
from noaber.ui.forms import FormState, blank_to_none, validate
from noaber.ui.notation import nl_money
from noaber.ui.templating import gettext_for
from noaber_wijkbedrijf import services
from noaber_wijkbedrijf.pages.common import actor_of
from noaber_wijkbedrijf.schemas import JobOut, RateIn

RATE_FIELDS = ("rate_code", "income_pct", "rate_reason")
"""The rate's inputs, all optional: none chosen is the full rate."""
RATE_MESSAGES = {"income_pct": "Enter a whole percentage, for example 110."}
"""The rate fields with a message of their own (the others take core's)."""
RATE_SERVICE_MESSAGES = {
    **RATE_MESSAGES,
    "rate_code": "Choose one of the reduced rates.",
    "rate_reason": "Give the reason for this rate.",
}
"""The service's rate fields, for a refusal without a message of its own."""


def rate_options(tenant: TenantRuntime, _: Callable[[str], str]) -> list[tuple[str, str]]:
    """The full rate (no code) and the municipality's reduced rates, with their amounts."""
    settings = services.settings_of(tenant)
    full = settings.hourly_rate
    found = [("", _("Full rate") + (f" ({nl_money(full)})" if full is not None else ""))]
    for rate in settings.reduced_rates:
        found.append((rate.code, f"{rate.code}: {rate.condition} ({nl_money(rate.hourly_rate)})"))
    return found


def rate_values(job: JobOut) -> dict[str, str]:
    """The rate form's fields filled in with the job's rate as it stands."""
    return {
        "rate_code": job.rate_code or "",
        "income_pct": "" if job.income_pct is None else str(job.income_pct),
        "rate_reason": job.rate_reason or "",
    }


def read_rate(request: Request[Any, Any, Any], form: FormState) -> RateIn | None:
    """The rate form's input, or None with the errors next to its fields."""
    _ = gettext_for(request)
    form.values = {n: str(form.values.get(n) or "").strip() for n in RATE_FIELDS}
    found = validate(
        RateIn,
        {**blank_to_none(form.values, RATE_FIELDS), "actor": actor_of(request)},
        form,
        _,
        field_messages=RATE_MESSAGES,
    )
    return found if isinstance(found, RateIn) else None
