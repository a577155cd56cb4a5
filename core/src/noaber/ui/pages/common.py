"""Helpers the page modules share: option lists, labels, the viewer's own records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request

from noaber.matching.columns import DAYS, PARTS
from noaber.platform import TenantRuntime
from noaber.requests.types import RequestType, request_types_of
from noaber.ui.identity import Viewer

ROLE_NAMES = {
    "platform_admin": "Platform administrator",
    "municipality_admin": "Functional administrator",
    "privacy_officer": "Privacy officer",
    "coordinator": "Coordinator",
    "professional": "Professional",
    "volunteer": "Volunteer",
    "resident": "Resident",
}

DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
PART_NAMES = {"morning": "morning", "afternoon": "afternoon", "evening": "evening"}
URGENCY_NAMES = {"low": "Low", "normal": "Normal", "high": "High", "crisis": "Crisis"}
ASKED_BY_NAMES = {
    "self": "The resident",
    "professional": "A professional",
    "gp_referral": "GP referral",
    "school": "School",
}
MEMBER_ROLES = {"parent": "parent", "child": "child", "other": "other"}
KIND_NAMES = {
    "volunteer": "Volunteer",
    "support_family": "Support family",
    "business": "Neighbourhood business",
}


def slot_options(gettext: Callable[[str], str]) -> list[tuple[str, str]]:
    return [
        (f"{d}_{p}", f"{gettext(DAY_NAMES[d])} {gettext(PART_NAMES[p])}")
        for d in DAYS
        for p in PARTS
    ]


def request_type_options(
    tenant: TenantRuntime, viewer: Viewer | None = None
) -> list[tuple[str, str]]:
    return [
        (t.name, t.title)
        for t in request_types_of(tenant.plugins)
        if viewer is None or viewer.may_use(t.programme)
    ]


def request_type(tenant: TenantRuntime, name: str) -> RequestType | None:
    return request_types_of(tenant.plugins).types.get(name)


def options(names: dict[str, str], gettext: Callable[[str], str]) -> list[tuple[str, str]]:
    return [(k, gettext(v)) for k, v in names.items()]


def ids_from_query(request: Request[Any, Any, Any], name: str) -> int | None:
    raw = request.query_params.get(name)
    return int(raw) if raw and raw.isdigit() else None
