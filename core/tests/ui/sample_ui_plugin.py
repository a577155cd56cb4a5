"""A plugin using every ui_* hook, registered on one tenant's manager by the tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from noaber.clock import dutch_today
from noaber.hookspecs import hookimpl
from noaber.ui.contrib import NavItem, ReportTable, WorkItem


@hookimpl
def ui_template_dirs() -> Sequence[str]:
    return [str(Path(__file__).parent / "templates_fixture")]


@hookimpl
def ui_nav_items(register: Callable[[NavItem], None]) -> None:
    register(NavItem("Sample programme", "/sample", ("coordinator",), order=15))
    register(
        NavItem(
            "Sample intake",
            "/sample/intake",
            ("coordinator",),
            section="intake",
            request_type="hulpvraag",
        )
    )


@hookimpl
def ui_work_items(tenant, session, register: Callable[[WorkItem], None]) -> None:
    register(
        WorkItem(
            "escalation",
            f"Blockage at {tenant.slug}",
            "/sample/1",
            due=dutch_today() - timedelta(days=3),
        )
    )
    register(WorkItem("sample_section", "Own section item", "/sample/2"))


@hookimpl
def ui_reports(tenant, session, register: Callable[[ReportTable], None]) -> None:
    register(
        ReportTable(
            "sample-revenue",
            "Sample revenue",
            ["Month", "Revenue", "Note"],
            [["2026-10", Decimal("18.00"), "=1+1"], ["2026-11", Decimal("9.50"), "ok"]],
            chart="bar",
        )
    )
