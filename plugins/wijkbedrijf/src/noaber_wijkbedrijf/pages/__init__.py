"""The coordinator's web pages of the wijkbedrijf, one module each: the hours to approve,
the jobs, one job and its planning, its invoices; :func:`router` mounts them."""

from __future__ import annotations

from litestar import Router

from noaber.ui.web import pages_router
from noaber_wijkbedrijf.pages.common import HOURS, JOBS, NAV_LABEL, ROLES, job_url
from noaber_wijkbedrijf.pages.hours import SERVICE_MESSAGES, HoursPages
from noaber_wijkbedrijf.pages.invoices import CREDIT_MESSAGES, PAYMENT_MESSAGES, InvoicePages
from noaber_wijkbedrijf.pages.job import PLANNING_MESSAGES, REASON_MESSAGES, JobPages
from noaber_wijkbedrijf.pages.jobs import (
    CHANNEL_NAMES,
    JOB_SERVICE_MESSAGES,
    JOBS_PAGE_SIZE,
    JobsPages,
)

__all__ = [
    "CHANNEL_NAMES",
    "CREDIT_MESSAGES",
    "HOURS",
    "JOBS",
    "JOBS_PAGE_SIZE",
    "JOB_SERVICE_MESSAGES",
    "NAV_LABEL",
    "PAYMENT_MESSAGES",
    "PLANNING_MESSAGES",
    "REASON_MESSAGES",
    "ROLES",
    "SERVICE_MESSAGES",
    "job_url",
    "router",
]


def router() -> Router:
    """The pages, for the ``route_handlers`` hook: core's router of web pages (the CSRF
    token as a form field, the Dutch error pages, the login page for a visitor who is
    not logged in), for coordinators and municipality admins."""
    return pages_router([HoursPages, JobsPages, JobPages, InvoicePages], roles=ROLES)
