"""Coordinators on the reports page (issue 10): the tables of the programmes they
coordinate and the municipality-wide tables without case detail; another programme's
table is not shown and its export is a 403. Municipality admins see every table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from noaber import hookimpl
from noaber.ui.contrib import ReportTable

PAGE = "/beheer/rapportages"


class ProgrammeTables:
    """One table for each of two programmes, and a municipality-wide one with case detail."""

    @hookimpl
    def ui_reports(
        self, tenant: Any, session: Any, register: Callable[[ReportTable], None]
    ) -> None:
        register(
            ReportTable(
                "test-gezinslab-trajecten",
                "Testtabel Gezinslab",
                ["Jaar", "Trajecten"],
                [[2026, 7]],
                programme="gezinslab",
            )
        )
        register(
            ReportTable(
                "test-wijkbedrijf-klussen",
                "Testtabel Wijkbedrijf",
                ["Jaar", "Klussen"],
                [[2026, 40]],
                programme="wijkbedrijf",
            )
        )
        register(
            ReportTable(
                "test-dossiers",
                "Testtabel dossiers",
                ["Dossier", "Gezin"],
                [[1, "Gezin de Vries"]],
                case_detail=True,
            )
        )


@pytest.fixture
def with_tables(platform: Any) -> Iterator[ProgrammeTables]:
    plugin = ProgrammeTables()
    platform.tenants["leeuwarden"].plugins.register(plugin)
    yield plugin
    platform.tenants["leeuwarden"].plugins.unregister(plugin)


def _coordinator(client_for: Any, programme: str) -> Any:
    return client_for("leeuwarden", role="coordinator", programme=programme)


def test_a_coordinator_sees_the_own_programme_and_core_aggregates(with_tables, client_for):
    page = _coordinator(client_for, "gezinslab").get(PAGE)
    assert page.status_code == 200
    assert "Testtabel Gezinslab" in page.text
    assert "Testtabel Wijkbedrijf" not in page.text
    assert "Testtabel dossiers" not in page.text
    assert "Gezin de Vries" not in page.text
    # Core's municipality-wide aggregates are there (in Dutch).
    assert 'id="rapport-koppelingen-per-jaar"' in page.text
    assert 'id="rapport-aanvragen-per-status"' in page.text
    # The programme filter offers only the own programme.
    assert '<option value="gezinslab"' in page.text
    assert '<option value="wijkbedrijf"' not in page.text


def test_another_programme_s_export_is_forbidden(with_tables, client_for):
    gezinslab = _coordinator(client_for, "gezinslab")
    own = gezinslab.get(f"{PAGE}/test-gezinslab-trajecten.csv")
    assert own.status_code == 200
    assert "Trajecten" in own.text
    assert gezinslab.get(f"{PAGE}/koppelingen-per-jaar.xlsx").status_code == 200
    for name in ("test-wijkbedrijf-klussen", "test-dossiers"):
        for extension in ("csv", "xlsx"):
            refused = gezinslab.get(f"{PAGE}/{name}.{extension}")
            assert refused.status_code == 403, name
    wijkbedrijf = _coordinator(client_for, "wijkbedrijf")
    assert wijkbedrijf.get(f"{PAGE}/test-wijkbedrijf-klussen.xlsx").status_code == 200
    assert wijkbedrijf.get(f"{PAGE}/test-gezinslab-trajecten.csv").status_code == 403
    # An export that does not exist is still a 404, for everyone.
    assert gezinslab.get(f"{PAGE}/bestaat-niet.csv").status_code == 404


def test_admins_see_every_table(with_tables, client_for):
    admin = client_for("leeuwarden")
    page = admin.get(PAGE).text
    for title in ("Testtabel Gezinslab", "Testtabel Wijkbedrijf", "Testtabel dossiers"):
        assert title in page
    assert admin.get(f"{PAGE}/test-dossiers.csv").status_code == 200


def test_coordinators_find_the_reports_in_the_navigation(client_for):
    coordinator = _coordinator(client_for, "gezinslab")
    work = coordinator.get("/werk").text
    assert '<a href="/beheer/rapportages">Rapportages</a>' in work
    # Other admin pages stay closed to coordinators and out of their navigation.
    assert "/beheer/gebruikers" not in work
    assert coordinator.get("/beheer/gebruikers").status_code == 403
    assert client_for("leeuwarden", role="volunteer").get(PAGE).status_code == 403
