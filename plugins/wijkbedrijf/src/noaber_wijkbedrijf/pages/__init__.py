"""The coordinator's web pages of the wijkbedrijf, one module each: the hours to approve,
the jobs, one job and its planning, its invoices, the invoices overview (and a resident's
monthly invoice), the volunteer allowances; :func:`router` mounts them."""

from __future__ import annotations

from litestar import Router

from noaber.ui.web import pages_router
from noaber_wijkbedrijf.pages.allowances import (
    ALLOWANCE_MESSAGES,
    ALLOWANCES_PAGE_SIZE,
    AllowancePages,
)
from noaber_wijkbedrijf.pages.billing import (
    FILTER_MESSAGES,
    INVOICES_PAGE_SIZE,
    KIND_NAMES,
    MONTH_MESSAGES,
    STATUS_NAMES,
    InvoicesPages,
)
from noaber_wijkbedrijf.pages.common import (
    ALLOWANCES,
    HOURS,
    INVOICES,
    JOBS,
    NAV_LABEL,
    ROLES,
    job_url,
)
from noaber_wijkbedrijf.pages.hours import SERVICE_MESSAGES, HoursPages
from noaber_wijkbedrijf.pages.invoices import (
    CREDIT_MESSAGES,
    PAYMENT_MESSAGES,
    REFUND_MESSAGES,
    InvoicePages,
)
from noaber_wijkbedrijf.pages.job import PLANNING_MESSAGES, REASON_MESSAGES, JobPages
from noaber_wijkbedrijf.pages.jobs import (
    CHANNEL_NAMES,
    JOB_SERVICE_MESSAGES,
    JOBS_PAGE_SIZE,
    JobsPages,
)

__all__ = [
    "ALLOWANCES",
    "ALLOWANCES_PAGE_SIZE",
    "ALLOWANCE_MESSAGES",
    "CHANNEL_NAMES",
    "CREDIT_MESSAGES",
    "FILTER_MESSAGES",
    "HOURS",
    "INVOICES",
    "INVOICES_PAGE_SIZE",
    "JOBS",
    "JOBS_PAGE_SIZE",
    "JOB_SERVICE_MESSAGES",
    "KIND_NAMES",
    "MONTH_MESSAGES",
    "NAV_LABEL",
    "PAYMENT_MESSAGES",
    "PLANNING_MESSAGES",
    "REASON_MESSAGES",
    "REFUND_MESSAGES",
    "ROLES",
    "SERVICE_MESSAGES",
    "STATUS_NAMES",
    "job_url",
    "router",
]


def router() -> Router:
    """The pages, for the ``route_handlers`` hook: core's router of web pages (the CSRF
    token as a form field, the Dutch error pages, the login page for a visitor who is
    not logged in), for coordinators and municipality admins."""
    return pages_router(
        [HoursPages, JobsPages, JobPages, InvoicePages, InvoicesPages, AllowancePages],
        roles=ROLES,
    )
